"""The intermediary supermarket's services: agencies and qualifications, every selection method (the random
draw reproducible from its seed), the deal's workflow, ratings and credit, and bad input."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department
from zhengwu.intermediary import services
from zhengwu.intermediary.choices import AgencyStatus, PurchaseStatus
from zhengwu.intermediary.models import Agency, Answer, Purchase, Rating
from zhengwu.intermediary.testing import LATER, POSTED, answer, credit, make_agency, make_owner, make_type, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    dept = make_department()
    survey = make_type()
    design = make_type("design", "工程设计")
    agencies = [make_agency(i, department=dept, types=[survey]) for i in range(1, 5)]
    return {"dept": dept, "survey": survey, "design": design, "agencies": agencies, "owner": make_owner()}


def test_an_agency_is_registered_active_by_a_valid_credit_code(market):
    agency = market["agencies"][0]
    assert agency.status == AgencyStatus.ACTIVE
    assert agency.credit_score == Decimal("80.0")
    assert AuditEvent.objects.filter(action="agency.register", object_id=str(agency.pk)).count() == 1


@pytest.mark.parametrize(("extra", "field"), [
    ({"credit_code": "91330702ABCDEFG"}, "credit_code"),
    ({"name": " "}, "name"),
    ({"service_types": []}, "service_types"),
    ({"department": 999999}, "department"),
])
def test_bad_agency_registration_names_the_field(market, extra, field):
    args = {"credit_code": credit(77), "name": "某机构", "department": market["dept"],
            "service_types": [market["survey"]], **extra}
    with pytest.raises(InvalidInput) as exc:
        services.agency_register(actor="test", **args)
    assert exc.value.field == field
    assert not Agency.objects.filter(name="某机构").exists()


def test_a_second_registration_of_the_same_credit_code_is_a_conflict(market):
    with pytest.raises(Conflict) as exc:
        services.agency_register(actor="test", credit_code=credit(1), name="重复", department=market["dept"],
                                 service_types=[market["survey"]])
    assert exc.value.field == "credit_code"


def test_an_expired_qualification_blocks_answering_and_names_it(market):
    expired = make_agency(9, department=market["dept"], types=[market["survey"]], valid_until="2025-01-31")
    purchase = post(owner=market["owner"], service_type=market["survey"])
    with pytest.raises(Conflict) as exc:
        answer(purchase, expired)
    assert exc.value.code == "qualification_expired"
    assert exc.value.field == "qualification"
    assert "工程勘察资质" in exc.value.message and "2025-01-31" in exc.value.message
    assert not Answer.objects.exists()
    assert Purchase.objects.get().status == PurchaseStatus.POSTED


def test_a_suspended_agency_or_one_without_the_service_type_cannot_answer(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    services.agency_suspend(actor="test", agency=market["agencies"][0], reason="投诉核查中")
    other = make_agency(8, department=market["dept"], types=[market["design"]])
    with pytest.raises(Conflict) as suspended:
        answer(purchase, market["agencies"][0])
    with pytest.raises(Conflict) as wrong_type:
        answer(purchase, other)
    assert (suspended.value.code, wrong_type.value.code) == ("agency_not_active", "wrong_service_type")
    assert not Answer.objects.exists()


def test_an_answer_after_the_deadline_is_refused(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    with pytest.raises(Conflict) as exc:
        answer(purchase, market["agencies"][0], now=POSTED + dt.timedelta(days=6))
    assert exc.value.code == "deadline_passed"


@pytest.mark.parametrize(("extra", "field"), [
    ({"budget": "0"}, "budget"), ({"budget": "abc"}, "budget"), ({"method": "lottery"}, "selection_method"),
    ({"project_name": ""}, "project_name"),
])
def test_bad_purchase_input_names_the_field(market, extra, field):
    with pytest.raises(InvalidInput) as exc:
        post(owner=market["owner"], service_type=market["survey"], **extra)
    assert exc.value.field == field
    assert not Purchase.objects.exists()


def test_the_first_answer_moves_the_purchase_to_answering(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    answer(purchase, market["agencies"][0])
    answer(purchase, market["agencies"][1])
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.ANSWERING
    assert purchase.answers.count() == 2


def test_the_random_draw_is_reproducible_from_its_recorded_seed(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    for agency in market["agencies"]:
        answer(purchase, agency)
    done = services.purchase_select(actor="test", purchase=purchase, seed=20230917, now=LATER)
    candidates = sorted(a.pk for a in market["agencies"])
    expected = random.Random(20230917).choice(candidates)
    assert done.status == PurchaseStatus.SELECTED
    assert done.draw_seed == "20230917"
    assert Answer.objects.get(pk=done.selected_answer_id).agency_id == expected
    event = AuditEvent.objects.get(action="purchase.select", object_id=str(purchase.pk))
    assert event.payload["seed"] == "20230917"
    assert event.payload["candidates"] == candidates
    assert event.payload["agency"] == expected


def test_the_random_draw_without_a_seed_records_the_one_it_used(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    for agency in market["agencies"]:
        answer(purchase, agency)
    done = services.purchase_select(actor="test", purchase=purchase, now=LATER)
    agency_id = Answer.objects.get(pk=done.selected_answer_id).agency_id
    assert services.draw(done.draw_seed, [a.pk for a in market["agencies"]]) == agency_id


def test_a_draw_skips_agencies_that_became_ineligible_after_answering(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    a1, a2 = market["agencies"][:2]
    answer(purchase, a1)
    answer(purchase, a2)
    services.agency_suspend(actor="test", agency=a1, reason="暂停")
    done = services.purchase_select(actor="test", purchase=purchase, seed=1, now=LATER)
    assert Answer.objects.get(pk=done.selected_answer_id).agency_id == a2.pk


def test_a_draw_with_no_answers_says_so(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    with pytest.raises(Conflict) as exc:
        services.purchase_select(actor="test", purchase=purchase, seed=1, now=LATER)
    assert (exc.value.code, exc.value.details["reason"]) == ("no_eligible_agency", "no_answers")


def test_a_draw_where_every_answering_agency_is_suspended_says_so(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    answer(purchase, market["agencies"][0])
    services.agency_suspend(actor="test", agency=market["agencies"][0], reason="暂停")
    with pytest.raises(Conflict) as exc:
        services.purchase_select(actor="test", purchase=purchase, seed=1, now=LATER)
    assert exc.value.details["reason"] == "all_suspended"
    assert "暂停" in exc.value.message
    assert Purchase.objects.get().status == PurchaseStatus.ANSWERING


def test_a_draw_where_every_qualification_expired_since_answering_says_so(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    short = make_agency(7, department=market["dept"], types=[market["survey"]], valid_until="2025-03-05")
    answer(purchase, short)
    with pytest.raises(Conflict) as exc:
        services.purchase_select(actor="test", purchase=purchase, seed=1, now=POSTED + dt.timedelta(days=10))
    assert exc.value.details["reason"] == "all_qualifications_expired"


def test_a_draw_where_no_answering_agency_offers_the_service_type_says_so(market):
    purchase = post(owner=market["owner"], service_type=market["survey"])
    answer(purchase, market["agencies"][0])
    market["agencies"][0].service_types.set([market["design"]])
    with pytest.raises(Conflict) as exc:
        services.purchase_select(actor="test", purchase=purchase, seed=1, now=LATER)
    assert exc.value.details["reason"] == "no_service_type"


def test_lowest_price_picks_the_cheapest_eligible_answer(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="lowest_price")
    answer(purchase, market["agencies"][0], price="95000")
    cheapest = answer(purchase, market["agencies"][1], price="81000")
    answer(purchase, market["agencies"][2], price="88000")
    done = services.purchase_select(actor="test", purchase=purchase, now=LATER)
    assert done.selected_answer_id == cheapest.pk
    assert done.draw_seed == ""


def test_scoring_needs_every_answer_scored_then_picks_the_highest(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="scoring")
    a = answer(purchase, market["agencies"][0], price="95000")
    b = answer(purchase, market["agencies"][1], price="81000")
    services.answers_score(actor="test", purchase=purchase, scores={a.pk: "91.5"})
    with pytest.raises(Conflict) as exc:
        services.purchase_select(actor="test", purchase=purchase, now=LATER)
    assert exc.value.code == "not_scored"
    services.answers_score(actor="test", purchase=purchase, scores={b.pk: "88"})
    done = services.purchase_select(actor="test", purchase=purchase, now=LATER)
    assert done.selected_answer_id == a.pk


def test_a_score_out_of_range_is_refused(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="scoring")
    a = answer(purchase, market["agencies"][0])
    with pytest.raises(InvalidInput) as exc:
        services.answers_score(actor="test", purchase=purchase, scores={a.pk: "101"})
    assert exc.value.field == "scores"
    a.refresh_from_db()
    assert a.score is None


def test_direct_choice_needs_an_eligible_answer(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="direct")
    a = answer(purchase, market["agencies"][0])
    with pytest.raises(InvalidInput) as exc:
        services.purchase_select(actor="test", purchase=purchase, now=LATER)
    assert exc.value.field == "answer"
    done = services.purchase_select(actor="test", purchase=purchase, answer=a.pk, now=LATER)
    assert done.selected_answer_id == a.pk


def deal(market, *, stars=None):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="lowest_price")
    answer(purchase, market["agencies"][0], price="90000")
    services.purchase_select(actor="test", purchase=purchase, now=LATER)
    services.purchase_contract(actor="test", purchase=purchase, contract_date="2025-03-10")
    services.purchase_complete(actor="test", purchase=purchase, completed_on="2025-04-10")
    if stars is not None:
        services.purchase_rate(actor="test", purchase=purchase, stars=stars)
    purchase.refresh_from_db()
    return purchase


def test_a_rating_before_completion_is_refused_and_changes_nothing(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="lowest_price")
    answer(purchase, market["agencies"][0])
    services.purchase_select(actor="test", purchase=purchase, now=LATER)
    with pytest.raises(Conflict) as exc:
        services.purchase_rate(actor="test", purchase=purchase, stars=5)
    assert exc.value.code == "rating_before_completion"
    assert not Rating.objects.exists()
    assert Agency.objects.get(pk=market["agencies"][0].pk).credit_score == Decimal("80.0")


def test_ratings_after_completion_set_the_agency_credit_to_twenty_times_the_average_stars(market):
    first = deal(market, stars=5)
    second = deal(market, stars=2)
    agency = Agency.objects.get(pk=market["agencies"][0].pk)
    assert (first.status, second.status) == (PurchaseStatus.RATED, PurchaseStatus.RATED)
    assert agency.credit_score == Decimal("70.0")  # (5 + 2) / 2 × 20
    assert agency.ratings_count == 2


def test_a_rating_of_six_stars_is_refused(market):
    purchase = deal(market)
    with pytest.raises(InvalidInput) as exc:
        services.purchase_rate(actor="test", purchase=purchase, stars=6)
    assert exc.value.field == "stars"


def test_contract_before_the_deal_date_is_refused(market):
    purchase = post(owner=market["owner"], service_type=market["survey"], method="lowest_price")
    answer(purchase, market["agencies"][0])
    services.purchase_select(actor="test", purchase=purchase, now=LATER)
    with pytest.raises(InvalidInput) as exc:
        services.purchase_contract(actor="test", purchase=purchase, contract_date="2025-03-01")
    assert exc.value.field == "contract_date"


def test_removing_an_agency_needs_a_reason(market):
    with pytest.raises(InvalidInput) as exc:
        services.agency_remove(actor="test", agency=market["agencies"][0], reason=" ")
    assert exc.value.field == "reason"
    removed = services.agency_remove(actor="test", agency=market["agencies"][0], reason="严重失信")
    assert (removed.status, removed.status_reason) == (AgencyStatus.REMOVED, "严重失信")
