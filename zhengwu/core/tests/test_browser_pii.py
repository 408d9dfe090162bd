"""The "显示" button in real Chromium: a window clerk opens a case, sees the masked ID number, asks for the full
number with a reason (a too-short reason is refused in place), and the number appears; the reveal is audited."""

from __future__ import annotations

import pytest

from zhengwu.cases import services
from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import VALID_ID, make_item
from zhengwu.core import pii
from zhengwu.core.identifiers import mask_id_card
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import TEST_PASSWORD, make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.browser


def test_a_clerk_reveals_the_applicants_id_number_with_a_reason(browser, live_server, transactional_db,
                                                                  screenshots_dir):
    dept = make_department(name="市场监督管理局")
    clerk = make_user(role=Role.WINDOW_CLERK, username="jiachuang", department=dept)
    item = make_item(department=dept, code="330702-SC-001", promised=10, statutory=20)
    case, _code = services.case_receive(actor=clerk, item=item, channel=Channel.WINDOW, applicant_kind="person",
                                        applicant_name="张三", id_number=VALID_ID, phone="13800138000")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("jiachuang")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    applicant = page.get_by_test_id("case-applicant")
    assert mask_id_card(VALID_ID) in applicant.inner_text()
    assert VALID_ID not in page.content()
    page.get_by_test_id("reveal-applicant_id_number").click()
    form = page.get_by_test_id("reveal-form-applicant_id_number")
    form.get_by_placeholder("查看理由(至少4个字)").fill("核对")
    form.get_by_role("button", name="确认显示").click()
    page.get_by_test_id("reveal-error").wait_for()
    assert not AuditEvent.objects.filter(action=pii.REVEAL_ACTION).exists()
    form = page.get_by_test_id("reveal-form-applicant_id_number")
    form.get_by_placeholder("查看理由(至少4个字)").fill("核对申请人身份")
    form.get_by_role("button", name="确认显示").click()
    shown = page.get_by_test_id("revealed-applicant_id_number")
    shown.wait_for()
    assert VALID_ID in shown.inner_text()
    page.screenshot(path=str(screenshots_dir / "pii-reveal.png"), full_page=True)
    event = AuditEvent.objects.get(action=pii.REVEAL_ACTION)
    assert (event.actor_id, event.object_id, event.reason) == (clerk.pk, str(case.pk), "核对申请人身份")
    context.close()
