"""Submitting reviews (staff, applicant, public page), bad input, default reviews, appeals.

Personas: 王专员 the indicator specialist, 张局长 the leader of department A, 李窗口 a clerk of
department A, 孙监督 a supervisor, 张三 the applicant (a citizen with an account), 周群众 another citizen.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhengwu.cases.testing import at, move, receive
from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews import selectors, services
from zhengwu.reviews.choices import HandlingStatus, ReviewChannel
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.testing import bad_review, completed_case, completed_case_with_code, review, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return make_department(name="人社局")


@pytest.fixture
def clerk(dept):
    return make_user(role=Role.WINDOW_CLERK, department=dept, username="li")


@pytest.fixture
def specialist():
    return make_user(role=Role.INDICATOR_SPECIALIST, username="wang")


@pytest.fixture
def leader(dept):
    return make_user(role=Role.DEPARTMENT_LEADER, department=dept, username="zhang")


@pytest.fixture
def case(clerk):
    return completed_case(clerk=clerk)


def nothing_written(before_events: int) -> bool:
    return (Review.objects.count(), BadReviewHandling.objects.count(), AuditEvent.objects.count()) == (
        0, 0, before_events)


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", [0, 6, -1, "5", 4.5, True, None])
def test_a_level_outside_one_to_five_is_refused_naming_the_level(case, level):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.review_submit(actor_or_applicant="applicant", case=case, channel="online", level=level, comment="")
    assert (err.value.field, err.value.code, err.value.status) == ("level", "out_of_range", 422)
    assert nothing_written(before)


def test_an_unknown_channel_is_refused_naming_the_channel(case):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.review_submit(actor_or_applicant="applicant", case=case, channel="wechat", level=5, comment="")
    assert (err.value.field, err.value.code) == ("channel", "bad_choice")
    assert nothing_written(before)


def test_a_case_that_is_not_completed_cannot_be_reviewed(dept, clerk):
    from zhengwu.cases.testing import make_item

    open_case = receive(actor=clerk, item=make_item(department=dept, code="OPEN"), when="2024-09-23 09:00")
    open_case = move(open_case, "accept", actor=clerk, when="2024-09-23 09:10")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.review_submit(actor_or_applicant="applicant", case=open_case, channel="online", level=1,
                               comment="太慢")
    assert (err.value.field, err.value.code) == ("case", "case_not_completed")
    assert nothing_written(before)


def test_an_overlong_comment_is_refused_naming_the_comment(case):
    with pytest.raises(InvalidInput) as err:
        services.review_submit(actor_or_applicant="applicant", case=case, channel="online", level=2,
                               comment="慢" * (services.MAX_COMMENT + 1))
    assert err.value.field == "comment"
    assert Review.objects.count() == 0


def test_when_opening_the_handling_fails_the_review_is_not_kept_either(case, monkeypatch):
    def broken(reviewed_at):
        raise RuntimeError("calendar down")

    monkeypatch.setattr("zhengwu.reviews.deadlines.rectify_deadline", broken)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        review(case=case, when="2024-09-30 10:00", level=1)
    assert nothing_written(before)


# --- one review per case and channel -------------------------------------------------------------------

def test_a_second_review_on_the_same_channel_is_a_409_naming_the_channel(case):
    review(case=case, when="2024-09-30 10:00", level=5)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        review(case=case, when="2024-09-30 11:00", level=1)
    assert (err.value.status, err.value.field, err.value.code) == (409, "channel", "duplicate_review")
    assert (Review.objects.count(), BadReviewHandling.objects.count(), AuditEvent.objects.count()) == (1, 0, before)


def test_the_same_case_may_be_reviewed_once_on_each_channel(case, specialist):
    for channel in (ReviewChannel.ON_SITE, ReviewChannel.ONLINE, ReviewChannel.PUBLIC):
        review(case=case, when="2024-09-30 10:00", level=4, channel=channel)
    review(case=case, when="2024-09-30 10:00", level=3, channel=ReviewChannel.GOVERNMENT, actor=specialist)
    assert sorted(case.reviews.values_list("channel", flat=True)) == sorted(ReviewChannel.values)


def test_the_database_refuses_a_second_review_on_the_same_channel_too(case):
    from django.db import IntegrityError, transaction

    review(case=case, when="2024-09-30 10:00", level=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(case=case, channel="online", level=4, department_id=case.department_id)


def test_the_database_refuses_a_level_outside_one_to_five(case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(case=case, channel="online", level=6, department_id=case.department_id)


# --- what a review writes ------------------------------------------------------------------------------

def test_a_good_review_copies_the_department_and_township_and_opens_no_handling(case):
    saved = review(case=case, when="2024-09-30 10:00", level=4, comment=" 很好 ")
    assert (saved.level, saved.comment, saved.is_bad, saved.department_id, saved.township_id) == (
        4, "很好", False, case.department_id, case.township_id)
    assert BadReviewHandling.objects.count() == 0
    assert [e.action for e in audit.events_for(saved)] == ["review.submit"]


@pytest.mark.parametrize("level", [1, 2])
def test_a_bad_review_opens_its_handling_in_the_same_operation(case, level):
    saved = review(case=case, when="2024-09-30 10:00", level=level)
    handling = saved.handling
    assert (handling.status, handling.department_id, handling.version) == (HandlingStatus.REGISTERED,
                                                                          case.department_id, 0)
    event = audit.events_for(handling).get()
    assert (event.action, event.to_state, event.actor_label) == ("badreviewhandling.register", "registered",
                                                                 "applicant")


def test_a_staff_review_records_who_entered_it(case, specialist):
    saved = review(case=case, when="2024-09-30 10:00", level=5, channel=ReviewChannel.ON_SITE, actor=specialist)
    assert saved.submitted_by == specialist
    assert audit.events_for(saved).get().actor_id == specialist.pk


def test_a_window_clerk_does_not_rate_the_work_of_their_own_department(case, clerk):
    with pytest.raises(Forbidden):
        review(case=case, when="2024-09-30 10:00", level=5, actor=clerk)
    assert Review.objects.count() == 0


def test_the_government_check_needs_the_check_permission(case):
    supervisor = make_user(role=Role.SUPERVISOR, username="sun")
    review(case=case, when="2024-09-30 10:00", level=2, channel=ReviewChannel.GOVERNMENT, actor=supervisor)
    with pytest.raises(Forbidden):
        review(case=case, when="2024-09-30 10:00", level=5, channel=ReviewChannel.ONLINE, actor=supervisor)
    assert list(Review.objects.values_list("channel", flat=True)) == ["government"]


def test_a_signed_in_applicant_rates_their_own_case_and_nobody_elses(case):
    applicant = make_user(role=Role.CITIZEN, username="zhangsan", person=case.applicant_person)
    stranger = make_user(role=Role.CITIZEN, username="zhou")
    review(case=case, when="2024-09-30 10:00", level=5, actor=applicant)
    with pytest.raises(NotFound):
        review(case=case, when="2024-09-30 10:00", level=1, channel=ReviewChannel.PUBLIC, actor=stranger)
    assert Review.objects.count() == 1


# --- the public page -----------------------------------------------------------------------------------

def test_the_applicant_rates_with_the_number_and_tracking_code(clerk):
    case, code = completed_case_with_code(clerk=clerk)
    saved = services.review_submit_public(number=case.number, code=code, level=2, comment="排队太久",
                                          now=at("2024-09-30 10:00"))
    assert (saved.channel, saved.level, saved.submitted_by, saved.handling.status) == (
        "online", 2, None, HandlingStatus.REGISTERED)


@pytest.mark.parametrize("wrong", ["number", "code"])
def test_a_wrong_number_or_code_is_a_404_that_does_not_say_which(clerk, wrong):
    case, code = completed_case_with_code(clerk=clerk)
    given = {"number": case.number, "code": code}
    given[wrong] = {"number": case.number + "9", "code": f"{(int(code) + 1) % 10**6:06d}"}[wrong]
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound) as err:
        services.review_submit_public(**given, level=5)
    assert (err.value.status, err.value.code) == (404, "tracking_failed")
    assert nothing_written(before)


def test_the_public_page_cannot_give_a_government_check(clerk):
    case, code = completed_case_with_code(clerk=clerk)
    with pytest.raises(InvalidInput) as err:
        services.review_submit_public(number=case.number, code=code, channel="government", level=5)
    assert err.value.field == "channel"
    assert Review.objects.count() == 0


# --- default reviews -----------------------------------------------------------------------------------

@pytest.fixture
def default_level_3(settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_DEFAULT_LEVEL": 3, "REVIEW_DEFAULT_AFTER_DAYS": 7}


def test_without_a_default_level_nobody_gets_a_default_review(case):
    assert services.reviews_apply_defaults(now=at("2025-01-01 00:00")) == 0
    assert Review.objects.count() == 0


def test_an_unrated_case_gets_the_default_level_seven_natural_days_after_completion(clerk, default_level_3):
    case = completed_case(clerk=clerk, completed="2024-09-27 16:00")
    assert services.reviews_apply_defaults(now=at("2024-10-04 15:59")) == 0
    assert services.reviews_apply_defaults(now=at("2024-10-04 16:00")) == 1
    given = Review.objects.get()
    assert (given.case_id, given.level, given.channel, given.is_default, given.created_at) == (
        case.pk, 3, "online", True, at("2024-10-04 16:00"))
    assert audit.events_for(given).get().actor_label == "system"


def test_giving_default_reviews_twice_gives_nothing_the_second_time(clerk, default_level_3):
    completed_case(clerk=clerk)
    completed_case(clerk=clerk)
    assert services.reviews_apply_defaults(now=at("2024-12-01 00:00")) == 2
    assert services.reviews_apply_defaults(now=at("2024-12-01 00:00")) == 0
    assert Review.objects.filter(is_default=True).count() == 2


def test_a_case_rated_on_any_channel_gets_no_default(case, default_level_3):
    review(case=case, when="2024-09-28 10:00", level=5, channel=ReviewChannel.ON_SITE)
    assert services.reviews_apply_defaults(now=at("2024-12-01 00:00")) == 0
    assert Review.objects.filter(is_default=True).count() == 0


def test_an_open_case_gets_no_default(dept, clerk, default_level_3):
    from zhengwu.cases.testing import make_item

    receive(actor=clerk, item=make_item(department=dept, code="OPEN"), when="2024-09-02 09:00")
    assert services.reviews_apply_defaults(now=at("2024-12-01 00:00")) == 0


@pytest.mark.parametrize("level", [1, 2, 6, "3"])
def test_a_bad_default_level_is_a_configuration_error(settings, level):
    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_DEFAULT_LEVEL": level}
    with pytest.raises(ImproperlyConfigured):
        services.reviews_apply_defaults(now=at("2024-12-01 00:00"))


# --- appeals -------------------------------------------------------------------------------------------

def test_an_upheld_appeal_keeps_the_review_but_counts_it_nowhere(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    review(case=completed_case(clerk=make_user(role=Role.WINDOW_CLERK, department=case.department)),
           when="2024-09-30 11:00", level=5)
    handling = step(handling, "appeal", actor=leader, when="2024-10-08 09:00", reason="评价人事后承认误点")
    handling = step(handling, "uphold", actor=specialist, when="2024-10-09 09:00", reason="经回访,系误评")
    assert (handling.status, handling.appeal_upheld, handling.appeal_decision) == (
        HandlingStatus.APPEAL_UPHELD, True, "经回访,系误评")
    kept = Review.objects.get(pk=handling.review_id)
    assert kept.excluded is True
    assert [e.action for e in audit.events_for(kept)] == ["review.submit", "review.exclude"]
    stats = selectors.review_stats(reviews=Review.objects.all(), now=at("2024-12-31 00:00"))
    assert (stats.reviews, stats.bad_reviews, stats.excluded, stats.bad_rate, stats.rectify_due) == (1, 0, 1, 0.0, 0)


def test_a_rejected_appeal_after_the_visit_goes_back_to_visited_keeping_the_visit(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "visit", actor=specialist, when="2024-10-08 09:00", reason="电话回访")
    handling = step(handling, "appeal", actor=leader, when="2024-10-08 15:00", reason="恶意差评")
    handling = step(handling, "reject_appeal", actor=specialist, when="2024-10-10 09:00", reason="差评属实")
    assert (handling.status, handling.appeal_upheld, handling.visited_at, handling.visit_note) == (
        HandlingStatus.VISITED, False, at("2024-10-08 09:00"), "电话回访")
    assert Review.objects.get(pk=handling.review_id).excluded is False
    assert step(handling, "rectify", actor=leader, when="2024-10-11 09:00").status == HandlingStatus.RECTIFIED


def test_a_rejected_appeal_before_the_visit_records_the_recheck_as_the_verification(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "appeal", actor=leader, when="2024-10-08 09:00", reason="恶意差评")
    handling = step(handling, "reject_appeal", actor=specialist, when="2024-10-09 09:00", reason="回访评价人,差评属实")
    assert (handling.status, handling.visited_at, handling.visit_note) == (
        HandlingStatus.VISITED, at("2024-10-09 09:00"), "回访评价人,差评属实")
    event = audit.events_for(handling).get(action="badreviewhandling.reject_appeal")
    assert event.payload["visit_recorded_by_recheck"] is True
