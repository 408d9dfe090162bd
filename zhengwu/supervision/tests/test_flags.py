"""Flags to decisions, clues and cases: every flag ends in a recorded decision with a reason."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.supervision import selectors, services
from zhengwu.supervision.choices import CaseStatus, ClueSource, ClueStatus, FlagFamily, FlagStatus
from zhengwu.supervision.models import Clue
from zhengwu.supervision.tests.factories_supervision import raise_flag, supervisor, tender_with_bidders
from zhengwu.trading.testing import at

pytestmark = pytest.mark.django_db


def test_dismiss_without_a_reason_is_refused_naming_the_reason_field():
    flag = raise_flag()
    with pytest.raises(InvalidInput) as refused:
        services.flag_decide(actor=supervisor(), flag=flag, action="dismiss", reason="  ")
    assert refused.value.field == "reason"
    assert refused.value.status == 422
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_confirm_records_the_reason_the_person_and_one_audit_event():
    flag = raise_flag()
    person = supervisor()
    before = AuditEvent.objects.filter(action="flag.confirm").count()
    flag = services.flag_decide(actor=person, flag=flag, action="confirm", reason="机器码一致,另查实同一人制作。")
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by, flag.decision_reason) == (FlagStatus.CONFIRMED, person,
                                                                    "机器码一致,另查实同一人制作。")
    assert AuditEvent.objects.filter(action="flag.confirm").count() == before + 1


def test_a_flag_cannot_be_decided_twice():
    flag = raise_flag()
    person = supervisor()
    services.flag_decide(actor=person, flag=flag.pk, action="dismiss", reason="同一集团内部共用办公设备,已说明。")
    with pytest.raises(Conflict):
        services.flag_decide(actor=person, flag=flag.pk, action="confirm", reason="改为确认")


def test_an_unknown_decision_is_refused_naming_the_action():
    with pytest.raises(InvalidInput) as refused:
        services.flag_decide(actor=supervisor(), flag=raise_flag(), action="ignore", reason="x")
    assert refused.value.field == "action"


def test_flag_to_clue_creates_a_red_flag_clue_linked_to_the_flag_and_its_case():
    flag = raise_flag()
    clue = services.flag_to_clue(actor=supervisor(), flag=flag, reason="需进一步调查", now=at("2024-03-25 09:00"))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLUE
    assert (clue.source, clue.flag, clue.case, clue.project) == (ClueSource.RED_FLAG, flag, flag.case, flag.project)
    assert clue.status == ClueStatus.REGISTERED
    assert clue.enterprise in set(flag.enterprises.all())
    assert clue.number.startswith("XS2024-")


def test_flag_to_clue_without_a_reason_writes_nothing():
    flag = raise_flag()
    with pytest.raises(InvalidInput):
        services.flag_to_clue(actor=supervisor(), flag=flag, reason="")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert not Clue.objects.exists()


def test_a_case_closes_only_when_none_of_its_flags_is_open():
    tender, regs = tender_with_bidders()
    first = raise_flag(tender=tender, registrations=regs, rule="CN_SAME_MACHINE")
    second = raise_flag(tender=tender, registrations=regs, rule="CN_SAME_IP")
    assert first.case_id == second.case_id
    person = supervisor()
    services.flag_decide(actor=person, flag=first, action="confirm", reason="属实")
    with pytest.raises(Conflict) as refused:
        services.case_close(actor=person, case=first.case_id, conclusion="办结")
    assert refused.value.code == "open_flags"
    services.flag_decide(actor=person, flag=second, action="dismiss", reason="同一办公楼公共网络出口,已核实。")
    case = services.case_close(actor=person, case=first.case_id, conclusion="一条确认,一条排除。")
    assert case.status == CaseStatus.CLOSED


def test_flag_statistics_count_each_rule_by_outcome():
    tender, regs = tender_with_bidders()
    person = supervisor()
    a = raise_flag(tender=tender, registrations=regs, rule="CN_SAME_MACHINE")
    b = raise_flag(tender=tender, registrations=regs, rule="CN_SAME_IP")
    raise_flag(tender=tender, registrations=regs, rule="CN_SAME_IP", key="other pair")
    services.flag_decide(actor=person, flag=a, action="confirm", reason="属实")
    services.flag_to_clue(actor=person, flag=b, reason="移交调查")
    stats = selectors.flag_statistics(user=person)
    rows = {r["rule"]: r for r in stats["by_rule"]}
    assert (rows["CN_SAME_MACHINE"]["confirmed"], rows["CN_SAME_MACHINE"]["total"]) == (1, 1)
    assert (rows["CN_SAME_IP"]["clue"], rows["CN_SAME_IP"]["open"], rows["CN_SAME_IP"]["total"]) == (1, 1, 2)
    collusion = next(r for r in stats["by_family"] if r["family"] == FlagFamily.COLLUSION)
    assert collusion["total"] == 3
    assert stats["total"]["total"] == 3


def test_flag_statistics_keep_to_the_period():
    tender, regs = tender_with_bidders()
    raise_flag(tender=tender, registrations=regs, rule="R018", family=FlagFamily.INTERNATIONAL, when="2023-06-01 10:00")
    raise_flag(tender=tender, registrations=regs, rule="R024", family=FlagFamily.INTERNATIONAL, when="2024-06-01 10:00")
    stats = selectors.flag_statistics(user=supervisor(), date_from=at("2024-01-01 00:00").date(),
                                      date_to=at("2024-12-31 00:00").date())
    assert [r["rule"] for r in stats["by_rule"]] == ["R024"]


def test_nobody_without_supervision_view_sees_a_flag():
    from zhengwu.supervision.tests.factories_supervision import enterprise_user

    tender, regs = tender_with_bidders()
    raise_flag(tender=tender, registrations=regs)
    assert not selectors.flags_visible_to(enterprise_user(regs[0].enterprise)).exists()
