"""The registry's services: validation (a clear error naming the field), the status driven by the records,
one audit event per write, and the must-tender limit read from the trading rule table."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.smallprojects import services
from zhengwu.smallprojects.choices import ProjectStatus
from zhengwu.smallprojects.models import Payment, SmallProject
from zhengwu.smallprojects.selectors import checkpoints
from zhengwu.smallprojects.testing import accept, change, contract, contracted, make_project, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_region_tree(townships=2, villages_per_township=1)


def field_of(excinfo) -> str:
    return excinfo.value.field


def test_a_project_at_the_must_tender_limit_is_refused_and_sent_to_the_trading_center(tree):
    with pytest.raises(InvalidInput) as exc:
        make_project(region=tree["villages"][0], estimate="4000000")
    assert (exc.value.field, exc.value.code) == ("estimate", "above_limit")
    assert "交易中心" in exc.value.message
    assert not SmallProject.objects.exists()


def test_the_limit_is_the_trading_rule_value(tree):
    from zhengwu.trading import services as trading_services

    trading_services.rule_value_set(actor="test", project_type="", procedure="", code="mandatory_limit_works",
                                    value="3000000")
    assert services.mandatory_limit() == 3000000
    with pytest.raises(InvalidInput) as exc:
        make_project(region=tree["villages"][0], estimate="3500000")
    assert exc.value.field == "estimate"


@pytest.mark.parametrize(("extra", "field"), [
    ({"estimate": "0"}, "estimate"),
    ({"estimate": "-5"}, "estimate"),
    ({"estimate": "abc"}, "estimate"),
    ({"name": " "}, "name"),
    ({"category": "rocket"}, "category"),
    ({"approval": "2024-05-01", "planned_completion": "2024-04-01"}, "planned_completion"),
    ({"contracting_way": "lottery"}, "contracting_way"),
])
def test_bad_registration_input_names_the_field(tree, extra, field):
    with pytest.raises(InvalidInput) as exc:
        make_project(region=tree["villages"][0], **extra)
    assert exc.value.field == field


def test_the_owner_must_be_a_township_or_a_village(tree):
    with pytest.raises(InvalidInput) as exc:
        make_project(region=tree["district"])
    assert exc.value.field == "owner_region"


def test_township_staff_register_only_in_their_township(tree):
    staff = make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0])
    own = make_project(region=tree["villages"][0], actor=staff)
    assert (own.township, own.village, own.status) == (tree["townships"][0], tree["villages"][0],
                                                       ProjectStatus.REGISTERED)
    assert own.number.startswith("XE2025")
    with pytest.raises(InvalidInput) as exc:
        make_project(region=tree["villages"][1], actor=staff)
    assert (exc.value.field, exc.value.code) == ("owner_region", "region_out_of_scope")


def test_township_staff_cannot_record_on_another_townships_project(tree):
    staff = make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0])
    other = make_project(region=tree["villages"][1])
    with pytest.raises(NotFound):
        contract(other, actor=staff)


def test_the_contract_moves_the_project_to_contracted_with_one_audit_event(tree):
    from zhengwu.org.services import enterprise_register
    from zhengwu.smallprojects.testing import credit

    project = make_project(region=tree["villages"][0])
    enterprise_register(actor="test", credit_code=credit(1), name="承包企业1")  # a known contractor
    before = AuditEvent.objects.count()
    project = contract(project, amount="1400000", on="2024-03-01")
    assert project.status == ProjectStatus.CONTRACTED
    project.refresh_from_db()
    assert (str(project.contract_amount), str(project.contract_date)) == ("1400000.00", "2024-03-01")
    assert project.contractor.name == "承包企业1"
    assert AuditEvent.objects.count() - before == 1  # the transition's event carries the contract


def test_a_contract_at_the_limit_or_before_the_approval_is_refused(tree):
    project = make_project(region=tree["villages"][0], approval="2024-02-01")
    with pytest.raises(InvalidInput) as exc:
        contract(project, amount="4000000")
    assert (exc.value.field, exc.value.code) == ("contract_amount", "above_limit")
    with pytest.raises(InvalidInput) as exc:
        contract(project, on="2024-01-15")
    assert (exc.value.field, exc.value.code) == ("contract_date", "dates_out_of_order")
    with pytest.raises(InvalidInput) as exc:
        services.contract_record(actor="test", project=project, contract_amount="1000", contract_date="2024-03-01",
                                 contractor_credit_code="123", contractor_name="某公司", contracting_way="inquiry")
    assert exc.value.field == "contractor_credit_code"
    project.refresh_from_db()
    assert project.status == ProjectStatus.REGISTERED


def test_payments_need_a_contract_and_cannot_predate_it(tree):
    project = make_project(region=tree["villages"][0])
    with pytest.raises(Conflict):
        pay(project, amount="100", on="2024-04-01")
    project = contract(project, on="2024-03-01")
    with pytest.raises(InvalidInput) as exc:
        pay(project, amount="100", on="2024-02-01")
    assert exc.value.field == "paid_on"
    with pytest.raises(InvalidInput) as exc:
        pay(project, amount="0", on="2024-04-01")
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput) as exc:
        pay(project, amount="10", on="2024-04-01", kind="bonus")
    assert exc.value.field == "kind"


def test_the_records_drive_the_status_to_settled(tree):
    project = contracted(region=tree["villages"][0])
    pay(project, amount="300000", on="2024-04-01", kind="advance")
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    accept(project, on="2024-08-01", result="fail")
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    accept(project, on="2024-08-20")
    project.refresh_from_db()
    assert (project.status, str(project.actual_completion)) == (ProjectStatus.ACCEPTED, "2024-08-20")
    pay(project, amount="1200000", on="2024-09-01", kind="final")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SETTLED
    assert [c.state for c in checkpoints(project)] == ["done", "done", "done", "none", "done", "done"]


def test_a_final_payment_is_the_last_payment(tree):
    project = contracted(region=tree["villages"][0])
    pay(project, amount="1500000", on="2024-05-01", kind="final")
    with pytest.raises(Conflict) as exc:
        pay(project, amount="1", on="2024-05-02")
    assert exc.value.code == "final_already_paid"
    assert Payment.objects.filter(project=project).count() == 1


def test_a_change_order_may_be_negative_but_not_zero_and_not_before_the_contract(tree):
    project = contracted(region=tree["villages"][0], on="2024-03-01")
    assert str(change(project, amount="-20000").amount) == "-20000.00"
    with pytest.raises(InvalidInput) as exc:
        change(project, amount="0")
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput) as exc:
        change(project, amount="100", on="2024-02-01")
    assert exc.value.field == "approved_on"


def test_an_accepted_project_is_not_accepted_again(tree):
    project = contracted(region=tree["villages"][0])
    accept(project, on="2024-06-01")
    with pytest.raises(Conflict):
        accept(project, on="2024-06-02")


def test_checkpoints_show_what_is_missing_on_a_new_project(tree):
    project = make_project(region=tree["villages"][0], approval=None)
    states = {c.key: c.state for c in checkpoints(project)}
    assert states == {"approval": "missing", "contracting_way": "missing", "contract": "missing",
                      "changes": "none", "acceptance": "missing", "payments": "missing"}
