"""市场主体行为记录: a ban stops bidder registration and the draw (through the real trading services) while in
force; revoked or expired, it no longer does; every reader with credit.view sees the records."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_enterprise
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import BanScope, RecordKind, RecordStatus
from zhengwu.credit.models import BehaviourRecord
from zhengwu.credit.tests.factories import expert_with_person, people
from zhengwu.trading.choices import ExclusionReason
from zhengwu.trading.models import BidderRegistration, ExpertDrawExclusion
from zhengwu.trading.testing import at, credit, day, draw, make_expert, published_tender, register

pytestmark = pytest.mark.django_db


def ban(*, enterprise=None, person=None, scope=BanScope.BIDDING, since="2024-01-01", until=None, actor="test"):
    return services.behaviour_record_create(
        actor=actor, enterprise=enterprise, person=person, kind=RecordKind.BAN, scope=scope,
        title="串通投标,禁止参加依法必须招标项目投标一年", reason="在某工程投标中与他人串通投标。",
        legal_basis="《招标投标法实施条例》第六十七条", department_name="区发展和改革局", document_number="区发改罚〔2024〕3号",
        effective_from=day(since), effective_until=day(until) if until else None)


def test_an_enterprise_under_a_bidding_ban_cannot_register_and_the_message_names_the_record():
    tender = published_tender()
    company = make_enterprise(credit_code=credit(501), name="丙建设有限公司")
    ban(enterprise=company)
    with pytest.raises(Conflict) as caught:
        register(tender, code=credit(501))
    assert caught.value.code == "behaviour_record_ban" and caught.value.field == "credit_code"
    assert "串通投标" in caught.value.message and "区发改罚〔2024〕3号" in caught.value.message
    assert not BidderRegistration.objects.exists()


def test_a_ban_on_all_also_blocks_and_a_ban_on_evaluation_does_not():
    tender = published_tender()
    blocked = make_enterprise(credit_code=credit(502), name="丁公司")
    allowed = make_enterprise(credit_code=credit(503), name="戊公司")
    ban(enterprise=blocked, scope=BanScope.ALL)
    ban(enterprise=allowed, scope=BanScope.AGENCY)
    with pytest.raises(Conflict):
        register(tender, code=credit(502))
    assert register(tender, code=credit(503)).enterprise == allowed


def test_the_ban_ends_after_effective_until():
    tender = published_tender()
    company = make_enterprise(credit_code=credit(504), name="己公司")
    ban(enterprise=company, until="2024-03-01")
    assert register(tender, code=credit(504), when="2024-03-02 10:00").enterprise == company


def test_the_ban_still_holds_on_its_last_day():
    tender = published_tender()
    company = make_enterprise(credit_code=credit(505), name="庚公司")
    ban(enterprise=company, until="2024-03-02")
    with pytest.raises(Conflict):
        register(tender, code=credit(505), when="2024-03-02 10:00")


def test_a_revoked_ban_no_longer_blocks():
    tender = published_tender()
    company = make_enterprise(credit_code=credit(506), name="辛公司")
    record = ban(enterprise=company)
    revoked = services.behaviour_record_revoke(actor="test", record=record, reason="行政复议撤销原处罚决定。",
                                               now=at("2024-03-01 08:00"))
    assert revoked.status == RecordStatus.REVOKED and revoked.revoke_reason == "行政复议撤销原处罚决定。"
    assert register(tender, code=credit(506)).enterprise == company


def test_an_expert_whose_person_is_banned_from_evaluating_is_excluded_from_the_draw():
    tender = published_tender()
    banned = expert_with_person("被禁专家", 1)
    for n in range(4):
        make_expert(name=f"专家{n}")
    ban(person=banned.person, scope=BanScope.EXPERT)
    drawn = draw(tender, seed=11)
    assert banned.pk not in set(drawn.members.values_list("expert_id", flat=True))
    row = ExpertDrawExclusion.objects.get(round__draw=drawn, expert=banned)
    assert row.reasons == [ExclusionReason.BEHAVIOUR_RECORD] == ["behaviour_record"]


def test_an_expired_expert_ban_does_not_exclude():
    tender = published_tender()
    expert = expert_with_person("期满专家", 2)
    for n in range(3):
        make_expert(name=f"专家{n}")
    ban(person=expert.person, scope=BanScope.ALL, since="2023-01-01", until="2023-12-31")
    drawn = draw(tender, seed=11)
    assert expert.pk in set(drawn.members.values_list("expert_id", flat=True))


def test_behaviour_records_for_reads_a_subject_and_a_day():
    company = make_enterprise(credit_code=credit(507), name="壬公司")
    old = ban(enterprise=company, since="2022-01-01", until="2022-12-31")
    current = ban(enterprise=company, since="2024-01-01")
    assert list(selectors.behaviour_records_for(enterprise=company)) == [current, old]
    assert list(selectors.behaviour_records_for(enterprise=company, effective_on=day("2024-06-01"))) == [current]
    assert list(selectors.behaviour_records_for(person=None, enterprise=None)) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"scope": ""}, "scope"), ({"kind": "praise"}, "kind"), ({"title": " "}, "title"),
    ({"effective_until": day("2023-12-31")}, "effective_until"), ({"enterprise": None}, "subject"),
    ({"department_name": ""}, "department_name")])
def test_a_bad_record_is_refused_naming_the_field(changes, field):
    company = make_enterprise(credit_code=credit(508), name="癸公司")
    values = {"actor": "test", "enterprise": company, "kind": RecordKind.BAN, "scope": BanScope.BIDDING,
              "title": "禁止投标", "reason": "串通投标。", "department_name": "区发展和改革局",
              "effective_from": day("2024-01-01"), **changes}
    with pytest.raises(InvalidInput) as caught:
        services.behaviour_record_create(**values)
    assert caught.value.field == field and not BehaviourRecord.objects.exists()


def test_every_staff_reader_sees_the_records_and_others_do_not():
    who = people()
    company = make_enterprise(credit_code=credit(509), name="子公司")
    record = services.behaviour_record_create(
        actor=who["supervisor"], enterprise=company, kind=RecordKind.GOOD_CREDIT, title="守信激励",
        reason="连续三年无不良记录。", department=make_department(), effective_from=day("2024-01-01"))
    assert AuditEvent.objects.filter(action="behaviour_record.create", object_id=str(record.pk)).count() == 1
    for persona in ("staff", "supervisor", "leader"):
        assert list(selectors.behaviour_records_visible_to(who[persona])) == [record]
    for persona in ("clerk", "party"):
        assert not selectors.behaviour_records_visible_to(who[persona]).exists()
