"""The periodic clean-up (proposals a person accepts or rejects, all audited) and the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.intermediary import selectors, services
from zhengwu.intermediary.choices import AgencyStatus, ProposalStatus
from zhengwu.intermediary.models import Agency, RemovalProposal
from zhengwu.intermediary.testing import LATER, POSTED, answer, make_agency, make_owner, make_type, post
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 10)


@pytest.fixture
def market():
    dept = make_department()
    survey = make_type()
    return {"dept": dept, "survey": survey, "owner": make_owner()}


def test_the_review_proposes_expired_low_credit_and_inactive_agencies_with_their_reasons(market):
    dept, survey = market["dept"], market["survey"]
    fine = make_agency(1, department=dept, types=[survey], registered_on="2024-10-01")
    expired = make_agency(2, department=dept, types=[survey], valid_until="2025-01-31", registered_on="2024-10-01")
    low = make_agency(3, department=dept, types=[survey], registered_on="2024-10-01")
    Agency.objects.filter(pk=low.pk).update(credit_score=Decimal("55.0"))
    idle = make_agency(4, department=dept, types=[survey], registered_on="2023-01-01")
    busy_old = make_agency(5, department=dept, types=[survey], registered_on="2023-01-01")
    answer(post(owner=market["owner"], service_type=survey), busy_old)

    made = services.removal_review_run(actor="test", today=TODAY)

    reasons = {p.agency_id: p.reasons for p in made}
    assert reasons == {expired.pk: ["qualification_expired"], low.pk: ["low_credit"], idle.pk: ["inactive"]}
    assert fine.pk not in reasons and busy_old.pk not in reasons
    assert AuditEvent.objects.filter(action="removal_proposal.create").count() == 3
    assert set(Agency.objects.values_list("status", flat=True)) == {AgencyStatus.ACTIVE}


def test_running_the_review_twice_does_not_duplicate_an_open_proposal(market):
    make_agency(2, department=market["dept"], types=[market["survey"]], valid_until="2025-01-31")
    services.removal_review_run(actor="test", today=TODAY)
    again = services.removal_review_run(actor="test", today=TODAY)
    assert again == []
    assert RemovalProposal.objects.count() == 1


def test_accepting_a_proposal_removes_the_agency_with_the_reason(market):
    agency = make_agency(2, department=market["dept"], types=[market["survey"]], valid_until="2025-01-31")
    proposal = services.removal_review_run(actor="test", today=TODAY)[0]
    admin = make_user(role=Role.CENTER_ADMIN)
    done = services.proposal_accept(actor=admin, proposal=proposal, reason="资质过期未续期")
    agency.refresh_from_db()
    assert done.status == ProposalStatus.ACCEPTED
    assert done.decided_by_id == admin.pk
    assert (agency.status, agency.status_reason) == (AgencyStatus.REMOVED, "资质过期未续期")
    assert AuditEvent.objects.filter(action="agency.remove", object_id=str(agency.pk)).count() == 1
    assert AuditEvent.objects.filter(action="removalproposal.accept").count() == 1


def test_rejecting_a_proposal_keeps_the_agency_and_needs_a_reason(market):
    agency = make_agency(2, department=market["dept"], types=[market["survey"]], valid_until="2025-01-31")
    proposal = services.removal_review_run(actor="test", today=TODAY)[0]
    with pytest.raises(InvalidInput) as exc:
        services.proposal_reject(actor="test", proposal=proposal, reason="")
    assert exc.value.field == "reason"
    services.proposal_reject(actor="test", proposal=proposal, reason="已提交续期材料")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE
    with pytest.raises(Conflict):
        services.proposal_accept(actor="test", proposal=proposal, reason="改变主意")


def test_an_agency_user_can_neither_see_nor_decide_a_proposal(market):
    make_agency(2, department=market["dept"], types=[market["survey"]], valid_until="2025-01-31")
    proposal = services.removal_review_run(actor="test", today=TODAY)[0]
    agency_user = make_user(role=Role.INTERMEDIARY)
    from zhengwu.core.errors import NotFound

    with pytest.raises(NotFound):
        services.proposal_accept(actor=agency_user, proposal=proposal, reason="x")
    assert RemovalProposal.objects.get().status == ProposalStatus.PROPOSED


def test_the_figures_count_deals_per_year_against_the_goal_price_to_budget_and_days_to_deal(market):
    dept, survey = market["dept"], market["survey"]
    agencies = [make_agency(i, department=dept, types=[survey]) for i in (1, 2)]
    services.agency_suspend(actor="test", agency=agencies[1], reason="暂停")
    for price, budget in (("80000", "100000"), ("60000", "100000")):
        purchase = post(owner=market["owner"], service_type=survey, method="lowest_price", budget=budget)
        answer(purchase, agencies[0], price=price)
        services.purchase_select(actor="test", purchase=purchase, now=LATER)
    post(owner=market["owner"], service_type=survey)  # no deal
    leader = make_user(role=Role.LEADER)

    fig = selectors.figures(user=leader)

    assert fig["deals_per_year"] == [{"year": 2025, "deals": 2, "goal": 300, "met": False}]
    assert fig["average_price"] == Decimal("70000.00")
    assert fig["average_budget"] == Decimal("100000.00")
    assert fig["price_to_budget"] == Decimal("0.7000")
    assert fig["average_days_to_deal"] == (LATER - POSTED).days
    states = {row["status"]: row["count"] for row in fig["agencies_by_state"]}
    assert states == {"active": 1, "suspended": 1, "removed": 0}


def test_government_projects_without_a_purchase_are_listed_as_bought_outside(market):
    from zhengwu.approvals.models import InvestmentProject
    from zhengwu.core.testing import make_region_tree

    tree = make_region_tree(townships=1, villages_per_township=0)
    common = {"investor": market["owner"], "total_investment": Decimal("500"), "township": tree["townships"][0],
              "risk_class": "general", "registered_at": POSTED}
    InvestmentProject.objects.create(code="2025-330702-01", name="已在超市采购的项目", project_type="government",
                                     **common)
    InvestmentProject.objects.create(code="2025-330702-02", name="场外采购的项目", project_type="government", **common)
    InvestmentProject.objects.create(code="2025-330702-03", name="企业备案项目", project_type="filing", **common)
    post(owner=market["owner"], service_type=market["survey"], government_invested=True,
         investment_project_code="2025-330702-01")

    rows = selectors.government_projects_outside(user=make_user(role=Role.SUPERVISOR))

    assert [r["code"] for r in rows] == ["2025-330702-02"]
