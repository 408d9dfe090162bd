"""The web shell: dashboard, inbox, health check. Login and logout are Django's views (core/urls.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core import dashboard as dashboard_registry
from zhengwu.core.reminders import notification_mark_read, notifications_for
from zhengwu.core.web import (handles_app_errors, is_htmx, permission_required_403, redirect_to_login_page,
                              render_forbidden)

NOTIFICATIONS_PER_PAGE = 20


@require_GET
@handles_app_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    """工作台. A user whose role has no dashboard (citizen, expert, auditor) starts from the inbox."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login_page(request)
    if not user.has_perm("core.view_dashboard"):
        if user.has_perm("core.view_notifications"):
            return redirect("notifications")
        return render_forbidden(request)
    return render(request, "core/dashboard.html", {
        "panels": dashboard_registry.panels_for(request),
        "scope_label": _scope_label(user),
    })


def _scope_label(user) -> str:  # noqa: ANN001
    from zhengwu.org.roles import ScopeKind

    scope = getattr(user, "scope", "")
    try:
        label = str(ScopeKind(scope).label)
    except ValueError:
        label = str(scope)
    place = user.department or user.region or user.enterprise
    return f"{label} · {place}" if place is not None and scope != ScopeKind.ALL else label


def _inbox_context(request: HttpRequest) -> dict:
    page = Paginator(notifications_for(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    # The unread count is the shell's own ``zw_unread_count`` (context_processors.shell), taken
    # while rendering, so after "mark all read" it is already 0.
    return {"page_obj": page, "notifications": page.object_list}


@require_GET
@permission_required_403("core.view_notifications")
@handles_app_errors
def notifications(request: HttpRequest) -> HttpResponse:
    """消息: the user's inbox, newest first."""
    return render(request, "core/notifications.html", _inbox_context(request))


@require_POST
@permission_required_403("core.view_notifications")
@handles_app_errors
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all (or the posted ``id`` values) read; htmx gets the inbox partial back."""
    ids = request.POST.getlist("id") or None
    notification_mark_read(user=request.user, notification_ids=[int(i) for i in ids if i.isdigit()] if ids else None)
    if is_htmx(request):
        return render(request, "core/partials/_notifications.html", {**_inbox_context(request), "oob": True})
    return redirect("notifications")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """``/healthz`` for the load balancer and the deployment scripts: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone() == (1,)
    except DatabaseError:
        ok = False
    body = {"status": "ok" if ok else "error", "database": "ok" if ok else "unavailable",
            "engine": connection.vendor}
    return JsonResponse(body, status=200 if ok else 503)
