"""The dashboard page, its period switch, display mode and self-refresh, the cache on a second load, and the
targets pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import external_references
from zhengwu.leadership import services
from zhengwu.leadership.models import PlanTarget
from zhengwu.leadership.tests.conftest import joined

pytestmark = pytest.mark.django_db
JAN_NOV_2023 = "/leadership/?preset=jan_nov&year=2023"


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str, name: str) -> str:
    """The text inside the element with ``data-testid=name`` (its first line of markup)."""
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert match is not None, name
    return match.group(1).strip()


def test_the_dashboard_shows_each_figure_with_its_value_and_the_list_behind_it(test_figures, people) -> None:  # noqa: ANN001
    joined(3, dt.date(2023, 4, 1))
    response = client_for(people["leader"]).get(JAN_NOV_2023)
    html = response.content.decode()
    assert response.status_code == 200
    assert "统计区间 2023-01-01 至 2023-11-30,同比:上年同期 2022-01-01 至 2022-11-30" in html
    assert text_of(html, "value-cases.received") == "3件"
    assert text_of(html, "value-trading.amount") == f"{37_230_000_000 * 334 // 365 / 1e8:.1f}亿元"
    assert text_of(html, "value-cases.overdue_completion_rate") == "0.03%"
    assert text_of(html, "value-intermediary.agencies") == "40家"
    assert 'href="/cases/list/?start=2023-01-01&amp;end=2023-11-30" data-testid="figure-cases.received"' in html
    assert 'href="/reviews/?start=2023-01-01&amp;end=2023-11-30" data-testid="figure-reviews.bad"' in html
    for area in ("services", "evaluation", "retrieval", "trading", "intermediary"):
        assert f'data-testid="area-{area}"' in html
    assert 'data-testid="headline-cases.received"' in html and 'data-testid="headline-trading.amount"' in html


def test_the_change_colour_follows_which_way_is_better(test_figures, people) -> None:  # noqa: ANN001
    html = client_for(people["leader"]).get(JAN_NOV_2023).content.decode()
    # fewer bad reviews (better down): green; fewer retrieval requests (better up): red; a rate down is green
    assert re.search(r'class="zw-change zw-better d-block" data-testid="change-reviews.bad" data-tone="better"', html)
    assert text_of(html, "change-reviews.bad").startswith("同比下降")
    assert re.search(r'zw-worse d-block" data-testid="change-retrieval.requests"', html)
    assert re.search(r'zw-better d-block" data-testid="change-cases.overdue_completion_rate"', html)
    assert text_of(html, "change-cases.overdue_completion_rate") == "同比下降0.14个百分点"
    assert re.search(r'zw-better d-block" data-testid="change-trading.amount"', html)
    assert 'data-testid="change-intermediary.agencies"' not in html  # a stock is not compared


def test_the_trend_charts_carry_a_link_for_every_point(test_figures, people) -> None:  # noqa: ANN001
    html = client_for(people["leader"]).get("/leadership/?start=2023-01-01&end=2023-03-31").content.decode()
    assert 'data-testid="trend-reviews.bad"' in html
    links = re.search(r'data-links="([^"]*)" data-testid="trend-reviews.bad"', html).group(1)
    assert "/reviews/?start=2023-02-01&amp;end=2023-02-28" in links
    assert "/reviews/?start=2022-02-01&amp;end=2022-02-28" in links
    # (not a search for "cdn": the page's random CSP nonce once contained those three letters)
    assert "vendor/echarts/echarts.min.js" in html and external_references(html) == []


@pytest.mark.parametrize(("query", "label"), [
    ("?preset=last_year", "{y1}-01-01 至 {y1}-12-31"),
    ("?preset=month", "{y}-{m:02d}-01 至 {today}"),
    ("?preset=ytd", "{y}-01-01 至 {today}"),
    ("", "{y}-01-01 至 {today}"),
    ("?start=2023-03-01&end=2023-03-31", "2023-03-01 至 2023-03-31"),
])
def test_the_period_switch_changes_the_days_counted(test_figures, people, query, label) -> None:  # noqa: ANN001
    today = timezone.localdate()
    expected = label.format(y=today.year, y1=today.year - 1, m=today.month, today=today.isoformat())
    html = client_for(people["leader"]).get(f"/leadership/{query}").content.decode()
    assert f"统计区间 {expected}" in html


def test_switching_the_period_changes_the_numbers(test_figures, people) -> None:  # noqa: ANN001
    joined(2, dt.date(2023, 3, 10))
    joined(5, dt.date(2023, 9, 10))
    client = client_for(people["leader"])
    march = client.get("/leadership/?start=2023-03-01&end=2023-03-31").content.decode()
    year = client.get(JAN_NOV_2023).content.decode()
    assert text_of(march, "value-cases.received") == "2件"
    assert text_of(year, "value-cases.received") == "7件"


@pytest.mark.parametrize(("query", "field"), [
    ("?start=2023-02-30&end=2023-03-31", "start"),
    ("?start=2023-03-01&end=tomorrow", "end"),
    ("?start=2023-03-31&end=2023-03-01", "end"),
    ("?start=2015-01-01&end=2023-03-01", "start"),
    ("?year=1999", "year"),
    ("?preset=decade", "preset"),
])
def test_a_bad_period_shows_the_error_on_its_field_not_a_500(test_figures, people, query, field) -> None:  # noqa: ANN001
    response = client_for(people["leader"]).get(f"/leadership/{query}")
    html = response.content.decode()
    assert response.status_code == 422
    assert f'data-testid="field-error-{field}"' in html
    assert 'data-testid="period-invalid"' in html and 'data-testid="figures-area"' not in html


def test_display_mode_is_dark_without_navigation_and_offers_full_screen(test_figures, people) -> None:  # noqa: ANN001
    client = client_for(people["leader"])
    normal = client.get(JAN_NOV_2023).content.decode()
    display = client.get(JAN_NOV_2023 + "&display=1").content.decode()
    assert 'class="zw-sidebar"' in normal and 'data-testid="display-mode"' not in normal
    assert 'data-testid="display-link"' in normal
    assert 'class="zw-sidebar"' not in display and 'data-testid="display-mode"' in display
    assert "data-fullscreen" in display and "requestFullscreen" in display
    assert ".zw-topbar, .zw-footer { display: none !important; }" in display
    assert 'name="display" value="1"' in display  # the period switch keeps the display mode
    assert text_of(display, "value-cases.overdue_completion_rate") == "0.03%"


def test_the_figures_area_refreshes_itself_from_its_partial(test_figures, people, settings) -> None:  # noqa: ANN001
    settings.ZHENGWU = {**settings.ZHENGWU, "LEADERSHIP_REFRESH_SECONDS": 60}
    client = client_for(people["leader"])
    html = client.get(JAN_NOV_2023 + "&display=1").content.decode()
    assert re.search(r'hx-get="/leadership/figures/\?preset=jan_nov&amp;year=2023&amp;display=1" '
                     r'hx-trigger="every 60s" hx-swap="outerHTML"', html)
    partial = client.get("/leadership/figures/?preset=jan_nov&year=2023&display=1", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200
    assert body.lstrip().startswith('<div id="leadership-figures"') and "<html" not in body
    assert re.search(r"更新于 \d\d:\d\d", body)
    assert text_of(body, "value-intermediary.agencies") == "40家"


def test_the_refresh_partial_refuses_a_bad_period_with_an_alert(test_figures, people) -> None:  # noqa: ANN001
    response = client_for(people["leader"]).get("/leadership/figures/?start=2023-13-01", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#zw-alerts"
    assert "起始日无效" in response.content.decode()


def test_a_second_load_reads_the_figures_from_the_cache(test_figures, people) -> None:  # noqa: ANN001
    joined(1, dt.date(2023, 5, 5))
    client = client_for(people["leader"])

    def figure_queries(queries) -> int:  # noqa: ANN001
        return sum(1 for q in queries.captured_queries if '"date_joined" >=' in q["sql"])

    with CaptureQueriesContext(connection) as first:
        assert client.get(JAN_NOV_2023).status_code == 200
    with CaptureQueriesContext(connection) as second:
        html = client.get(JAN_NOV_2023).content.decode()
    # the first load counts the accounts for the period, last year's and each month's trend (11 × 2)
    assert figure_queries(first) == 2 + 11 * 2
    assert figure_queries(second) == 0
    assert len(second) < len(first) - 20
    assert text_of(html, "value-cases.received") == "1件"


def test_the_dashboard_needs_the_leadership_permission(test_figures, people) -> None:  # noqa: ANN001
    assert client_for(people["clerk"]).get("/leadership/").status_code == 403
    assert client_for(people["supervisor"]).get(JAN_NOV_2023).status_code == 403
    assert client_for(people["leader"]).get(JAN_NOV_2023).status_code == 200
    assert client_for(people["admin"]).get(JAN_NOV_2023).status_code == 200
    assert Client().get("/leadership/").status_code == 302


def test_the_dashboard_is_in_the_menu_near_the_top(test_figures, people) -> None:  # noqa: ANN001
    from zhengwu.core.navigation import menu_for

    groups = [str(g.label) for g in menu_for(people["leader"])]
    assert groups.index("领导驾驶舱") <= 1
    assert "领导驾驶舱" not in [str(g.label) for g in menu_for(people["clerk"])]


# --- targets -------------------------------------------------------------------------------------------------

def _seed(people) -> PlanTarget:  # noqa: ANN001
    return services.target_create(actor=people["admin"], name="中介超市成交300条以上", figure="intermediary.deals",
                                  target_value=300, year=2023)


def test_the_dashboard_shows_the_targets_of_the_periods_year(test_figures, people) -> None:  # noqa: ANN001
    _seed(people)
    html = client_for(people["leader"]).get(JAN_NOV_2023).content.decode()
    assert 'data-testid="targets-card"' in html
    assert 'data-testid="target-intermediary.deals" data-met="0"' in html
    assert text_of(html, "target-percent") == "66.0%"  # 198 of 300
    assert text_of(html, "target-goal") == "≥300条"


def test_the_targets_page_shows_progress_and_met_targets(test_figures, people) -> None:  # noqa: ANN001
    services.target_create(actor=people["admin"], name="评定分离20%", figure="trading.separation_share",
                           target_value=20, year=2024)
    services.target_create(actor=people["admin"], name="成交300条", figure="intermediary.deals", target_value=300,
                           year=2024)
    response = client_for(people["leader"]).get("/leadership/targets/?year=2024")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="target-trading.separation_share" data-met="1"' in html
    assert 'data-testid="target-intermediary.deals" data-met="1"' in html
    assert "进度按 2024-01-01 至 2024-12-31 的数据计算" in html
    assert 'data-testid="target-new"' not in html  # the leader reads, the administrator manages


def test_an_administrator_adds_a_target_on_the_screen(test_figures, people) -> None:  # noqa: ANN001
    client = client_for(people["admin"])
    assert client.get("/leadership/targets/new/").status_code == 200
    response = client.post("/leadership/targets/new/", {
        "year": 2024, "name": "评定分离30%以上", "figure": "trading.separation_share", "comparison": "ge",
        "target_value": "30", "note": "", "order": 10, "active": "on"})
    assert response.status_code == 302 and response["Location"] == "/leadership/targets/?year=2024"
    target = PlanTarget.objects.get()
    assert (target.figure_key, str(target.target_value), target.active) == ("trading.separation_share", "30.0000", True)
    assert AuditEvent.objects.filter(action="plan_target.create", object_id=str(target.pk)).exists()


def test_a_target_for_an_unknown_figure_is_refused_on_the_field(test_figures, people) -> None:  # noqa: ANN001
    response = client_for(people["admin"]).post("/leadership/targets/new/", {
        "year": 2024, "name": "不存在", "figure": "cases.nope", "comparison": "ge", "target_value": "1",
        "order": 1})
    assert response.status_code == 422
    assert 'data-testid="field-error-figure"' in response.content.decode()
    assert PlanTarget.objects.count() == 0


def test_a_duplicate_target_is_refused_on_the_figure_field(test_figures, people) -> None:  # noqa: ANN001
    _seed(people)
    response = client_for(people["admin"]).post("/leadership/targets/new/", {
        "year": 2023, "name": "再来", "figure": "intermediary.deals", "comparison": "ge", "target_value": "1",
        "order": 1})
    assert response.status_code == 409
    assert "2023年已有该指标的目标" in response.content.decode()
    assert PlanTarget.objects.count() == 1


def test_an_administrator_edits_a_target(test_figures, people) -> None:  # noqa: ANN001
    target = _seed(people)
    client = client_for(people["admin"])
    page = client.get(f"/leadership/targets/{target.pk}/edit/").content.decode()
    assert 'value="300"' in page
    response = client.post(f"/leadership/targets/{target.pk}/edit/", {
        "year": 2023, "name": "中介超市成交250条", "figure": "intermediary.deals", "comparison": "ge",
        "target_value": "250", "order": 5})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.name, str(target.target_value), target.active) == ("中介超市成交250条", "250.0000", False)


def test_a_leader_cannot_open_the_target_editor(test_figures, people) -> None:  # noqa: ANN001
    target = _seed(people)
    client = client_for(people["leader"])
    assert client.get("/leadership/targets/new/").status_code == 403
    assert client.post(f"/leadership/targets/{target.pk}/edit/", {"name": "x"}).status_code == 403


def test_after_the_warming_job_a_leader_opening_the_dashboard_waits_for_no_figure(test_figures, people) -> None:  # noqa: ANN001
    from zhengwu.leadership import selectors
    from zhengwu.leadership.tasks import leadership_warm

    joined(2, timezone.localdate())
    warmed = selectors.warm()
    expected = list(dict.fromkeys(selectors.period_resolve(preset=p).period for p in selectors.WARMED_PRESETS))
    assert warmed == expected
    assert leadership_warm.call_local() == len(warmed)

    def figure_queries(queries) -> int:  # noqa: ANN001
        return sum(1 for q in queries.captured_queries if '"date_joined" >=' in q["sql"])

    client = client_for(people["leader"])
    for url in ("/leadership/", "/leadership/?preset=jan_nov", "/leadership/?preset=last_year"):
        with CaptureQueriesContext(connection) as loaded:
            assert client.get(url).status_code == 200
        assert figure_queries(loaded) == 0, url
    with CaptureQueriesContext(connection) as month:
        assert client.get("/leadership/?preset=month").status_code == 200
    assert figure_queries(month) > 0  # a preset the job does not keep is computed on demand
