"""Projects, bundles, the fan-out of a combined application into parallel cases and the fan-in to one
combined approval document."""

from __future__ import annotations

import pytest

from zhengwu.approvals import services
from zhengwu.approvals.choices import ApplicationStatus, Stage
from zhengwu.approvals.models import ApplicationItem, Bundle, CombinedApplication, InvestmentProject
from zhengwu.approvals.testing import credit, file, make_item, make_project
from zhengwu.cases import services as case_services
from zhengwu.cases.choices import CaseStatus
from zhengwu.cases.models import Case
from zhengwu.cases.testing import at
from zhengwu.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def move(case_id: int, action: str, *, actor, when: str, reason: str = ""):
    return case_services.case_transition(actor=actor, case=case_id, action=action, reason=reason, now=at(when))


def approve_all(application, clerks, *, when: str):
    for link, clerk in zip(application.items.order_by("id"), clerks):
        move(link.case_id, "accept", actor=clerk, when=when)
        move(link.case_id, "approve", actor=clerk, when=when)


def test_registering_a_project_checks_credit_code_township_and_investment(world):
    township = world["tree"]["townships"][0]
    with pytest.raises(InvalidInput) as bad_code:
        services.project_register(actor="test", code="P-1", name="厂房", investor_credit_code="123",
                                  project_type="filing", total_investment="10", township=township,
                                  risk_class="general")
    assert bad_code.value.field == "investor_credit_code"
    with pytest.raises(InvalidInput) as bad_region:
        services.project_register(actor="test", code="P-1", name="厂房", investor_credit_code=credit(3),
                                  project_type="filing", total_investment="10", township=world["tree"]["district"],
                                  risk_class="general")
    assert bad_region.value.field == "township"
    with pytest.raises(InvalidInput) as zero:
        services.project_register(actor="test", code="P-1", name="厂房", investor_credit_code=credit(3),
                                  project_type="filing", total_investment="0", township=township,
                                  risk_class="general")
    assert zero.value.field == "total_investment"
    assert not InvestmentProject.objects.filter(code="P-1").exists()


def test_a_bundle_with_an_item_twice_is_refused_naming_items(world):
    item = world["items"][0]
    with pytest.raises(InvalidInput) as exc:
        services.bundle_create(actor="test", name="重复套餐", stage=Stage.CONSTRUCTION_PERMIT,
                               items=[{"item": item, "materials": []}, {"item": item.pk, "materials": []}])
    assert exc.value.field == "items"
    assert exc.value.code == "duplicate_item"
    assert not Bundle.objects.filter(name="重复套餐").exists()


def test_a_bundle_item_outside_the_stage_is_refused_unless_environmental_in_parallel(world):
    eia = make_item(department=world["departments"][0], code="HP-1", name="建设项目环境影响报告表审批", promised=10)
    services.stage_item_map(actor="test", stage=Stage.LAND_PLANNING, item=eia, is_environmental=True)
    lixiang = make_item(department=world["departments"][0], code="LX-1", name="企业投资项目核准", promised=10)
    services.stage_item_map(actor="test", stage=Stage.LAND_PLANNING, item=lixiang)
    with pytest.raises(InvalidInput) as exc:
        services.bundle_create(actor="test", name="施工加环评", stage=Stage.CONSTRUCTION_PERMIT,
                               items=[{"item": world["items"][0]}, {"item": lixiang}])
    assert exc.value.code == "item_not_in_stage"
    bundle = services.bundle_create(actor="test", name="立项环评并联", stage=Stage.CONSTRUCTION_PLANNING,
                                    parallel_environmental=True, items=[{"item": eia}])
    assert bundle.parallel_environmental


def test_filing_fans_out_one_case_per_item_each_with_its_own_limit(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    links = list(application.items.select_related("case", "item").order_by("id"))
    assert len(links) == 3
    assert [link.promised_limit for link in links] == [3, 5, 2]
    assert {link.case.department_id for link in links} == {d.pk for d in world["departments"]}
    assert all(link.case.status == CaseStatus.RECEIVED for link in links)
    assert all(link.case.applicant_enterprise_id == world["project"].investor_id for link in links)
    assert {link.case.received_at for link in links} == {at("2024-03-04 09:00")}
    assert application.status == ApplicationStatus.IN_PROGRESS


def test_a_missing_required_material_is_refused_and_nothing_is_created(world):
    before = Case.objects.count()
    materials = world["bundle"].required_materials[1:]
    with pytest.raises(InvalidInput) as exc:
        file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00", materials=materials)
    assert exc.value.field == "materials"
    assert world["bundle"].required_materials[0] in exc.value.message
    assert Case.objects.count() == before
    assert not CombinedApplication.objects.exists()


def test_issuing_while_an_item_is_open_is_a_conflict_and_changes_nothing(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    first = application.items.order_by("id").first()
    move(first.case_id, "accept", actor=world["clerks"][0], when="2024-03-04 10:00")
    move(first.case_id, "approve", actor=world["clerks"][0], when="2024-03-05 10:00")
    with pytest.raises(Conflict) as exc:
        services.application_issue(actor=world["admin"], application=application, now=at("2024-03-06 09:00"))
    assert exc.value.status == 409
    assert "建设工程消防设计审查" in exc.value.message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.document_number == ""
    assert application.issued_at is None


def test_when_every_item_is_approved_the_combined_document_is_issued_with_the_case_numbers(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    approve_all(application, world["clerks"], when="2024-03-05 15:00")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.READY
    assert application.items_completed_at == at("2024-03-05 15:00")
    issued = services.application_issue(actor=world["admin"], application=application, now=at("2024-03-06 09:00"))
    assert issued.status == ApplicationStatus.ISSUED
    assert issued.document_number.startswith("多合一批〔2024〕")
    numbers = set(ApplicationItem.objects.filter(application=application).values_list("case__number", flat=True))
    assert {row["case_number"] for row in issued.document_items} == numbers


@pytest.mark.parametrize("refusal", ["refuse", "deny", "withdraw"])
def test_a_refused_item_stops_the_combined_document_with_the_reason(world, refusal):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    links = list(application.items.order_by("id"))
    clerk = world["clerks"][1]
    if refusal == "deny":
        move(links[1].case_id, "accept", actor=clerk, when="2024-03-04 10:00")
    move(links[1].case_id, refusal, actor=clerk, when="2024-03-05 10:00", reason="消防设计不符合规范")
    for link, dept_clerk in ((links[0], world["clerks"][0]), (links[2], world["clerks"][2])):
        move(link.case_id, "accept", actor=dept_clerk, when="2024-03-05 11:00")
        move(link.case_id, "approve", actor=dept_clerk, when="2024-03-05 12:00")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.STOPPED
    assert application.stop_reasons[0]["reason"] == "消防设计不符合规范"
    assert application.stop_reasons[0]["item"] == "建设工程消防设计审查"
    with pytest.raises(Conflict):
        services.application_issue(actor=world["admin"], application=application)


def test_an_enterprise_cannot_register_a_project_of_another_investor(world):
    from zhengwu.core.errors import Forbidden

    with pytest.raises(Forbidden):
        make_project(township=world["tree"]["townships"][0], investor=5, code="X-5", actor=world["ent_x"])
    own = make_project(township=world["tree"]["townships"][0], investor=1, code="X-1", actor=world["ent_x"])
    assert own.investor_id == world["project"].investor_id


def test_the_reconcile_job_follows_applications_whose_cases_moved_without_events(world):
    from zhengwu.approvals.fanin import applications_reconcile
    from zhengwu.cases.models import Case

    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    case_ids = list(application.items.values_list("case_id", flat=True))
    # a bulk import writes finished cases directly and publishes no transition events
    Case.objects.filter(pk__in=case_ids).update(status=CaseStatus.COMPLETED, result="approved",
                                                completed_at=at("2024-03-05 10:00"))
    assert applications_reconcile() == {"stop": 0, "complete": 1}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.READY
    assert applications_reconcile() == {"stop": 0, "complete": 0}
