"""Property tests for the OCDS readers of the red-flag engine (``supervision/cardinal``).

Documented behaviour: a JSON Lines file gives the indicators' results or a ``JsonlError`` naming the line (a
``ValueError``); a settings file gives ``Settings`` or a ``SettingsError``; a date that is not RFC 3339 is ``None``.
Releases of any shape (missing or mistyped fields, as real OCDS exports have) are skipped or read, never a crash,
and the file reader agrees with the in-memory engine on the same releases.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.supervision.cardinal import CODES, JsonlError, Settings, SettingsError, run, run_jsonl
from zhengwu.supervision.cardinal.engine import parse_rfc3339

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
any_json = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                              st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=12)
dates = st.one_of(st.sampled_from(["2024-03-01T09:00:00+08:00", "2024-03-21T09:30:00Z", "2024-13-01T00:00:00Z",
                                   "2024-03-01", "x"]), any_json)
amounts = st.fixed_dictionaries({}, optional={"amount": st.one_of(st.integers(0, 10**7), any_json),
                                              "currency": st.one_of(st.sampled_from(["CNY", "USD"]), any_json)})
parties = st.fixed_dictionaries({}, optional={"id": st.one_of(st.sampled_from(["T1", "T2", "B1"]), any_json),
                                              "name": any_json})
bids = st.fixed_dictionaries({}, optional={
    "id": any_json, "status": st.one_of(st.sampled_from(["valid", "invited", "withdrawn", "disqualified"]), any_json),
    "value": st.one_of(amounts, any_json), "date": dates,
    "tenderers": st.one_of(st.lists(parties, max_size=2), any_json)})
releases = st.fixed_dictionaries({}, optional={
    "ocid": st.one_of(st.sampled_from(["ocds-1", "ocds-2", "ocds-3"]), any_json),
    "buyer": st.one_of(parties, any_json),
    "tender": st.one_of(st.fixed_dictionaries({}, optional={
        "status": st.one_of(st.sampled_from(["active", "complete", "cancelled"]), any_json),
        "procurementMethod": st.one_of(st.sampled_from(["open", "selective", "limited", "direct"]), any_json),
        "procurementMethodDetails": any_json, "value": st.one_of(amounts, any_json),
        "tenderPeriod": st.one_of(st.fixed_dictionaries({}, optional={"startDate": dates, "endDate": dates}),
                                  any_json),
        "procuringEntity": st.one_of(parties, any_json)}), any_json),
    "bids": st.one_of(st.fixed_dictionaries({}, optional={"details": st.one_of(st.lists(bids, max_size=3),
                                                                                any_json)}), any_json),
    "awards": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
        "status": st.one_of(st.sampled_from(["active", "pending", "cancelled"]), any_json),
        "suppliers": st.one_of(st.lists(parties, max_size=2), any_json), "value": st.one_of(amounts, any_json),
        "date": dates}), max_size=2), any_json),
})


def _results_shape(result: Any) -> None:
    assert isinstance(result, dict)
    for group in result.values():
        assert isinstance(group, dict)


@FUZZ
@given(items=st.lists(st.one_of(releases, any_json), max_size=6))
def test_releases_of_any_shape_are_read_or_skipped_by_every_indicator(items: list[Any]) -> None:
    _results_shape(run(items, Settings.all_enabled()))


@FUZZ
@given(items=st.lists(releases, max_size=6), blank=st.booleans())
def test_the_json_lines_reader_gives_what_the_engine_gives_on_the_same_releases(items: list[Any],
                                                                                 blank: bool) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + ("\n\n" if blank else "\n") for r in items)
    with tempfile.TemporaryDirectory(prefix="fuzz-cardinal-") as tmp:
        path = Path(tmp) / "releases.jsonl"
        path.write_text(text, encoding="utf-8")
        assert run_jsonl(path, Settings.all_enabled()) == run(items, Settings.all_enabled())


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_as_json_lines_give_results_or_a_json_lines_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-cardinal-") as tmp:
        path = Path(tmp) / "releases.jsonl"
        path.write_bytes(data)
        try:
            _results_shape(run_jsonl(path, Settings.all_enabled()))
        except JsonlError as exc:
            assert exc.line is not None and exc.line >= 1
            assert str(exc)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_settings_text_gives_settings_or_a_settings_error_naming_the_setting(text: str) -> None:
    try:
        assert isinstance(Settings.from_ini(text), Settings)
    except SettingsError as exc:
        assert exc.field
        assert str(exc)


@FUZZ
@given(code=st.sampled_from(CODES),
       name=st.text(max_size=30), value=st.text(max_size=10))
def test_an_indicator_option_of_any_name_and_value_is_typed_or_refused(code: str, name: str, value: str) -> None:
    try:
        assert isinstance(Settings.from_ini(f"[{code}]\n{name} = {value}\n"), Settings)
    except SettingsError as exc:
        assert exc.field


@FUZZ
@given(text=st.text(max_size=40))
def test_any_text_is_an_aware_datetime_or_none(text: str) -> None:
    parsed = parse_rfc3339(text)
    assert parsed is None or parsed.tzinfo is not None


@FUZZ
@given(moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                           timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=8)),
                                                      dt.timezone(dt.timedelta(hours=-5, minutes=-30))])),
       zulu=st.booleans())
def test_an_rfc3339_moment_parses_back_to_itself(moment: dt.datetime, zulu: bool) -> None:
    text = moment.isoformat(timespec="seconds" if not moment.microsecond else "microseconds")
    if zulu and moment.utcoffset() == dt.timedelta(0):
        text = text.replace("+00:00", "Z")
    assert parse_rfc3339(text) == moment
