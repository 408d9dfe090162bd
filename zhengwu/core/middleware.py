from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.core import context
from zhengwu.core.errors import AppError
from zhengwu.core.web import render_app_error


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, the deployment sets ZHENGWU trusted proxy headers at the proxy;
    # we record REMOTE_ADDR, which a client cannot forge.
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Give every request an id (echoed as ``X-Request-ID``) and bind it for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = "api" if request.path.startswith("/api/") else "web"
        ctx = context.RequestContext(request_id=context.new_request_id(), ip=client_ip(request), origin=origin)
        request.request_id = ctx.request_id  # type: ignore[attr-defined]
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response



log = logging.getLogger(__name__)


def _proxy_start(value: str) -> dt.datetime | None:
    """``t=1700000000.123`` (nginx ``${msec}``: seconds) or ``t=1700000000123456`` (microseconds)."""
    text = value.strip().removeprefix("t=")
    try:
        number = float(text)
    except ValueError:
        return None
    seconds = number / 1_000_000 if number > 1e14 else number
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def received_at(request: HttpRequest) -> dt.datetime:
    """When the request was received: ``ReceivedAtMiddleware``'s stamp (the trusted proxy's, or the moment the
    application got the request), or now for a request that did not pass the middleware."""
    return getattr(request, "received_at", None) or timezone.now()


class ReceivedAtMiddleware:
    """Stamp ``request.received_at``: the moment that counts as the request's receipt (a sealed bid's 送达时间).

    Without a proxy it is the moment the application starts on the request. Behind a reverse proxy that buffers
    the request body (nginx's default) and sets ``ZHENGWU_REQUEST_START_HEADER`` (e.g. ``X-Request-Start:
    t=${msec}``), it is the proxy's time, taken once the whole request had arrived: a request that waited in the
    application server's queue is not made late by the wait. The header is trusted only when that setting names
    it (the proxy must overwrite whatever a client sent), and only within ``ZHENGWU_REQUEST_START_MAX_AGE``
    seconds before the application's own time and never after it (clock skew of 1 s allowed); otherwise the
    application's time is used and the refusal logged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        header = getattr(settings, "ZHENGWU_REQUEST_START_HEADER", "") or ""
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else ""
        self.max_age = dt.timedelta(seconds=getattr(settings, "ZHENGWU_REQUEST_START_MAX_AGE", 600))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        stamp = now
        raw = request.META.get(self.meta_key) if self.meta_key else None
        if raw:
            proxy = _proxy_start(raw)
            if proxy is not None and now - self.max_age <= proxy <= now + dt.timedelta(seconds=1):
                stamp = min(proxy, now)
            else:
                log.warning("request start header %r ignored (application time %s)", raw, now.isoformat())
        request.received_at = stamp  # type: ignore[attr-defined]
        return self.get_response(request)


NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _shown(name: str) -> str:
    """A field name fit for the message: no NUL, not endless (the name itself is what the client sent)."""
    return name.replace(NUL, "\ufffd")[:64]


def nul_field(request: HttpRequest) -> str | None:
    """The first place of a web request holding a NUL character: a path parameter (or ``path``), a query
    parameter, or a posted form field (its name or value; an uploaded file's field name, not its content)."""
    if NUL in request.path:
        try:
            kwargs = resolve(request.path_info).kwargs
        except Resolver404:
            kwargs = {}
        return next((name for name, value in kwargs.items() if NUL in str(value)), "path")
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return _shown(name)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return _shown(name)
        # An uploaded file's own name comes without NUL (Django's parser removes it); its content is not text.
        for name in request.FILES:
            if NUL in name:
                return _shown(name)
    return None


class NulCharacterMiddleware:
    """Refuse a web request holding a NUL character (``\\x00``) with a 400 naming the field, before any view.

    PostgreSQL can neither store nor compare a text holding NUL: such a value reaching a query is a ``DataError``,
    a 500. The API answers it itself (a 422 in its JSON shape, ``config.api.on_data_error``) and is left alone
    here. Only the field's name is shown; nothing of the request is logged beyond Django's own line for a 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            field = nul_field(request)
            if field is not None:
                message = _("%(field)s:不能包含空字符(NUL)。") % {"field": field}
                return render_app_error(request, AppError(message, code="bad_character", field=field))
        return self.get_response(request)
