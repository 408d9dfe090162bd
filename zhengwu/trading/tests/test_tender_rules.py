"""The tender's rules with numbers, each at its boundary: documents to deadline (19 vs 20 days), the sale
period (4 vs 5 days), amendments (14 vs 15 days before the deadline), objections (9, 10, 11 days before),
the deposit cap at tender level (2.0 % vs 2.01 %); clarifications and amendments as events."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services
from zhengwu.trading.choices import ChangeKind, Counting, Procedure, ProjectType
from zhengwu.trading.choices import TenderStatus as S
from zhengwu.trading.models import Objection, Tender, TenderChange
from zhengwu.trading.testing import at, credit, day, make_project, make_tender, move, publish

pytestmark = pytest.mark.django_db


def draft(**extra) -> Tender:
    return make_tender(project=make_project(), **extra)


# --- documents to deadline: natural days, the issue day not counted --------------------------------

def test_twenty_days_from_documents_to_deadline_is_accepted():
    tender = publish(draft(issued="2024-03-01 09:00", deadline="2024-03-21 09:30"))
    assert tender.status == S.PUBLISHED
    event = AuditEvent.objects.get(action="tender.publish")
    assert event.payload["documents_days"] == 20
    assert event.payload["rules"]["documents_to_deadline_days"] == "20"


def test_nineteen_days_from_documents_to_deadline_is_refused_naming_the_rule():
    tender = draft(issued="2024-03-01 09:00", deadline="2024-03-20 23:59")
    with pytest.raises(InvalidInput) as err:
        publish(tender)
    assert (err.value.field, err.value.code) == ("bid_deadline", "rule.documents_to_deadline_days")
    assert err.value.details["earliest_deadline_date"] == "2024-03-21"
    assert Tender.objects.get(pk=tender.pk).status == S.DRAFT
    assert not AuditEvent.objects.filter(action="tender.publish").exists()


def test_the_hour_does_not_matter_only_the_dates_do():
    tender = publish(draft(issued="2024-03-01 23:00", deadline="2024-03-21 08:00", sale=("2024-03-01", "2024-03-05")))
    assert tender.status == S.PUBLISHED


def test_documents_issued_before_the_publication_day_are_refused():
    tender = draft(issued="2024-03-01 09:00", deadline="2024-03-25 09:30", sale=("2024-03-01", "2024-03-05"))
    with pytest.raises(InvalidInput) as err:
        publish(tender, when="2024-03-02 09:00")
    assert (err.value.field, err.value.code) == ("documents_issued_at", "documents_before_publication")


def test_a_rule_counted_in_working_days_skips_the_national_day_holiday():
    services.rule_value_set(actor="test", project_type=ProjectType.PROCUREMENT,
                            procedure=Procedure.COMPETITIVE_NEGOTIATION, code="documents_to_deadline_days", value="3",
                            counting=Counting.WORKING)
    project = make_project(project_type=ProjectType.PROCUREMENT, procedure=Procedure.COMPETITIVE_NEGOTIATION)
    # 27 Sep 2024 (Fri) → 7 Oct: ten natural days but only 29 and 30 Sep are working days (1–7 Oct is a holiday).
    short = make_tender(project=project, issued="2024-09-27 09:00", deadline="2024-10-07 09:30",
                        sale=("2024-09-27", "2024-09-27"))
    services.rule_value_set(actor="test", project_type=ProjectType.PROCUREMENT,
                            procedure=Procedure.COMPETITIVE_NEGOTIATION, code="documents_on_sale_days", value="1")
    with pytest.raises(InvalidInput) as err:
        publish(short, when="2024-09-27 09:00")
    assert err.value.details["actual"] == 2
    assert "(工作日)" in err.value.message
    services.tender_update(actor="test", tender=short, bid_deadline=at("2024-10-08 09:30"))
    assert publish(short, when="2024-09-27 09:00").status == S.PUBLISHED


# --- the sale period: both ends counted --------------------------------------------------------------

def test_a_five_day_sale_period_is_accepted():
    assert publish(draft(sale=("2024-03-01", "2024-03-05"))).status == S.PUBLISHED


def test_a_four_day_sale_period_is_refused_naming_the_rule():
    with pytest.raises(InvalidInput) as err:
        publish(draft(sale=("2024-03-01", "2024-03-04")))
    assert (err.value.field, err.value.code) == ("on_sale_to", "rule.documents_on_sale_days")
    assert (err.value.details["value"], err.value.details["actual"]) == ("5", 4)


@pytest.mark.parametrize(("extra", "field"), [
    ({"sale": ("2024-02-29", "2024-03-05")}, "on_sale_from"),
    ({"sale": ("2024-03-05", "2024-03-01")}, "on_sale_to"),
    ({"sale": ("2024-03-01", "2024-03-22")}, "on_sale_to"),
    ({"opening_at": at("2024-03-21 09:00")}, "opening_at"),
    ({"deadline": "2024-02-28 09:00"}, "bid_deadline"),
])
def test_a_schedule_out_of_order_is_refused_when_the_draft_is_made(extra, field):
    with pytest.raises(InvalidInput) as err:
        draft(**extra)
    assert (err.value.field, err.value.code) == (field, "bad_schedule")


def test_the_opening_is_at_the_deadline_by_default():
    tender = draft()
    assert tender.opening_at == tender.bid_deadline == at("2024-03-21 09:30")


# --- amendments: 15 days before the deadline, else the deadline moves ---------------------------------

def amend(tender, *, when, **extra):
    return services.tender_amend(actor="test", tender=tender, title="修改", content="调整工程量清单", now=at(when),
                                 **extra)


def test_an_amendment_fifteen_days_before_the_deadline_is_accepted_and_recorded():
    tender = amend(publish(draft()), when="2024-03-06 17:00")
    assert (tender.status, tender.bid_deadline) == (S.AMENDED, at("2024-03-21 09:30"))
    change = TenderChange.objects.get(tender=tender)
    assert (change.kind, change.sequence, change.affects_bids, change.new_bid_deadline) == (
        ChangeKind.AMENDMENT, 1, True, None)
    assert AuditEvent.objects.get(action="tender.amend").payload["days_before_deadline"] == 15


def test_an_amendment_fourteen_days_before_the_deadline_is_refused_naming_the_rule():
    tender = publish(draft())
    with pytest.raises(InvalidInput) as err:
        amend(tender, when="2024-03-07 09:00")
    assert (err.value.field, err.value.code) == ("new_bid_deadline", "rule.change_notice_days")
    assert (err.value.details["value"], err.value.details["actual"]) == ("15", 14)
    assert err.value.details["earliest_deadline_date"] == "2024-03-22"
    assert Tender.objects.get(pk=tender.pk).status == S.PUBLISHED
    assert not TenderChange.objects.exists()


def test_a_late_amendment_is_accepted_with_a_deadline_moved_fifteen_days_out_and_the_opening_follows():
    tender = amend(publish(draft()), when="2024-03-07 09:00", new_bid_deadline=at("2024-03-22 09:30"))
    assert (tender.bid_deadline, tender.opening_at) == (at("2024-03-22 09:30"), at("2024-03-22 09:30"))
    change = TenderChange.objects.get(tender=tender)
    assert (change.previous_bid_deadline, change.new_bid_deadline) == (at("2024-03-21 09:30"), at("2024-03-22 09:30"))


def test_a_moved_deadline_that_is_still_too_close_is_refused():
    tender = publish(draft())
    with pytest.raises(InvalidInput) as err:
        amend(tender, when="2024-03-10 09:00", new_bid_deadline=at("2024-03-24 09:30"))
    assert err.value.code == "rule.change_notice_days"
    assert Tender.objects.get(pk=tender.pk).bid_deadline == at("2024-03-21 09:30")


def test_an_amendment_cannot_bring_the_deadline_forward():
    with pytest.raises(InvalidInput) as err:
        amend(publish(draft()), when="2024-03-02 09:00", new_bid_deadline=at("2024-03-21 09:00"))
    assert (err.value.field, err.value.code) == ("new_bid_deadline", "deadline_not_later")


def test_an_amendment_that_does_not_affect_bids_is_accepted_the_day_before():
    tender = amend(publish(draft()), when="2024-03-20 09:00", affects_bids=False)
    assert tender.status == S.AMENDED


def test_no_amendment_after_the_deadline():
    with pytest.raises(Conflict) as err:
        amend(publish(draft()), when="2024-03-21 09:30", affects_bids=False)
    assert err.value.code == "deadline_passed"


def test_a_second_amendment_gets_the_next_sequence_number():
    tender = amend(publish(draft()), when="2024-03-02 09:00")
    services.tender_clarify(actor="test", tender=tender, title="答疑", content="图纸以第二版为准", now=at("2024-03-03 09:00"))
    amend(tender, when="2024-03-04 09:00")
    assert list(TenderChange.objects.values_list("sequence", "kind")) == [
        (1, "amendment"), (2, "clarification"), (3, "amendment")]


def test_a_clarification_is_an_event_with_an_audit_row_and_no_change_of_state():
    tender = publish(draft())
    change = services.tender_clarify(actor="test", tender=tender, title="答疑一", content="投标人可现场踏勘",
                                     now=at("2024-03-19 09:00"))
    assert (change.kind, change.affects_bids) == (ChangeKind.CLARIFICATION, False)
    assert Tender.objects.get(pk=tender.pk).status == S.PUBLISHED
    assert AuditEvent.objects.filter(action="tender.clarify").count() == 1


def test_a_draft_is_not_clarified():
    with pytest.raises(Conflict):
        services.tender_clarify(actor="test", tender=draft(), title="答疑", content="…", now=at("2024-03-01 09:00"))


# --- objections: at least 10 days before the deadline -----------------------------------------------

def object_to(tender, *, when, actor="test"):
    return services.objection_submit(actor=actor, tender=tender, content="评分办法倾向特定品牌", objector_name="某建设公司",
                                     now=at(when))


@pytest.mark.parametrize(("when", "days"), [("2024-03-10 17:00", 11), ("2024-03-11 17:00", 10)])
def test_an_objection_ten_or_more_days_before_the_deadline_is_accepted(when, days):
    objection = object_to(publish(draft()), when=when)
    assert objection.status == "submitted"
    assert AuditEvent.objects.get(action="objection.submit").payload["days_before_deadline"] == days


def test_an_objection_nine_days_before_the_deadline_is_refused_naming_the_rule():
    tender = publish(draft())
    with pytest.raises(InvalidInput) as err:
        object_to(tender, when="2024-03-12 08:00")
    assert (err.value.field, err.value.code) == ("submitted_at", "rule.objection_before_deadline_days")
    assert (err.value.details["value"], err.value.details["actual"]) == ("10", 9)
    assert not Objection.objects.exists()


def test_an_objection_is_answered_within_three_days_or_marked_late():
    tender = publish(draft())
    on_time = object_to(tender, when="2024-03-05 10:00")
    late = object_to(tender, when="2024-03-05 11:00")
    assert on_time.answer_due_on == day("2024-03-08")
    on_time = services.objection_answer(actor="test", objection=on_time, answer="已修改", now=at("2024-03-08 23:00"))
    late = services.objection_answer(actor="test", objection=late, answer="已修改", now=at("2024-03-09 08:00"))
    assert (on_time.answered_late, late.answered_late) == (False, True)


def test_an_answer_must_say_something():
    objection = object_to(publish(draft()), when="2024-03-05 10:00")
    with pytest.raises(InvalidInput) as err:
        services.objection_answer(actor="test", objection=objection, answer="  ", now=at("2024-03-06 10:00"))
    assert err.value.field == "reason"


def test_an_enterprise_user_objects_in_its_own_name():
    tender = publish(draft())
    company = make_enterprise(credit_code=credit(21), name="甲建设有限公司")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=company)
    objection = object_to(tender, when="2024-03-05 10:00", actor=user)
    assert (objection.objector_enterprise, objection.objector_name) == (company, "甲建设有限公司")


def test_no_objection_to_a_closed_tender():
    tender = move(publish(draft()), "close", when="2024-03-21 09:30", actor=None)
    with pytest.raises(Conflict):
        object_to(tender, when="2024-03-21 10:00")


# --- the deposit a tender requires: at most 2 % of the section estimate -------------------------------

def test_a_required_deposit_of_two_percent_is_accepted():
    project = make_project(sections=[("works", "4000000")])
    tender = make_tender(project=project, deposits={project.sections.get().pk: "80000.00"})
    assert str(tender.tender_sections.get().deposit_required) == "80000.00"


def test_a_required_deposit_of_two_point_zero_one_percent_is_refused_naming_the_rule():
    project = make_project(sections=[("works", "4000000")])
    with pytest.raises(InvalidInput) as err:
        make_tender(project=project, deposits={project.sections.get().pk: "80400.00"})
    assert (err.value.field, err.value.code) == ("deposit_required", "rule.deposit_max_ratio")
    assert err.value.details["cap"] == "80000.00"
    assert not Tender.objects.exists()


def test_publishing_checks_the_deposit_against_the_rule_as_it_stands_then():
    project = make_project(sections=[("works", "4000000")])
    tender = make_tender(project=project, deposits={project.sections.get().pk: "80000"})
    services.rule_value_set(actor="test", code="deposit_max_ratio", value="0.01")
    with pytest.raises(InvalidInput) as err:
        publish(tender)
    assert (err.value.code, err.value.details["value"]) == ("rule.deposit_max_ratio", "0.01")


# --- tenders and re-runs ------------------------------------------------------------------------------

def test_a_section_is_offered_by_one_live_tender_at_a_time():
    project = make_project()
    make_tender(project=project)
    with pytest.raises(InvalidInput) as err:
        make_tender(project=project)
    assert err.value.code == "no_sections"
    with pytest.raises(Conflict) as err:
        make_tender(project=project, deposits={project.sections.get().pk: 0})
    assert err.value.code == "section_in_live_tender"


def test_a_failed_tender_is_re_run_as_a_new_tender_of_the_same_sections():
    project = make_project()
    first = move(move(publish(make_tender(project=project)), "close", when="2024-03-21 09:30", actor=None),
                 "fail", when="2024-03-21 10:00", reason="投标人不足三家")
    second = make_tender(project=project, previous=first, issued="2024-03-25 09:00", deadline="2024-04-15 09:30",
                         sale=("2024-03-25", "2024-03-29"))
    assert (second.run_number, second.previous, second.number) == (2, first, f"{project.number}-02")
    assert list(second.sections.all()) == list(first.sections.all())


def test_only_a_failed_tender_may_be_re_run():
    project = make_project(sections=[("works", "4000000"), ("works", "1000000")])
    first = make_tender(project=project, deposits={project.sections.get(number=1).pk: 0})
    with pytest.raises(InvalidInput) as err:
        make_tender(project=project, previous=first)
    assert (err.value.field, err.value.code) == ("previous_id", "previous_not_failed")


def test_a_published_tender_is_not_edited_in_place():
    tender = publish(draft())
    with pytest.raises(Conflict) as err:
        services.tender_update(actor="test", tender=tender, title="新标题")
    assert err.value.code == "not_draft"


def test_editing_a_drafts_deadline_moves_its_opening_too():
    tender = services.tender_update(actor="test", tender=draft(), bid_deadline=at("2024-03-22 09:30"))
    assert tender.opening_at == at("2024-03-22 09:30")
