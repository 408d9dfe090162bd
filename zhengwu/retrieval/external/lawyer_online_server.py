"""A stand-in for the province's "律师在线" system, implementing the contract of docs/retrieval-external.md.

Two uses:

* the tests run it over real loopback HTTP (:func:`serve`) in every failure mode the client must survive;
* the demo and the offline single-machine install reach it in process: ``base_url="simulator:"`` makes
  the client use ``httpx.WSGITransport(app=make_app(...))``, so no network is involved.

``make_app(records=None)`` answers deterministically: an ID number whose SM3 digest starts with a hex
digit below ``c`` (three in four) belongs to a lawyer with a synthetic record derived from the digest,
the others are not found. The answers are invented and say so nowhere else: never point production at it
(system check ``retrieval.W001``).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from zhengwu.core.crypto import hmac_sm3, sm3_hex, verify_hmac

PATH = "/v1/practice-status"
QUERY_TYPE = "lawyer_practice_status"
MAX_SKEW_SECONDS = 300
MODES = ("normal", "slow", "malformed", "bad_signature", "down", "flaky")
PRACTICE_STATUSES = ("正常执业", "暂停执业", "注销", "吊销")
ASSESSMENTS = ("称职", "基本称职", "不称职", "未参加")
CHINA = timezone(timedelta(hours=8))

_FIRMS = ("浙江示范律师事务所", "金华正衡律师事务所", "婺城明理律师事务所", "浙江中信达律师事务所",
          "金华法正律师事务所", "浙江之江律师事务所")


def sign(api_key: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SM3(api_key, timestamp + "\\n" + body): the signature of a request and of its answer."""
    return hmac_sm3(api_key.encode("utf-8"), f"{timestamp}\n".encode() + body).hex()


def synthetic_record(id_number: str, name: str) -> dict[str, str] | None:
    """The demo's lawyer for ``id_number``, or None (not a lawyer); the same number always gives the same."""
    digest = sm3_hex(id_number.encode("utf-8"))
    if digest[0] >= "c":
        return None
    n = int(digest, 16)
    birth_year = int(id_number[6:10]) if id_number[6:10].isdigit() else 1970
    year = min(2023, max(1995 + n % 28, birth_year + 23))
    licensed = date(year, 1, 1) + timedelta(days=(n >> 8) % 365)
    serial = f"{(n >> 16) % 10**8:08d}"
    status_roll = (n >> 48) % 20
    status = "正常执业" if status_roll < 16 else PRACTICE_STATUSES[1 + status_roll % 3]
    assessment_roll = (n >> 56) % 20
    assessment = "称职" if assessment_roll < 15 else ASSESSMENTS[1 + assessment_roll % 3]
    return {
        "name": name,
        "license_number": f"13307{year:04d}{serial}",
        "law_firm": _FIRMS[(n >> 40) % len(_FIRMS)],
        "practice_status": status,
        "first_licensed_on": licensed.isoformat(),
        "annual_assessment": assessment,
    }


class LawyerOnlineApp:
    """The WSGI application. ``requests`` counts every request received per request_id (refused ones too,
    keyed ``None`` when the body has none); ``total`` counts all of them."""

    def __init__(self, *, key_id: str, api_key: str, records: dict[str, dict] | None, mode: str,
                 delay: float) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}.")
        self.key_id = key_id
        self.api_key = api_key
        self.records = records
        self.mode = mode
        self.delay = delay
        self.requests: Counter[str | None] = Counter()
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    # --- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.handle(environ)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def handle(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        body = _read_body(environ)
        request_id = _peek_request_id(body)
        with self._lock:
            self.requests[request_id] += 1
            seen = self.requests[request_id]
        if environ.get("PATH_INFO") != PATH:
            return _error("404 Not Found", "not_found", "unknown path")
        if environ.get("REQUEST_METHOD") != "POST":
            return _error("405 Method Not Allowed", "method_not_allowed", "POST only")
        if self.mode == "down" or (self.mode == "flaky" and seen == 1):
            return _error("503 Service Unavailable", "unavailable", "service unavailable")

        timestamp = environ.get("HTTP_X_ZW_TIMESTAMP", "")
        refusal = self._refuse_signature(environ, timestamp, body)
        if refusal:
            return _error("401 Unauthorized", "signature", refusal)
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _error("400 Bad Request", "bad_request", "body is not UTF-8 JSON")
        problem = _request_problem(request)
        if problem:
            return _error("400 Bad Request", "bad_request", problem)

        if self.mode == "slow":
            time.sleep(self.delay)
        answer = self._answer(request)
        if self.mode == "malformed":
            answer = {"request_id": request["request_id"], "result": "found"}
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        signature = sign(self.api_key, timestamp, payload)
        if self.mode == "bad_signature":
            signature = sign(self.api_key + "-wrong", timestamp, payload)
        headers = [("Content-Type", "application/json; charset=utf-8"), ("X-Zw-Signature", signature)]
        return "200 OK", headers, payload

    # --- the steps ----------------------------------------------------------------------------

    def _refuse_signature(self, environ: WSGIEnvironment, timestamp: str, body: bytes) -> str:
        if environ.get("HTTP_X_ZW_KEY_ID") != self.key_id:
            return "unknown key id"
        try:
            sent_at = int(timestamp)
        except ValueError:
            return "X-Zw-Timestamp is not unix seconds"
        if abs(time.time() - sent_at) > MAX_SKEW_SECONDS:
            return f"X-Zw-Timestamp is more than {MAX_SKEW_SECONDS} s off"
        given = environ.get("HTTP_X_ZW_SIGNATURE", "")
        expected = sign(self.api_key, timestamp, body)
        if not verify_hmac(expected.encode("ascii"), given.encode("utf-8", "replace")):
            return "bad signature"
        return ""

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        subject = request["subject"]
        if self.records is None:
            record = synthetic_record(subject["id_number"], subject["name"])
        else:
            record = self.records.get(subject["id_number"])
        answer: dict[str, Any] = {
            "request_id": request["request_id"],
            "result": "found" if record else "not_found",
            "answer_id": f"LO{uuid.uuid4().hex[:20].upper()}",
            "issued_at": datetime.now(CHINA).isoformat(timespec="seconds"),
        }
        if record:
            answer["lawyer"] = dict(record)
        return answer


def make_app(*, key_id: str, api_key: str, records: dict[str, dict] | None = None, mode: str = "normal",
             delay: float = 0.0) -> WSGIApplication:
    """The 律师在线 stand-in as a WSGI application (a :class:`LawyerOnlineApp`)."""
    return LawyerOnlineApp(key_id=key_id, api_key=api_key, records=records, mode=mode, delay=delay)


# --- helpers ------------------------------------------------------------------------------------

def _read_body(environ: WSGIEnvironment) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _peek_request_id(body: bytes) -> str | None:
    try:
        value = json.loads(body.decode("utf-8")).get("request_id")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _error(status: str, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = json.dumps({"error": code, "message": message}).encode("utf-8")
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _request_problem(request: Any) -> str:
    """What is wrong with a request body, or "" when it follows the contract."""
    if not isinstance(request, dict):
        return "body must be a JSON object"
    if not _text(request.get("request_id")):
        return "request_id is required"
    if request.get("query_type") != QUERY_TYPE:
        return f"query_type must be {QUERY_TYPE!r}"
    if not _text(request.get("purpose")):
        return "purpose is required"
    subject, requester, consent = request.get("subject"), request.get("requester"), request.get("consent")
    if not (isinstance(subject, dict) and _text(subject.get("name")) and _text(subject.get("id_number"))):
        return "subject.name and subject.id_number are required"
    if len(subject["id_number"]) != 18:
        return "subject.id_number must have 18 characters"
    if not (isinstance(requester, dict) and _text(requester.get("name")) and _text(requester.get("credit_code"))):
        return "requester.name and requester.credit_code are required"
    if not (isinstance(consent, dict) and _text(consent.get("reference")) and _text(consent.get("valid_until"))):
        return "consent.reference and consent.valid_until are required"
    try:
        valid_until = datetime.fromisoformat(consent["valid_until"])
    except ValueError:
        return "consent.valid_until must be ISO-8601"
    if valid_until.utcoffset() is None:
        return "consent.valid_until must carry a UTC offset"
    # Whether the consent is still valid is judged by the platform when it sends: the demo replays past years.
    return ""


# --- serving over loopback ----------------------------------------------------------------------

class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False  # a "slow" answer still sleeping does not hold up shutdown


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def serve(app: WSGIApplication, host: str = "127.0.0.1", port: int = 0
          ) -> tuple[WSGIServer, threading.Thread, str]:
    """Serve ``app`` in a daemon thread; returns ``(server, thread, base_url)``. Stop it with :func:`shutdown`."""
    server = make_server(host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                              name=f"lawyer-online-{server.server_port}")
    thread.start()
    return server, thread, f"http://{host}:{server.server_port}"


def shutdown(server: WSGIServer, thread: threading.Thread) -> None:
    """Stop a server started by :func:`serve` and wait for its thread."""
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
