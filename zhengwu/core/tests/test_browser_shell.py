"""The shell in real Chromium: a center administrator signs in, looks around and signs out.

Screenshots go to var/screenshots/ for a person to look at the design.
"""

from __future__ import annotations

import re

import pytest

from zhengwu.core.models import Notification
from zhengwu.org.models import User
from zhengwu.org.roles import Role

PASSWORD = "Wucheng-Hall-2024!"

pytestmark = pytest.mark.browser


@pytest.fixture
def center_admin(transactional_db) -> User:  # noqa: ANN001
    user = User.objects.create_user(username="wangzr", password=PASSWORD, role=Role.CENTER_ADMIN,
                                    display_name="王主任")
    Notification.objects.create(recipient=user, title="【预警】办件 ZW2024-000123 受理时限剩余 1 个工作日", level="yellow")
    Notification.objects.create(recipient=user, title="【超期】差评 CP-0042 整改已超期，请督办", level="red")
    Notification.objects.create(recipient=user, title="本周评价排名已发布")
    return user


def sign_in(page, live_server, username: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_center_admin_signs_in_reads_messages_and_signs_out(page, live_server, center_admin,  # noqa: ANN001
                                                              screenshots_dir) -> None:
    page.goto(f"{live_server.url}/")
    assert re.search(r"/login/\?next=/$", page.url)
    page.screenshot(path=str(screenshots_dir / "shell-login.png"), full_page=True)

    sign_in(page, live_server, "wangzr", PASSWORD)
    heading = page.get_by_role("heading", name="工作台")
    heading.wait_for()
    assert page.url == f"{live_server.url}/"
    assert "中心管理员" in page.get_by_test_id("user-scope").inner_text()
    assert page.locator("#zw-unread-badge").inner_text() == "3"
    page.screenshot(path=str(screenshots_dir / "shell-dashboard.png"), full_page=True)

    page.locator(".zw-sidebar").get_by_role("link", name="消息").click()
    page.get_by_role("heading", name="消息").wait_for()
    assert "3 条未读" in page.get_by_test_id("unread-count").inner_text()
    page.screenshot(path=str(screenshots_dir / "shell-notifications.png"), full_page=True)

    # htmx: the inbox and the top bar badge update in place, no page load.
    page.get_by_role("button", name="全部标为已读").click()
    page.get_by_test_id("unread-count").filter(has_text="0 条未读").wait_for()
    page.locator("#zw-unread-badge").wait_for(state="hidden")  # after htmx's settle delay
    assert page.locator(".zw-unread").count() == 0
    assert not Notification.objects.filter(recipient=center_admin, read_at__isnull=True).exists()

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="用户登录").wait_for()
    assert page.url.startswith(f"{live_server.url}/login/")


def test_the_shell_fits_a_hall_tablet(browser, live_server, center_admin, screenshots_dir) -> None:  # noqa: ANN001
    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.screenshot(path=str(screenshots_dir / "shell-login-1024x768.png"))
        sign_in(page, live_server, "wangzr", PASSWORD)
        page.get_by_role("heading", name="工作台").wait_for()
        page.screenshot(path=str(screenshots_dir / "shell-dashboard-1024x768.png"))
        # Nothing spills sideways on a 1024 px tablet.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        assert page.locator(".zw-sidebar").is_visible()
    finally:
        context.close()


def test_a_stylesheet_and_scripts_load_from_the_platform_itself(page, live_server, center_admin) -> None:  # noqa: ANN001
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    sign_in(page, live_server, "wangzr", PASSWORD)
    page.get_by_role("heading", name="工作台").wait_for()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert failed == []
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof bootstrap") == "object"
    assert page.evaluate("typeof zwChart") == "function"
