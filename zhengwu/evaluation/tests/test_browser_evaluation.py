"""The indicator specialist's journey in real Chromium, on the hall's 1024×768 tablet.

李专员 signs in, opens the indicator dashboard (charts drawn by the vendored ECharts), narrows the
period, clicks 市场监督管理局's overdue acceptance rate, sees the case accepted late behind it, sends
the department a reminder with one click (a second click the same day is not offered), looks at the
desk, and publishes last week's draft that the Monday job prepared. The public then sees the
published ranking without signing in: names, totals and ranks, no case.

Screenshots go to var/screenshots/evaluation-*.png for a person to judge the design.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from zhengwu.cases import services as cases
from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import SHANGHAI, VALID_ID, make_item
from zhengwu.core import calendar
from zhengwu.core.models import Notification, Reminder
from zhengwu.core.testing import make_department
from zhengwu.evaluation import services
from zhengwu.evaluation.choices import PublicationStatus
from zhengwu.evaluation.models import Publication
from zhengwu.evaluation.tasks import prepare_weekly_drafts
from zhengwu.org.models import User
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"
TABLET = {"width": 1024, "height": 768}
NINE = ["online_rate", "acceptance_overdue_rate", "completion_overdue_rate", "instant_rate", "limit_compression",
        "review_coverage", "bad_review_rate", "rectification_on_time_rate", "reminder_response_rate"]

pytestmark = pytest.mark.browser


def working_day(days_from_today: int, hour: int) -> datetime:
    day = calendar.add_working_days(timezone.localdate(), days_from_today)
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


@pytest.fixture
def hall(transactional_db):  # noqa: ANN001, ANN201
    services.indicators_ensure_defaults()  # a transactional test flushes what the data migration made
    market = make_department(name="市场监督管理局")
    labour = make_department(name="人力资源和社会保障局")
    for dept, short in ((market, "市场监管局"), (labour, "人社局")):
        dept.short_name = short
        dept.save(update_fields=["short_name"])
    User.objects.create_user(username="lizhuanyuan", password=PASSWORD, role=Role.INDICATOR_SPECIALIST,
                             display_name="李专员")
    admin = User.objects.create_user(username="wangzhuren", password=PASSWORD, role=Role.CENTER_ADMIN,
                                     display_name="王主任")
    leader = User.objects.create_user(username="shijuzhang", password=PASSWORD, role=Role.DEPARTMENT_LEADER,
                                      display_name="市场局张科长", department=market)
    clerks = {d: User.objects.create_user(username=f"clerk{d.pk}", password=PASSWORD, role=Role.WINDOW_CLERK,
                                          display_name=f"{d.name}窗口", department=d) for d in (market, labour)}
    food = make_item(department=market, code="330702-SC-001", name="食品经营许可(新办)", promised=3, statutory=20)
    pension = make_item(department=labour, code="330702-RS-001", name="失业保险金申领", promised=5, statutory=10)

    def case(item, clerk, *, received: datetime, accepted: datetime | None = None,  # noqa: ANN001, ANN202
             completed: datetime | None = None, channel: str = Channel.WINDOW, name: str = "赵大伟"):
        c, _code = cases.case_receive(actor=clerk, item=item, channel=channel, applicant_kind="person",
                                      applicant_name=name, id_number=VALID_ID, received_at=received)
        if accepted is not None:
            c = cases.case_transition(actor=clerk, case=c, action="accept", now=accepted)
        if completed is not None:
            c = cases.case_transition(actor=clerk, case=c, action="approve", now=completed)
        return c

    # 市场局: one case accepted three weeks late (overdue acceptance, still open: overdue now), two handled well.
    late = case(food, clerks[market], received=working_day(-20, 9), accepted=working_day(-3, 10))
    for n in (8, 6):
        case(food, clerks[market], received=working_day(-n, 9), accepted=working_day(-n, 10),
             completed=working_day(-n + 1, 15), channel=Channel.ONLINE_PC, name="钱小红")
    # 人社局: every case on time.
    for n in (9, 7, 5):
        case(pension, clerks[labour], received=working_day(-n, 9), accepted=working_day(-n, 11),
             completed=working_day(-n + 2, 16), channel=Channel.MOBILE, name="孙一")
    services.scheme_create(actor=admin, name="部门政务服务能力评价办法",
                           rules=[{"indicator": code, "weight": w, "method": "rank", "step": "2"}
                                  for code, w in zip(NINE, (20, 10, 15, 10, 5, 10, 10, 10, 10))])
    prepare_weekly_drafts.call_local()  # the Monday job: last week's draft
    return {"market": market, "labour": labour, "late": late, "leader": leader}


def tablet(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(locale="zh-CN", viewport=TABLET)
    context.set_default_timeout(10_000)
    return context


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def fits(page) -> None:  # noqa: ANN001
    """Nothing spills sideways on the tablet (wide tables scroll inside their card)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]


def test_the_specialist_follows_a_figure_to_its_cases_reminds_the_department_and_publishes_the_week(  # noqa: ANN001
        browser, live_server, hall, screenshots_dir) -> None:
    late = hall["late"]
    context = tablet(browser)
    try:
        page = context.new_page()
        sign_in(page, live_server, "lizhuanyuan")

        # The dashboard: the nine indicators by department, the ranking, trends by week and month.
        page.locator(".zw-sidebar").get_by_role("link", name="指标看板").click()
        page.get_by_role("heading", name="指标看板").wait_for()
        page.get_by_label("起始日").fill((timezone.localdate() - timedelta(days=60)).isoformat())
        page.get_by_label("截止日").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="查询", exact=True).click()
        page.wait_for_url(re.compile(r"start="))
        for chart in ("chart-values", "chart-ranking", "chart-weekly", "chart-monthly"):
            page.locator(f'[data-testid="{chart}"] canvas').first.wait_for()
        ranking = page.get_by_test_id("table-ranking").locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.cells[1].innerText)")
        assert ranking == ["人社局", "市场监管局"]  # the late acceptance costs 市场监管局 its first place
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-dashboard-1024x768.png"))
        page.screenshot(path=str(screenshots_dir / "evaluation-dashboard-full.png"), full_page=True)

        # 市场局's overdue acceptance rate, and the case behind it.
        figure = page.locator(f'[data-testid="table-values"] tr[data-row="{hall["market"].pk}"] '
                              f'a[data-testid="drill-acceptance_overdue_rate"]')
        assert figure.inner_text() == "33.33"  # one of three cases accepted late
        figure.click()
        page.get_by_test_id("drill-title").wait_for()
        assert "超期受理率" in page.get_by_test_id("drill-title").inner_text()
        rows = page.locator('[data-testid="desk-case"]')
        assert rows.count() == 1
        assert rows.first.get_attribute("data-number") == late.number
        assert rows.first.get_attribute("data-state") == "overdue"
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-drilldown-1024x768.png"), full_page=True)

        # One click: the department is reminded; the button gives way to 已提醒.
        rows.first.get_by_test_id("remind").click()
        rows.first.get_by_test_id("reminded").wait_for()
        assert rows.first.get_by_test_id("reminded").inner_text().strip() == "已提醒"
        assert rows.first.get_by_test_id("remind").count() == 0
        reminder = Reminder.objects.get(object_id=str(late.pk), stage__startswith="manual-")
        assert Notification.objects.filter(reminder=reminder, recipient=hall["leader"]).count() == 1

        # The desk: the case says 今日已提醒, the year's reminders count it.
        page.get_by_role("link", name="指标跟踪").first.click()
        page.get_by_role("heading", name="指标跟踪").wait_for()
        assert page.get_by_test_id("reminder-count").inner_text() == "1"
        row = page.locator(f'[data-testid="desk-case"][data-number="{late.number}"]')
        assert row.get_by_test_id("reminded").inner_text().strip() == "今日已提醒"
        assert row.get_by_test_id("remind").count() == 0
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-desk-1024x768.png"), full_page=True)

        # Publish last week's draft (prepared by the Monday job).
        page.locator(".zw-sidebar").get_by_role("link", name="晾晒", exact=True).click()
        page.get_by_role("heading", name="晾晒").wait_for()
        page.get_by_test_id("draft").get_by_role("link", name="查看并发布").click()
        page.get_by_test_id("publication-actions").wait_for()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-publication-draft-1024x768.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="晾晒发布").click()
        page.get_by_test_id("publication-digest").wait_for()
        assert "已晾晒" in page.get_by_test_id("publication-status").inner_text()
        assert page.get_by_role("button", name="晾晒发布").count() == 0
        publication = Publication.objects.get()
        assert publication.status == PublicationStatus.PUBLISHED
        assert publication.digest in page.get_by_test_id("publication-digest").inner_text()
        page.screenshot(path=str(screenshots_dir / "evaluation-publication-1024x768.png"), full_page=True)

        page.locator(".zw-sidebar").get_by_role("link", name="晾晒", exact=True).click()
        assert "已晾晒 1 期" in page.get_by_test_id("publication-count").inner_text()
        page.locator('[data-testid="chart-publications"] canvas').first.wait_for()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-publications-1024x768.png"), full_page=True)
    finally:
        context.close()

    # Anyone, without signing in: the published week, names, totals, ranks; nothing about cases.
    public = browser.new_context(locale="zh-CN", viewport=TABLET)
    try:
        page = public.new_page()
        page.goto(f"{live_server.url}/evaluation/public/")
        table = page.get_by_test_id("table-public")
        table.wait_for()
        names = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.cells[1].innerText)")
        assert sorted(names) == sorted(["人社局", "市场监管局"])
        assert late.number not in page.content()
        assert "已晾晒 1 期" in page.get_by_test_id("public-count").inner_text()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-public-1024x768.png"), full_page=True)
    finally:
        public.close()


def test_the_center_admin_revises_the_scheme_and_answers_a_suggestion(browser, live_server, hall,  # noqa: ANN001
                                                                      screenshots_dir) -> None:
    services.suggestion_submit(actor=hall["leader"], department=hall["market"], title="即办率口径",
                               content="建议将材料补正后当日办结的办件计入即办件。")
    context = tablet(browser)
    try:
        page = context.new_page()
        sign_in(page, live_server, "wangzhuren")
        page.locator(".zw-sidebar").get_by_role("link", name="评价方案").click()
        page.get_by_role("heading", name="评价方案").wait_for()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-schemes-1024x768.png"), full_page=True)

        # Revise: weights that add up to 99 are refused under the weights; nothing is saved.
        page.get_by_role("link", name="修订").first.click()
        page.get_by_test_id("rule-rows").wait_for()
        page.locator("#id_online_rate-weight").fill("19")
        page.get_by_label("修订说明").fill("一网通办率权重下调")
        page.get_by_role("button", name="保存为新版本").click()
        error = page.get_by_test_id("field-error-rules")
        error.wait_for()
        assert "当前为 99" in error.inner_text()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-scheme-error-1024x768.png"), full_page=True)
        page.locator("#id_limit_compression-weight").fill("6")
        page.get_by_role("button", name="保存为新版本").click()
        page.locator('[data-testid="scheme-version"][data-number="2"]').wait_for()

        # The suggestion: declining needs a reason, said at the field; then it is declined.
        page.locator(".zw-sidebar").get_by_role("link", name="评价建议").click()
        suggestion = page.get_by_test_id("suggestion").first
        suggestion.locator('[data-action="decline"]').click()
        suggestion = page.get_by_test_id("suggestion").first
        suggestion.get_by_test_id("field-error-reason").wait_for()
        suggestion.locator("textarea[name=reason]").fill("补正后当日办结不符合即办件定义,暂不采纳。")
        suggestion.locator('[data-action="decline"]').click()
        page.locator('[data-testid="suggestion"][data-status="declined"]').wait_for()
        assert page.get_by_test_id("table-suggestion_counts").locator("tbody tr").first.inner_text().split() == [
            "市场监管局", "1", "0", "1", "0"]
        fits(page)
        page.screenshot(path=str(screenshots_dir / "evaluation-suggestions-1024x768.png"), full_page=True)
    finally:
        context.close()
