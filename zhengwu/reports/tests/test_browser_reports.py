"""The work report journey in real Chromium: a leader chooses a period, generates the report (the job runs on
commit), downloads the Word document and opens the HTML version, which renders the figures' sentences."""

from __future__ import annotations

import pytest
from docx import Document

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.reports import services
from zhengwu.reports.models import SentenceTemplate
from zhengwu.reports.tests import report_fixtures

PASSWORD = "Wucheng-Hall-2024!"
fake_figures = report_fixtures.fake_figures
pytestmark = pytest.mark.browser


@pytest.fixture
def hall(transactional_db, fake_figures, settings, tmp_path):  # noqa: ANN001, ANN201, F811
    settings.VAR_DIR = tmp_path
    SentenceTemplate.objects.all().delete()
    for i, text in enumerate(report_fixtures.OPENING):
        services.template_create(actor="test", area="opening", order=i, text=text)
    for area, order, heading, text in report_fixtures.SECTIONS:
        services.template_create(actor="test", area=area, order=order, heading=heading, text=text)
    make_user(role=Role.LEADER, username="lingdao", password=PASSWORD)


def test_a_leader_generates_the_report_downloads_the_word_file_and_reads_the_html_version(
        page, live_server, hall, screenshots_dir, tmp_path):  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("lingdao")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="上年").wait_for()
    page.fill("#id_start", "2023-01-01")
    page.fill("#id_end", "2023-11-30")
    page.get_by_test_id("generate").click()
    page.locator(".alert-success").first.wait_for()
    row = page.get_by_test_id("report-row").first
    row.get_by_test_id("download-docx").wait_for()
    assert row.get_attribute("data-status") == "done"
    page.screenshot(path=str(screenshots_dir / "reports-home.png"), full_page=True)
    with page.expect_download() as info:
        row.get_by_test_id("download-docx").click()
    saved = tmp_path / "report.docx"
    info.value.save_as(str(saved))
    assert Document(str(saved)).paragraphs[0].text == "示范区行政服务中心2023年工作总结"
    with page.context.expect_page() as opened:
        row.get_by_test_id("open-html").click()
    html = opened.value
    html.wait_for_load_state()
    assert html.get_by_test_id("report-title").inner_text() == "示范区行政服务中心2023年工作总结"
    assert "56.2万件" in html.get_by_test_id("opening").inner_text()
    assert html.get_by_test_id("section").count() == 2
    assert html.locator("tr[data-key='t.cases'] td").nth(1).inner_text() == "562,118 件"
    html.screenshot(path=str(screenshots_dir / "reports-html.png"), full_page=True)
