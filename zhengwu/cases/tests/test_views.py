"""The clerk's workspace on the web: inbox, list, receive, detail and transitions, the department
leader's view and the public progress page.

Personas: 甲窗口 a window clerk of department A, 乙窗口 a clerk of department B, 甲科长 the
leader of department A, 丙监管 a supervisor (sees every case, may act on none), 王主任 the
center administrator, and an anonymous visitor.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.cases import services
from zhengwu.cases.choices import CaseStatus, Channel
from zhengwu.cases.models import Case
from zhengwu.cases.testing import SHANGHAI, VALID_ID, make_item
from zhengwu.core import calendar
from zhengwu.core.audit import events_for
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- personas and data -------------------------------------------------------------------------

@pytest.fixture
def dept_a():
    return make_department(name="市场监督管理局")


@pytest.fixture
def dept_b():
    return make_department(name="人力资源和社会保障局")


@pytest.fixture
def clerk_a(dept_a):
    return persona(Role.WINDOW_CLERK, "jia", "甲窗口", department=dept_a)


@pytest.fixture
def clerk_b(dept_b):
    return persona(Role.WINDOW_CLERK, "yi", "乙窗口", department=dept_b)


@pytest.fixture
def leader_a(dept_a):
    return persona(Role.DEPARTMENT_LEADER, "jiake", "甲科长", department=dept_a)


@pytest.fixture
def supervisor():
    return persona(Role.SUPERVISOR, "bing", "丙监管")


@pytest.fixture
def center_admin():
    return persona(Role.CENTER_ADMIN, "wang", "王主任")


@pytest.fixture
def item_a(dept_a):
    return make_item(department=dept_a, code="A-001", promised=10, statutory=20)


@pytest.fixture
def item_b(dept_b):
    return make_item(department=dept_b, code="B-001", promised=10, statutory=20)


def persona(role: str, username: str, display_name: str, department=None):  # noqa: ANN001, ANN201
    user = make_user(role=role, username=username, department=department)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


def login(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def working_day_moment(days_from_today: int, hour: int = 10) -> datetime:
    """A moment ``days_from_today`` working days from today (negative: in the past)."""
    day = calendar.add_working_days(timezone.localdate(), days_from_today)
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def receive(*, actor, item, when: datetime | None = None) -> Case:  # noqa: ANN001
    case, _code = services.case_receive(actor=actor, item=item, channel=Channel.WINDOW, applicant_kind="person",
                                        applicant_name="张三", id_number=VALID_ID, received_at=when)
    return case


def accepted(*, actor, item, working_days_ago: int) -> Case:  # noqa: ANN001
    """A case received and accepted ``working_days_ago`` working days ago."""
    when = working_day_moment(-working_days_ago, hour=9)
    case = receive(actor=actor, item=item, when=when)
    return services.case_transition(actor=actor, case=case, action="accept", now=when + timedelta(minutes=30))


@pytest.fixture
def case_a(clerk_a, item_a):
    return receive(actor=clerk_a, item=item_a)


# --- who gets in ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cases:inbox", "cases:list", "cases:receive", "cases:department"])
def test_an_anonymous_visitor_is_sent_to_login(client, name):  # noqa: ANN001
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_an_anonymous_visitor_is_sent_to_login_from_a_case(client, case_a):  # noqa: ANN001
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/cases/{case_a.pk}/"


def test_a_clerk_sees_the_own_departments_case_and_another_departments_clerk_gets_404(case_a, clerk_a, clerk_b):
    html = login(clerk_a).get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert case_a.number in html
    response = login(clerk_b).get(reverse("cases:detail", args=[case_a.pk]))
    assert response.status_code == 404
    assert case_a.number not in response.content.decode()


def test_a_clerk_of_another_department_does_not_find_the_case_in_inbox_or_list(case_a, clerk_b):
    client = login(clerk_b)
    assert case_a.number not in client.get(reverse("cases:inbox")).content.decode()
    assert case_a.number not in client.get(reverse("cases:list")).content.decode()


def test_a_clerk_may_not_open_the_department_view_and_the_leader_may(clerk_a, leader_a):
    assert login(clerk_a).get(reverse("cases:department")).status_code == 403
    assert login(leader_a).get(reverse("cases:department")).status_code == 200


def test_a_supervisor_may_not_receive(supervisor):
    assert login(supervisor).get(reverse("cases:receive")).status_code == 403


def test_the_menu_offers_the_clerk_the_workspace_and_the_leader_the_department_view(clerk_a, leader_a):
    clerk_html = login(clerk_a).get(reverse("cases:inbox")).content.decode()
    for label in ("待办办件", "收件登记", "办件查询"):
        assert f">{label}</a>" in clerk_html
    assert ">部门办件</a>" not in clerk_html
    assert ">部门办件</a>" in login(leader_a).get(reverse("cases:inbox")).content.decode()


# --- inbox -----------------------------------------------------------------------------------------

def test_the_inbox_puts_overdue_first_then_warning_then_the_rest_with_coloured_badges(clerk_a, item_a):
    fresh = receive(actor=clerk_a, item=item_a)
    warning = accepted(actor=clerk_a, item=item_a, working_days_ago=8)    # 8 of 10 days used
    overdue = accepted(actor=clerk_a, item=item_a, working_days_ago=12)   # 2 days late
    html = login(clerk_a).get(reverse("cases:inbox")).content.decode()
    positions = [html.index(c.number) for c in (overdue, warning, fresh)]
    assert positions == sorted(positions)
    rows = re.findall(r'data-testid="case-row" data-state="(\w+)"', html)
    assert rows == ["overdue", "warning", "normal"]
    assert '<span class="badge rounded-pill zw-badge text-bg-danger">已超期</span>' in html
    assert '<span class="badge rounded-pill zw-badge text-bg-warning">临近期限</span>' in html
    assert '<span class="badge rounded-pill zw-badge text-bg-success">正常</span>' in html
    today = timezone.localdate()
    late_by = -calendar.working_days_between(today, timezone.localdate(overdue.completion_deadline))
    left = calendar.working_days_between(today, timezone.localdate(warning.completion_deadline))
    assert late_by >= 1 and left >= 1
    assert f"超期 {late_by} 个工作日" in html
    assert f"剩 {left} 个工作日" in html
    assert "在办 3 件" in html and "已超期 1 件" in html and "临近期限 1 件" in html


def test_the_inbox_masks_the_applicants_name(case_a, clerk_a):
    html = login(clerk_a).get(reverse("cases:inbox")).content.decode()
    assert "张*" in html
    assert "张三" not in html


def test_the_inbox_filter_uses_the_shared_schema(clerk_a, item_a):
    received = receive(actor=clerk_a, item=item_a)
    late = accepted(actor=clerk_a, item=item_a, working_days_ago=12)
    html = login(clerk_a).get(reverse("cases:inbox"), {"deadline": "overdue"}).content.decode()
    assert late.number in html and received.number not in html
    html = login(clerk_a).get(reverse("cases:inbox"), {"status": ["received"]}).content.decode()
    assert received.number in html and late.number not in html


def test_an_htmx_filter_request_gets_the_list_fragment_only(case_a, clerk_a):
    response = login(clerk_a).get(reverse("cases:inbox"), {"q": case_a.number[:8]}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="case-list">')
    assert "<html" not in html
    assert case_a.number in html


def test_an_impossible_date_in_the_filter_is_a_message_next_to_the_field(case_a, clerk_a):
    response = login(clerk_a).get(reverse("cases:inbox"), {"received_from": "2024-13-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'data-testid="filter-error-received_from">请输入有效的日期', html)
    assert 'id="filter-received_from"' in html and "is-invalid" in html
    assert case_a.number not in html


def test_a_period_ending_before_it_starts_names_the_end_date(case_a, clerk_a):
    response = login(clerk_a).get(reverse("cases:list"),
                                  {"received_from": "2024-05-01", "received_to": "2024-04-01"}, **HTMX)
    assert response.status_code == 422
    assert re.search(r'data-testid="filter-error-received_to">结束日期不能早于开始日期',
                     response.content.decode())


def test_an_unknown_status_in_the_filter_is_a_message_not_a_500(clerk_a):
    response = login(clerk_a).get(reverse("cases:list"), {"status": "lost", "department_id": "x"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="filter-error-status">没有这个选项' in html
    assert 'data-testid="filter-error-department_id">请选择列表中的一项' in html


def test_the_inbox_stays_within_its_query_budget_for_a_full_page(clerk_a, item_a, django_assert_max_num_queries):
    for n in range(55):
        receive(actor=clerk_a, item=item_a, when=working_day_moment(-(n % 4)))
    for _ in range(5):
        accepted(actor=clerk_a, item=item_a, working_days_ago=12)
    client = login(clerk_a)
    # session, user, inbox summary, page count, page rows, unread count, the calendar snapshot
    # (years, overrides) and the session save (savepoint, update, release): no query per row.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="case-row"') == 50
    assert "第 1 / 2 页" in response.content.decode()


def test_the_list_stays_within_its_query_budget_for_a_full_page(center_admin, clerk_a, clerk_b, item_a, item_b,
                                                                django_assert_max_num_queries):
    for n in range(30):
        receive(actor=clerk_a, item=item_a, when=working_day_moment(-(n % 3)))
        receive(actor=clerk_b, item=item_b, when=working_day_moment(-(n % 3)))
    client = login(center_admin)
    # as the inbox, plus the department and township choices of the filter
    with django_assert_max_num_queries(13):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="case-row"') == 50
    assert "共 60 件" in html


def test_the_list_filters_by_department_for_the_center_admin(center_admin, clerk_a, clerk_b, item_a, item_b, dept_b):
    a = receive(actor=clerk_a, item=item_a)
    b = receive(actor=clerk_b, item=item_b)
    html = login(center_admin).get(reverse("cases:list"), {"department_id": dept_b.pk}).content.decode()
    assert b.number in html and a.number not in html
    assert f'<option value="{dept_b.pk}" selected>' in html


# --- receiving ---------------------------------------------------------------------------------------

def receive_form(item, **extra) -> dict:  # noqa: ANN001
    return {"item": item.pk, "channel": Channel.WINDOW, "applicant_kind": "person", "applicant_name": "李四",
            "id_number": VALID_ID, "phone": "13800138000", "credit_code": "", "level": "district", **extra}


def test_receiving_a_case_shows_the_receipt_with_the_number_and_the_code_once(clerk_a, item_a):
    client = login(clerk_a)
    assert client.get(reverse("cases:receive")).status_code == 200
    response = client.post(reverse("cases:receive"), receive_form(item_a))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:receipt", args=[case.pk])
    html = client.get(response["Location"]).content.decode()
    code = re.search(r'data-testid="receipt-code">(\d{6})<', html).group(1)
    assert case.number in html
    assert "李*" in html and "李四" not in html
    assert services.case_track(number=case.number, code=code) == case
    again = client.get(response["Location"]).content.decode()
    assert code not in again
    assert 'data-testid="receipt-code-gone"' in again


def test_an_htmx_receive_redirects_to_the_receipt(clerk_a, item_a):
    response = login(clerk_a).post(reverse("cases:receive"), receive_form(item_a), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("cases:receipt", args=[Case.objects.get().pk])


def test_a_bad_id_number_is_named_next_to_its_field_and_nothing_is_received(clerk_a, item_a):
    response = login(clerk_a).post(reverse("cases:receive"), receive_form(item_a, id_number="110105194912310021"))
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'data-testid="field-error-id_number">[^<]*身份证', html)
    assert not Case.objects.exists()


def test_an_enterprise_without_a_credit_code_is_named_next_to_its_field(clerk_a, item_a):
    response = login(clerk_a).post(reverse("cases:receive"),
                                   receive_form(item_a, applicant_kind="enterprise", id_number=""), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="receive-form"')
    assert 'data-testid="field-error-credit_code">法人申请须填写统一社会信用代码' in html
    assert not Case.objects.exists()


def test_a_missing_item_and_name_are_named_by_the_form(clerk_a, item_a):
    response = login(clerk_a).post(reverse("cases:receive"), {**receive_form(item_a), "item": "", "applicant_name": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="field-error-item">请选择办理的事项' in html
    assert 'data-testid="field-error-applicant_name">请填写申请人姓名或单位名称' in html


def test_a_township_level_case_needs_a_township(clerk_a, dept_a):
    item = make_item(department=dept_a, code="A-T", level_township=True)
    response = login(clerk_a).post(reverse("cases:receive"), receive_form(item, level="township"))
    assert response.status_code == 422
    assert 'data-testid="field-error-township">乡镇级办理须指明乡镇(街道)' in response.content.decode()


def test_the_item_search_and_the_villages_of_a_township_answer_htmx(clerk_a, item_a, dept_b):
    make_item(department=dept_b, code="B-XYZ", name="食品经营许可")
    client = login(clerk_a)
    html = client.get(reverse("cases:item_options"), {"q": "食品"}, **HTMX).content.decode()
    assert "B-XYZ 食品经营许可" in html and "A-001" not in html and " selected" in html
    tree = make_region_tree(townships=1, villages_per_township=2)
    html = client.get(reverse("cases:village_options"), {"township": tree["townships"][0].pk}).content.decode()
    assert all(v.name in html for v in tree["villages"])


def test_the_receive_form_lists_the_clerks_own_department_first(clerk_a, item_a, dept_b):
    make_item(department=dept_b, code="0-FIRST-BY-CODE")
    html = login(clerk_a).get(reverse("cases:receive")).content.decode()
    assert html.index("A-001") < html.index("0-FIRST-BY-CODE")


def test_a_village_agent_is_offered_its_own_village_and_receives_a_village_level_case_there(dept_a):
    tree = make_region_tree(townships=1, villages_per_township=2)
    own, other = tree["villages"]
    agent = make_user(role=Role.VILLAGE_AGENT, region=own)
    item = make_item(department=dept_a, code="A-V", level_village=True, village_assisted=True)
    client = login(agent)

    html = client.get(reverse("cases:receive")).content.decode()
    response = client.post(reverse("cases:receive"), receive_form(item, channel=Channel.AGENT, level="village",
                                                                  village=own.pk))

    assert f'<option value="{own.pk}"' in html and f'<option value="{other.pk}"' not in html
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.village, case.township, case.channel) == (own, tree["townships"][0], Channel.AGENT)


# --- detail -------------------------------------------------------------------------------------------

def test_the_detail_shows_the_buttons_the_workflow_offers_and_the_timeline(case_a, clerk_a):
    html = login(clerk_a).get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    actions = re.findall(r'data-action="(\w+)"\s', html)
    assert actions == ["accept", "refuse", "request_supplement", "withdraw"]
    assert "110105********002X" in html and VALID_ID not in html
    timeline = html[html.index('data-testid="case-timeline"'):]
    assert "收件" in timeline and "甲窗口" in timeline and "收件渠道：窗口" in timeline


def test_the_detail_stays_within_its_query_budget_however_long_the_timeline(case_a, clerk_a,
                                                                            django_assert_max_num_queries):
    case = services.case_transition(actor=clerk_a, case=case_a, action="accept")
    for n in range(5):
        case = services.case_transition(actor=clerk_a, case=case, action="suspend", reason=f"第{n}次听证")
        case = services.case_transition(actor=clerk_a, case=case, action="resume")
    client = login(clerk_a)
    # session, user, case, suspensions, events, actors' names, unread count, calendar (2), session save (3)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.content.decode().count("<li data-action=") == 12


def test_a_supervisor_sees_the_case_without_buttons(case_a, supervisor):
    html = login(supervisor).get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert case_a.number in html
    assert "当前没有您可执行的操作" in html
    assert 'hx-get="/cases/' not in html


def test_the_action_form_carries_the_version_and_asks_for_a_reason_when_needed(case_a, clerk_a):
    client = login(clerk_a)
    html = client.get(reverse("cases:act", args=[case_a.pk, "refuse"]), **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="case-action-panel"')
    assert f'name="version" value="{case_a.version}"' in html
    assert "理由" in html and "required" in html
    html = client.get(reverse("cases:act", args=[case_a.pk, "request_supplement"]), **HTMX).content.decode()
    assert 'name="items"' in html


def test_accepting_through_htmx_swaps_in_the_updated_detail(case_a, clerk_a):
    response = login(clerk_a).post(reverse("cases:act", args=[case_a.pk, "accept"]),
                                   {"version": case_a.version, "reason": ""}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#case-detail"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="case-detail"')
    assert "已完成“受理”。" in html
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.ACCEPTED
    assert case_a.handler == clerk_a
    assert list(events_for(case_a).values_list("action", flat=True)) == ["case.receive", "case.accept"]
    assert 'data-action="suspend"' in html and 'data-action="approve"' in html


def test_accepting_without_htmx_redirects_to_the_detail_with_a_message(case_a, clerk_a):
    client = login(clerk_a)
    response = client.post(reverse("cases:act", args=[case_a.pk, "accept"]), {"version": case_a.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case_a.pk])
    assert "已完成“受理”。" in client.get(response["Location"]).content.decode()


def test_a_refused_transition_shows_the_error_and_writes_nothing(case_a, clerk_a):
    case = services.case_transition(actor=clerk_a, case=case_a, action="accept")
    case = services.case_transition(actor=clerk_a, case=case, action="approve")
    events = AuditEvent.objects.count()
    response = login(clerk_a).post(reverse("cases:act", args=[case.pk, "accept"]),
                                   {"version": case.version}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="action-error"' in html
    assert "当前状态“已办结”不能执行“受理”" in html
    assert AuditEvent.objects.count() == events
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_a_stale_version_is_a_409_saying_someone_else_changed_it(case_a, clerk_a):
    seen = case_a.version
    services.case_transition(actor=clerk_a, case=case_a, action="request_supplement", payload={"items": ["营业执照"]})
    response = login(clerk_a).post(reverse("cases:act", args=[case_a.pk, "withdraw"]),
                                   {"version": seen, "reason": "申请人撤回"}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改" in html
    assert "刷新页面查看最新情况" in html
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.SUPPLEMENT


def test_refusing_without_a_reason_names_the_reason_field(case_a, clerk_a):
    response = login(clerk_a).post(reverse("cases:act", args=[case_a.pk, "refuse"]),
                                   {"version": case_a.version, "reason": "  "}, **HTMX)
    assert response.status_code == 422
    assert 'data-testid="field-error-reason">“不予受理”必须填写理由' in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.RECEIVED


def test_a_supplement_notice_takes_one_material_a_line(case_a, clerk_a):
    client = login(clerk_a)
    empty = client.post(reverse("cases:act", args=[case_a.pk, "request_supplement"]),
                        {"version": case_a.version, "items": "\n \n"}, **HTMX)
    assert empty.status_code == 422
    assert 'data-testid="field-error-items">请列出需要补正的全部材料' in empty.content.decode()
    ok = client.post(reverse("cases:act", args=[case_a.pk, "request_supplement"]),
                     {"version": case_a.version, "items": "营业执照副本\n\n法定代表人身份证明 \n"}, **HTMX)
    assert ok.status_code == 200
    case_a.refresh_from_db()
    assert case_a.supplement_items == ["营业执照副本", "法定代表人身份证明"]
    assert "法定代表人身份证明" in ok.content.decode()


def test_a_missing_version_is_refused_without_writing(case_a, clerk_a):
    response = login(clerk_a).post(reverse("cases:act", args=[case_a.pk, "accept"]), {}, **HTMX)
    assert response.status_code == 422
    assert "页面已过期" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.RECEIVED


def test_a_clerk_of_another_department_cannot_act_on_the_case(case_a, clerk_b):
    response = login(clerk_b).post(reverse("cases:act", args=[case_a.pk, "accept"]), {"version": case_a.version})
    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.RECEIVED


def test_a_supervisor_gets_403_for_an_action_and_nothing_is_written(case_a, supervisor):
    client = login(supervisor)
    assert client.get(reverse("cases:act", args=[case_a.pk, "accept"])).status_code == 403
    response = client.post(reverse("cases:act", args=[case_a.pk, "accept"]), {"version": case_a.version}, **HTMX)
    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.RECEIVED


@pytest.mark.parametrize("action", ["no_such_action", "deem_accept"])
def test_an_unknown_or_system_action_is_404(case_a, clerk_a, action):
    assert login(clerk_a).get(reverse("cases:act", args=[case_a.pk, action])).status_code == 404


def test_the_form_of_an_action_the_state_does_not_allow_is_a_409(case_a, clerk_a):
    response = login(clerk_a).get(reverse("cases:act", args=[case_a.pk, "resume"]), **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#zw-alerts"


def test_the_detail_lists_suspensions_and_the_timeline_of_each_step(case_a, clerk_a):
    client = login(clerk_a)
    case = services.case_transition(actor=clerk_a, case=case_a, action="accept")
    case = services.case_transition(actor=clerk_a, case=case, action="suspend", reason="组织听证")
    case = services.case_transition(actor=clerk_a, case=case, action="resume")
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-suspensions"' in html and "组织听证" in html
    timeline = html[html.index('data-testid="case-timeline"'):]
    labels = re.findall(r'<li data-action="([^"]+)">', timeline)
    assert labels == ["收件", "受理", "中止", "恢复办理"]
    assert "理由：组织听证" in timeline


# --- the department leader -----------------------------------------------------------------------------

def test_the_leader_sees_the_departments_figures_and_overdue_list(leader_a, clerk_a, clerk_b, item_a, item_b):
    receive(actor=clerk_a, item=item_a)
    accepted(actor=clerk_a, item=item_a, working_days_ago=8)
    late = accepted(actor=clerk_a, item=item_a, working_days_ago=12)
    done = accepted(actor=clerk_a, item=item_a, working_days_ago=1)
    services.case_transition(actor=clerk_a, case=done, action="approve")
    other = accepted(actor=clerk_b, item=item_b, working_days_ago=12)
    response = login(leader_a).get(reverse("cases:department"))
    assert response.status_code == 200
    html = response.content.decode()
    figures = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', html))
    assert figures == {"open": "3", "warning": "1", "overdue": "1", "completed": "1", "overdue_rate": "0.00%"}
    start, end = html.index('data-testid="department-overdue"'), html.index('data-testid="department-warning"')
    overdue_section = html[start:end]
    assert late.number in overdue_section
    assert other.number not in html


def test_the_center_admin_picks_a_department_in_the_leader_view(center_admin, clerk_a, clerk_b, item_a, item_b, dept_b):
    accepted(actor=clerk_a, item=item_a, working_days_ago=12)
    other = accepted(actor=clerk_b, item=item_b, working_days_ago=12)
    client = login(center_admin)
    html = client.get(reverse("cases:department")).content.decode()
    assert 'data-figure="overdue">2<' in html
    html = client.get(reverse("cases:department"), {"department_id": dept_b.pk}).content.decode()
    assert 'data-figure="overdue">1<' in html and other.number in html
    bad = client.get(reverse("cases:department"), {"department_id": "abc"})
    assert bad.status_code == 422
    assert 'data-testid="filter-error-department_id"' in bad.content.decode()


# --- the public progress page ----------------------------------------------------------------------------

def test_the_public_page_shows_progress_with_the_right_code_and_nothing_personal(client, clerk_a,  # noqa: ANN001
                                                                                 item_a):
    case, code = services.case_receive(actor=clerk_a, item=item_a, channel=Channel.WINDOW, applicant_kind="person",
                                       applicant_name="王小明", id_number=VALID_ID, phone="13800138000")
    assert client.get(reverse("cases:track")).status_code == 200
    response = client.post(reverse("cases:track"), {"number": case.number, "code": code})
    assert response.status_code == 200
    html = response.content.decode()
    result = html[html.index('data-testid="track-result"'):]
    assert case.number in result and item_a.name in result and "已收件" in result
    for personal in ("王小明", "王*", VALID_ID, "110105", "13800138000", "138****8000"):
        assert personal not in html


def test_a_wrong_code_on_the_public_page_is_a_friendly_404(client, case_a):  # noqa: ANN001
    response = client.post(reverse("cases:track"), {"number": case_a.number, "code": "000000"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "编号或查询码不正确" in html
    assert 'data-testid="track-result"' not in html


def test_an_empty_query_on_the_public_page_names_the_fields(client, db):  # noqa: ANN001
    response = client.post(reverse("cases:track"), {"number": "", "code": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请输入办件编号" in html and "请输入查询码" in html


# --- the dashboard -----------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_clerks_open_cases(clerk_a, item_a):
    receive(actor=clerk_a, item=item_a)
    accepted(actor=clerk_a, item=item_a, working_days_ago=12)
    html = login(clerk_a).get(reverse("dashboard")).content.decode()
    panel = html[html.index('data-panel="cases.inbox"'):]
    assert "我的待办办件" in html
    assert re.search(r'display-6 fw-semibold\s*">2<', panel)


def test_every_page_renders_in_english_too(client, clerk_a, leader_a, case_a):  # noqa: ANN001
    client.force_login(leader_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in (reverse("cases:inbox"), reverse("cases:list"), reverse("cases:receive"),
                reverse("cases:department"), reverse("cases:detail", args=[case_a.pk]),
                reverse("cases:act", args=[case_a.pk, "accept"]), reverse("cases:track")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()


def test_an_unfiltered_list_of_a_huge_scope_shows_the_estimate_and_a_filtered_one_counts(case_a, center_admin,
                                                                                       monkeypatch):
    # At province scale a district-wide reader's unfiltered list would COUNT(*) tens of millions of cases on every
    # page; the paginator takes PostgreSQL's estimate instead (core/paging.py; on SQLite there is none).
    from zhengwu.core import paging

    monkeypatch.setattr(paging, "estimated_rows", lambda model: 48_000_000)
    client = Client()
    client.force_login(center_admin)
    unfiltered = client.get(reverse("cases:list"))
    assert unfiltered.context["page_obj"].paginator.count == 48_000_000
    assert 'data-testid="case-count">约 ' in unfiltered.content.decode()
    assert [r.case.pk for r in unfiltered.context["rows"]] == [case_a.pk]
    filtered = client.get(reverse("cases:list"), {"q": case_a.number})
    assert filtered.context["page_obj"].paginator.count == 1
    assert 'data-testid="case-count">共 1 件' in filtered.content.decode()
