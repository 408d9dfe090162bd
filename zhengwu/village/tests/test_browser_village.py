"""A village agent's journey in real Chromium on the hall's 1024×768 tablet.

The agent (周丽 of a village station) signs in, submits a case for a villager from her workspace (代办工作台, which receives
it through the cases service with the channel 村级代办 at her village; a wrong ID number is refused at the field
first), then opens her record page under 办事不出村 and finds the case there.
An administrator looks at the stations with their renovation progress and the age structure of the agents.

Screenshots go to var/screenshots/ for a person to judge the design.
"""

from __future__ import annotations

import pytest

from zhengwu.cases.models import Case
from zhengwu.cases.testing import VALID_ID, make_item
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.village import services
from zhengwu.village.testing import make_station

PASSWORD = "Wucheng-Village-2024!"
TABLET = {"width": 1024, "height": 768}

pytestmark = pytest.mark.browser


@pytest.fixture
def village(transactional_db):  # noqa: ANN001, ANN201
    tree = make_region_tree(townships=1, villages_per_township=2)
    station = make_station(village=tree["villages"][0])
    services.station_renovate(actor="test", station=station, on="2023-03-01")
    user = make_user(role=Role.VILLAGE_AGENT, username="zhouli", region=station.village, password=PASSWORD)
    agent = services.agent_register(actor="test", user=user, station=station, birth_date="1985-04-02", name="周丽",
                                    certificate_number="WCDB0001", certificate_date="2021-06-01")
    make_user(role=Role.CENTER_ADMIN, username="zhongxin", password=PASSWORD)
    dept = make_department(name="区民政局")
    make_item(department=dept, code="330702-MZ-001", name="高龄津贴申领", level_village=True,
              level_township=True, village_assisted=True, applicant_kinds="person")
    return {"agent": agent, "station": station, "township": tree["townships"][0]}


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def test_a_village_agent_submits_a_case_for_a_villager_and_it_shows_on_her_record(  # noqa: ANN001
        browser, live_server, village, screenshots_dir) -> None:
    context = browser.new_context(locale="zh-CN", viewport=TABLET)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, live_server, "zhouli")
        page.locator(".zw-sidebar").get_by_role("link", name="代办工作台").click()
        page.get_by_role("heading", name="代办工作台").wait_for()
        form = page.get_by_test_id("agent-case-form")
        form.get_by_label("事项").select_option(label="330702-MZ-001 高龄津贴申领")
        form.get_by_label("村民姓名").fill("陈阿婆")
        form.get_by_label("身份证号").fill("110105194912310021")  # a wrong check digit first
        form.get_by_role("button", name="提交代办").click()
        page.get_by_test_id("field-error-id_number").wait_for()
        page.get_by_test_id("agent-case-form").get_by_label("身份证号").fill(VALID_ID)
        page.get_by_test_id("agent-case-form").get_by_role("button", name="提交代办").click()
        page.get_by_text("已代办收件").wait_for()
        number = page.get_by_test_id("recent-cases").locator("td").first.inner_text().strip()
        assert Case.objects.get(number=number).channel == "agent"
        page.screenshot(path=str(screenshots_dir / "village-workspace-1024x768.png"), full_page=True)

        page.get_by_test_id("my-record").click()
        page.get_by_role("heading", name="周丽").wait_for()
        cases = page.get_by_test_id("agent-cases")
        assert number in cases.inner_text() and "陈阿婆" in cases.inner_text()
        assert page.get_by_test_id("cases-total").inner_text().strip() == "1"
        page.screenshot(path=str(screenshots_dir / "village-agent-record-1024x768.png"), full_page=True)
    finally:
        context.close()


def test_the_administrator_sees_the_renovation_progress_and_the_age_structure(  # noqa: ANN001
        browser, live_server, village, screenshots_dir) -> None:
    context = browser.new_context(locale="zh-CN", viewport=TABLET)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, live_server, "zhongxin")
        page.goto(f"{live_server.url}/village/")
        assert page.get_by_test_id("renovated").inner_text().strip() == "1"
        page.locator("[data-testid=chart-progress] canvas").wait_for()
        page.screenshot(path=str(screenshots_dir / "village-stations-1024x768.png"), full_page=True)
        page.goto(f"{live_server.url}/village/agents/")
        page.locator("[data-testid=chart-ages] canvas").wait_for()
        assert "周丽" in page.get_by_test_id("agents").inner_text()
        page.screenshot(path=str(screenshots_dir / "village-agents-1024x768.png"), full_page=True)
    finally:
        context.close()
