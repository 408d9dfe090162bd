"""The application's transition table: every state × transition (allowed ones move the status and write one
audit event; refused ones raise and write nothing), the kind-specific steps (issue only a guarantee, disburse
only a loan), who may act, and the bad input of a submission."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.finance import services
from zhengwu.finance.choices import ApplicationStatus as S
from zhengwu.finance.choices import ProductKind
from zhengwu.finance.models import Application
from zhengwu.finance.testing import credit, make_institution, make_product
from zhengwu.finance.workflow import APPLICATION_WORKFLOW, buttons
from zhengwu.org.roles import Role
from zhengwu.trading.testing import at

pytestmark = pytest.mark.django_db

TABLE = {  # transition -> the states it may start from, and where it goes
    "accept": ({S.SUBMITTED}, S.ACCEPTED),
    "approve": ({S.ACCEPTED}, S.APPROVED),
    "decline": ({S.SUBMITTED, S.ACCEPTED}, S.DECLINED),
    "disburse": ({S.APPROVED}, S.DISBURSED),
}


@pytest.fixture
def loan():
    bank = make_institution()
    return make_product(institution=bank, kind=ProductKind.LOAN, name="流动资金贷款", amount_min="10000",
                        amount_max="1000000", rate="4.35", term_months=12)


def submit(product, *, actor="test", amount="200000", code=1):
    return services.application_submit(actor=actor, product=product, amount_requested=amount, purpose="采购原材料",
                                       credit_code=credit(100 + code), enterprise_name=f"企业{code}",
                                       now=at("2024-03-03 10:00"))


def in_state(product, state):
    a = submit(product)
    if state in (S.ACCEPTED, S.APPROVED, S.DISBURSED):
        a = services.application_accept(actor="test", application=a, now=at("2024-03-04 10:00"))
    if state in (S.APPROVED, S.DISBURSED):
        a = services.application_approve(actor="test", application=a, amount_approved="150000",
                                         now=at("2024-03-05 10:00"))
    if state == S.DISBURSED:
        a = services.loan_disburse(actor="test", application=a, disbursed_on="2024-03-06")
    if state == S.DECLINED:
        a = services.application_decline(actor="test", application=a, reason="资料不全")
    assert a.status == state
    return a


def run(name, application):
    if name == "approve":
        return services.application_approve(actor="test", application=application, amount_approved="150000",
                                            now=at("2024-03-05 10:00"))
    if name == "disburse":
        return services.loan_disburse(actor="test", application=application, disbursed_on="2024-03-06")
    return APPLICATION_WORKFLOW.run(application, name, actor="test", reason="理由")


CASES = [(name, state) for name in TABLE for state in (S.SUBMITTED, S.ACCEPTED, S.APPROVED, S.DECLINED, S.DISBURSED)]


@pytest.mark.parametrize("name,state", CASES)
def test_every_state_and_transition_of_a_loan(loan, name, state):
    application = in_state(loan, state)
    sources, target = TABLE[name]
    before = AuditEvent.objects.count()
    if state in sources:
        assert run(name, application).status == target
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(Conflict):
            run(name, application)
        assert Application.objects.get(pk=application.pk).status == state
        assert AuditEvent.objects.count() == before


def test_a_loan_cannot_be_issued_as_a_guarantee(loan):
    application = in_state(loan, S.APPROVED)
    with pytest.raises(Conflict):
        APPLICATION_WORKFLOW.run(application, "issue", actor="test")
    assert [t.name for t in buttons(application, make_user(role=Role.CENTER_ADMIN))] == ["disburse"]


def test_approval_keeps_the_amount_and_defaults_the_terms_to_the_product(loan):
    a = in_state(loan, S.APPROVED)
    assert (a.amount_approved, a.rate_approved, a.term_months_approved) == (Decimal("150000"), Decimal("4.35"), 12)
    assert str(a.approved_on) == "2024-03-05"


@pytest.mark.parametrize("values,field", [({"amount_approved": "300000"}, "amount_approved"),
                                          ({"amount_approved": "5000"}, "amount_approved"),
                                          ({"amount_approved": "100000", "rate": "30"}, "rate"),
                                          ({"amount_approved": "100000", "term_months": "0"}, "term_months"),
                                          ({"amount_approved": "100000", "approved_on": "2024-01-01"}, "approved_on")])
def test_an_approval_outside_the_terms_is_refused_and_nothing_changes(loan, values, field):
    a = in_state(loan, S.ACCEPTED)
    with pytest.raises(InvalidInput) as exc:
        services.application_approve(actor="test", application=a, **values)
    assert exc.value.field == field
    assert Application.objects.get(pk=a.pk).status == S.ACCEPTED


def test_a_decline_needs_a_reason(loan):
    a = submit(loan)
    with pytest.raises(InvalidInput) as exc:
        services.application_decline(actor="test", application=a, reason=" ")
    assert exc.value.field == "reason"
    declined = services.application_decline(actor="test", application=a, reason="经营年限不足两年")
    assert (declined.status, declined.decline_reason) == (S.DECLINED, "经营年限不足两年")


@pytest.mark.parametrize("values,field", [({"amount": "500"}, "amount_requested"),
                                          ({"amount": "2000000"}, "amount_requested"),
                                          ({"amount": "x"}, "amount_requested"),
                                          ({"code": None}, "credit_code")])
def test_a_submission_with_bad_input_is_refused_naming_the_field(loan, values, field):
    kwargs = {"actor": "test", "product": loan, "amount_requested": values.get("amount", "200000"),
              "purpose": "采购", "credit_code": "123" if "code" in values else credit(1), "enterprise_name": "企业"}
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(**kwargs)
    assert exc.value.field == field
    assert not Application.objects.exists()


def test_an_enterprise_user_applies_only_for_its_own_enterprise(loan):
    own = make_enterprise(credit_code=credit(7), name="甲企业")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=own)
    a = services.application_submit(actor=user, product=loan, amount_requested="50000", purpose="周转")
    assert a.enterprise == own
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(actor=user, product=loan, amount_requested="50000", purpose="周转",
                                    credit_code=credit(8))
    assert exc.value.code == "not_your_enterprise"


def test_only_the_finance_desk_moves_an_application(loan):
    own = make_enterprise(credit_code=credit(7), name="甲企业")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=own)
    a = services.application_submit(actor=user, product=loan, amount_requested="50000", purpose="周转")
    with pytest.raises(Forbidden):
        services.application_accept(actor=user, application=a)
    assert buttons(a, user) == []
    desk = make_user(role=Role.CENTER_ADMIN)
    assert services.application_accept(actor=desk, application=a).status == S.ACCEPTED


def test_the_enterprise_portal_gets_the_enterprises_applications_newest_first(loan):
    from zhengwu.finance.selectors import applications_for

    first = submit(loan, code=1)
    other = submit(loan, code=2)
    later = services.application_submit(actor="test", product=loan, amount_requested="60000", purpose="周转",
                                        credit_code=credit(101), now=at("2024-04-01 10:00"))
    rows = list(applications_for(enterprise=first.enterprise))
    assert rows == [later, first]
    assert other not in rows
    assert rows[0].product.name == "流动资金贷款" and rows[0].institution.name == loan.institution.name
