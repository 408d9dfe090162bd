"""The combined application journey in real Chromium, through the screens only:

an enterprise files one combined application (施工许可 + 消防设计审查 + 人防) with one set of materials in the
portal; the clerks of the three departments each open their inbox, follow the link to their case and accept
and approve it in the cases screens (in parallel: none waits for another); the center's administrator issues
the combined approval document; the application page shows the document and the time saved against the
sequential baseline. Screenshots go to var/screenshots/approvals-*.png.
"""

from __future__ import annotations

import pytest

from zhengwu.approvals.choices import ApplicationStatus
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.testing import make_bundle, make_item, make_project
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"
DEPARTMENTS = [("jianshe", "住房和城乡建设局", "SG-1", "建筑工程施工许可证核发", 3),
               ("xiaofang", "消防救援大队", "XF-1", "建设工程消防设计审查", 5),
               ("renfang", "人防办", "RF-1", "结合民用建筑修建防空地下室审批", 2)]

pytestmark = pytest.mark.browser


@pytest.fixture
def hall(transactional_db):  # noqa: ANN001, ANN201
    tree = make_region_tree(townships=1, villages_per_township=0)
    items = []
    for username, name, code, item_name, limit in DEPARTMENTS:
        department = make_department(name=name)
        items.append(make_item(department=department, code=code, name=item_name, promised=limit))
        make_user(role=Role.WINDOW_CLERK, username=username, department=department, password=PASSWORD)
    bundle = make_bundle(items=items, materials={"SG-1": ["施工许可申请表", "施工合同"], "XF-1": ["消防设计文件"],
                                                 "RF-1": ["人防设计文件"]})
    project = make_project(township=tree["townships"][0])
    make_user(role=Role.ENTERPRISE_USER, username="qiye", enterprise=project.investor, password=PASSWORD)
    make_user(role=Role.CENTER_ADMIN, username="zhongxin", password=PASSWORD)
    return {"project": project, "bundle": bundle}


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_an_enterprise_files_one_combined_application_three_departments_approve_and_one_document_is_issued(
        page, live_server, hall, screenshots_dir):  # noqa: ANN001
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/approvals/portal/")
    for material in ("施工许可申请表", "施工合同", "消防设计文件", "人防设计文件"):
        page.get_by_label(material).check()
    page.get_by_test_id("submit-application").click()
    page.wait_for_url(lambda url: "/approvals/applications/" in url)
    assert page.get_by_test_id("gantt-row").count() == 3
    assert "并联办理中" in page.get_by_test_id("application-status").inner_text()
    page.screenshot(path=str(screenshots_dir / "approvals-filed.png"), full_page=True)
    application = CombinedApplication.objects.get()

    for username, *_rest in DEPARTMENTS:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}/approvals/inbox/")
        links = page.get_by_test_id("inbox").locator("a[href^='/cases/']")
        assert links.count() == 1
        case_url = live_server.url + links.first.get_attribute("href").rstrip("/")
        page.goto(case_url + "/")
        for label in ("受理", "办结(准予)"):
            page.get_by_role("link", name=label, exact=True).click()
            page.get_by_role("button", name=f"确认{label}").click()
            page.get_by_text(f"已完成“{label}”").first.wait_for()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.READY
    sign_in(page, live_server, "zhongxin")
    page.goto(f"{live_server.url}/approvals/applications/{application.pk}/")
    page.get_by_test_id("action-issue").click()
    page.get_by_test_id("document-number").wait_for()
    assert "已出具批件" in page.get_by_test_id("application-status").inner_text()
    assert page.get_by_test_id("saved").inner_text().strip() == "10"
    assert page.get_by_test_id("saved-percent").inner_text().strip() == "100.0%"
    page.screenshot(path=str(screenshots_dir / "approvals-issued.png"), full_page=True)
