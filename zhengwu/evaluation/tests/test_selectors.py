"""The evaluation selectors: the period a filter names, the tables (same figures as ``indicator_values``),
trends and the publication trend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhengwu.core.errors import InvalidInput
from zhengwu.evaluation import selectors
from zhengwu.evaluation.indicators import indicator_values
from zhengwu.evaluation.schemas import PeriodFilter
from zhengwu.evaluation.tests.test_indicators import END, START, world  # noqa: F401  (fixture)

TODAY = date(2024, 10, 16)  # a Wednesday


@pytest.mark.parametrize("preset, start, end", [
    ("week", date(2024, 10, 14), TODAY),
    ("month", date(2024, 10, 1), TODAY),
    ("year", date(2024, 1, 1), TODAY),
    ("jan_nov", date(2024, 1, 1), TODAY),
])
def test_a_preset_runs_from_its_start_to_today(preset, start, end):
    period = selectors.period_of(PeriodFilter(preset=preset), today=TODAY)
    assert (period.start, period.end, period.preset) == (start, end, preset)


def test_january_to_november_stops_at_the_end_of_november():
    period = selectors.period_of(PeriodFilter(preset="jan_nov", end=date(2024, 12, 20)), today=TODAY)
    assert (period.start, period.end) == (date(2024, 1, 1), date(2024, 11, 30))


def test_explicit_dates_win_over_the_preset_and_default_to_the_month():
    assert selectors.period_of(PeriodFilter(start=START, end=END, preset="week")).start == START
    assert selectors.period_of(PeriodFilter(), today=TODAY).start == date(2024, 10, 1)


def test_a_period_that_ends_before_it_starts_or_runs_too_long_is_refused():
    with pytest.raises(InvalidInput) as err:
        selectors.period_of(PeriodFilter(start=date(2024, 10, 2), end=date(2024, 10, 1)))
    assert (err.value.field, err.value.code) == ("end", "bad_period")
    with pytest.raises(InvalidInput) as err:
        selectors.period_of(PeriodFilter(start=date(2019, 1, 1), end=date(2024, 1, 1)))
    assert err.value.field == "start"


def test_the_same_period_last_year_keeps_the_days():
    period = selectors.Period(date(2024, 2, 1), date(2024, 2, 29))
    assert (period.last_year().start, period.last_year().end) == (date(2023, 2, 1), date(2023, 2, 28))


def percents(values: dict) -> dict:
    return {code: v.percent for code, v in values.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["department", "township"])
def test_the_table_has_the_figures_of_indicator_values_and_the_district_adds_up(world, group):  # noqa: F811
    table = selectors.indicator_table(period=selectors.Period(START, END, group))
    expected = indicator_values(start=START, end=END, group=group)
    assert {r.group_id: percents(r.values) for r in table.rows} == {g: percents(v) for g, v in expected.items()}
    district = indicator_values(start=START, end=END, group=None)[None]
    assert percents(table.district.values) == percents(district)


@pytest.mark.django_db
def test_the_weekly_trend_splits_the_period_into_its_weeks(world):  # noqa: F811
    indicators = selectors.indicators_active()
    trend = selectors.indicator_trend(end=END, unit="week", count=3, indicators=indicators)
    assert [b.start for b in trend.buckets] == [date(2024, 9, 23), date(2024, 9, 30), date(2024, 10, 7)]
    online = trend.series["online_rate"]
    # week 1: c1 c2 c3 c4 received, c2 and c3 online; week 3: c5 c6 c7, c7 online
    assert [(v.numerator, v.denominator) for v in online] == [(2, 4), (0, 0), (1, 3)]
    month = selectors.indicator_trend(end=END, unit="month", count=2, indicators=indicators)
    assert [b.label for b in month.buckets] == ["2024-09", "2024-10"]
    assert month.series["online_rate"][0].percent == Decimal("50.00")


@pytest.mark.django_db
def test_the_year_on_year_comparison_reads_the_same_days_a_year_earlier(world):  # noqa: F811
    indicators = selectors.indicators_active()
    changes = selectors.year_on_year(period=selectors.Period(START, END), indicators=indicators)
    online = next(c for c in changes if c.indicator.code == "online_rate")
    assert (online.now.percent, online.before.percent, online.delta) == (Decimal("42.86"), None, None)
