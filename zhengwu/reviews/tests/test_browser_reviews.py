"""The review loop in real Chromium: an applicant rates a case 非常不满意 on the public page without
signing in; 王专员 the indicator specialist finds it on the bad-review desk and records the return visit.

Screenshots go to var/screenshots/ for a person to look at the design.
"""

from __future__ import annotations

import pytest

from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews.choices import HandlingStatus
from zhengwu.reviews.models import BadReviewHandling
from zhengwu.reviews.testing import completed_case_with_code

PASSWORD = "Wucheng-Hall-2024!"

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):  # noqa: ANN001
    dept = make_department(name="市场监管局")
    clerk = make_user(role=Role.WINDOW_CLERK, department=dept, username="li")
    case, code = completed_case_with_code(clerk=clerk)
    make_user(role=Role.INDICATOR_SPECIALIST, username="wangzy", password=PASSWORD)
    return {"case": case, "code": code}


def test_an_applicant_rates_badly_and_the_specialist_records_the_return_visit(page, live_server, world,  # noqa: ANN001
                                                                               screenshots_dir) -> None:
    case = world["case"]
    page.goto(f"{live_server.url}/reviews/rate/?number={case.number}")
    page.get_by_label("查询码").fill(world["code"])
    page.get_by_text("非常不满意", exact=True).click()
    page.get_by_label("意见或建议").fill("材料清单没有一次讲清,跑了三趟")
    page.screenshot(path=str(screenshots_dir / "reviews-rate.png"), full_page=True)
    page.get_by_role("button", name="提交评价").click()
    page.get_by_role("heading", name="感谢您的评价").wait_for()
    assert "张三" not in page.content()
    page.screenshot(path=str(screenshots_dir / "reviews-rate-done.png"), full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("wangzy")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()
    page.locator(".zw-sidebar").get_by_role("link", name="差评处置").click()
    page.get_by_test_id("bad-review-table").wait_for()
    page.screenshot(path=str(screenshots_dir / "reviews-bad-desk.png"), full_page=True)
    page.get_by_role("link", name=case.number).click()
    page.get_by_label("回访核实情况").fill("电话回访评价人,情况属实,已转部门整改")
    page.get_by_role("button", name="回访核实").click()
    page.get_by_test_id("flash").wait_for()  # swapped in place by htmx
    assert "已回访核实" in page.get_by_test_id("bad-review-detail").inner_text()
    assert "电话回访评价人" in page.get_by_test_id("timeline").inner_text()
    page.screenshot(path=str(screenshots_dir / "reviews-bad-detail.png"), full_page=True)
    assert BadReviewHandling.objects.get().status == HandlingStatus.VISITED
