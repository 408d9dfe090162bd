"""The clerk's workspace in real Chromium, on the hall's 1024×768 tablet.

A window clerk (甲窗口) signs in, receives a case through the form, prints the receipt, accepts the
case, suspends it for a hearing, resumes it and completes it; the detail says 已办结 and the
timeline lists every step. The applicant then follows the case on the public page with the
receipt's number and code. A department leader looks at the department's figures.

Screenshots go to var/screenshots/ for a person to judge the design.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from zhengwu.cases import services
from zhengwu.cases.choices import CaseStatus, Channel
from zhengwu.cases.models import Case
from zhengwu.cases.testing import SHANGHAI, VALID_ID, make_item
from zhengwu.core import calendar
from zhengwu.core.testing import make_department
from zhengwu.org.models import User
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"
TABLET = {"width": 1024, "height": 768}

pytestmark = pytest.mark.browser


@pytest.fixture
def hall(transactional_db):  # noqa: ANN001, ANN201
    dept = make_department(name="市场监督管理局")
    other = make_department(name="人力资源和社会保障局")
    clerk = User.objects.create_user(username="jiachuang", password=PASSWORD, role=Role.WINDOW_CLERK,
                                     display_name="甲窗口", department=dept)
    leader = User.objects.create_user(username="jiake", password=PASSWORD, role=Role.DEPARTMENT_LEADER,
                                      display_name="甲科长", department=dept)
    item = make_item(department=dept, code="330702-SC-001", name="食品经营许可(新办)", promised=10, statutory=20)
    make_item(department=dept, code="330702-SC-002", name="个体工商户设立登记", promised=3, statutory=15)
    make_item(department=other, code="330702-RS-001", name="失业保险金申领", promised=5, statutory=10)
    # Something in the inbox besides the case the journey receives: one late, one near its deadline.
    for days_ago, name in ((12, "赵大伟"), (8, "钱小红")):
        when = datetime.combine(calendar.add_working_days(timezone.localdate(), -days_ago), time(9, 0),
                                tzinfo=SHANGHAI)
        case, _ = services.case_receive(actor=clerk, item=item, channel=Channel.MOBILE, applicant_kind="person",
                                        applicant_name=name, id_number="110101199003074477", received_at=when)
        services.case_transition(actor=clerk, case=case, action="accept", now=when + timedelta(minutes=20))
    return {"clerk": clerk, "leader": leader, "item": item}


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
    """Nothing spills sideways on the tablet."""
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]


def confirm(page, *, reason: str = "") -> None:  # noqa: ANN001
    """Fill the open action form's reason, confirm, and wait for the detail to come back."""
    panel = page.get_by_test_id("action-form")
    if reason:
        panel.locator("textarea[name=reason]").fill(reason)
    panel.get_by_role("button", name=re.compile("^确认")).click()
    panel.wait_for(state="detached")  # the updated detail replaced the form
    page.get_by_test_id("case-flash").wait_for()


def act(page, action: str, *, reason: str = "") -> None:  # noqa: ANN001
    """Open an action's form (htmx) from its button, then confirm it."""
    assert page.get_by_test_id("action-form").count() == 0
    page.locator(f'[data-testid="case-actions"] [data-action="{action}"]').click()
    page.get_by_test_id("action-form").wait_for()
    confirm(page, reason=reason)


def test_a_clerk_receives_handles_and_completes_a_case_and_the_applicant_follows_it(  # noqa: ANN001
        browser, live_server, hall, screenshots_dir) -> None:
    context = tablet(browser)
    try:
        page = context.new_page()
        sign_in(page, live_server, "jiachuang")
        assert page.get_by_test_id("cases-panel").is_visible()
        page.screenshot(path=str(screenshots_dir / "cases-dashboard-1024x768.png"))

        # The inbox: the late case first, then the one near its deadline.
        page.locator(".zw-sidebar").get_by_role("link", name="待办办件").click()
        page.get_by_role("heading", name="待办办件").wait_for()
        states = page.locator('[data-testid="case-row"]').evaluate_all("rows => rows.map(r => r.dataset.state)")
        assert states == ["overdue", "warning"]
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-inbox-1024x768.png"), full_page=True)
        # The filter answers in place (htmx) and keeps the address shareable.
        page.get_by_label("期限状态").select_option("overdue")
        page.wait_for_url(re.compile(r"deadline=overdue"))
        page.locator('[data-testid="case-row"][data-state="warning"]').wait_for(state="detached")
        assert page.locator('[data-testid="case-row"]').count() == 1

        # Receive: a bad ID number first (message at the field), then the right one.
        page.get_by_role("link", name="收件登记").first.click()
        page.get_by_role("heading", name="收件登记").wait_for()
        page.locator("#item-search").fill("食品经营")
        page.locator("#id_item option:checked", has_text="食品经营许可").wait_for(state="attached")
        page.get_by_label("申请人姓名或名称").fill("王小明")
        page.get_by_label("身份证号").fill("110105194912310021")
        page.get_by_label("联系电话").fill("13800138000")
        page.get_by_role("button", name="收件并出具回执").click()
        page.get_by_test_id("field-error-id_number").wait_for()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-receive-error-1024x768.png"), full_page=True)
        page.get_by_label("身份证号").fill(VALID_ID)
        page.get_by_role("button", name="收件并出具回执").click()

        page.get_by_test_id("receipt").wait_for()
        number = page.get_by_test_id("receipt-number").inner_text().strip()
        code = page.get_by_test_id("receipt-code").inner_text().strip()
        assert re.fullmatch(r"\d{6}", code)
        assert "王*" in page.get_by_test_id("receipt").inner_text()
        page.screenshot(path=str(screenshots_dir / "cases-receipt-1024x768.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(screenshots_dir / "cases-receipt-print.png"), full_page=True)
        page.emulate_media(media="screen")

        # Handle it: accept, suspend for a hearing, resume, approve.
        page.get_by_test_id("receipt-open-case").click()
        page.get_by_test_id("case-actions").wait_for()
        assert page.locator(".zw-case-no").first.inner_text().strip() == number
        page.locator('[data-testid="case-actions"] [data-action="accept"]').click()
        page.get_by_test_id("action-form").wait_for()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-detail-action-1024x768.png"), full_page=True)
        page.get_by_test_id("action-form").get_by_role("button", name="确认受理").click()
        page.get_by_test_id("case-flash").wait_for()
        assert "已受理" in page.get_by_test_id("case-status").inner_text()

        # Suspending needs a reason: the form says so at the field.
        page.locator('[data-testid="case-actions"] [data-action="suspend"]').click()
        page.get_by_test_id("action-form").get_by_role("button", name="确认中止").click()
        page.get_by_test_id("field-error-reason").wait_for()
        confirm(page, reason="组织听证，待听证结束后恢复办理")
        assert "已中止" in page.get_by_test_id("case-status").inner_text()
        assert page.get_by_test_id("case-suspensions").is_visible()
        act(page, "resume")
        act(page, "approve")

        status = page.get_by_test_id("case-status").inner_text()
        assert "已办结" in status
        assert page.locator('[data-testid="case-actions"] [data-action]').count() == 0
        steps = page.locator('[data-testid="case-timeline"] li').evaluate_all(
            "items => items.map(li => li.dataset.action)")
        assert steps == ["收件", "受理", "中止", "恢复办理", "办结(准予)"]
        assert "组织听证" in page.get_by_test_id("case-timeline").inner_text()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-detail-completed-1024x768.png"), full_page=True)
        case = Case.objects.get(number=number)
        assert case.status == CaseStatus.COMPLETED and case.suspensions.count() == 1

        # The list finds it by number.
        page.locator(".zw-sidebar").get_by_role("link", name="办件查询").click()
        page.get_by_role("heading", name="办件查询").wait_for()
        page.get_by_label("编号或申请人").fill(number)
        page.get_by_role("button", name="查询", exact=True).click()
        page.wait_for_url(re.compile(r"q=" + number))
        assert page.locator('[data-testid="case-row"]').count() == 1
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-list-1024x768.png"), full_page=True)
    finally:
        context.close()

    # The applicant, on a phone or the hall's kiosk: no login, no personal data.
    public = browser.new_context(locale="zh-CN", viewport=TABLET)
    try:
        page = public.new_page()
        page.goto(f"{live_server.url}/cases/track/")
        page.get_by_label("办件编号").fill(number)
        page.get_by_label("查询码").fill("000000" if code != "000000" else "111111")
        page.get_by_role("button", name="查询").click()
        assert "编号或查询码不正确" in page.get_by_test_id("track-error").inner_text()
        page.get_by_label("查询码").fill(code)
        page.get_by_role("button", name="查询").click()
        result = page.get_by_test_id("track-result")
        result.wait_for()
        assert "已办结" in page.get_by_test_id("track-status").inner_text()
        assert "食品经营许可" in result.inner_text()
        assert "王" not in page.locator("main").inner_text()
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-track-1024x768.png"), full_page=True)
    finally:
        public.close()


def test_a_department_leader_sees_the_figures_and_the_overdue_cases(browser, live_server, hall,  # noqa: ANN001
                                                                   screenshots_dir) -> None:
    context = tablet(browser)
    try:
        page = context.new_page()
        sign_in(page, live_server, "jiake")
        page.locator(".zw-sidebar").get_by_role("link", name="部门办件").click()
        page.get_by_role("heading", name="部门办件").wait_for()
        assert page.locator('[data-figure="overdue"]').inner_text() == "1"
        assert page.locator('[data-figure="warning"]').inner_text() == "1"
        assert page.get_by_test_id("department-overdue").locator('[data-testid="case-row"]').count() == 1
        fits(page)
        page.screenshot(path=str(screenshots_dir / "cases-department-1024x768.png"), full_page=True)
    finally:
        context.close()
