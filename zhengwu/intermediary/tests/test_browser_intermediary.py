"""The intermediary supermarket journey in real Chromium, through the screens only: an owner posts a purchase
(random draw), two agencies answer, the owner draws one with a seed, the deal is published on the public page,
and after the contract and completion the owner rates the service (the agency's credit changes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhengwu.core.testing import make_department, make_user
from zhengwu.intermediary import services
from zhengwu.intermediary.models import Agency, Answer, Purchase
from zhengwu.intermediary.testing import make_agency, make_owner, make_type
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"
pytestmark = pytest.mark.browser


@pytest.fixture
def market(transactional_db):  # noqa: ANN001, ANN201
    dept = make_department()
    survey = make_type()
    services.service_list_item_create(actor="test", service_type=survey, name="建设项目岩土工程勘察",
                                      time_limit_days=20, workflow_text="委托—勘察—出具报告",
                                      conditions="具有工程勘察资质", fee_standard="市场调节价")
    agencies = [make_agency(i, department=dept, types=[survey]) for i in (1, 2)]
    owner = make_owner()
    make_user(role=Role.ENTERPRISE_USER, username="yezhu", enterprise=owner, password=PASSWORD)
    for n, agency in enumerate(agencies, start=1):
        make_user(role=Role.INTERMEDIARY, username=f"zhongjie{n}", enterprise=agency.enterprise, password=PASSWORD)
    return {"survey": survey, "agencies": agencies}


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def flash(page, expected: str) -> None:  # noqa: ANN001
    page.locator(".alert-success", has_text=expected).first.wait_for()


def test_an_owner_posts_two_agencies_answer_a_draw_picks_one_and_the_deal_is_published_and_rated(
        page, live_server, market, screenshots_dir):  # noqa: ANN001
    sign_in(page, live_server, "yezhu")
    page.goto(f"{live_server.url}/intermediary/purchases/new/")
    page.fill("#id_project_name", "城南学校新建工程")
    page.select_option("#id_service_type", str(market["survey"].pk))
    page.fill("#id_budget", "120000")
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    page.fill("#id_answer_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_selection_method", "random")
    page.get_by_role("button", name="发布").click()
    flash(page, "已发布")
    url = page.url
    purchase = Purchase.objects.get()

    for n, price in ((1, "110000"), (2, "100000")):
        sign_in(page, live_server, f"zhongjie{n}")
        page.goto(url)
        page.fill("#answer_price", price)
        page.fill("#answer_plan", "组建项目组,按规范完成勘察。")
        page.get_by_test_id("submit-answer").click()
        flash(page, "已提交")
    assert purchase.answers.count() == 2

    sign_in(page, live_server, "yezhu")
    page.goto(url)
    page.fill("#select_seed", "42")
    page.get_by_test_id("submit-select").click()
    flash(page, "已提交")
    page.get_by_test_id("draw-seed").wait_for()
    purchase.refresh_from_db()
    chosen = Answer.objects.get(pk=purchase.selected_answer_id).agency
    assert chosen.pk == services.draw("42", sorted(a.pk for a in market["agencies"]))
    assert chosen.name in page.get_by_test_id("deal").inner_text()
    page.screenshot(path=str(screenshots_dir / "intermediary-deal.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/intermediary/deals/")
    assert chosen.name in page.get_by_test_id("deals").inner_text()

    sign_in(page, live_server, "yezhu")
    page.goto(url)
    today = timezone.localdate().isoformat()
    page.fill("#contract_contract_date", today)
    page.get_by_test_id("submit-contract").click()
    flash(page, "已提交")
    page.fill("#complete_completed_on", today)
    page.get_by_test_id("submit-complete").click()
    flash(page, "已提交")
    page.select_option("#rate_stars", "3")
    page.fill("#rate_comment", "报告质量一般")
    page.get_by_test_id("submit-rate").click()
    flash(page, "已提交")
    assert "3 ★" in page.get_by_test_id("rating").inner_text()
    assert Agency.objects.get(pk=chosen.pk).credit_score == 60
