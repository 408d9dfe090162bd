"""Property tests for the case and item importers: any file gives a report or an InvalidInput, never a crash.

The readers (``import_readers.read_records``) turn a damaged file into an ``InvalidInput`` for the whole file or for
one record; the value parsers raise ``ValueError`` (which the importer turns into a row error); the importers report
every bad row and raise nothing for one. Valid tables written as CSV, JSON and JSON Lines read back as written.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone as dt_timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengwu.cases import import_readers as readers
from zhengwu.cases.importing import CASE_COLUMNS, ITEM_COLUMNS, cases_import, cases_import_file, items_import
from zhengwu.core.errors import InvalidInput
from zhengwu.cases.testing import make_item
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None)
DB_FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TZ = dt_timezone(timedelta(hours=8))

# Cell values as a spreadsheet or a JSON document may hold them.
cells = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                  st.text(max_size=30),
                  st.sampled_from(["是", "否", "即办", "3个工作日", "2024-03-04 09:00", "2024年3月4日", "20240304",
                                   "2024-02-30", "网办", "自然人", "企业", "准予", "2024-03-04~2024-03-05", "~"]))


def _consume(records: Any) -> list[tuple[int, Any]]:
    out = list(records)
    for row, record in out:
        assert isinstance(row, int) and row >= 1
        assert isinstance(record, (dict, InvalidInput))
    return out


@FUZZ
@given(data=st.binary(max_size=400), fmt=st.sampled_from(readers.FORMATS))
def test_any_bytes_read_as_records_or_refused_as_invalid_input(data: bytes, fmt: str) -> None:
    try:
        _consume(readers.read_records(io.BytesIO(data), fmt))
    except InvalidInput as exc:
        assert exc.field == "file"
        assert exc.message


@FUZZ
@given(text=st.text(max_size=300), fmt=st.sampled_from(["csv", "json", "jsonl"]), gbk=st.booleans())
def test_any_text_in_either_encoding_reads_as_records_or_is_refused(text: str, fmt: str, gbk: bool) -> None:
    data = text.encode("gb18030" if gbk else "utf-8")
    try:
        _consume(readers.read_records(io.BytesIO(data), fmt))
    except InvalidInput as exc:
        assert exc.code in {"bad_json", "bad_encoding"}


headers = st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8)
                   .filter(lambda h: h.strip() == h and h), min_size=1, max_size=5, unique=True)
values = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@st.composite
def tables(draw: Any) -> tuple[list[str], list[dict[str, str]]]:
    names = draw(headers)
    rows = draw(st.lists(st.fixed_dictionaries({h: values for h in names}), max_size=5))
    # A row of blanks only is skipped by the reader (a spreadsheet's empty line): keep rows with a value.
    return names, [r for r in rows if any(v.strip() for v in r.values())]


@FUZZ
@given(table=tables(), fmt=st.sampled_from(["csv", "json", "jsonl"]))
def test_a_valid_table_reads_back_as_written(table: tuple[list[str], list[dict[str, str]]], fmt: str) -> None:
    names, rows = table
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue().encode("utf-8-sig")
    elif fmt == "json":
        data = json.dumps({"records": rows}, ensure_ascii=False).encode()
    else:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    got = [record for _row, record in _consume(readers.read_records(io.BytesIO(data), fmt))]
    assert got == rows


@FUZZ
@given(value=cells)
def test_value_parsers_raise_only_value_error(value: Any) -> None:
    for parse in (readers.as_bool, readers.as_int, lambda v: readers.as_moment(v, TZ),
                  lambda v: readers.as_choice(readers.CHANNELS, v, "渠道")):
        try:
            parse(value)
        except ValueError as exc:
            assert str(exc)
    assert isinstance(readers.as_list(value), list)
    assert isinstance(readers.as_text(value), str)


@FUZZ
@given(n=st.integers(-10**9, 10**9), suffix=st.sampled_from(["", "天", "日", "工作日", "个工作日"]))
def test_an_integer_with_its_unit_parses_back_to_itself(n: int, suffix: str) -> None:
    assert readers.as_int(f"{n}{suffix}") == n


@FUZZ
@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)),
       layout=st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y%m%d%H%M%S"]))
def test_a_moment_written_in_a_known_layout_parses_back_to_itself(moment: datetime, layout: str) -> None:
    moment = moment.replace(microsecond=0)
    assert readers.as_moment(moment.strftime(layout), TZ) == moment.replace(tzinfo=TZ)


@pytest.fixture
def admin(db: Any) -> Any:
    make_item(department=make_department(code="SCJ"), code="XK-1", promised=3, statutory=20, level_township=True,
              level_village=True, village_assisted=True)
    return make_user(role=Role.CENTER_ADMIN)


def _records(columns: dict[str, tuple[str, ...]], required: dict[str, Any] | None = None) -> Any:
    """Records under the importer's column names (any alias); the ``required`` columns are always present, so
    most records get past the header check into the value parsers."""
    names = sorted({alias for name, aliases in columns.items() for alias in (name, *aliases)})
    record = st.builds(lambda base, more: {**more, **base},
                       st.fixed_dictionaries(required or {}),
                       st.dictionaries(st.sampled_from(names), cells, max_size=8))
    return st.lists(st.one_of(record, st.builds(lambda: InvalidInput("不是 JSON 对象。", code="bad_record"))),
                    max_size=4)


@DB_FUZZ
@given(records=_records(CASE_COLUMNS, required={
    "办件编号": st.one_of(cells, st.from_regex(r"[A-Z]{2}[0-9]{6}", fullmatch=True)),
    "事项编码": st.one_of(cells, st.just("XK-1")),
    "收件时间": st.one_of(cells, st.just("2024-03-04 09:00")),
}))
def test_the_case_importer_reports_every_row_of_any_records_and_raises_nothing(admin: Any, records: list) -> None:
    numbered = list(enumerate(records, start=1))
    try:
        report = cases_import(actor=admin, records=iter(numbered), dry_run=True)
    except InvalidInput as exc:  # a file without the required columns is refused as a whole
        assert exc.code == "missing_column"
        assert exc.field in {"number", "item_code", "received_at"}
        return
    assert report.rows == len(records)
    assert report.created + report.updated + report.skipped + report.kept_local + report.rejected == report.rows
    assert {e.row for e in report.errors} <= {n for n, _ in numbered}


@DB_FUZZ
@given(records=_records(ITEM_COLUMNS))
def test_the_item_importer_reports_every_row_of_any_records_and_raises_nothing(admin: Any, records: list) -> None:
    report = items_import(actor=admin, records=iter(list(enumerate(records, start=1))), dry_run=True)
    assert report.rows == len(records)
    assert report.created + report.updated + report.skipped + report.rejected == report.rows


@DB_FUZZ
@given(data=st.binary(max_size=300), name=st.sampled_from(["x.csv", "x.json", "x.jsonl", "x.xlsx", "x.txt"]))
def test_the_case_import_of_any_file_gives_a_report_or_an_invalid_input(admin: Any, data: bytes, name: str) -> None:
    try:
        report = cases_import_file(actor=admin, source=io.BytesIO(data), name=name, dry_run=True)
    except InvalidInput as exc:
        assert exc.message
        return
    assert report.rows == report.rejected + report.created + report.updated + report.skipped + report.kept_local
