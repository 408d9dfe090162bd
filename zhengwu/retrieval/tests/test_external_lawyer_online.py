"""The 律师在线 adapter against its stand-in server over real loopback HTTP (docs/retrieval-external.md)."""

from __future__ import annotations

import json
import random
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from zhengwu.core.identifiers import make_id_card
from zhengwu.retrieval.external import (
    ExternalAnswer,
    ExternalMalformed,
    ExternalQuery,
    ExternalUnavailable,
    adapter_choices,
    adapter_for,
    check_simulator_in_production,
)
from zhengwu.retrieval.external.lawyer_online import LawyerOnlineAdapter
from zhengwu.retrieval.external.lawyer_online_server import (
    ASSESSMENTS,
    PATH,
    PRACTICE_STATUSES,
    make_app,
    serve,
    shutdown,
    sign,
)

KEY_ID = "zhengwu-test"
API_KEY = "test-key-for-lawyer-online"
LAWYER_ID = make_id_card(birth=date(1980, 5, 17), seq=101)
OTHER_ID = make_id_card(birth=date(1991, 2, 3), seq=202)
LAWYER = {
    "name": "王律",
    "license_number": "13307202010123456",
    "law_firm": "浙江示范律师事务所",
    "practice_status": "正常执业",
    "first_licensed_on": "2010-07-01",
    "annual_assessment": "称职",
}
FAST = {"timeout": 0.3, "backoff": 0.01}


def a_query(*, reference: str = "DQ20231012000017-02", id_number: str = LAWYER_ID, name: str = "王律",
            purpose: str = "聘用法律顾问前核实执业状态", valid_until: datetime | None = None) -> ExternalQuery:
    return ExternalQuery(
        reference=reference,
        info_type="lawyer_practice",
        subject_name=name,
        subject_id_number=id_number,
        purpose=purpose,
        requester_name="金华示范建设有限公司",
        requester_credit_code="91110000600037341L",
        consent_reference="DQ20231012000017",
        consent_valid_until=valid_until or datetime.now(timezone.utc) + timedelta(days=30),
    )


@contextmanager
def running(app) -> Iterator[str]:
    server, thread, base_url = serve(app)
    try:
        yield base_url
    finally:
        shutdown(server, thread)


def lawyer_online(mode: str = "normal", *, delay: float = 0.0):
    return make_app(key_id=KEY_ID, api_key=API_KEY, records={LAWYER_ID: LAWYER}, mode=mode, delay=delay)


def adapter(base_url: str, **options) -> LawyerOnlineAdapter:
    return LawyerOnlineAdapter(**{"base_url": base_url, "key_id": KEY_ID, "api_key": API_KEY, **FAST, **options})


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- answers --------------------------------------------------------------------------------------

def test_a_lawyer_on_record_is_found_with_the_details_in_contract_order():
    app = lawyer_online()
    with running(app) as base_url:
        answer = adapter(base_url).query(a_query())

    assert isinstance(answer, ExternalAnswer)
    assert answer.found is True
    assert answer.summary == "正常执业(执业证号 13307202010123456)"
    assert answer.details == [
        ("姓名", "王律"),
        ("执业证号", "13307202010123456"),
        ("执业机构", "浙江示范律师事务所"),
        ("执业状态", "正常执业"),
        ("首次执业日期", "2010-07-01"),
        ("年度考核", "称职"),
    ]
    assert answer.issued_at.utcoffset() == timedelta(hours=8)
    assert abs((answer.issued_at - datetime.now(timezone.utc)).total_seconds()) < 60
    assert re.fullmatch(r"LO[0-9A-F]{20}", answer.source_reference)
    assert app.requests["DQ20231012000017-02"] == 1


def test_a_person_without_a_record_is_not_found_and_nothing_else_is_claimed():
    with running(lawyer_online()) as base_url:
        answer = adapter(base_url).query(a_query(id_number=OTHER_ID, name="李四"))

    assert answer.found is False
    assert answer.summary == "未查询到执业记录"
    assert answer.details == []
    assert answer.source_reference.startswith("LO")


def test_the_request_follows_the_contract_and_is_signed_over_timestamp_and_body():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ConnectError("recorded only", request=request)

    with pytest.raises(ExternalUnavailable):
        adapter("https://lawyer.example.gov.cn/api/", retries=0, transport=httpx.MockTransport(handler)).query(
            a_query(valid_until=datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8)))))

    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "https://lawyer.example.gov.cn/api/v1/practice-status"
    assert request.headers["X-Zw-Key-Id"] == KEY_ID
    timestamp = request.headers["X-Zw-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 5
    assert request.headers["X-Zw-Signature"] == sign(API_KEY, timestamp, request.content)
    assert json.loads(request.content) == {
        "request_id": "DQ20231012000017-02",
        "query_type": "lawyer_practice_status",
        "subject": {"name": "王律", "id_number": LAWYER_ID},
        "purpose": "聘用法律顾问前核实执业状态",
        "requester": {"name": "金华示范建设有限公司", "credit_code": "91110000600037341L"},
        "consent": {"reference": "DQ20231012000017", "valid_until": "2031-01-02T03:04:05+08:00"},
    }


# --- failures are never answers ---------------------------------------------------------------------

def test_a_slow_server_times_out_on_every_attempt_and_the_server_counts_each_one():
    app = lawyer_online("slow", delay=0.8)
    with running(app) as base_url:
        started = time.monotonic()
        with pytest.raises(ExternalUnavailable) as caught:
            adapter(base_url, timeout=0.2, retries=2).query(a_query(reference="DQ-SLOW-01"))
        elapsed = time.monotonic() - started

    assert caught.value.reason == "timeout"
    assert "3 次" in caught.value.message
    assert app.requests["DQ-SLOW-01"] == 3
    assert elapsed < 2.0  # three 0.2 s timeouts and two short backoffs, not three 0.8 s answers


def test_a_body_that_breaks_the_contract_is_malformed_and_not_retried():
    app = lawyer_online("malformed")
    with running(app) as base_url:
        with pytest.raises(ExternalMalformed) as caught:
            adapter(base_url, retries=2).query(a_query(reference="DQ-BAD-01"))

    assert caught.value.reason == "malformed"
    assert "lawyer is required" in caught.value.message
    assert app.requests["DQ-BAD-01"] == 1


def test_an_answer_with_a_wrong_signature_is_discarded():
    app = lawyer_online("bad_signature")
    with running(app) as base_url:
        with pytest.raises(ExternalMalformed) as caught:
            adapter(base_url, retries=2).query(a_query(reference="DQ-SIG-01"))

    assert caught.value.reason == "signature"
    assert isinstance(caught.value, ExternalUnavailable)
    assert app.requests["DQ-SIG-01"] == 1


def test_an_outage_is_unavailable_after_retries_plus_one_attempts():
    app = lawyer_online("down")
    with running(app) as base_url:
        with pytest.raises(ExternalUnavailable) as caught:
            adapter(base_url, retries=3).query(a_query(reference="DQ-DOWN-01"))

    assert caught.value.reason == "http_503"
    assert not isinstance(caught.value, ExternalMalformed)
    assert app.requests["DQ-DOWN-01"] == 4


def test_a_flaky_server_answers_on_the_retry():
    app = lawyer_online("flaky")
    with running(app) as base_url:
        answer = adapter(base_url, retries=1).query(a_query(reference="DQ-FLAKY-01"))

    assert answer.found is True
    assert app.requests["DQ-FLAKY-01"] == 2


def test_a_refused_request_400_is_not_retried():
    app = lawyer_online()
    with running(app) as base_url:
        with pytest.raises(ExternalUnavailable) as caught:
            adapter(base_url, retries=3).query(a_query(reference="DQ-400-01", purpose="  "))

    assert caught.value.reason == "http_400"
    assert "purpose is required" in caught.value.message
    assert app.requests["DQ-400-01"] == 1


def test_a_wrong_api_key_is_refused_by_the_server_and_not_retried():
    app = lawyer_online()
    with running(app) as base_url:
        with pytest.raises(ExternalUnavailable) as caught:
            adapter(base_url, api_key="not-the-key", retries=3).query(a_query(reference="DQ-401-01"))

    assert caught.value.reason == "signature"
    assert app.requests["DQ-401-01"] == 1


def test_a_closed_port_is_a_connection_failure_after_the_retries():
    with pytest.raises(ExternalUnavailable) as caught:
        adapter(f"http://127.0.0.1:{unused_port()}", retries=1).query(a_query())

    assert caught.value.reason == "connect"
    assert "2 次" in caught.value.message


@pytest.mark.parametrize(("status", "attempts"), [(429, 3), (500, 3), (502, 3), (504, 3), (403, 1), (404, 1)])
def test_only_passing_http_failures_are_retried(status, attempts):
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response(f"{status} Whatever", [("Content-Type", "application/json")])
        return [b'{"message": "no"}']

    with running(app) as base_url:
        with pytest.raises(ExternalUnavailable) as caught:
            adapter(base_url, retries=2).query(a_query())

    assert caught.value.reason == f"http_{status}"
    assert calls == [PATH] * attempts


# --- the server's own checks ----------------------------------------------------------------------

def raw_post(base_url: str, *, timestamp: int, key: str = API_KEY, key_id: str = KEY_ID) -> httpx.Response:
    body = LawyerOnlineAdapter(base_url=base_url, key_id=key_id, api_key=key).request_body(a_query())
    headers = {"X-Zw-Key-Id": key_id, "X-Zw-Timestamp": str(timestamp),
               "X-Zw-Signature": sign(key, str(timestamp), body), "Content-Type": "application/json"}
    return httpx.post(base_url + PATH, content=body, headers=headers, timeout=2)


def test_the_server_refuses_a_wrong_signature_a_stale_timestamp_and_an_unknown_key_id():
    now = int(time.time())
    with running(lawyer_online()) as base_url:
        wrong_signature = raw_post(base_url, timestamp=now, key="another-key")
        stale = raw_post(base_url, timestamp=now - 310)
        early = raw_post(base_url, timestamp=now + 310)
        unknown_key_id = raw_post(base_url, timestamp=now, key_id="somebody-else")
        within_skew = raw_post(base_url, timestamp=now - 200)

    assert (wrong_signature.status_code, wrong_signature.json()["message"]) == (401, "bad signature")
    assert stale.status_code == 401
    assert "300 s" in stale.json()["message"]
    assert early.status_code == 401
    assert (unknown_key_id.status_code, unknown_key_id.json()["message"]) == (401, "unknown key id")
    assert within_skew.status_code == 200
    assert within_skew.headers["X-Zw-Signature"] == sign(API_KEY, str(now - 200), within_skew.content)


# --- the simulator, configuration, the system check -------------------------------------------------

def test_the_simulator_answers_without_any_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the simulator must not open a socket")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    rng = random.Random(20231012)
    ids = [make_id_card(birth=date(1970 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                        seq=rng.randrange(1000)) for _ in range(16)]
    simulated = LawyerOnlineAdapter(base_url="simulator:", key_id="zhengwu-demo", api_key="demo-key")

    answers = [simulated.query(a_query(reference=f"DQ-SIM-{n:02d}", id_number=number, name="赵六"))
               for n, number in enumerate(ids)]
    again = simulated.query(a_query(reference="DQ-SIM-AGAIN", id_number=ids[0], name="赵六"))

    assert {a.found for a in answers} == {True, False}
    assert (again.found, again.summary, again.details) == (answers[0].found, answers[0].summary, answers[0].details)
    found = [a for a in answers if a.found]
    assert all(dict(a.details)["姓名"] == "赵六" for a in found)
    assert all(re.fullmatch(r"[0-9]{17}", dict(a.details)["执业证号"]) for a in found)


def test_the_simulator_can_play_an_outage():
    with pytest.raises(ExternalUnavailable) as caught:
        LawyerOnlineAdapter(base_url="simulator:down", key_id="k", api_key="s", retries=1, backoff=0).query(
            a_query())

    assert caught.value.reason == "http_503"


def test_adapter_for_builds_the_configured_adapter_and_refuses_unknown_names(settings):
    settings.ZHENGWU_RETRIEVAL_ADAPTERS = {
        "lawyer_online": {"class": "zhengwu.retrieval.external.lawyer_online.LawyerOnlineAdapter",
                          "label": "律师在线(测试)", "base_url": "https://lawyer.example.gov.cn",
                          "key_id": "k", "api_key": "s", "timeout": 2.5, "retries": 4},
        "broken": {"class": "zhengwu.retrieval.external.lawyer_online.LawyerOnlineAdapter", "label": "缺少密钥",
                   "base_url": "https://lawyer.example.gov.cn"},
    }

    built = adapter_for("lawyer_online")

    assert isinstance(built, LawyerOnlineAdapter)
    assert (built.name, built.label, built.base_url, built.timeout, built.retries) == (
        "lawyer_online", "律师在线(测试)", "https://lawyer.example.gov.cn", 2.5, 4)
    assert adapter_choices() == [("lawyer_online", "律师在线(测试)"), ("broken", "缺少密钥")]
    with pytest.raises(ExternalUnavailable) as unknown:
        adapter_for("credit_china")
    assert unknown.value.reason == "config"
    with pytest.raises(ExternalUnavailable) as broken:
        adapter_for("broken")
    assert broken.value.reason == "config"


def test_the_default_settings_point_the_demo_at_the_simulator():
    built = adapter_for("lawyer_online")

    assert built.simulated is True
    assert adapter_choices() == [("lawyer_online", "律师在线(省司法厅)")]


def test_production_warns_about_an_adapter_on_the_simulator(settings):
    settings.PRODUCTION = True
    on_simulator = check_simulator_in_production()
    settings.ZHENGWU_RETRIEVAL_ADAPTERS = {"lawyer_online": {
        **settings.ZHENGWU_RETRIEVAL_ADAPTERS["lawyer_online"], "base_url": "https://lawyer.example.gov.cn"}}
    on_a_real_address = check_simulator_in_production()
    settings.PRODUCTION = False
    settings.ZHENGWU_RETRIEVAL_ADAPTERS = {"lawyer_online": {"base_url": "simulator:"}}
    in_development = check_simulator_in_production()

    assert [w.id for w in on_simulator] == ["retrieval.W001"]
    assert on_simulator[0].obj == "lawyer_online"
    assert on_a_real_address == []
    assert in_development == []


def test_a_query_refuses_a_naive_consent_deadline():
    with pytest.raises(ValueError, match="timezone-aware"):
        a_query(valid_until=datetime(2031, 1, 1, 12, 0))


# --- property: only a body that follows the contract becomes an answer -----------------------------

REFERENCE = "DQ-PROP-01"
FORMATS = FormatChecker()


@FORMATS.checks("contract-date")
def _contract_date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("contract-datetime")
def _contract_datetime(value: object) -> bool:
    pattern = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
    if not isinstance(value, str) or not re.fullmatch(pattern, value, re.ASCII):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


NON_BLANK = {"type": "string", "pattern": r"\S"}
CONTRACT = Draft202012Validator({
    "type": "object",
    "required": ["request_id", "result", "answer_id", "issued_at"],
    "properties": {
        "request_id": {"type": "string", "const": REFERENCE},
        "result": {"enum": ["found", "not_found"]},
        "answer_id": NON_BLANK,
        "issued_at": {"type": "string", "format": "contract-datetime"},
        "lawyer": {
            "type": "object",
            "required": ["name", "license_number", "law_firm", "practice_status", "first_licensed_on",
                         "annual_assessment"],
            "properties": {
                "name": NON_BLANK,
                "license_number": {"type": "string", "pattern": r"\A[0-9]{17}\Z"},
                "law_firm": NON_BLANK,
                "practice_status": {"enum": list(PRACTICE_STATUSES)},
                "first_licensed_on": {"type": "string", "format": "contract-date"},
                "annual_assessment": {"enum": list(ASSESSMENTS)},
            },
        },
    },
    "allOf": [
        {"if": {"properties": {"result": {"const": "found"}}, "required": ["result"]},
         "then": {"required": ["lawyer"]}},
        {"if": {"properties": {"result": {"const": "not_found"}}, "required": ["result"]},
         "then": {"not": {"required": ["lawyer"]}}},
    ],
}, format_checker=FORMATS)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
near_misses = st.sampled_from(["", " ", "found", "2024-02-30", "2024-01-01", "2024-01-01T08:00:00",
                               "2024-01-01T08:00:00+08:00", "2024-01-01 08:00:00+08:00", "1330720201012345",
                               "13307202010123456\n", "正常执业", "称职", REFERENCE, REFERENCE + " "])
lawyer_records = st.fixed_dictionaries({
    "name": st.text(min_size=1, max_size=6).filter(str.strip),
    "license_number": st.from_regex(r"[0-9]{17}", fullmatch=True).filter(str.isascii),
    "law_firm": st.text(min_size=1, max_size=12).filter(str.strip),
    "practice_status": st.sampled_from(PRACTICE_STATUSES),
    "first_licensed_on": st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    "annual_assessment": st.sampled_from(ASSESSMENTS),
})
issue_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                           timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)),
                                                      timezone(timedelta(hours=-5, minutes=-30))]))


@st.composite
def valid_bodies(draw) -> dict:
    body = {"request_id": REFERENCE, "result": draw(st.sampled_from(["found", "not_found"])),
            "answer_id": draw(st.text(min_size=1, max_size=10).filter(str.strip)),
            "issued_at": draw(issue_times).isoformat(timespec=draw(st.sampled_from(["seconds", "microseconds"])))}
    if body["result"] == "found":
        body["lawyer"] = draw(lawyer_records)
    return body


@st.composite
def server_bodies(draw) -> object:
    """A valid body, a body with one thing changed (dropped, replaced, added), or any JSON at all."""
    kind = draw(st.sampled_from(["valid", "drop", "replace", "add", "anything"]))
    if kind == "anything":
        return draw(json_values)
    body = draw(valid_bodies())
    target = body["lawyer"] if "lawyer" in body and draw(st.booleans()) else body
    key = draw(st.sampled_from(sorted(target)))
    if kind == "drop":
        del target[key]
    elif kind == "replace":
        target[key] = draw(json_values | near_misses)
    elif kind == "add":
        target[draw(st.text(min_size=1, max_size=8) | st.sampled_from(["lawyer", "result"]))] = draw(
            json_values | near_misses)
    return body


@hypothesis_settings(derandomize=True, database=None, deadline=None, max_examples=400)
@given(body=server_bodies())
def test_only_a_body_that_follows_the_contract_becomes_an_answer(body):
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")

    def handler(request: httpx.Request) -> httpx.Response:
        signature = sign(API_KEY, request.headers["X-Zw-Timestamp"], payload)
        return httpx.Response(200, content=payload, headers={"X-Zw-Signature": signature})

    client = adapter("https://lawyer.example.gov.cn", retries=0, transport=httpx.MockTransport(handler))
    try:
        outcome = client.query(a_query(reference=REFERENCE))
    except ExternalMalformed as exc:
        outcome = exc

    follows_contract = CONTRACT.is_valid(body)
    assert isinstance(outcome, ExternalAnswer if follows_contract else ExternalMalformed), (body, outcome)
    assert isinstance(outcome, ExternalMalformed) or outcome.found == (body["result"] == "found")
