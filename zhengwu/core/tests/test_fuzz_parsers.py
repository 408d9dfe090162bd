"""Property tests for core's parsers: the holiday calendar import and the identifier validators.

Documented behaviour: ``calendar_import`` either writes the year or raises ``InvalidInput`` naming the field and
writes nothing; a valid file written as CSV or JSON reads back as the same overrides. The identifier validators
raise ``InvalidInput`` (with the field) for anything that is not a valid number, and the maskers never fail and
never show more than the middle-masked value. (Valid numbers round-trip in test_identifiers.py.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengwu.core.errors import InvalidInput
from zhengwu.core.identifiers import (
    mask_credit_code,
    mask_id_card,
    mask_phone,
    validate_credit_code,
    validate_id_card,
    validate_mobile,
)
from zhengwu.core.models_calendar import CalendarOverride, CalendarYear
from zhengwu.core.services_calendar import DEFAULT_NAMES, calendar_import

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None)
DB_FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
YEAR = 2031

# --- identifiers ------------------------------------------------------------------------------------------------

junk = st.one_of(st.text(max_size=24), st.from_regex(r"[0-9Xx ]{15,20}", fullmatch=True),
                 st.from_regex(r"[0-9A-Z]{16,19}", fullmatch=True), st.from_regex(r"\+?86?1[0-9 -]{9,13}",
                                                                                  fullmatch=True))


@FUZZ
@given(value=junk)
def test_any_text_is_a_valid_identifier_or_an_invalid_input_naming_the_field(value: str) -> None:
    for validate, field in ((validate_id_card, "id_number"), (validate_credit_code, "credit_code"),
                            (validate_mobile, "phone")):
        try:
            normalized = validate(value)
        except InvalidInput as exc:
            assert exc.field == field
            assert exc.code
            assert exc.message
        else:
            assert validate(normalized) == normalized  # a normalized number is valid and stays as it is


@FUZZ
@given(value=st.one_of(st.none(), st.text(st.characters(blacklist_characters="*"), max_size=24)))
def test_the_maskers_accept_anything_keep_the_length_and_show_at_most_their_ends(value: str | None) -> None:
    text = "".join((value or "").split())
    for mask, shown in ((mask_id_card, 10), (mask_credit_code, 10), (mask_phone, 7)):
        masked = mask(value)
        assert len(masked) == len(text)
        assert sum(1 for ch in masked if ch != "*") <= shown


# --- the holiday calendar import --------------------------------------------------------------------------------

@DB_FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300)), fmt=st.sampled_from(["csv", "json"]),
       source=st.text(max_size=5))
def test_any_calendar_file_is_imported_or_refused_naming_a_field_with_nothing_written(
        db: Any, data: bytes | str, fmt: str, source: str) -> None:
    before = (CalendarOverride.objects.filter(date__year=YEAR).count(), CalendarYear.objects.filter(year=YEAR).count())
    try:
        entry = calendar_import(data=data, fmt=fmt, year=YEAR, source=source)
    except InvalidInput as exc:
        assert exc.field in {"file", "date", "kind", "name", "source", "year", "format"}
        assert exc.message
        assert (CalendarOverride.objects.filter(date__year=YEAR).count(),
                CalendarYear.objects.filter(year=YEAR).count()) == before
    else:
        assert entry.year == YEAR


days_of_year = st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))
overrides = st.dictionaries(days_of_year, st.tuples(st.booleans(), st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=10).map(str.strip)),
    min_size=1, max_size=8)


def _as_csv(days: dict[dt.date, tuple[bool, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "name"])
    for day, (working, name) in sorted(days.items()):
        writer.writerow([day.isoformat(), "workday" if working else "holiday", name])
    return out.getvalue()


def _as_json(days: dict[dt.date, tuple[bool, str]]) -> str:
    return json.dumps({"year": YEAR, "source": "通知", "days": [
        {"date": day.isoformat(), "kind": "workday" if working else "holiday", "name": name}
        for day, (working, name) in sorted(days.items())]}, ensure_ascii=False)


@DB_FUZZ
@given(days=overrides, fmt=st.sampled_from(["csv", "json"]))
def test_a_valid_calendar_file_reads_back_as_the_same_overrides(db: Any, days: dict, fmt: str) -> None:
    data = _as_csv(days) if fmt == "csv" else _as_json(days)
    calendar_import(data=data, fmt=fmt, year=YEAR, source="国务院办公厅通知")
    stored = {o.date: (o.is_working_day, o.name) for o in CalendarOverride.objects.filter(date__year=YEAR)}
    # A row without a name gets the kind's default name (放假 / 调休上班).
    assert stored == {day: (working, name or DEFAULT_NAMES[working]) for day, (working, name) in days.items()}
