"""Who is acting and on behalf of which request, for code far from the view.

The audit trail needs the request id and IP of the web request, and falls back
to the name of the command or job when there is none: writes outside a web
request are audited too.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    origin: str = "web"  # web, api, command:<name>, job:<name>


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("zhengwu_request", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=new_request_id(), origin="process")
    return ctx


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def bind(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def outside_request(origin: str) -> Iterator[RequestContext]:
    """Bind a context for a management command or a background job."""
    with bind(RequestContext(request_id=new_request_id(), origin=origin)) as ctx:
        yield ctx
