"""The client of the province's lawyer system "律师在线" (contract: docs/retrieval-external.md).

``LawyerOnlineAdapter(base_url=..., key_id=..., api_key=...).query(q)`` signs the request with
HMAC-SM3, retries what may pass on a second try (429, 500, 502, 503, 504, timeouts, connection errors)
with exponential backoff, verifies the answer's signature and the echo of the request id, validates the
body against the contract with pydantic, and returns an :class:`ExternalAnswer`. Anything else raises
:class:`ExternalUnavailable` / :class:`ExternalMalformed`; nothing is guessed.

``base_url="simulator:"`` (or ``"simulator:<mode>"``, a mode of the stand-in server other than ``slow``)
answers from :mod:`lawyer_online_server` in process through ``httpx.WSGITransport``: the demo and the
offline install, never production (check ``retrieval.W001``).
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import date, datetime
from typing import Annotated, Any, Literal

import httpx
from django.utils.translation import gettext_noop
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, ValidationError, model_validator

from zhengwu.core.crypto import verify_hmac
from zhengwu.retrieval.external.base import (
    SIMULATOR_PREFIX,
    ExternalAnswer,
    ExternalMalformed,
    ExternalQuery,
    ExternalUnavailable,
)
from zhengwu.retrieval.external.lawyer_online_server import (
    ASSESSMENTS,
    MODES,
    PATH,
    PRACTICE_STATUSES,
    QUERY_TYPE,
    make_app,
    sign,
)

logger = logging.getLogger("zhengwu.retrieval.external")

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
SIMULATOR_HOST = "http://lawyer-online.simulator"
NOT_FOUND_SUMMARY = "未查询到执业记录"

# Labels of ExternalAnswer.details: stored with the answer in Chinese; marked so that a screen may translate them.
LABELS = {
    "name": gettext_noop("姓名"),
    "license_number": gettext_noop("执业证号"),
    "law_firm": gettext_noop("执业机构"),
    "practice_status": gettext_noop("执业状态"),
    "first_licensed_on": gettext_noop("首次执业日期"),
    "annual_assessment": gettext_noop("年度考核"),
}

_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- the answer, as the contract defines it ----------------------------------------------------

def _aware_datetime(value: Any) -> datetime:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("must be an ISO-8601 date and time with a UTC offset (YYYY-MM-DDTHH:MM:SS+08:00)")
    return datetime.fromisoformat(value)


def _day(value: Any) -> date:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date YYYY-MM-DD")
    return date.fromisoformat(value)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(_text)]


class LawyerRecord(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    name: Text
    license_number: Annotated[str, Field(pattern=r"^[0-9]{17}$")]
    law_firm: Text
    practice_status: Literal[PRACTICE_STATUSES]  # type: ignore[valid-type]
    first_licensed_on: Annotated[date, PlainValidator(_day)]
    annual_assessment: Literal[ASSESSMENTS]  # type: ignore[valid-type]


class PracticeStatusAnswer(BaseModel):
    """The 200 body. Unknown extra keys are ignored (the remote may add fields); known ones must be exact."""

    model_config = ConfigDict(strict=True, frozen=True)

    request_id: str
    result: Literal["found", "not_found"]
    answer_id: Text
    issued_at: Annotated[datetime, PlainValidator(_aware_datetime)]
    lawyer: LawyerRecord | None = None

    @model_validator(mode="before")
    @classmethod
    def _lawyer_matches_result(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if data.get("result") == "found" and "lawyer" not in data:
                raise ValueError("lawyer is required when result is found")
            if data.get("result") == "not_found" and "lawyer" in data:
                raise ValueError("lawyer must be absent when result is not_found")
            if data.get("result") == "found" and data.get("lawyer") is None:
                raise ValueError("lawyer must be an object when result is found")
        return data


def parse_answer(body: bytes, *, request_id: str) -> ExternalAnswer:
    """The :class:`ExternalAnswer` for a 200 body whose signature was verified, or :class:`ExternalMalformed`."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ExternalMalformed("律师在线的答复不是 UTF-8 编码的 JSON") from None
    if not isinstance(data, dict):
        raise ExternalMalformed("律师在线的答复不是 JSON 对象")
    try:
        answer = PracticeStatusAnswer.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
        raise ExternalMalformed(f"律师在线的答复不符合接口约定：{problems}") from None
    if answer.request_id != request_id:
        raise ExternalMalformed(f"律师在线答复的 request_id {answer.request_id!r} 与本次请求 {request_id!r} 不一致")
    issued_at = answer.issued_at
    lawyer = answer.lawyer
    if lawyer is None:
        return ExternalAnswer(found=False, summary=NOT_FOUND_SUMMARY, details=[], issued_at=issued_at,
                              source_reference=answer.answer_id)
    details = [
        (LABELS["name"], lawyer.name),
        (LABELS["license_number"], lawyer.license_number),
        (LABELS["law_firm"], lawyer.law_firm),
        (LABELS["practice_status"], lawyer.practice_status),
        (LABELS["first_licensed_on"], lawyer.first_licensed_on.isoformat()),
        (LABELS["annual_assessment"], lawyer.annual_assessment),
    ]
    summary = f"{lawyer.practice_status}(执业证号 {lawyer.license_number})"
    return ExternalAnswer(found=True, summary=summary, details=details, issued_at=issued_at,
                          source_reference=answer.answer_id)


# --- the client -----------------------------------------------------------------------------------

class LawyerOnlineAdapter:
    name = "lawyer_online"
    label = "律师在线(省司法厅)"

    def __init__(self, *, base_url: str, key_id: str, api_key: str, timeout: float = 5.0, retries: int = 2,
                 backoff: float = 0.2, transport: httpx.BaseTransport | None = None) -> None:
        if not base_url:
            raise ValueError("base_url is required (an https:// address, or simulator: for the demo)")
        if not key_id or not api_key:
            raise ValueError("key_id and api_key are required")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ValueError("timeout must be positive, retries and backoff not negative")
        self.key_id = key_id
        self.api_key = api_key
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.simulated = base_url.startswith(SIMULATOR_PREFIX)
        if self.simulated:
            mode = base_url[len(SIMULATOR_PREFIX):] or "normal"
            if mode not in MODES or mode == "slow":
                raise ValueError(f"unknown simulator mode {mode!r} in base_url")
            self.base_url = SIMULATOR_HOST
            self.transport = transport or httpx.WSGITransport(app=make_app(key_id=key_id, api_key=api_key,
                                                                           mode=mode))
        else:
            if not base_url.startswith(("http://", "https://")):
                raise ValueError(f"base_url must start with https://, http:// or simulator:; got {base_url!r}")
            self.base_url = base_url.rstrip("/")
            self.transport = transport

    def __repr__(self) -> str:
        return f"LawyerOnlineAdapter(base_url={self.base_url!r}, key_id={self.key_id!r})"

    def request_body(self, q: ExternalQuery) -> bytes:
        body = {
            "request_id": q.reference,
            "query_type": QUERY_TYPE,
            "subject": {"name": q.subject_name, "id_number": q.subject_id_number},
            "purpose": q.purpose,
            "requester": {"name": q.requester_name, "credit_code": q.requester_credit_code},
            "consent": {"reference": q.consent_reference, "valid_until": q.consent_valid_until.isoformat()},
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def query(self, q: ExternalQuery) -> ExternalAnswer:
        body = self.request_body(q)
        last: ExternalUnavailable | None = None
        with httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(self.timeout), transport=self.transport,
                          follow_redirects=False) as client:
            for attempt in range(self.retries + 1):
                if attempt:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    return self._attempt(client, body, request_id=q.reference)
                except _Retry as retry:
                    last = retry.error
                    logger.warning("律师在线 attempt %d/%d for %s failed: %s", attempt + 1, self.retries + 1,
                                   q.reference, retry.error.message)
        assert last is not None
        raise ExternalUnavailable(f"{last.message}（已尝试 {self.retries + 1} 次）", reason=last.reason)

    def _attempt(self, client: httpx.Client, body: bytes, *, request_id: str) -> ExternalAnswer:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Zw-Key-Id": self.key_id,
            "X-Zw-Timestamp": timestamp,
            "X-Zw-Signature": sign(self.api_key, timestamp, body),
        }
        try:
            response = client.post(PATH, content=body, headers=headers)
        except httpx.TimeoutException:
            raise _Retry(ExternalUnavailable(f"律师在线超过 {self.timeout:g} 秒未答复", reason="timeout")) from None
        except httpx.TransportError as exc:
            raise _Retry(ExternalUnavailable(f"无法连接律师在线：{type(exc).__name__}", reason="connect")) from None
        status = response.status_code
        if status in RETRIED_STATUSES:
            raise _Retry(ExternalUnavailable(f"律师在线暂时不可用（HTTP {status}）", reason=f"http_{status}"))
        if status == 401:
            raise ExternalUnavailable("律师在线拒绝了本平台的签名或时间戳（HTTP 401），请检查密钥配置和服务器时间",
                                      reason="signature")
        if status != 200:
            raise ExternalUnavailable(f"律师在线拒绝了请求（HTTP {status}）：{_error_text(response)}",
                                      reason=f"http_{status}")
        expected = sign(self.api_key, timestamp, response.content)
        given = response.headers.get("X-Zw-Signature", "")
        if not verify_hmac(expected.encode("ascii"), given.encode("utf-8", "replace")):
            raise ExternalMalformed("律师在线答复的签名不正确，答复已丢弃", reason="signature")
        return parse_answer(response.content, request_id=request_id)


class _Retry(Exception):
    def __init__(self, error: ExternalUnavailable) -> None:
        super().__init__(error.message)
        self.error = error


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    return str(data.get("message") or data)[:200] if isinstance(data, dict) else str(data)[:200]
