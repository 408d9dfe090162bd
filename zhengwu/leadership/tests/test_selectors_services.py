"""The period switch, the cached figure set, the monthly trends and the plan targets' progress and rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.leadership import selectors, services
from zhengwu.leadership.choices import Comparison, Preset
from zhengwu.leadership.models import PlanTarget
from zhengwu.leadership.tests.conftest import joined
from zhengwu.reports.registry import Period

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 15)


# --- the period switch -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("preset", "year", "start", "end"), [
    ("", None, dt.date(2026, 1, 1), TODAY),
    (Preset.YEAR_TO_DATE, None, dt.date(2026, 1, 1), TODAY),
    (Preset.JAN_NOV, None, dt.date(2026, 1, 1), TODAY),
    (Preset.MONTH, None, dt.date(2026, 7, 1), TODAY),
    (Preset.LAST_YEAR, None, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    (Preset.JAN_NOV, 2023, dt.date(2023, 1, 1), dt.date(2023, 11, 30)),
    (Preset.YEAR_TO_DATE, 2023, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    (Preset.MONTH, 2023, dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    (Preset.LAST_YEAR, 2023, dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
])
def test_each_preset_names_its_days(preset, year, start, end) -> None:  # noqa: ANN001
    chosen = selectors.period_resolve(preset=preset, year=year, today=TODAY)
    assert (chosen.period.start, chosen.period.end) == (start, end)
    assert chosen.preset == (preset or Preset.YEAR_TO_DATE)


def test_jan_nov_stops_at_the_end_of_november_late_in_the_year() -> None:
    chosen = selectors.period_resolve(preset=Preset.JAN_NOV, today=dt.date(2026, 12, 20))
    assert chosen.period == Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))


def test_explicit_dates_win_over_the_preset_and_end_defaults_to_today() -> None:
    chosen = selectors.period_resolve(preset=Preset.MONTH, start="2023-02-01", end="2023-03-31", today=TODAY)
    assert chosen.preset == Preset.CUSTOM
    assert chosen.period == Period(dt.date(2023, 2, 1), dt.date(2023, 3, 31))
    assert "start=2023-02-01" in chosen.query() and "end=2023-03-31" in chosen.query()
    assert selectors.period_resolve(start="2026-05-01", today=TODAY).period.end == TODAY


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"start": "2023-02-30"}, "start"),
    ({"start": "2023-02-01", "end": "yesterday"}, "end"),
    ({"start": "2023-03-01", "end": "2023-02-01"}, "end"),
    ({"start": "2019-01-01", "end": "2023-02-01"}, "start"),
    ({"preset": "decade"}, "preset"),
    ({"preset": Preset.CUSTOM}, "start"),
    ({"year": "1999"}, "year"),
    ({"year": "二〇二三"}, "year"),
])
def test_a_bad_period_is_refused_naming_its_field(kwargs, field) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as raised:
        selectors.period_resolve(today=TODAY, **kwargs)
    assert raised.value.field == field


def test_months_of_a_period_are_clipped_to_it() -> None:
    months = selectors.months_of(Period(dt.date(2023, 1, 15), dt.date(2023, 3, 10)))
    assert [(m.start, m.end) for m in months] == [
        (dt.date(2023, 1, 15), dt.date(2023, 1, 31)), (dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        (dt.date(2023, 3, 1), dt.date(2023, 3, 10))]


# --- figures and their cache -------------------------------------------------------------------------------

def test_figure_values_compare_with_the_same_days_a_year_earlier(test_figures) -> None:  # noqa: ANN001
    joined(3, dt.date(2023, 5, 2))
    joined(2, dt.date(2022, 5, 2))
    joined(1, dt.date(2023, 12, 2))  # outside the period
    computed = selectors.figure_values(Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30)))
    received = computed.figures["cases.received"]
    assert (received.value, received.previous) == (3, 2)
    assert received.change == Decimal("50.00")
    assert computed.figures["intermediary.agencies"].previous is None  # a stock is not compared
    assert computed.cached is False


def test_a_second_computation_of_the_same_period_reads_the_cache(test_figures) -> None:  # noqa: ANN001
    joined(4, dt.date(2023, 6, 1))
    period = Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30))
    first = selectors.figure_values(period)
    with CaptureQueriesContext(connection) as queries:
        second = selectors.figure_values(period)
    assert second.cached is True
    assert len(queries) == 0
    assert second.computed_at == first.computed_at
    assert {k: v.value for k, v in second.figures.values.items()} == {k: v.value for k, v in first.figures.values.items()}
    other = selectors.figure_values(Period(dt.date(2023, 1, 1), dt.date(2023, 10, 31)))
    assert other.cached is False  # the key names the period


def test_an_unknown_figure_key_is_refused_naming_keys(test_figures) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as raised:
        selectors.figure_values(Period(dt.date(2023, 1, 1), dt.date(2023, 1, 31)), keys=["cases.nope"])
    assert raised.value.field == "keys"


def test_trends_give_each_month_with_last_years_value_and_links(test_figures) -> None:  # noqa: ANN001
    trends = selectors.trends(Period(dt.date(2023, 1, 1), dt.date(2023, 3, 31)))
    assert [t.key for t in trends] == ["cases.received", "trading.amount", "reviews.bad", "retrieval.requests"]
    bad = trends[2]
    assert [p.label for p in bad.points] == ["2023-01", "2023-02", "2023-03"]
    assert bad.points[1].value == 7_000 * 28 // 365 and bad.points[1].previous == 8_800 * 28 // 365
    assert bad.points[0].link == "/reviews/?start=2023-01-01&end=2023-01-31"
    assert bad.points[0].previous_link == "/reviews/?start=2022-01-01&end=2022-01-31"


def test_trends_skip_figures_that_are_not_registered(test_figures) -> None:  # noqa: ANN001
    from zhengwu.reports import registry

    registry.unregister("retrieval.requests")
    keys = [t.key for t in selectors.trends(Period(dt.date(2023, 1, 1), dt.date(2023, 1, 31)))]
    assert keys == ["cases.received", "trading.amount", "reviews.bad"]


# --- plan targets ------------------------------------------------------------------------------------------

def _target(people, **kw) -> PlanTarget:  # noqa: ANN001
    values = {"name": "中介超市成交300条以上", "figure": "intermediary.deals", "target_value": 300, "year": 2024}
    values.update(kw)
    return services.target_create(actor=people["admin"], **values)


def test_creating_a_target_is_audited(test_figures, people) -> None:  # noqa: ANN001
    target = _target(people, note="全年")
    assert (target.figure_key, target.target_value, target.comparison, target.created_by) == (
        "intermediary.deals", Decimal("300.0000"), Comparison.AT_LEAST, people["admin"])
    event = AuditEvent.objects.get(action="plan_target.create")
    assert event.object_id == str(target.pk) and event.payload["target_value"] == "300.0000"


@pytest.mark.parametrize(("kwargs", "field", "error"), [
    ({"figure": "cases.nope"}, "figure", InvalidInput),
    ({"figure": ""}, "figure", InvalidInput),
    ({"name": "  "}, "name", InvalidInput),
    ({"target_value": "三百"}, "target_value", InvalidInput),
    ({"target_value": "Infinity"}, "target_value", InvalidInput),
    ({"year": 1990}, "year", InvalidInput),
    ({"comparison": "gt"}, "comparison", InvalidInput),
    ({"order": -1}, "order", InvalidInput),
])
def test_a_bad_target_is_refused_naming_its_field_and_nothing_is_written(test_figures, people, kwargs, field,  # noqa: ANN001
                                                                         error) -> None:
    with pytest.raises(error) as raised:
        _target(people, **kwargs)
    assert raised.value.field == field
    assert PlanTarget.objects.count() == 0
    assert not AuditEvent.objects.filter(action="plan_target.create").exists()


def test_a_second_target_for_the_same_figure_and_year_is_a_conflict(test_figures, people) -> None:  # noqa: ANN001
    _target(people)
    with pytest.raises(Conflict) as raised:
        _target(people, name="再来一条")
    assert raised.value.field == "figure"
    assert PlanTarget.objects.count() == 1


def test_only_a_center_administrator_manages_targets(test_figures, people) -> None:  # noqa: ANN001
    with pytest.raises(Forbidden):
        _target(people | {"admin": people["leader"]})
    target = _target(people)
    with pytest.raises(Forbidden):
        services.target_update(actor=people["supervisor"], target=target, target_value=1)


def test_updating_a_target_records_before_and_after(test_figures, people) -> None:  # noqa: ANN001
    target = _target(people)
    services.target_update(actor=people["admin"], target=target, target_value="350", active=False)
    target.refresh_from_db()
    assert (target.target_value, target.active) == (Decimal("350.0000"), False)
    payload = AuditEvent.objects.get(action="plan_target.update").payload
    assert (payload["before"]["target_value"], payload["after"]["target_value"]) == ("300.0000", "350.0000")
    with pytest.raises(InvalidInput) as raised:
        services.target_update(actor=people["admin"], target=target, figure="nope.nope")
    assert raised.value.field == "figure"
    with pytest.raises(InvalidInput) as raised:
        services.target_update(actor=people["admin"], target=target, colour="red")
    assert raised.value.field == "colour"


def test_progress_of_a_past_year_reads_the_whole_year(test_figures, people) -> None:  # noqa: ANN001
    met = _target(people, figure="intermediary.deals", target_value=300)  # 2024: 320 deals
    short = _target(people, name="评定分离30%", figure="trading.separation_share", target_value=30)  # 2024: 25.0%
    at_most = _target(people, name="超期受理率不高于0.25%", figure="cases.overdue_acceptance_rate", target_value="0.25",
                      comparison=Comparison.AT_MOST)  # 2024: 0.20%
    rows = {p.target.pk: p for p in selectors.target_progress([met, short, at_most], today=TODAY)}
    assert rows[met.pk].period == Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (rows[met.pk].value, rows[met.pk].met, rows[met.pk].percent) == (320, True, Decimal("100.0"))
    assert rows[met.pk].value_text == "320条" and rows[met.pk].target_text == "≥300条"
    assert (rows[short.pk].met, rows[short.pk].percent) == (False, Decimal("83.3"))
    assert rows[short.pk].target_text == "≥30.0%"
    assert (rows[at_most.pk].met, rows[at_most.pk].percent) == (True, Decimal("100.0"))


def test_an_at_most_target_not_met_shows_how_close_it_is(test_figures, people) -> None:  # noqa: ANN001
    target = _target(people, name="超期受理率不高于0.14%", figure="cases.overdue_acceptance_rate", target_value="0.14",
                     comparison=Comparison.AT_MOST, year=2023)  # 2023: 0.28%
    [progress] = selectors.target_progress([target], today=TODAY)
    assert (progress.met, progress.percent) == (False, Decimal("50.0"))


def test_progress_of_this_year_runs_to_today_and_a_future_year_has_not_begun(test_figures, people) -> None:  # noqa: ANN001
    now = _target(people, year=2026)
    later = _target(people, year=2027)
    rows = {p.target.pk: p for p in selectors.target_progress([now, later], today=TODAY)}
    assert rows[now.pk].period == Period(dt.date(2026, 1, 1), TODAY)
    assert (rows[now.pk].value, rows[now.pk].met, rows[now.pk].percent) == (150, False, Decimal("50.0"))
    assert rows[later.pk].period is None and rows[later.pk].missing == "未开始" and rows[later.pk].value is None


def test_a_target_whose_figure_is_gone_says_so(test_figures, people) -> None:  # noqa: ANN001
    from zhengwu.reports import registry

    target = _target(people)
    registry.unregister("intermediary.deals")
    [progress] = selectors.target_progress([target], today=TODAY)
    assert progress.missing == "指标未登记" and progress.met is False


def test_seeding_the_2024_plan_twice_adds_each_registered_target_once(test_figures) -> None:  # noqa: ANN001
    made = services.targets_seed_plan(actor="demo")
    # of the plan's six figures, the test registry holds intermediary.deals and trading.separation_share
    assert sorted(t.figure_key for t in made) == ["intermediary.deals", "trading.separation_share"]
    assert services.targets_seed_plan(actor="demo") == []
    assert PlanTarget.objects.filter(year=2024).count() == 2
    assert AuditEvent.objects.filter(action="plan_target.create").count() == 2


def test_targets_are_visible_only_to_whole_district_scopes(test_figures, people) -> None:  # noqa: ANN001
    target = _target(people)
    assert list(selectors.target_list(user=people["leader"])) == [target]
    assert list(selectors.target_list(user=people["clerk"])) == []
