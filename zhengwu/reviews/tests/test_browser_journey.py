"""The whole journey of a case and its bad review, in real Chromium:

a window clerk accepts, suspends, resumes and completes a case; the applicant rates it
非常不满意 on the public page; the indicator specialist records the return visit; the
department's leader records the rectification; the specialist answers the reviewer and the
handling is closed.
"""

from __future__ import annotations

import re

import pytest

from zhengwu.cases import services as case_services
from zhengwu.cases.testing import VALID_ID, make_item
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews.choices import HandlingStatus
from zhengwu.reviews.models import BadReviewHandling

PASSWORD = "Wucheng-Hall-2024!"
pytestmark = pytest.mark.browser


@pytest.fixture
def hall(transactional_db):  # noqa: ANN001
    dept = make_department(name="市场监管局")
    clerk = make_user(role=Role.WINDOW_CLERK, department=dept, username="clerk", password=PASSWORD)
    make_user(role=Role.DEPARTMENT_LEADER, department=dept, username="head", password=PASSWORD)
    make_user(role=Role.INDICATOR_SPECIALIST, username="specialist", password=PASSWORD)
    item = make_item(department=dept, code="SC-001", promised=5, name="食品经营许可证核发")
    case, code = case_services.case_receive(actor=clerk, item=item, channel="window", applicant_kind="person",
                                            applicant_name="张三", id_number=VALID_ID)
    return {"case": case, "code": code}


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def case_action(page, action: str, *, reason: str = "") -> None:  # noqa: ANN001
    page.locator(f'[data-testid="case-actions"] [data-action="{action}"]').click()
    panel = page.get_by_test_id("action-form")
    panel.wait_for()
    if reason:
        panel.locator("textarea[name=reason]").fill(reason)
    panel.get_by_role("button", name=re.compile("^确认")).click()
    panel.wait_for(state="detached")
    page.get_by_test_id("case-flash").wait_for()


def handling_action(page, action: str, text: str) -> None:  # noqa: ANN001
    form = page.locator(f'[data-testid="actions"] form[data-action="{action}"]')
    form.locator("textarea[name=reason]").fill(text)
    form.get_by_role("button").click()
    page.get_by_test_id("flash").wait_for()


def test_a_case_is_handled_rated_very_dissatisfied_and_the_bad_review_is_visited_rectified_and_answered(
        page, live_server, hall, screenshots_dir):  # noqa: ANN001
    case = hall["case"]
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    case_action(page, "accept")
    case_action(page, "suspend", reason="需要现场核查经营场所")
    case_action(page, "resume")
    case_action(page, "approve")
    assert "已办结" in page.get_by_test_id("case-status").inner_text()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/reviews/rate/?number={case.number}")
    page.get_by_label("查询码").fill(hall["code"])
    page.get_by_text("非常不满意", exact=True).click()
    page.get_by_label("意见或建议").fill("现场核查等了很久,没人说明进度")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_role("heading", name="感谢您的评价").wait_for()
    handling = BadReviewHandling.objects.get(review__case=case)

    sign_in(page, live_server, "specialist")
    page.goto(f"{live_server.url}/reviews/bad/{handling.pk}/")
    handling_action(page, "visit", "电话回访评价人,情况属实")
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/reviews/bad/{handling.pk}/")
    handling_action(page, "rectify", "现场核查环节增加进度告知,已对窗口人员培训")
    sign_in(page, live_server, "specialist")
    page.goto(f"{live_server.url}/reviews/bad/{handling.pk}/")
    handling_action(page, "feedback", "已向评价人反馈整改情况,评价人表示认可")
    detail = page.get_by_test_id("bad-review-detail").inner_text()
    assert "已反馈办结" in detail
    page.screenshot(path=str(screenshots_dir / "journey-bad-review-closed.png"), full_page=True)
    handling.refresh_from_db()
    assert (handling.status, handling.rectified_on_time) == (HandlingStatus.CLOSED, True)
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in ("回访核实", "整改完成", "反馈评价人"):
        assert step in timeline
