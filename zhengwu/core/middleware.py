from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse

from zhengwu.core import context


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

