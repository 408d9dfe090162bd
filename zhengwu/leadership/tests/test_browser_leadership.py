"""A leader's journey through the dashboard (驾驶舱) in real Chromium.

钱局长 signs in, opens 领导驾驶舱 from the menu, picks the year 2024 and then switches the period to 上年 (2023), clicks
the March bar of the bad-review trend and lands on the review list for March 2023, comes back, and follows
"生成工作报告" to the report page for the same period, generates the report and downloads the Word document,
which opens with python-docx and carries the period. The hall's display mode is photographed at 1920×1080.

The figures are the tests' own (tests/conftest.py), so the journey does not depend on the domains' data.
Screenshots go to var/screenshots/ for a person to judge the design.
"""

from __future__ import annotations

import re

import pytest
from docx import Document

from zhengwu.core.testing import make_user
from zhengwu.leadership import services
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Leader-2024!"
HALL = {"width": 1920, "height": 1080}

pytestmark = pytest.mark.browser


@pytest.fixture
def leaders(transactional_db, test_figures):  # noqa: ANN001, ANN201
    make_user(role=Role.LEADER, username="qianjuzhang", password=PASSWORD)
    admin = make_user(role=Role.CENTER_ADMIN, username="zhouzhuren", password=PASSWORD)
    services.target_create(actor=admin, name="网上中介超市成交300条以上", figure="intermediary.deals",
                           target_value=300, year=2023)
    services.target_create(actor=admin, name="评定分离项目占比30%以上", figure="trading.separation_share",
                           target_value=30, year=2023)


def sign_in(page, live_server) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("qianjuzhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def click_chart_point(page, testid: str, *, series: int, index: int) -> None:  # noqa: ANN001
    """Click a data point of an ECharts chart where it is drawn (the canvas has no elements to click)."""
    chart = page.get_by_test_id(testid)
    chart.scroll_into_view_if_needed()
    page.wait_for_function("el => window.echarts && echarts.getInstanceByDom(el) && el.dataset.bound === '1'",
                           arg=chart.element_handle())
    x, y = chart.evaluate("""(el, [s, i]) => {
        const c = echarts.getInstanceByDom(el);
        const value = c.getOption().series[s].data[i];
        return c.convertToPixel({seriesIndex: s}, [i, value]); }""", [series, index])
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y + 6)  # just inside the top of the bar


def test_a_leader_switches_the_period_opens_a_chart_point_and_downloads_the_report(  # noqa: ANN001
        page, live_server, leaders, screenshots_dir, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    sign_in(page, live_server)
    page.locator(".zw-sidebar").get_by_role("link", name="领导驾驶舱").click()
    page.get_by_role("heading", name="领导驾驶舱").wait_for()
    form = page.get_by_test_id("period-form")
    form.get_by_label("年度").select_option("2024")
    form.get_by_role("button", name="查看").click()
    page.get_by_text("统计区间 2024-01-01 至 2024-12-31").wait_for()

    page.get_by_test_id("presets").get_by_role("link", name="上年").click()
    page.get_by_text("统计区间 2023-01-01 至 2023-12-31,同比:上年同期 2022-01-01 至 2022-12-31").wait_for()
    assert page.get_by_test_id("value-intermediary.agencies").inner_text() == "40家"
    assert page.get_by_test_id("change-reviews.bad").inner_text().startswith("同比下降")
    assert "zw-better" in page.get_by_test_id("change-reviews.bad").get_attribute("class")
    assert "zw-worse" in page.get_by_test_id("change-retrieval.requests").get_attribute("class")
    targets = page.get_by_test_id("targets-card")
    assert targets.get_by_test_id("target-percent").first.inner_text() == "66.0%"
    page.screenshot(path=str(screenshots_dir / "leadership-dashboard-1280x800.png"), full_page=True)

    dashboard_url = page.url
    click_chart_point(page, "trend-reviews.bad", series=0, index=2)
    page.wait_for_url(re.compile(r"/reviews/\?start=2023-03-01&end=2023-03-31$"))
    page.get_by_role("heading", name="好差评").wait_for()

    page.go_back()
    page.wait_for_url(dashboard_url)
    page.get_by_test_id("report-link").click()
    page.wait_for_url(re.compile(r"/reports/\?start=2023-01-01&end=2023-12-31$"))
    page.get_by_role("heading", name="工作报告").wait_for()
    assert page.locator("#id_start").input_value() == "2023-01-01"
    assert page.locator("#id_end").input_value() == "2023-12-31"
    page.get_by_test_id("generate").click()
    row = page.get_by_test_id("report-row").first
    row.get_by_test_id("download-docx").wait_for()
    with page.expect_download() as info:
        row.get_by_test_id("download-docx").click()
    saved = tmp_path / "report.docx"
    info.value.save_as(str(saved))
    document = Document(str(saved))
    assert document.paragraphs[0].text == "示范区行政服务中心2023年工作总结"
    assert any("2023年1月1日至12月31日" in cell.text or "2023-01-01" in cell.text
               for table in document.tables for row_ in table.rows for cell in row_.cells)


def test_the_halls_display_is_dark_full_screen_and_refreshes_itself(  # noqa: ANN001
        browser, live_server, leaders, screenshots_dir) -> None:
    context = browser.new_context(locale="zh-CN", viewport=HALL)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/leadership/?preset=ytd&year=2023&display=1")
        page.get_by_test_id("display-mode").wait_for()
        assert page.locator(".zw-sidebar").count() == 0
        assert not page.locator(".zw-topbar").is_visible()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(8, 17, 31)"
        page.wait_for_function("() => document.querySelectorAll('[data-bound=\"1\"]').length >= 4")
        before = page.get_by_test_id("updated-at").inner_text()
        assert re.match(r"更新于 \d\d:\d\d", before)
        # the refresh: htmx swaps the figures area for a fresh one from /leadership/figures/
        page.evaluate("""() => new Promise(resolve => { document.body.addEventListener('htmx:afterSettle',
            () => resolve(), {once: true}); htmx.ajax('GET', document.getElementById('leadership-figures')
            .getAttribute('hx-get'), {target: '#leadership-figures', swap: 'outerHTML'}); })""")
        assert page.get_by_test_id("value-intermediary.agencies").inner_text() == "40家"
        page.wait_for_function("() => document.querySelectorAll('[data-bound=\"1\"]').length >= 4")
        page.screenshot(path=str(screenshots_dir / "leadership-display-1920x1080.png"), full_page=False)
        assert page.get_by_test_id("fullscreen").is_visible()
    finally:
        context.close()
