"""The issue's journey in real Chromium: a housekeeping company asks about a worker; the worker consents on the
link of the SMS (identity check); two departments answer from their inboxes; the company reads both answers with
their numbers and digests; the worker signs in and sees the access log.

Screenshots go to var/screenshots/ for a person to judge the design.
"""

from __future__ import annotations

import pytest

from zhengwu.core import sms
from zhengwu.core.testing import make_user
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role
from zhengwu.retrieval.choices import RequestStatus
from zhengwu.retrieval.models import RetrievalRequest
from zhengwu.retrieval.testing import LINK_RE, WORKER_ID, WORKER_PHONE, clerk, make_catalog, make_requester

PASSWORD = "Wucheng-Retrieval-2025!"

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(transactional_db):  # noqa: ANN001, ANN201
    departments = make_catalog()
    company = make_requester(1, name="婺城安心家政服务有限公司")
    make_user(role=Role.ENTERPRISE_USER, username="anxin", enterprise=company.enterprise, password=PASSWORD)
    clerk(departments["police"], username="gaj", password=PASSWORD)
    clerk(departments["hrss"], username="rsj", password=PASSWORD)
    person = org_services.person_register(actor="test", name="陈小梅", id_number=WORKER_ID, phone=WORKER_PHONE)
    make_user(role=Role.CITIZEN, username="xiaomei", person=person, password=PASSWORD)
    return departments


def new_page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def answer_from_inbox(browser, live_server, username: str, number: str, summary: str, shot) -> None:  # noqa: ANN001
    context, page = new_page(browser)
    try:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}/retrieval/inbox/")
        page.get_by_role("heading", name="信息调取部门待办").wait_for()
        page.get_by_test_id("inbox").get_by_role("link", name=number).click()
        assert WORKER_ID in page.get_by_test_id("subject").inner_text()  # the answering department sees the ID
        form = page.get_by_test_id("answer-form")
        form.get_by_label("查无记录" if "未" in summary else "查有记录").check()
        form.get_by_label("答复结论").fill(summary)
        if shot:
            page.screenshot(path=str(shot), full_page=True)
        form.get_by_role("button", name="提交答复").click()
        page.get_by_text("已答复,答复编号").wait_for()
    finally:
        context.close()


def test_a_housekeeping_company_asks_about_a_worker_who_consents_and_sees_the_access_log(  # noqa: ANN001
        browser, live_server, journey, screenshots_dir) -> None:
    # 1. The company asks.
    context, page = new_page(browser)
    try:
        sign_in(page, live_server, "anxin")
        page.locator(".zw-sidebar").get_by_role("link", name="调取申请").click()
        page.get_by_role("link", name="新建调取申请").click()
        form = page.get_by_test_id("request-form")
        form.get_by_label("应用场景").select_option(label="家政服务")
        form.get_by_label("无犯罪记录证明", exact=False).check()
        form.get_by_label("社会保险参保状态", exact=False).check()
        form.get_by_label("调取用途").fill("住家保姆上岗前背景核查")
        form.get_by_label("信息主体名称").fill("陈小梅")
        form.get_by_label("身份证号").fill(WORKER_ID)
        form.get_by_label("信息主体手机号").fill(WORKER_PHONE)
        page.screenshot(path=str(screenshots_dir / "retrieval-request-form.png"), full_page=True)
        form.get_by_role("button", name="提交申请").click()
        assert page.get_by_test_id("request-status").inner_text().strip() == "待授权"
        number = RetrievalRequest.objects.get().number
    finally:
        context.close()

    # 2. The worker consents through the link of the SMS, after the identity check.
    assert len(sms.outbox) == 1 and sms.outbox[0].phone == WORKER_PHONE
    path = LINK_RE.search(sms.outbox[0].text).group(0)
    context, page = new_page(browser)
    try:
        page.goto(f"{live_server.url}{path}")
        terms = page.get_by_test_id("consent-terms").inner_text()
        assert "婺城安心家政服务有限公司" in terms and "住家保姆上岗前背景核查" in terms and "无犯罪记录证明" in terms
        page.get_by_label("身份核验").fill("0000")
        page.get_by_role("button", name="同意授权").click()
        page.get_by_test_id("field-error-identity").wait_for()
        page.get_by_label("身份核验").fill(WORKER_ID[-4:])
        page.screenshot(path=str(screenshots_dir / "retrieval-consent.png"), full_page=True)
        page.get_by_role("button", name="同意授权").click()
        page.get_by_test_id("consent-done").wait_for()
    finally:
        context.close()
    assert RetrievalRequest.objects.get().status == RequestStatus.IN_PROGRESS

    # 3. Two departments answer from their inboxes.
    answer_from_inbox(browser, live_server, "gaj", number, "经查询,未发现该人员有犯罪记录。",
                      screenshots_dir / "retrieval-department-item.png")
    answer_from_inbox(browser, live_server, "rsj", number, "正常参保,参保单位为婺城安心家政服务有限公司。", None)
    assert RetrievalRequest.objects.get().status == RequestStatus.DELIVERED

    # 4. The company reads both answers, with their numbers and digests.
    context, page = new_page(browser)
    try:
        sign_in(page, live_server, "anxin")
        page.goto(f"{live_server.url}/retrieval/")
        page.get_by_test_id("requests").get_by_role("link", name=number).click()
        assert page.get_by_test_id("request-status").inner_text().strip() == "已交付"
        numbers = page.get_by_test_id("answer-number").all_inner_texts()
        assert [n.strip() for n in numbers] == [f"{number}-01", f"{number}-02"]
        assert all(len(d.strip()) == 64 for d in page.get_by_test_id("answer-digest").all_inner_texts())
        page.screenshot(path=str(screenshots_dir / "retrieval-request-delivered.png"), full_page=True)
        for code, text in (("no_criminal_record", "未发现该人员有犯罪记录"), ("social_insurance", "正常参保")):
            page.get_by_test_id(f"read-{code}").click()
            assert text in page.get_by_test_id("answer-summary").inner_text()
            assert len(page.get_by_test_id("answer-digest").inner_text().strip()) == 64
            if code == "social_insurance":
                page.screenshot(path=str(screenshots_dir / "retrieval-answer.png"), full_page=True)
            page.go_back()
    finally:
        context.close()

    # 5. The worker signs in and sees who accessed what.
    context, page = new_page(browser)
    try:
        sign_in(page, live_server, "xiaomei")
        page.goto(f"{live_server.url}/retrieval/mine/")
        page.get_by_test_id("mine").get_by_role("link", name=number).click()
        log = page.get_by_test_id("access-log").inner_text()
        for expected in ("婺城安心家政服务有限公司", "发起请求", "授权", "部门查看:无犯罪记录证明",
                         "答复:社会保险参保状态", "查阅:无犯罪记录证明", "查阅:社会保险参保状态", "交付"):
            assert expected in log, expected
        assert "市公安局婺城分局" in log and "区人力资源和社会保障局" in log
        page.screenshot(path=str(screenshots_dir / "retrieval-access-log.png"), full_page=True)
    finally:
        context.close()
