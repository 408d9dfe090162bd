"""Reviews, findings and the publish block, against a real database with the default rules of the migration.

Personas: 小钱 of the trading center drafts the documents and runs the review; 老周 the supervisor reviews and
keeps a finding with a reason; 甲公司's user is a bidder and may do neither.
"""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.fairreview import selectors, services
from zhengwu.fairreview.choices import FindingState
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.fairreview.tests.factories import BRAND, BRAND_EQUIVALENT, CAPITAL, CLEAN, LOCAL, draft_tender
from zhengwu.org.roles import Role
from zhengwu.trading import services as trading_services
from zhengwu.trading.choices import TenderStatus
from zhengwu.trading.models import Tender
from zhengwu.trading.testing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF, username="xiaoqian")


@pytest.fixture
def supervisor():
    return make_user(role=Role.SUPERVISOR, username="laozhou")


def states(tender) -> dict[str, str]:
    return {f.rule.code: f.state for f in Finding.objects.filter(tender=tender).select_related("rule")}


def test_the_migration_loads_the_default_rules():
    assert Rule.objects.filter(active=True).count() >= 12
    assert set(Rule.objects.values_list("category", flat=True)) == {
        "region", "ownership", "brand", "qualification", "finance", "scoring", "other"}


def test_a_review_stores_the_digest_and_the_findings_with_their_clause(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL + CAPITAL)
    review = services.fair_review_run(actor=staff, tender=tender)
    assert review.digest == selectors.digest_of(selectors.texts_of(tender))
    assert len(review.digest) == 64
    assert review.reviewed_by == staff
    assert (review.found, review.new, review.open, review.resolved) == (2, 2, 2, 0)
    findings = {f.rule.code: f for f in Finding.objects.filter(tender=tender).select_related("rule")}
    assert set(findings) == {"FCR-REG-01", "FCR-FIN-01"}
    local = findings["FCR-REG-01"]
    assert tender.documents_text[local.clause_start:local.clause_end] == LOCAL
    assert tender.documents_text[local.match_start:local.match_end] == local.excerpt
    assert "5000 万元" in findings["FCR-FIN-01"].detail
    assert AuditEvent.objects.filter(action="fairreview.review", object_id=str(review.pk)).count() == 1


def test_a_clean_text_gives_a_review_without_findings(staff):
    tender = draft_tender(documents_text=CLEAN)
    review = services.fair_review_run(actor=staff, tender=tender)
    assert (review.found, review.open) == (0, 0)
    assert not Finding.objects.filter(tender=tender).exists()


def test_rerunning_after_an_edit_resolves_the_finding_whose_clause_is_gone(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL + CAPITAL)
    services.fair_review_run(actor=staff, tender=tender)
    trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN + CAPITAL)
    review = services.fair_review_run(actor=staff, tender=tender)
    assert (review.found, review.new, review.resolved, review.open) == (1, 0, 1, 1)
    assert states(tender) == {"FCR-REG-01": FindingState.RESOLVED, "FCR-FIN-01": FindingState.OPEN}


def test_an_edited_clause_is_a_new_finding(staff):
    tender = draft_tender(documents_text=CLEAN + CAPITAL)
    services.fair_review_run(actor=staff, tender=tender)
    trading_services.tender_documents_update(actor=staff, tender=tender,
                                             documents_text=CLEAN + "投标人注册资本不低于8000万元。")
    review = services.fair_review_run(actor=staff, tender=tender)
    assert (review.new, review.resolved, review.open) == (1, 1, 1)
    assert Finding.objects.filter(tender=tender).count() == 2


def test_a_supervisor_accepts_a_finding_with_a_reason_and_it_is_audited(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    services.fair_review_run(actor=staff, tender=tender)
    finding = Finding.objects.get(tender=tender)
    services.finding_accept(actor=supervisor, finding=finding, reason="与既有路灯控制系统兼容,经论证确需指定。")
    finding.refresh_from_db()
    assert finding.state == FindingState.ACCEPTED
    assert finding.accepted_by == supervisor
    event = AuditEvent.objects.get(action="fairreview.finding_accept", object_id=str(finding.pk))
    assert event.reason.startswith("与既有路灯")
    review = services.fair_review_run(actor=staff, tender=tender)
    assert (review.found, review.open) == (1, 0)
    assert states(tender) == {"FCR-BRD-01": FindingState.ACCEPTED}


def test_accepting_needs_a_reason_the_permission_and_an_open_finding(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    services.fair_review_run(actor=staff, tender=tender)
    finding = Finding.objects.get(tender=tender)
    with pytest.raises(InvalidInput) as caught:
        services.finding_accept(actor=supervisor, finding=finding, reason="  ")
    assert caught.value.field == "reason"
    with pytest.raises(Forbidden):
        services.finding_accept(actor=staff, finding=finding, reason="我们自己觉得没问题。")
    services.finding_accept(actor=supervisor, finding=finding, reason="经论证确需与既有系统兼容。")
    with pytest.raises(Conflict):
        services.finding_accept(actor=supervisor, finding=finding, reason="再次保留一次试试。")
    assert AuditEvent.objects.filter(action="fairreview.finding_accept").count() == 1


def test_a_resolved_finding_cannot_be_accepted(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    services.fair_review_run(actor=staff, tender=tender)
    trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN + BRAND_EQUIVALENT)
    services.fair_review_run(actor=staff, tender=tender)
    with pytest.raises(Conflict):
        services.finding_accept(actor=supervisor, finding=Finding.objects.get(tender=tender), reason="理由充分充分。")


def test_a_bidder_may_not_run_a_review():
    bidder = make_user(role=Role.ENTERPRISE_USER, username="jia")
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    with pytest.raises(Forbidden):
        services.fair_review_run(actor=bidder, tender=tender)
    assert not Review.objects.exists()


# --- the publish block ---------------------------------------------------------------------------------------

def test_publish_is_refused_while_a_finding_is_open(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    services.fair_review_run(actor=staff, tender=tender)
    with pytest.raises(InvalidInput) as caught:
        publish(tender)
    assert caught.value.field == "documents_text"
    assert caught.value.code == "fair_review_open_findings"
    assert "公平竞争审查" in caught.value.message
    assert [f["rule"] for f in caught.value.details["findings"]] == ["FCR-REG-01"]
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.DRAFT


def test_publish_is_refused_without_any_review_when_the_text_has_findings():
    tender = draft_tender(documents_text=CLEAN + CAPITAL)
    with pytest.raises(InvalidInput) as caught:
        publish(tender)
    assert [f["rule"] for f in caught.value.details["findings"]] == ["FCR-FIN-01"]


def test_publish_goes_through_after_the_clause_is_edited_out(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    services.fair_review_run(actor=staff, tender=tender)
    trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN)
    services.fair_review_run(actor=staff, tender=tender)
    assert publish(Tender.objects.get(pk=tender.pk)).status == TenderStatus.PUBLISHED


def test_publish_goes_through_after_the_finding_is_accepted(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    services.fair_review_run(actor=staff, tender=tender)
    services.finding_accept(actor=supervisor, finding=Finding.objects.get(tender=tender),
                            reason="与既有路灯控制系统兼容,经专家论证确需指定。")
    assert publish(Tender.objects.get(pk=tender.pk)).status == TenderStatus.PUBLISHED


def test_editing_the_text_after_a_clean_review_cannot_bypass_the_block(staff):
    tender = draft_tender(documents_text=CLEAN)
    assert services.fair_review_run(actor=staff, tender=tender).found == 0
    trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN + LOCAL)
    with pytest.raises(InvalidInput) as caught:
        publish(Tender.objects.get(pk=tender.pk))
    assert caught.value.field == "documents_text"


def test_editing_an_accepted_clause_loses_the_acceptance(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    services.fair_review_run(actor=staff, tender=tender)
    services.finding_accept(actor=supervisor, finding=Finding.objects.get(tender=tender),
                            reason="与既有路灯控制系统兼容,经专家论证确需指定。")
    trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN + "路灯须采用欧普品牌。")
    with pytest.raises(InvalidInput):
        publish(Tender.objects.get(pk=tender.pk))


def test_a_tender_with_empty_documents_publishes():
    tender = draft_tender()
    assert publish(tender).status == TenderStatus.PUBLISHED


def test_a_restrictive_announcement_also_blocks():
    tender = draft_tender(documents_text=CLEAN)
    Tender.objects.filter(pk=tender.pk).update(announcement="欢迎本地注册企业参加投标。")
    with pytest.raises(InvalidInput) as caught:
        publish(Tender.objects.get(pk=tender.pk))
    assert caught.value.details["findings"][0]["source"] == "announcement"


def test_an_inactive_rule_does_not_block(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    services.rule_update(actor=supervisor, rule=Rule.objects.get(code="FCR-REG-01"), active=False)
    assert publish(tender).status == TenderStatus.PUBLISHED


# --- documents and rules ------------------------------------------------------------------------------------

def test_the_documents_of_a_published_tender_cannot_be_edited(staff):
    tender = publish(draft_tender())
    with pytest.raises(Conflict):
        trading_services.tender_documents_update(actor=staff, tender=tender, documents_text=CLEAN)
    assert AuditEvent.objects.filter(action="tender.documents_update").count() == 0


def test_a_supervisor_adds_a_rule_that_the_next_review_uses(staff, supervisor):
    rule = services.rule_create(actor=supervisor, code="fcr-x-01", category="other", pattern=r"须提供本单位出具的证明",
                                message="要求提供招标人出具的证明", legal_basis="《招标投标法实施条例》第三十二条")
    assert rule.code == "FCR-X-01"
    tender = draft_tender(documents_text=CLEAN + "投标人须提供本单位出具的证明。")
    assert services.fair_review_run(actor=staff, tender=tender).found == 1
    assert AuditEvent.objects.filter(action="fairreview.rule_create", object_id=str(rule.pk)).count() == 1


@pytest.mark.parametrize("fields, field", [
    ({"pattern": "本地(注册"}, "pattern"),
    ({"code": "FCR-REG-01"}, "code"),
    ({"category": "weather"}, "category"),
    ({"message": ""}, "message"),
    ({"matcher": "number_above", "pattern": "不少于(?P<value>\\d+)个"}, "threshold"),
])
def test_a_bad_rule_is_refused_naming_the_field(supervisor, fields, field):
    data = {"code": "FCR-X-02", "category": "other", "pattern": "本地", "message": "提示", "legal_basis": "依据",
            **fields}
    with pytest.raises(InvalidInput) as caught:
        services.rule_create(actor=supervisor, **data)
    assert caught.value.field == field
    assert not Rule.objects.filter(code="FCR-X-02").exists()


def test_staff_may_not_change_the_rules(staff):
    with pytest.raises(Forbidden):
        services.rule_update(actor=staff, rule=Rule.objects.get(code="FCR-REG-01"), active=False)
    assert Rule.objects.get(code="FCR-REG-01").active
