"""The supervisor's journey in real Chromium, through the screens only: 老监 opens a collusion flag raised on a
small tender (two bids made on the same computer), reads the evidence, turns the flag into a clue; the clue is
investigated, concluded substantiated, a rectification is required, and it is verified. Screenshots go to
var/screenshots/supervision-*.png for a person to judge the design."""

from __future__ import annotations

import pytest

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.supervision.choices import ClueConclusion, ClueSource, ClueStatus, FlagStatus
from zhengwu.supervision.models import Clue, Flag
from zhengwu.supervision.tests.factories_supervision import raise_flag

PASSWORD = "Wucheng-Jianguan-2024!"

pytestmark = pytest.mark.browser


@pytest.fixture
def flagged(transactional_db):  # noqa: ANN001, ANN201
    make_user(role=Role.SUPERVISOR, username="laojian", password=PASSWORD)
    return raise_flag()


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def flash(page, expected: str) -> None:  # noqa: ANN001
    page.locator(".alert-success", has_text=expected).first.wait_for()


def stage(page, action: str, text: str, *, days: str | None = None) -> None:  # noqa: ANN001
    form = page.get_by_test_id(f"stage-{action}")
    form.locator("textarea").fill(text)
    if days is not None:
        form.locator("input[type=number]").fill(days)
    form.locator(f"button[data-action={action}]").click()


def test_a_supervisor_turns_a_flag_into_a_clue_that_is_rectified_and_verified(page, live_server, flagged,
                                                                               screenshots_dir):  # noqa: ANN001
    sign_in(page, live_server, "laojian")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="预警").click()
    page.get_by_test_id("flags").get_by_role("link", name=flagged.title).click()

    evidence = page.get_by_test_id("evidence")
    evidence.get_by_text("MC-7F3A-19B2").wait_for()
    assert evidence.get_by_text("甲建设有限公司").is_visible()
    assert evidence.get_by_text("机器码").is_visible()
    page.screenshot(path=str(screenshots_dir / "supervision-flag.png"), full_page=True)

    clue_form = page.get_by_test_id("clue-form")
    clue_form.get_by_label("转为线索的理由").fill("两家投标文件机器码相同,需调查是否串通投标。")
    clue_form.get_by_role("button", name="转为线索").click()
    flash(page, "已转为线索")
    assert page.get_by_test_id("clue-status").get_by_text("已登记").is_visible()

    stage(page, "investigate", "调取两家投标文件电子数据,约谈投标人,确认由同一造价咨询人员制作。")
    flash(page, "完成调查")
    stage(page, "conclude", "串通投标属实,依法处理,责令招标人整改。")
    flash(page, "认定属实")
    stage(page, "require_rectification", "招标人完善投标文件雷同性审查程序并报送整改报告。", days="15")
    flash(page, "下达整改要求")
    assert page.get_by_test_id("clue-rectification").get_by_text("15 个工作日", exact=False).is_visible()
    stage(page, "verify", "整改报告已收到,现场复核到位。")
    flash(page, "整改验收")
    assert page.get_by_test_id("clue-status").get_by_text("已验收").is_visible()
    assert page.get_by_test_id("timeline").get_by_text("整改验收").first.is_visible()
    page.screenshot(path=str(screenshots_dir / "supervision-clue.png"), full_page=True)

    clue = Clue.objects.get(flag=flagged)
    assert (clue.source, clue.status, clue.conclusion) == (ClueSource.RED_FLAG, ClueStatus.VERIFIED,
                                                           ClueConclusion.SUBSTANTIATED)
    assert Flag.objects.get(pk=flagged.pk).status == FlagStatus.CLUE

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监管统计").click()
    assert page.get_by_test_id("rectification-rate").inner_text().strip() == "100%"
    page.get_by_test_id("chart-flags").locator("canvas").first.wait_for()
