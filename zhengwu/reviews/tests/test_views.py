"""The reviews web: the public rating page, the review list, the bad-review desk and a handling's
page with its htmx steps; navigation and a query budget.

Personas: 王专员 the indicator specialist, 张局长 the leader of department A, 李窗口 a clerk of
department A, 赵窗口 a clerk of department B, 周群众 a citizen, and the anonymous applicant.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.core import navigation
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user, pin_today
from zhengwu.org.roles import Role
from zhengwu.reviews.choices import HandlingStatus
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.testing import bad_review, completed_case, completed_case_with_code, review, step

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    clerk_a = make_user(role=Role.WINDOW_CLERK, department=dept_a, username="li")
    return {
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a, username="zhang"),
        "clerk_a": clerk_a,
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b, username="zhao"),
        "citizen": make_user(role=Role.CITIZEN, username="zhou"),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the public rating page ----------------------------------------------------------------------------

def test_the_rating_page_opens_without_signing_in():
    r = Client().get(reverse("reviews:rate"), {"number": "20240923000001"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="rate-form"' in html
    assert 'value="20240923000001"' in html
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f">{label}</label>" in html


def test_rating_a_case_shows_the_thanks_and_nothing_personal(world):
    case, code = completed_case_with_code(clerk=world["clerk_a"])
    r = Client().post(reverse("reviews:rate"), {
        "number": case.number, "code": code, "channel": "online", "level": "1", "comment": "跑了三趟"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="rate-done"' in html
    assert "非常不满意" in html and case.number in html
    assert "张三" not in html and "002X" not in html
    assert Review.objects.get().handling.status == HandlingStatus.REGISTERED


def test_a_wrong_code_on_the_rating_page_is_a_404_with_the_message_above_the_form(world):
    case, code = completed_case_with_code(clerk=world["clerk_a"])
    r = Client().post(reverse("reviews:rate"), {"number": case.number, "code": f"{(int(code) + 1) % 10**6:06d}",
                                                "channel": "online", "level": "5"})
    assert r.status_code == 404
    assert 'data-testid="rate-error"' in r.content.decode()
    assert Review.objects.count() == 0


def test_a_level_out_of_range_on_the_rating_page_is_shown_next_to_the_level(world):
    case, code = completed_case_with_code(clerk=world["clerk_a"])
    r = Client().post(reverse("reviews:rate"), {"number": case.number, "code": code, "channel": "online",
                                                "level": "9"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'class="invalid-feedback d-block"' in html
    assert Review.objects.count() == 0


def test_an_unfinished_case_on_the_rating_page_is_shown_next_to_the_number(world):
    from zhengwu.cases import services as case_services
    from zhengwu.cases.testing import VALID_ID, make_item

    item = make_item(department=world["clerk_a"].department, code="OPEN")
    case, code = case_services.case_receive(actor=world["clerk_a"], item=item, channel="window",
                                            applicant_kind="person", applicant_name="张三", id_number=VALID_ID)
    r = Client().post(reverse("reviews:rate"), {"number": case.number, "code": code, "channel": "online",
                                                "level": "5"})
    assert r.status_code == 422
    html = r.content.decode()
    number_field = html[html.index('name="number"'):html.index('name="code"')]
    assert "办件尚未办结" in number_field
    assert 'class="form-control is-invalid" type="text" name="number"' in html


# --- the review list -----------------------------------------------------------------------------------

@pytest.fixture
def today_is_2024_12_31(monkeypatch):
    pin_today(monkeypatch, dt.date(2024, 12, 31))


def stats_period(html: str) -> str:
    start = html.index('data-testid="review-stats-period"')
    return " ".join(html[start:html.index("</p>", start)].split())


def test_the_review_list_shows_the_figures_to_a_leader(world):
    case = completed_case(clerk=world["clerk_a"])
    review(case=case, when="2024-09-30 10:00", level=5, channel="on_site")
    review(case=case, when="2024-09-30 10:00", level=2)
    r = client_for(world["leader_a"]).get(reverse("reviews:list"), {"date_from": "2024-09-01", "date_to": "2024-09-30"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="review-stats"' in html
    assert "50.0%" in html
    assert case.number in html
    assert stats_period(html).endswith("统计期间:2024-09-01 至 2024-09-30")


def test_with_no_period_the_figures_are_the_current_years_and_the_list_keeps_every_review(world, today_is_2024_12_31):
    """All-time figures would count every review ever made in the scope (docs/query-plans.md): with no period
    the figures cover the year to date and say so; the list below still shows every review."""
    last_year = completed_case(clerk=world["clerk_a"])
    review(case=last_year, when="2023-06-30 10:00", level=1)
    this_year = completed_case(clerk=world["clerk_a"])
    review(case=this_year, when="2024-03-01 10:00", level=5)
    review(case=this_year, when="2024-12-31 09:00", level=4, channel="on_site")
    r = client_for(world["leader_a"]).get(reverse("reviews:list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert stats_period(html).endswith("统计期间:2024-01-01 至 2024-12-31(未选择期间,默认本年度)")
    assert r.context["stats"].reviews == 2
    assert r.context["stats"].bad_reviews == 0
    assert r.context["page_obj"].paginator.count == 3
    assert last_year.number in html and this_year.number in html


def test_one_end_of_the_period_is_kept_as_chosen(world, today_is_2024_12_31):
    case = completed_case(clerk=world["clerk_a"])
    review(case=case, when="2023-06-30 10:00", level=1)
    review(case=case, when="2024-03-01 10:00", level=5, channel="on_site")
    r = client_for(world["leader_a"]).get(reverse("reviews:list"), {"date_to": "2024-06-30"})
    assert stats_period(r.content.decode()).endswith("统计期间:截至 2024-06-30")
    assert (r.context["stats"].reviews, r.context["stats"].bad_reviews) == (2, 1)


def test_a_clerk_sees_the_list_without_the_figures(world):
    review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00", level=5)
    r = client_for(world["clerk_a"]).get(reverse("reviews:list"))
    assert r.status_code == 200
    assert 'data-testid="review-stats"' not in r.content.decode()


def test_a_bad_date_in_the_filter_is_shown_next_to_the_field(world):
    r = client_for(world["leader_a"]).get(reverse("reviews:list"), {"date_from": "2024-13-01"})
    assert r.status_code == 200
    assert "请输入有效的日期" in r.content.decode()


def test_a_citizen_gets_403_and_a_visitor_the_login_page(world):
    assert client_for(world["citizen"]).get(reverse("reviews:list")).status_code == 403
    r = Client().get(reverse("reviews:bad_list"))
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("login"))


# --- the bad-review desk -------------------------------------------------------------------------------

def test_the_desk_lists_the_bad_reviews_with_deadline_badges(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    r = client_for(world["specialist"]).get(reverse("reviews:bad_list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert reverse("reviews:bad_detail", args=[handling.pk]) in html
    assert "已超期" in html and "待回访" in html


def test_the_desk_of_another_department_does_not_list_the_bad_review(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    r = client_for(world["clerk_b"]).get(reverse("reviews:bad_list"))
    assert 'data-testid="bad-reviews-empty"' in r.content.decode()
    assert reverse("reviews:bad_detail", args=[handling.pk]) not in r.content.decode()


def test_the_desk_and_the_list_keep_to_a_query_budget(world, django_assert_max_num_queries):
    for _ in range(5):
        bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    client = client_for(world["specialist"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reviews:bad_list")).status_code == 200
    with django_assert_max_num_queries(13):  # the list and its figures; on PostgreSQL the table's row estimate
        assert client.get(reverse("reviews:list")).status_code == 200


# --- one bad review ------------------------------------------------------------------------------------

def test_the_page_shows_the_timeline_and_only_the_steps_of_the_user(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    url = reverse("reviews:bad_detail", args=[handling.pk])
    specialist_html = client_for(world["specialist"]).get(url).content.decode()
    leader_html = client_for(world["leader_a"]).get(url).content.decode()
    assert 'data-action="visit"' in specialist_html and 'data-action="appeal"' not in specialist_html
    assert 'data-action="appeal"' in leader_html and 'data-action="visit"' not in leader_html
    assert "登记差评" in specialist_html and "提交评价" in specialist_html


def test_a_clerk_of_another_department_gets_404_for_the_page(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    assert client_for(world["clerk_b"]).get(reverse("reviews:bad_detail", args=[handling.pk])).status_code == 404


def test_a_step_by_htmx_returns_the_updated_partial_and_writes_one_audit_row(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    before = AuditEvent.objects.count()
    r = client_for(world["specialist"]).post(reverse("reviews:bad_act", args=[handling.pk]), {
        "action": "visit", "reason": "电话回访,情况属实", "version": handling.version}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="bad-review-detail"')
    assert "已回访核实" in html and "电话回访,情况属实" in html
    assert AuditEvent.objects.count() == before + 1
    assert BadReviewHandling.objects.get().status == HandlingStatus.VISITED


def test_a_step_without_its_text_shows_the_error_next_to_the_field_and_writes_nothing(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    before = AuditEvent.objects.count()
    r = client_for(world["specialist"]).post(reverse("reviews:bad_act", args=[handling.pk]), {
        "action": "visit", "reason": "", "version": handling.version}, **HTMX)
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="reason-visit" name="reason"' in html
    assert "必须填写理由" in html
    assert AuditEvent.objects.count() == before


def test_a_step_the_state_no_longer_allows_is_a_409_alert(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    step(handling, "visit", actor=world["specialist"], when="2024-10-08 09:00")
    handling.refresh_from_db()
    r = client_for(world["specialist"]).post(reverse("reviews:bad_act", args=[handling.pk]), {
        "action": "visit", "reason": "再访", "version": handling.version}, **HTMX)
    assert r.status_code == 409
    assert r["HX-Retarget"] == "#zw-alerts"


def test_a_step_posted_without_htmx_redirects_to_the_page(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    r = client_for(world["leader_a"]).post(reverse("reviews:bad_act", args=[handling.pk]), {
        "action": "appeal", "reason": "恶意差评", "version": handling.version})
    assert r.status_code == 302
    assert r["Location"] == reverse("reviews:bad_detail", args=[handling.pk])
    assert BadReviewHandling.objects.get().status == HandlingStatus.APPEALING


# --- navigation ----------------------------------------------------------------------------------------

def test_the_menu_offers_reviews_to_those_who_may_see_them(world):
    def names(user) -> set[str]:
        return {entry.url_name for group in navigation.menu_for(user) for entry in group.items}

    assert {"reviews:list", "reviews:bad_list"} <= names(world["specialist"])
    assert {"reviews:list", "reviews:bad_list"} <= names(world["clerk_a"])
    assert not {"reviews:list", "reviews:bad_list"} & names(world["citizen"])
