"""The enterprise demand journey in real Chromium, through the screens only:

王经理 of X科技 raises a demand in the enterprise portal; 中心's staff classify it (金融) and route it to 甲局;
time passes past the deadline (three working days across the National Day holiday) and the sweep escalates it
once to 甲局's leader; 甲局's clerk answers it; 王经理 rates it satisfied and it is closed.

Time: the services take the server's clock (``timezone.now``) and the live server runs in this process, so the
test sets that clock (``Clock``) to the day of each step; the sweep is called with the later ``now``, as the
periodic job would run it. Screenshots go to var/screenshots/enterprise-*.png.
"""

from __future__ import annotations

import importlib
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from zhengwu.core.testing import make_department, make_user
from zhengwu.enterprise import services
from zhengwu.enterprise.models import Demand, Escalation, ServiceSection
from zhengwu.enterprise.testing import at, credit
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"

pytestmark = pytest.mark.browser


class Clock:
    def __init__(self) -> None:
        self.base, self.started = at("2024-09-26 09:00"), time.monotonic()

    def set(self, moment: str) -> None:
        self.base, self.started = at(moment), time.monotonic()

    def __call__(self) -> datetime:
        return self.base + timedelta(seconds=time.monotonic() - self.started)


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    running = Clock()
    monkeypatch.setattr(timezone, "now", running)
    return running


@pytest.fixture
def center(transactional_db, clock):  # noqa: ANN001, ANN201
    # A transactional test flushes what the data migrations wrote: the nine sections come back here.
    for code, name, order in importlib.import_module("zhengwu.enterprise.migrations.0002_default_sections").SECTIONS:
        ServiceSection.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    dept = make_department(code="JIA", name="甲局")
    enterprise = org_services.enterprise_register(actor="test", credit_code=credit(500), name="X科技有限公司")
    make_user(role=Role.ENTERPRISE_USER, username="wangjingli", enterprise=enterprise, password=PASSWORD)
    make_user(role=Role.CENTER_ADMIN, username="zhongxin", password=PASSWORD)
    make_user(role=Role.WINDOW_CLERK, username="jiaju", department=dept, password=PASSWORD)
    return {"dept": dept, "head": make_user(role=Role.DEPARTMENT_LEADER, department=dept, password=PASSWORD)}


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def flash(page, expected: str) -> None:  # noqa: ANN001
    page.locator(".alert-success", has_text=expected).first.wait_for()


def test_an_enterprise_demand_is_raised_routed_escalated_once_answered_rated_and_closed(
        page, live_server, center, clock, screenshots_dir):  # noqa: ANN001
    # --- 26 September: the enterprise raises its demand in the portal -------------------------------------
    sign_in(page, live_server, "wangjingli")
    page.goto(f"{live_server.url}/enterprise/portal/")
    page.get_by_role("main").get_by_role("link", name="提出诉求").last.click()
    page.fill("#id_title", "流动资金贷款对接")
    page.fill("#id_content", "订单增加,需要500万元流动资金贷款,请帮助对接银行。")
    page.fill("#id_contact_name", "王经理")
    page.fill("#id_contact_mobile", "13812345678")
    page.get_by_role("button", name="提交诉求").click()
    flash(page, "已受理")
    demand = Demand.objects.get()
    assert (demand.status, demand.enterprise.name) == ("received", "X科技有限公司")
    page.screenshot(path=str(screenshots_dir / "enterprise-1-raised.png"), full_page=True)

    # --- 27 September: the center classifies and routes it -------------------------------------------------
    clock.set("2024-09-27 10:00")
    sign_in(page, live_server, "zhongxin")
    page.goto(f"{live_server.url}/enterprise/")
    page.get_by_role("link", name=demand.number).click()
    page.select_option("#id_classify-section", label="金融")
    page.locator('[data-action="classify"]').click()
    flash(page, "已分类")
    page.select_option("#id_route-lead_department", label="甲局")
    page.fill("#id_route-lead_part", "对接合作银行并答复企业")
    page.locator('[data-action="route"]').click()
    flash(page, "已交办")
    demand.refresh_from_db()
    assert (demand.status, demand.section.name, timezone.localdate(demand.deadline).isoformat()) == (
        "routed", "金融", "2024-10-08")

    # --- 9 October: past the deadline (the holiday does not count); the sweep escalates once ---------------
    assert services.demands_escalate(now=at("2024-10-07 12:00")) == 0
    assert services.demands_escalate(now=at("2024-10-09 09:00")) == 1
    assert services.demands_escalate(now=at("2024-10-09 09:30")) == 0
    escalation = Escalation.objects.get()
    assert (escalation.level, list(escalation.notified.all())) == ("department_leader", [center["head"]])

    # --- 9 October: 甲局's clerk answers from the department inbox --------------------------------------------
    clock.set("2024-10-09 10:00")
    sign_in(page, live_server, "jiaju")
    page.goto(f"{live_server.url}/enterprise/inbox/")
    page.get_by_role("link", name=demand.number).click()
    assert "部门负责人督办" in page.get_by_test_id("escalations").inner_text()
    page.fill("#id_answer-content", "已对接区农商银行,客户经理将于三日内上门办理。")
    page.locator('[data-action="answer"]').click()
    flash(page, "已答复企业")
    page.screenshot(path=str(screenshots_dir / "enterprise-2-answered.png"), full_page=True)

    # --- 10 October: the enterprise rates it satisfied; it is closed --------------------------------------
    clock.set("2024-10-10 09:00")
    sign_in(page, live_server, "wangjingli")
    page.goto(f"{live_server.url}/enterprise/portal/")
    page.get_by_role("link", name=demand.number).click()
    page.get_by_label("满意", exact=True).check()
    page.locator('[data-action="rate"]').click()
    flash(page, "感谢您的评价")
    assert "已办结" in page.get_by_test_id("demand-status").inner_text()
    demand.refresh_from_db()
    assert (demand.status, demand.rating, demand.close_reason, Escalation.objects.count()) == (
        "closed", "satisfied", "rated", 1)
    page.screenshot(path=str(screenshots_dir / "enterprise-3-closed.png"), full_page=True)
