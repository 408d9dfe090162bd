"""The web shell: login, dashboard, inbox, health check, language, static assets, template tags.

Personas: 王主任 the center administrator, 李窗口 a window clerk, 赵群众 a citizen,
钱系统 the system administrator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from zhengwu.core import dashboard as dashboard_registry
from zhengwu.core import navigation
from zhengwu.core.errors import Conflict
from zhengwu.core.models import Notification
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.org.models import User
from zhengwu.org.roles import ROLE_PERMISSIONS, Role

PASSWORD = "Zw-test-2024!pass"
PACKAGE = Path(__file__).resolve().parents[2]
VENDORED = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/echarts/echarts.min.js",
    "zhengwu/app.css",
    "zhengwu/app.js",
]


def make_user(username: str, role: str, display_name: str = "") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, display_name=display_name)


@pytest.fixture
def center_admin(db) -> User:  # noqa: ANN001
    return make_user("wang", Role.CENTER_ADMIN, "王主任")


@pytest.fixture
def clerk(db) -> User:  # noqa: ANN001
    return make_user("li", Role.WINDOW_CLERK, "李窗口")


@pytest.fixture
def citizen(db) -> User:  # noqa: ANN001
    return make_user("zhao", Role.CITIZEN, "赵群众")


@pytest.fixture
def system_admin(db) -> User:  # noqa: ANN001
    return make_user("qian", Role.SYSTEM_ADMIN, "钱系统")


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/notifications/"}


# --- login, logout --------------------------------------------------------------------

def test_login_page_renders_in_chinese_with_the_district_name(client, db) -> None:  # noqa: ANN001
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户登录" in html
    assert "示范区政务服务一体化平台" in html
    assert '<meta name="csrf-token" content="' in html
    assert '<html lang="zh-CN">' in html


def test_login_page_uses_the_configured_district_name(client, db, settings) -> None:  # noqa: ANN001
    settings.ZHENGWU = {**settings.ZHENGWU, "DISTRICT_NAME": "婺城区"}
    assert "婺城区政务服务一体化平台" in client.get(reverse("login")).content.decode()


def test_without_a_configured_name_the_district_at_the_root_of_the_region_tree_names_the_platform(
        client, db, settings) -> None:  # noqa: ANN001
    from zhengwu.core.testing import make_region_tree

    settings.ZHENGWU = {**settings.ZHENGWU, "DISTRICT_NAME": None}
    assert "示范区政务服务一体化平台" in client.get(reverse("login")).content.decode()  # no regions yet

    from zhengwu.core.context_processors import _district_from_regions

    _district_from_regions.cache_clear()  # read once per process: a new district is seen after a restart
    district = make_region_tree()["district"]
    assert f"{district.name}政务服务一体化平台" in client.get(reverse("login")).content.decode()


def test_a_signed_in_user_visiting_login_goes_to_the_dashboard(client, center_admin) -> None:  # noqa: ANN001
    client.force_login(center_admin)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_login_with_a_wrong_password_says_so_and_stays(client, center_admin) -> None:  # noqa: ANN001
    response = client.post(reverse("login"), {"username": "wang", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_refuses_get_and_signs_out_on_post(client, center_admin) -> None:  # noqa: ANN001
    client.force_login(center_admin)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


# --- dashboard ---------------------------------------------------------------------------

def test_dashboard_sends_an_anonymous_visitor_to_login(client, db) -> None:  # noqa: ANN001
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_dashboard_shows_role_scope_and_an_honest_empty_state(client, center_admin,  # noqa: ANN001
                                                              monkeypatch) -> None:
    monkeypatch.setattr(dashboard_registry, "_PANELS", {})  # the shell alone, before any domain's panel
    client.force_login(center_admin)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="zw-page-title">工作台</h1>' in html
    assert "中心管理员" in html
    assert "数据范围" in html and "全部" in html
    assert 'data-testid="dashboard-empty"' in html
    assert "暂无数据" in html


def test_a_citizen_starts_from_the_inbox_instead_of_the_dashboard(client, citizen) -> None:  # noqa: ANN001
    client.force_login(citizen)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_a_user_with_neither_dashboard_nor_inbox_gets_the_403_page(client, citizen, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.CITIZEN, frozenset())
    client.force_login(citizen)
    for name in ("dashboard", "notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


def test_dashboard_shows_a_panel_only_to_users_holding_its_permission(client, center_admin, clerk,  # noqa: ANN001
                                                                       monkeypatch) -> None:
    monkeypatch.setattr(dashboard_registry, "_PANELS", {})  # only the test panel, not the domains' panels
    dashboard_registry.register_panel("test.panel", "core/partials/_alert.html", "core.manage_calendar",
                                      lambda request: None, title="测试面板")
    try:
        client.force_login(center_admin)
        html = client.get(reverse("dashboard")).content.decode()
        assert 'data-panel="test.panel"' in html
        assert "测试面板" in html
        assert 'data-testid="dashboard-empty"' not in html
        client.force_login(clerk)
        html = client.get(reverse("dashboard")).content.decode()
        assert 'data-panel="test.panel"' not in html
        assert 'data-testid="dashboard-empty"' in html
    finally:
        dashboard_registry.unregister_panel("test.panel")


def test_dashboard_stays_within_its_query_budget(client, center_admin, django_assert_max_num_queries) -> None:  # noqa: ANN001
    Notification.objects.bulk_create(Notification(recipient=center_admin, title=f"提醒{i}") for i in range(30))
    client.force_login(center_admin)
    # session, user, unread count, the calendar (years, overrides; cached afterwards) and the
    # session save (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release). Each domain panel
    # that is registered later raises this by what it needs, on purpose and in this line.
    # +1: cases.inbox (the open, warning and overdue counts in one aggregate query).
    # +1: evaluation.ranking (the latest publication with the year's count, one windowed query).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_inbox_stays_within_its_query_budget(client, clerk, django_assert_max_num_queries) -> None:  # noqa: ANN001
    Notification.objects.bulk_create(Notification(recipient=clerk, title=f"提醒{i}") for i in range(30))
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item') == 20


def test_calendar_warnings_show_to_the_center_admin_and_not_to_a_clerk(client, center_admin, clerk,  # noqa: ANN001
                                                                       monkeypatch) -> None:
    monkeypatch.setattr("zhengwu.core.calendar.calendar_warnings", lambda: ["2099年的节假日安排尚未录入"])
    client.force_login(center_admin)
    assert "2099年的节假日安排尚未录入" in client.get(reverse("dashboard")).content.decode()
    client.force_login(clerk)
    assert "2099年的节假日安排尚未录入" not in client.get(reverse("dashboard")).content.decode()


# --- navigation ------------------------------------------------------------------------------

def test_menu_offers_the_django_admin_to_the_system_admin_only(center_admin, system_admin) -> None:  # noqa: ANN001
    def url_names(user: User) -> set[str]:
        return {entry.url_name for group in navigation.menu_for(user) for entry in group.items}

    # The domains add their own entries (cases, reviews, ...); the shell's own entries are these.
    assert {"dashboard", "notifications"} <= url_names(center_admin)
    assert "admin:index" not in url_names(center_admin)
    assert {"dashboard", "notifications", "admin:index"} <= url_names(system_admin)


def test_menu_is_empty_for_an_anonymous_visitor() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert navigation.menu_for(AnonymousUser()) == []


def test_menu_skips_an_item_whose_url_does_not_exist(center_admin) -> None:  # noqa: ANN001
    navigation.register(navigation.NavItem("坏链接", "no_such_view", None))
    try:
        names = [entry.url_name for group in navigation.menu_for(center_admin) for entry in group.items]
        assert "no_such_view" not in names
        assert "dashboard" in names
    finally:
        navigation.unregister("no_such_view")


# --- notifications -------------------------------------------------------------------------

def test_inbox_lists_only_the_users_own_notifications(client, clerk, center_admin) -> None:  # noqa: ANN001
    Notification.objects.create(recipient=clerk, title="办件即将超期", level="yellow")
    Notification.objects.create(recipient=center_admin, title="别人的消息")
    client.force_login(clerk)
    html = client.get(reverse("notifications")).content.decode()
    assert "办件即将超期" in html
    assert "预警" in html
    assert "别人的消息" not in html


def test_mark_all_read_via_htmx_returns_the_partial_and_leaves_others_unread(client, clerk, center_admin) -> None:  # noqa: ANN001
    Notification.objects.create(recipient=clerk, title="办件即将超期", level="yellow")
    Notification.objects.create(recipient=clerk, title="差评待回访", level="red")
    Notification.objects.create(recipient=center_admin, title="别人的消息")
    client.force_login(clerk)
    before = client.get(reverse("notifications")).content.decode()
    assert "2 条未读" in before
    response = client.post(reverse("notifications_mark_read"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="zw-inbox"')
    assert "<html" not in html
    assert "0 条未读" in html
    assert 'id="zw-unread-badge" hx-swap-oob="true"' in html
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=center_admin, read_at__isnull=True).count() == 1


def test_mark_read_without_htmx_redirects_back_to_the_inbox(client, clerk) -> None:  # noqa: ANN001
    Notification.objects.create(recipient=clerk, title="办件即将超期")
    client.force_login(clerk)
    response = client.post(reverse("notifications_mark_read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()


def test_mark_read_refuses_get(client, clerk) -> None:  # noqa: ANN001
    client.force_login(clerk)
    assert client.get(reverse("notifications_mark_read")).status_code == 405


def test_an_htmx_request_after_the_session_ended_reloads_to_login(client, db) -> None:  # noqa: ANN001
    response = client.post(reverse("notifications_mark_read"), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/notifications/"


# --- errors ---------------------------------------------------------------------------------

@handles_app_errors
def _conflicting_view(request):  # noqa: ANN001, ANN202
    raise Conflict("该办件已办结，不能再受理。")


def test_an_app_error_renders_its_message_and_status(clerk) -> None:  # noqa: ANN001
    request = RequestFactory().post("/x/")
    request.user = clerk
    response = _conflicting_view(request)
    assert response.status_code == 409
    assert "该办件已办结，不能再受理。" in response.content.decode()
    assert "操作未完成" in response.content.decode()


def test_an_app_error_in_an_htmx_request_is_an_alert_partial_in_the_alert_area(clerk) -> None:  # noqa: ANN001
    request = RequestFactory().post("/x/", HTTP_HX_REQUEST="true")
    request.user = clerk
    response = _conflicting_view(request)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#zw-alerts"
    html = response.content.decode()
    assert 'data-testid="app-alert"' in html and "alert-danger" in html
    assert "<html" not in html


def test_permission_required_403_renders_the_403_page(clerk) -> None:  # noqa: ANN001
    view = permission_required_403("core.manage_calendar")(lambda request: None)
    request = RequestFactory().get("/x/")
    request.user = clerk
    response = view(request)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_an_unknown_page_is_the_404_page(client, clerk, settings) -> None:  # noqa: ANN001
    settings.DEBUG = False
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_500_page_renders_without_a_request_or_database() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "系统繁忙" in html
    assert "{%" not in html


# --- health -----------------------------------------------------------------------------------

def test_healthz_answers_ok_with_the_database(client, db) -> None:  # noqa: ANN001
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"


# --- language --------------------------------------------------------------------------------

def test_switching_to_english_renders_the_shell_in_english(client, center_admin) -> None:  # noqa: ANN001
    client.force_login(center_admin)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="en">' in html
    assert "Dashboard" in html
    assert "Center administrator" in html
    assert "工作台" not in html


# --- static assets -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", VENDORED)
def test_vendored_assets_are_found_by_the_staticfiles_finders(path: str) -> None:
    found = finders.find(path)
    assert found, f"{path} is not found by the staticfiles finders"
    text = Path(found).read_text(encoding="utf-8")
    assert "sourceMappingURL" not in text
    assert len(text) > 1000


def test_vendored_versions_are_recorded() -> None:
    versions = Path(finders.find("vendor/VERSIONS.txt")).read_text(encoding="utf-8")
    for package in ("bootstrap  5.3.8", "htmx.org   2.", "echarts    5."):
        assert package in versions


_REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_no_template_loads_anything_from_another_host() -> None:
    templates = [p for p in PACKAGE.rglob("templates/**/*.html")]
    assert len(templates) >= 8
    offenders = [str(p.relative_to(PACKAGE)) for p in templates if _REMOTE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_rendered_pages_load_only_local_assets(client, center_admin) -> None:  # noqa: ANN001
    pages = [client.get(reverse("login")).content.decode()]
    client.force_login(center_admin)
    pages += [client.get(reverse(name)).content.decode() for name in ("dashboard", "notifications")]
    for html in pages:
        assert not _REMOTE.search(html)
        assert '<script src="/static/vendor/htmx/htmx.min.js">' in html
        assert '<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">' in html


# --- template tags ------------------------------------------------------------------------------

def render(source: str, **context: object) -> str:
    return Template("{% load zw %}" + source).render(Context(context))


def test_status_badge_takes_a_label_and_a_colour() -> None:
    html = render('{{ "已受理"|status_badge:"green" }}')
    assert html == '<span class="badge rounded-pill zw-badge text-bg-success">已受理</span>'


def test_status_badge_takes_a_pair_and_escapes_the_label() -> None:
    assert render("{{ pair|status_badge }}", pair=("<b>超期</b>", "red")) == (
        '<span class="badge rounded-pill zw-badge text-bg-danger">&lt;b&gt;超期&lt;/b&gt;</span>')


def test_status_badge_tag_takes_a_choice_value_a_colour_map_and_the_choices() -> None:
    html = render("{% status_badge value tones choices=roles %}", value="citizen", tones={"citizen": "blue"},
                  roles=Role)
    assert html == '<span class="badge rounded-pill zw-badge text-bg-primary">办事群众</span>'


def test_status_badge_of_an_unknown_colour_is_grey() -> None:
    assert "text-bg-secondary" in render('{{ "?"|status_badge:"purple" }}')


@pytest.mark.parametrize(("state", "css", "label"), [
    ("normal", "text-bg-success", "正常"),
    ("warning", "text-bg-warning", "临近期限"),
    ("overdue", "text-bg-danger", "已超期"),
    ("done", "text-bg-secondary", "已办结"),
])
def test_deadline_badge_colours_each_state(state: str, css: str, label: str) -> None:
    assert render("{{ s|deadline_badge }}", s=state) == render("{% deadline_badge s %}", s=state)
    html = render("{% deadline_badge s %}", s=state)
    assert css in html and label in html


def test_mask_filters_hide_the_middle_of_id_numbers_and_phones() -> None:
    assert render("{{ v|mask_id }}", v="11010519491231002X") == "110105********002X"
    assert render("{{ v|mask_phone }}", v="13800138000") == "138****8000"
    assert render("{{ v|mask_id }}", v=None) == ""


def test_only_the_longest_matching_menu_entry_is_active():
    from zhengwu.core.navigation import MenuEntry, MenuGroup, active_url

    menu = [MenuGroup(label="办件", items=[MenuEntry("待办", "/cases/", "cases:inbox"),
                                           MenuEntry("收件", "/cases/new/", "cases:new"),
                                           MenuEntry("工作台", "/", "dashboard")])]
    assert active_url(menu, "/cases/new/") == "/cases/new/"
    assert active_url(menu, "/cases/12/") == "/cases/"
    assert active_url(menu, "/") == "/"
    assert active_url(menu, "/reviews/") is None
