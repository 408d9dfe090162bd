"""The typed JSON API under /api/v1/ with its OpenAPI document (/api/v1/docs).

Authentication: the web session (with CSRF) or ``Authorization: Bearer zw_…``.
Every error has one shape: ``{"code": …, "message": …, "field": …}``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from zhengwu.core.errors import AppError
from zhengwu.core.tokens import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Zhengwu API",
    version="1",
    description="区行政服务中心一体化平台 API。错误格式统一为 {code, message, field}。",
    urls_namespace="api",
    # Bearer first: a token request carries no CSRF cookie, and the session check would refuse it.
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None,
           details: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(AppError)
def on_app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field, exc.details or None)


def _loc_to_field(loc: list[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "data")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = exc.errors
    first = errors[0] if errors else {}
    field = _loc_to_field(list(first.get("loc", [])))
    message = str(first.get("msg", "输入不合法"))
    details = [{"field": _loc_to_field(list(e.get("loc", []))), "message": str(e.get("msg", "")),
                "type": e.get("type")} for e in errors]
    return _error(request, 422, "invalid", f"{field or '请求'}:{message}", field, {"errors": details})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录或提供有效的令牌。")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "对象不存在或不在您的数据范围内。")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


_INT64 = 2**63 - 1


def _oversized_field(request: HttpRequest) -> str | None:
    """The first path or query parameter holding an integer beyond a 64-bit column (what SQLite refuses)."""
    match = getattr(request, "resolver_match", None)
    params = [*((match.kwargs if match else {}).items()), *request.GET.items()]
    for name, value in params:
        text = str(value).strip()
        if re.fullmatch(r"[+-]?[0-9]+", text):
            digits = text.lstrip("+-").lstrip("0")
            if len(digits) > 19 or int(digits or "0") > _INT64:
                return name
    return None


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """An integer id or filter too large for the database (found by the API fuzzing): a 422, not a 500."""
    field = _oversized_field(request)
    return _error(request, 422, "out_of_range", f"{field or '请求'}:数值超出范围。", field)


def _nul_field(request: HttpRequest) -> str | None:
    """The first path, query or top-level JSON body parameter holding a NUL character (what PostgreSQL refuses)."""
    match = getattr(request, "resolver_match", None)
    for name, value in [*((match.kwargs if match else {}).items()), *request.GET.items()]:
        if "\x00" in str(value):
            return name
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RawPostDataException):
        return None
    if isinstance(body, dict):
        for name, value in body.items():
            if _has_nul(value):
                return name
    return None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A NUL character in a text value (PostgreSQL cannot store or compare it; found by the API fuzzing): a 422
    naming the parameter, not a 500. Any other data error is a server error, as before."""
    if "NUL" not in str(exc) and "0x00" not in str(exc):
        raise exc
    field = _nul_field(request)
    return _error(request, 422, "bad_character", f"{field or '请求'}:不能包含空字符(NUL)。", field)


def _register_routers() -> None:
    from zhengwu.core.api import router as core_router
    from zhengwu.org.api import router as org_router

    from zhengwu.cases.api import public_router as cases_public_router
    from zhengwu.cases.api import router as cases_router
    from zhengwu.reviews.api import public_router as reviews_public_router
    from zhengwu.reviews.api import router as reviews_router
    from zhengwu.evaluation.api import public_router as evaluation_public_router
    from zhengwu.evaluation.api import router as evaluation_router
    from zhengwu.trading.api import router as trading_router
    from zhengwu.credit.api import router as credit_router
    from zhengwu.fairreview.api import router as fairreview_router
    from zhengwu.supervision.api import router as supervision_router
    from zhengwu.smallprojects.api import router as smallprojects_router
    from zhengwu.finance.api import router as finance_router
    from zhengwu.enterprise.api import router as enterprise_router
    from zhengwu.approvals.api import router as approvals_router
    from zhengwu.projectservice.api import router as projectservice_router
    from zhengwu.intermediary.api import router as intermediary_router
    from zhengwu.village.api import router as village_router
    from zhengwu.retrieval.api import router as retrieval_router
    from zhengwu.reports.api import router as reports_router
    from zhengwu.leadership.api import router as leadership_router

    api.add_router("/core/", core_router)
    api.add_router("/org/", org_router)
    api.add_router("/cases/", cases_router)
    api.add_router("/public/cases/", cases_public_router)
    api.add_router("/reviews/", reviews_router)
    api.add_router("/public/reviews/", reviews_public_router)
    api.add_router("/evaluation/", evaluation_router)
    api.add_router("/public/evaluation/", evaluation_public_router)
    api.add_router("/trading/", trading_router)
    api.add_router("/credit/", credit_router)
    api.add_router("/fairreview/", fairreview_router)
    api.add_router("/supervision/", supervision_router)
    api.add_router("/smallprojects/", smallprojects_router)
    api.add_router("/finance/", finance_router)
    api.add_router("/enterprise/", enterprise_router)
    api.add_router("/approvals/", approvals_router)
    api.add_router("/projectservice/", projectservice_router)
    api.add_router("/intermediary/", intermediary_router)
    api.add_router("/village/", village_router)
    api.add_router("/retrieval/", retrieval_router)
    api.add_router("/reports/", reports_router)
    api.add_router("/leadership/", leadership_router)


_register_routers()

__all__ = ["api"]
