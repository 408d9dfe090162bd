"""The web layer's side of permissions and application errors.

Views never test roles: they state the permission they need, and let the
services raise :class:`~zhengwu.core.errors.AppError`::

    from zhengwu.core.web import handles_app_errors, permission_required_403

    @permission_required_403("cases.accept")
    @handles_app_errors
    def case_accept(request, pk): ...

* An anonymous user is sent to the login page; a signed-in user without the
  permission gets the 403 page (an alert partial for htmx requests).
* An ``AppError`` raised in the view is shown with its message and its
  ``status`` (400/403/404/409/422): the full error page for a normal request,
  the small alert partial ``core/partials/_alert.html`` for an htmx request,
  retargeted to the page's alert area (``#zw-alerts`` in ``base.html``) so the
  error never replaces the content the user was working on.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhengwu.core.errors import AppError

View = Callable[..., HttpResponse]

ALERT_TARGET = "#zw-alerts"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_alert(request: HttpRequest, message: Any, *, status: int = 400, tone: str = "red") -> HttpResponse:
    """The alert partial, sent to the page's alert area."""
    html = render_to_string("core/partials/_alert.html", {"message": message, "tone": tone}, request=request)
    response = HttpResponse(html, status=status)
    response["HX-Retarget"] = ALERT_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


def redirect_to_login_page(request: HttpRequest) -> HttpResponse:
    """The login page, then back here; an htmx request (say, after the session timed out) reloads."""
    if is_htmx(request):
        # Back to the page the user was on, not to the fragment URL htmx asked for.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        response = redirect_to_login(current.path or "/")
        hx = HttpResponse(status=204)
        hx["HX-Redirect"] = response["Location"]
        return hx
    return redirect_to_login(request.get_full_path())


def render_forbidden(request: HttpRequest, message: Any = None) -> HttpResponse:
    message = message or _("您没有访问此页面的权限。如需开通，请联系本单位管理员。")
    if is_htmx(request):
        return render_alert(request, message, status=403)
    html = render_to_string("403.html", {"message": message}, request=request)
    return HttpResponse(html, status=403)


def render_app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    """Show an application error with its message and status."""
    if is_htmx(request):
        return render_alert(request, exc.message, status=exc.status)
    if exc.status == 403:
        return render_forbidden(request, exc.message)
    html = render_to_string("core/error.html", {"message": exc.message, "code": exc.code, "field": exc.field,
                                                "status": exc.status}, request=request)
    return HttpResponse(html, status=exc.status)


def handles_app_errors(view: View) -> View:
    """Render an ``AppError`` raised by the view instead of letting it become a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AppError as exc:
            return render_app_error(request, exc)

    return wrapper


def permission_required_403(permission: str) -> Callable[[View], View]:
    """Require a signed-in user holding ``permission``; otherwise login redirect or 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login_page(request)
            if not user.has_perm(permission):
                return render_forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
