"""The working-day calendar: the handbook's facts (DOMAIN §2), its properties,
overrides, the Monday–Friday fallback, deadlines, the import and the checks."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.checks.registry import registry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from zhengwu.core import calendar, checks
from zhengwu.core.calendar import (
    add_working_days,
    calendar_warnings,
    deadline,
    is_working_day,
    next_year_missing,
    working_days_between,
    working_days_in_year,
    year_source,
)
from zhengwu.core.errors import InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.models_calendar import CalendarOverride, CalendarYear
from zhengwu.core.services_calendar import calendar_import
from zhengwu.core.testing import pin_today

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXTURE_2026 = Path(calendar.__file__).resolve().parent / "fixtures" / "holidays-2026.csv"
FALLBACK_YEAR = 2030  # chinesecalendar 1.11.0 stops at 2026
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"

# Package years the handbook asks for, plus one year that falls back to Monday–Friday.
calendar_dates = st.one_of(
    st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 12, 31)),
    st.dates(min_value=dt.date(FALLBACK_YEAR, 1, 1), max_value=dt.date(FALLBACK_YEAR, 12, 31)),
)
package_dates = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 12, 31))
steps = st.integers(min_value=-60, max_value=60)
property_settings = hypothesis_settings(max_examples=200, deadline=None, derandomize=True)


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.calendar_cache_clear(forget_fallback_years=True)
    yield
    calendar.calendar_cache_clear(forget_fallback_years=True)


@pytest.fixture
def admin_wang():
    """The center administrator who enters the holiday notices."""
    return get_user_model().objects.create_user(
        username="admin_wang", password="Zw-test-2024!", display_name="王管理员", role="center_admin",
    )


def days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year, 12, 31) - first).days + 1)]


def monday_to_friday_count(year: int) -> int:
    return sum(1 for day in days_of(year) if day.weekday() < 5)


def import_csv(text: str, *, year: int, source: str = "测试通知") -> CalendarYear:
    return calendar_import(data=text, fmt="csv", year=year, source=source)


# --- the handbook's facts (DOMAIN §2) -------------------------------------------

def test_the_make_up_sunday_2024_02_04_is_a_working_day():
    assert dt.date(2024, 2, 4).weekday() == 6
    assert is_working_day(dt.date(2024, 2, 4)) is True


def test_national_day_2024_10_01_is_a_holiday():
    assert is_working_day(dt.date(2024, 10, 1)) is False


def test_five_working_days_after_2024_09_27_is_2024_10_10():
    assert add_working_days(dt.date(2024, 9, 27), 5) == dt.date(2024, 10, 10)


@pytest.mark.parametrize(("year", "expected"), [(2024, 251), (2025, 248), (2026, 248)])
def test_a_package_year_has_the_handbooks_number_of_working_days(year, expected):
    assert working_days_in_year(year) == expected
    assert year_source(year) == "package"


def test_adding_zero_working_days_returns_the_day_itself_even_on_a_holiday():
    assert add_working_days(dt.date(2024, 10, 1), 0) == dt.date(2024, 10, 1)


def test_counting_back_five_working_days_from_2024_10_10_reaches_2024_09_27():
    assert add_working_days(dt.date(2024, 10, 10), -5) == dt.date(2024, 9, 27)
    assert working_days_between(dt.date(2024, 9, 27), dt.date(2024, 10, 10)) == 5


def test_a_moment_is_refused_where_a_date_is_expected():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2024, 10, 1, 9, 0, tzinfo=SHANGHAI))


# --- properties ---------------------------------------------------------------------

@property_settings
@given(day=package_dates)
def test_without_overrides_a_package_year_agrees_with_the_package(day):
    assert is_working_day(day) == chinese_calendar.is_workday(day)


@property_settings
@given(day=calendar_dates, n=steps)
def test_adding_n_working_days_then_counting_back_gives_n(day, n):
    assert working_days_between(day, add_working_days(day, n)) == n


@property_settings
@given(day=calendar_dates, n=st.integers(min_value=1, max_value=60))
def test_adding_at_least_one_working_day_always_lands_on_a_working_day(day, n):
    assert is_working_day(add_working_days(day, n)) is True
    assert is_working_day(add_working_days(day, -n)) is True


@property_settings
@given(day=calendar_dates, n=steps, later=st.integers(min_value=1, max_value=30))
def test_adding_is_strictly_increasing_in_the_number_of_days(day, n, later):
    assert add_working_days(day, n) < add_working_days(day, n + later)


@property_settings
@given(day=calendar_dates, n=steps, shift=st.integers(min_value=0, max_value=40))
def test_adding_is_monotone_in_the_start_date(day, n, shift):
    assert add_working_days(day, n) <= add_working_days(day + dt.timedelta(days=shift), n)


@property_settings
@given(start=calendar_dates, span=st.integers(min_value=-40, max_value=40))
def test_counting_agrees_with_a_walk_day_by_day(start, span):
    end = start + dt.timedelta(days=span)
    if span >= 0:
        walked = sum(is_working_day(start + dt.timedelta(days=i)) for i in range(1, span + 1))
    else:
        walked = -sum(is_working_day(start - dt.timedelta(days=i)) for i in range(1, -span + 1))
    assert working_days_between(start, end) == walked


@property_settings
@given(start=calendar_dates, n=st.integers(min_value=1, max_value=60), backwards=st.booleans())
def test_adding_the_count_to_a_working_day_returns_that_day(start, n, backwards):
    target = add_working_days(start, -n if backwards else n)  # a working day
    assert add_working_days(start, working_days_between(start, target)) == target


# --- overrides, entered years, fallback -------------------------------------------

def test_an_override_wins_over_the_package():
    CalendarOverride.objects.create(date=dt.date(2024, 10, 1), is_working_day=True, name="测试上班")
    CalendarOverride.objects.create(date=dt.date(2024, 2, 4), is_working_day=False, name="测试放假")
    CalendarOverride.objects.create(date=dt.date(2024, 10, 8), is_working_day=False, name="测试放假")

    assert is_working_day(dt.date(2024, 10, 1)) is True
    assert is_working_day(dt.date(2024, 2, 4)) is False
    assert is_working_day(dt.date(2024, 10, 8)) is False
    assert working_days_in_year(2024) == 251 + 1 - 2
    assert year_source(2024) == "package"


def test_an_entered_year_counts_monday_to_friday_plus_its_overrides_only():
    CalendarYear.objects.create(year=2025, source="测试：只录入元旦")
    CalendarOverride.objects.create(date=dt.date(2025, 1, 1), is_working_day=False, name="元旦")

    assert year_source(2025) == "override"
    assert is_working_day(dt.date(2025, 1, 1)) is False
    # The package's Spring Festival no longer applies: a Tuesday off, a Sunday worked.
    assert is_working_day(dt.date(2025, 1, 28)) is True
    assert is_working_day(dt.date(2025, 1, 26)) is False
    assert working_days_in_year(2025) == monday_to_friday_count(2025) - 1


def test_a_year_without_data_falls_back_to_monday_to_friday():
    assert year_source(FALLBACK_YEAR) == "fallback"
    assert is_working_day(dt.date(2030, 1, 1)) is True  # a Tuesday: no New Year's Day without data
    assert is_working_day(dt.date(2030, 1, 5)) is False  # a Saturday
    assert working_days_in_year(FALLBACK_YEAR) == monday_to_friday_count(FALLBACK_YEAR) == 261


def test_an_override_applies_in_a_fallback_year_without_entering_the_year():
    CalendarOverride.objects.create(date=dt.date(2030, 10, 1), is_working_day=False, name="国庆节")

    assert is_working_day(dt.date(2030, 10, 1)) is False
    assert year_source(FALLBACK_YEAR) == "fallback"


def test_a_fallback_year_in_use_appears_in_the_warnings():
    add_working_days(dt.date(2030, 3, 1), 3)

    warnings = calendar_warnings(today=dt.date(2026, 6, 1))

    assert any("2030年" in message and "周一至周五" in message for message in warnings)


def test_a_package_year_in_midsummer_has_no_warnings():
    add_working_days(dt.date(2025, 3, 1), 3)

    assert calendar_warnings(today=dt.date(2025, 6, 1)) == []


def test_the_warnings_name_next_year_once_from_1_november():
    warnings = calendar_warnings(today=dt.date(2026, 11, 1))

    assert "尚未录入" in warnings[0]
    assert sum("2027年" in message for message in warnings) == 1


# --- next year's notice -------------------------------------------------------------

def test_next_year_is_not_missing_on_31_october():
    assert next_year_missing(dt.date(2026, 10, 31)) is False


def test_next_year_is_missing_from_1_november_until_its_notice_is_entered():
    assert next_year_missing(dt.date(2026, 11, 1)) is True

    CalendarYear.objects.create(year=2027, source=NOTICE_2027)

    assert next_year_missing(dt.date(2026, 11, 1)) is False


def test_next_year_is_not_missing_when_the_package_covers_it():
    assert next_year_missing(dt.date(2025, 12, 31)) is False


# --- deadlines ---------------------------------------------------------------------

def test_a_deadline_ends_at_the_very_end_of_the_nth_working_day_by_default(settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "DEADLINE_END_OF_DAY": "24:00"}

    due = deadline(start=dt.datetime(2024, 9, 27, 10, 0, tzinfo=SHANGHAI), working_days=5)

    assert due == dt.datetime(2024, 10, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_a_deadline_ends_at_17_00_when_so_configured(settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "DEADLINE_END_OF_DAY": "17:00"}

    due = deadline(start=dt.date(2024, 9, 27), working_days=5)

    assert due == dt.datetime(2024, 10, 10, 17, 0, tzinfo=SHANGHAI)


def test_a_deadline_counts_from_the_events_date_in_shanghai():
    # 17:30 UTC on 26 September is 01:30 on 27 September in Shanghai.
    due = deadline(start=dt.datetime(2024, 9, 26, 17, 30, tzinfo=dt.timezone.utc), working_days=5)

    assert timezone.localtime(due, SHANGHAI).date() == dt.date(2024, 10, 10)


def test_an_instant_item_is_due_at_the_end_of_its_own_day():
    due = deadline(start=dt.datetime(2024, 10, 8, 9, 30, tzinfo=SHANGHAI), working_days=0)

    assert due.date() == dt.date(2024, 10, 8)


def test_a_negative_limit_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        deadline(start=dt.date(2024, 9, 27), working_days=-1)

    assert refused.value.field == "working_days"


# --- the cache --------------------------------------------------------------------

def test_saving_or_deleting_an_override_is_seen_at_once():
    day = dt.date(2024, 10, 8)
    assert is_working_day(day) is True

    override = CalendarOverride.objects.create(date=day, is_working_day=False, name="临时放假")
    assert is_working_day(day) is False

    override.delete()
    assert is_working_day(day) is True


def test_a_change_made_by_another_process_is_seen_within_a_minute(monkeypatch):
    day = dt.date(2024, 10, 8)
    override = CalendarOverride.objects.create(date=day, is_working_day=True, name="上班")
    now = [1000.0]
    monkeypatch.setattr(calendar, "_clock", lambda: now[0])
    assert is_working_day(day) is True

    # update() sends no signal: this process learns of it only when the cache expires.
    CalendarOverride.objects.filter(pk=override.pk).update(is_working_day=False)
    now[0] += 30
    assert is_working_day(day) is True
    now[0] += calendar.CACHE_SECONDS
    assert is_working_day(day) is False


# --- importing a notice --------------------------------------------------------------

def test_importing_the_2026_example_file_reproduces_the_package():
    entry = calendar_import(data=FIXTURE_2026.read_bytes(), fmt="csv", year=2026,
                            source="国务院办公厅关于2026年部分节假日安排的通知")

    assert entry.year == 2026
    assert year_source(2026) == "override"
    assert working_days_in_year(2026) == 248
    disagreeing = [day for day in days_of(2026) if is_working_day(day) != chinese_calendar.is_workday(day)]
    assert disagreeing == []


def test_importing_a_json_notice_enters_the_year_and_replaces_its_overrides(admin_wang):
    CalendarOverride.objects.create(date=dt.date(2027, 3, 3), is_working_day=False, name="旧数据")
    notice = {
        "year": 2027,
        "source": NOTICE_2027,
        "days": [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-02-06", "kind": "workday", "name": "春节调休上班"},
        ],
    }

    entry = calendar_import(data=json.dumps(notice, ensure_ascii=False), fmt="json", year=2027, source="",
                            actor=admin_wang)

    assert (entry.source, entry.entered_by) == (NOTICE_2027, admin_wang)
    assert list(CalendarOverride.objects.filter(date__year=2027).values_list("date", "is_working_day", "name")) == [
        (dt.date(2027, 1, 1), False, "元旦"),
        (dt.date(2027, 2, 6), True, "春节调休上班"),
    ]
    assert is_working_day(dt.date(2027, 3, 3)) is True
    assert is_working_day(dt.date(2027, 2, 6)) is True
    assert AuditEvent.objects.filter(action="calendar.import", object_id=str(entry.pk)).count() == 1


def test_importing_a_year_again_updates_it_instead_of_adding_one():
    import_csv("date,kind,name\n2027-01-01,holiday,元旦\n", year=2027, source="初稿")
    import_csv("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n", year=2027, source=NOTICE_2027)

    assert list(CalendarYear.objects.values_list("year", "source")) == [(2027, NOTICE_2027)]
    assert CalendarOverride.objects.filter(date__year=2027).count() == 2


@pytest.mark.parametrize(("bad_line", "field", "code"), [
    ("2027-02-30,holiday,春节", "date", "bad_date"),
    ("2027/13/01,holiday,春节", "date", "bad_date"),
    ("2026-12-31,holiday,元旦", "date", "outside_year"),
    ("2027-05-01,vacation,劳动节", "kind", "bad_kind"),
    ("2027-01-01,holiday,元旦", "date", "duplicate"),
])
def test_a_bad_row_is_refused_naming_its_row_and_field_and_nothing_is_written(bad_line, field, code):
    CalendarOverride.objects.create(date=dt.date(2027, 3, 3), is_working_day=False, name="旧数据")
    text = f"date,kind,name\n2027-01-01,holiday,元旦\n{bad_line}\n2027-02-07,workday,春节调休上班\n"

    with pytest.raises(InvalidInput) as refused:
        import_csv(text, year=2027)

    assert (refused.value.field, refused.value.code, refused.value.details["row"]) == (field, code, 3)
    assert refused.value.message.startswith("第3行")
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [dt.date(2027, 3, 3)]
    assert CalendarYear.objects.exists() is False


def test_every_bad_row_is_listed_not_only_the_first():
    text = "date,kind,name\nnot-a-date,holiday,x\n2027-01-02,rest,y\n"

    with pytest.raises(InvalidInput) as refused:
        import_csv(text, year=2027)

    assert [(e["row"], e["field"]) for e in refused.value.details["errors"]] == [(2, "date"), (3, "kind")]


def test_a_bad_json_day_is_refused_naming_its_position():
    notice = {"year": 2027, "days": [{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-01-01x",
                                                                                 "kind": "holiday"}]}

    with pytest.raises(InvalidInput) as refused:
        calendar_import(data=json.dumps(notice), fmt="json", year=2027, source=NOTICE_2027)

    assert (refused.value.field, refused.value.details["row"]) == ("date", 2)
    assert refused.value.message.startswith("第2条")
    assert CalendarOverride.objects.exists() is False


def test_a_json_notice_for_another_year_is_refused():
    notice = {"year": 2028, "days": [{"date": "2027-01-01", "kind": "holiday"}]}

    with pytest.raises(InvalidInput) as refused:
        calendar_import(data=json.dumps(notice), fmt="json", year=2027, source=NOTICE_2027)

    assert refused.value.field == "year"


def test_a_csv_without_the_date_column_is_refused():
    with pytest.raises(InvalidInput) as refused:
        import_csv("day,kind,name\n2027-01-01,holiday,元旦\n", year=2027)

    assert (refused.value.field, refused.value.code) == ("file", "bad_header")


def test_a_csv_saved_by_excel_in_gb18030_with_slashed_dates_is_read():
    data = "date,kind,name\r\n2027/1/1,holiday,元旦\r\n".encode("gb18030")

    calendar_import(data=data, fmt="csv", year=2027, source=NOTICE_2027)

    assert CalendarOverride.objects.get(date=dt.date(2027, 1, 1)).name == "元旦"


def test_the_import_command_reports_what_it_did():
    out = io.StringIO()

    call_command("calendar_import", str(FIXTURE_2026), "--year", "2026",
                 "--source", "国务院办公厅关于2026年部分节假日安排的通知", stdout=out)

    assert "已导入2026年" in out.getvalue()
    assert "全年工作日 248 天" in out.getvalue()


def test_the_import_command_fails_with_status_2_on_a_bad_file(tmp_path):
    bad = tmp_path / "holidays-2027.csv"
    bad.write_text("date,kind,name\n2027-01-01,rest,元旦\n", encoding="utf-8")

    with pytest.raises(CommandError) as failed:
        call_command("calendar_import", str(bad), "--year", "2027", "--source", NOTICE_2027)

    assert failed.value.returncode == 2
    assert "第2行" in str(failed.value)
    assert CalendarYear.objects.exists() is False


# --- system checks -------------------------------------------------------------------

def check_ids(issues) -> list[str]:
    return [issue.id for issue in issues]


def test_the_deploy_check_fails_from_1_november_while_next_year_is_missing():
    assert check_ids(checks.check_next_year_calendar_deploy(today=dt.date(2026, 10, 31))) == []
    assert check_ids(checks.check_next_year_calendar_deploy(today=dt.date(2026, 11, 1))) == ["core.E001"]

    CalendarYear.objects.create(year=2027, source=NOTICE_2027)

    assert check_ids(checks.check_next_year_calendar_deploy(today=dt.date(2026, 11, 1))) == []


def test_the_error_runs_only_with_deploy_and_the_warning_on_every_command():
    default_checks = registry.get_checks(include_deployment_checks=False)
    deploy_checks = registry.get_checks(include_deployment_checks=True)

    assert checks.check_next_year_calendar in default_checks
    assert checks.check_fallback_years in default_checks
    assert checks.check_next_year_calendar_deploy not in default_checks
    assert checks.check_next_year_calendar_deploy in deploy_checks
    assert checks.check_next_year_calendar_deploy.tags == (checks.CALENDAR_TAG,)


def test_check_deploy_fails_on_29_november_2026(monkeypatch):
    pin_today(monkeypatch, dt.date(2026, 11, 29))

    issues = run_checks(tags=[checks.CALENDAR_TAG], include_deployment_checks=True)

    assert check_ids(issues) == ["core.E001"]
    assert issues[0].is_serious() is True


def test_only_the_current_year_falling_back_is_warned_about():
    assert check_ids(checks.check_fallback_years(today=dt.date(2027, 3, 1))) == ["core.W002"]  # 2027
    # Next year's data ships late in the year: no warning for it before 1 November ...
    assert check_ids(checks.check_fallback_years(today=dt.date(2026, 6, 1))) == []
    # ... and from 1 November it is W001's business.
    assert check_ids(checks.check_fallback_years(today=dt.date(2026, 11, 29))) == []


def test_the_checks_run_before_the_calendar_tables_exist(monkeypatch):
    def no_table():
        raise OperationalError("no such table: core_calendaryear")

    monkeypatch.setattr(calendar, "_current", no_table)

    assert check_ids(checks.check_next_year_calendar(today=dt.date(2026, 11, 1))) == ["core.W001"]
    assert check_ids(checks.check_next_year_calendar(today=dt.date(2025, 11, 1))) == []
