"""Projects and sections: the mandatory-tendering classification at its boundaries, the control price,
the tendering party and the agent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.models import Enterprise
from zhengwu.org.roles import Role
from zhengwu.trading import services
from zhengwu.trading.choices import Procedure, ProjectType
from zhengwu.trading.testing import TENDERING_PARTY, credit, make_project, make_tender, publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "estimate", "above"), [
    ("works", "4000000.00", True), ("works", "3999999.99", False),
    ("goods", "2000000.00", True), ("goods", "1999999.99", False),
    ("services", "1000000.00", True), ("services", "999999.99", False),
])
def test_a_section_at_or_above_its_kinds_threshold_is_above_the_limit(kind, estimate, above):
    project = make_project(sections=[(kind, estimate)])
    assert project.sections.get().above_limit is above
    assert project.above_limit is above
    project.refresh_from_db()
    assert project.above_limit is above


def test_sections_of_one_kind_count_together_so_splitting_does_not_escape_the_limit():
    project = make_project(sections=[("works", "2000000"), ("works", "2000000"), ("services", "500000")])
    flags = dict(project.sections.values_list("number", "above_limit"))
    assert flags == {1: True, 2: True, 3: False}
    assert project.above_limit is True


def test_different_kinds_are_not_added_together():
    project = make_project(sections=[("works", "3000000"), ("goods", "1500000"), ("services", "900000")])
    assert not project.sections.filter(above_limit=True).exists()
    assert project.above_limit is False


def test_a_project_without_sections_is_not_above_the_limit():
    assert make_project(sections=[]).above_limit is False


def test_a_threshold_is_data_and_may_differ_by_project_type():
    services.rule_value_set(actor="test", project_type=ProjectType.PROCUREMENT, code="mandatory_limit_goods",
                            value="4000000")
    procurement = make_project(project_type=ProjectType.PROCUREMENT, sections=[("goods", "3000000")])
    construction = make_project(project_type=ProjectType.CONSTRUCTION, sections=[("goods", "3000000")])
    assert (procurement.above_limit, construction.above_limit) == (False, True)


def test_adding_a_section_reclassifies_the_project():
    project = make_project(sections=[("works", "3000000")])
    section = services.section_add(actor="test", project=project, name="附属工程", contract_kind="works",
                                   estimate="1000000")
    project.refresh_from_db()
    assert (section.number, section.above_limit, project.above_limit) == (2, True, True)
    assert project.sections.get(number=1).above_limit is True
    assert AuditEvent.objects.filter(action="section.add").count() == 1


def test_lowering_a_section_estimate_takes_it_back_under_the_limit():
    project = make_project(sections=[("works", "4000000")])
    section = services.section_update(actor="test", section=project.sections.get(), estimate="3999999.99")
    project.refresh_from_db()
    assert (section.above_limit, project.above_limit) == (False, False)


def test_the_control_price_may_equal_the_estimate_but_not_exceed_it():
    project = make_project(estimate="5000000", control_price="5000000")
    assert project.control_price == Decimal("5000000.00")
    with pytest.raises(InvalidInput) as err:
        make_project(estimate="5000000", control_price="5000000.01")
    assert (err.value.field, err.value.code) == ("control_price", "rule.control_price_max_ratio")
    assert err.value.details["value"] == "1"


def test_a_section_control_price_above_its_estimate_is_refused_naming_the_section():
    with pytest.raises(InvalidInput) as err:
        services.project_register(
            actor="test", name="学校", project_type="construction", procedure="open", funding_source="state_funded",
            estimate="9000000", tendering_party_name="区教育局", tendering_party_credit_code=TENDERING_PARTY,
            sections=[{"name": "施工", "contract_kind": "works", "estimate": "4000000", "control_price": "4100000"}])
    assert (err.value.field, err.value.code) == ("sections.0.control_price", "rule.control_price_max_ratio")


def test_sections_may_not_add_up_to_more_than_the_project_estimate():
    with pytest.raises(InvalidInput) as err:
        make_project(estimate="5000000", sections=[("works", "4000000"), ("services", "1000000.01")])
    assert (err.value.field, err.value.code) == ("estimate", "sections_exceed_estimate")
    project = make_project(estimate="5000000", sections=[("works", "4000000")])
    with pytest.raises(InvalidInput):
        services.section_add(actor="test", project=project, name="监理", contract_kind="services", estimate="1000001")


@pytest.mark.parametrize(("field", "value", "code"), [
    ("project_type", "mining", "bad_choice"), ("procedure", "lottery", "bad_choice"),
    ("funding_source", "crowd", "bad_choice"), ("estimate", "0", "bad_amount"), ("estimate", "12.345", "bad_amount"),
])
def test_a_bad_project_field_is_refused_naming_it(field, value, code):
    with pytest.raises(InvalidInput) as err:
        make_project(**{field: value})
    assert (err.value.field, err.value.code) == (field, code)


def test_the_tendering_party_is_an_organization_by_name_and_a_validated_credit_code():
    project = make_project()
    assert (project.tendering_enterprise, project.tendering_party_name) == (None, "区交通运输局")
    with pytest.raises(InvalidInput) as err:
        make_project(tendering_party_credit_code="91330702MA2XXXXXX1")
    assert err.value.field == "tendering_party_credit_code"


def test_the_tendering_party_may_be_a_registered_enterprise():
    owner = Enterprise.objects.create(credit_code=credit(7), name="城投集团有限公司")
    project = make_project(tendering_enterprise=owner, tendering_party_name="", tendering_party_credit_code="")
    assert (project.tendering_enterprise, project.tendering_party_credit_code) == (owner, owner.credit_code)


def test_the_agent_is_registered_as_an_enterprise_by_its_credit_code():
    project = make_project(agent_credit_code=credit(8), agent_name="某招标代理有限公司")
    assert project.agent.credit_code == credit(8)
    with pytest.raises(InvalidInput) as err:
        make_project(agent_credit_code=TENDERING_PARTY, agent_name="自己")
    assert err.value.code == "agent_is_tendering_party"


def test_the_project_number_carries_the_type_and_the_year():
    assert make_project(project_type=ProjectType.LAND, procedure=Procedure.AUCTION).number[:2] == "TD"
    assert make_project().number.startswith("GC")


def test_registration_is_audited_with_the_classification():
    project = make_project(sections=[("works", "4000000")])
    event = AuditEvent.objects.get(action="project.register", object_id=str(project.pk))
    assert event.payload["above_limit"] is True
    assert event.payload["kind_totals"] == {"works": "4000000.00"}


def test_a_project_with_a_published_tender_cannot_be_changed():
    project = make_project()
    publish(make_tender(project=project))
    with pytest.raises(Conflict) as err:
        services.project_update(actor="test", project=project, estimate="30000000")
    assert err.value.code == "project_in_tender"
    with pytest.raises(Conflict):
        services.section_update(actor="test", section=project.sections.get(), estimate="100")


def test_a_draft_tenders_project_may_change_its_procedure_and_gets_the_new_rules():
    project = make_project()
    make_tender(project=project)
    project = services.project_update(actor="test", project=project, procedure=Procedure.INVITED)
    assert project.procedure == Procedure.INVITED


def test_only_trading_staff_register_projects():
    from zhengwu.core.errors import Forbidden

    with pytest.raises(Forbidden):
        make_project(actor=make_user(role=Role.SUPERVISOR))


def test_the_project_number_carries_the_year_of_registration():
    from zhengwu.trading.testing import at

    project = make_project(now=at("2023-03-01 09:00"))
    assert project.number == f"GC2023{project.pk:06d}"
