"""Violation clues: registered → investigated → concluded → rectification → verified, with deadlines in working
days and reminders sent once."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.conf import settings

from zhengwu.core import calendar
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import Notification, Reminder
from zhengwu.supervision import selectors, services
from zhengwu.supervision.choices import ClueConclusion, ClueSource, ClueStatus
from zhengwu.supervision.tasks import clue_reminders_send
from zhengwu.supervision.tests.factories_supervision import enterprise_user, supervisor, tender_with_bidders
from zhengwu.trading.testing import at

pytestmark = pytest.mark.django_db


def complaint(person, *, when="2024-04-01 09:00", project=None):
    if project is None:
        project = tender_with_bidders()[0].project
    return services.clue_register(actor=person, source=ClueSource.COMPLAINT, source_reference="TS-2024-031",
                                  description="举报:中标人转包给无资质的施工队。", project=project, now=at(when))


def test_a_complaint_without_its_reference_is_refused_naming_the_field():
    person = supervisor()
    project = tender_with_bidders()[0].project
    with pytest.raises(InvalidInput) as refused:
        services.clue_register(actor=person, source=ClueSource.COMPLAINT, description="举报", project=project)
    assert refused.value.field == "source_reference"


def test_a_clue_needs_a_subject():
    with pytest.raises(InvalidInput) as refused:
        services.clue_register(actor=supervisor(), source=ClueSource.DEPARTMENT, source_reference="婺建函〔2024〕3号",
                               description="移送")
    assert refused.value.field == "project"


def test_registration_sets_the_investigation_deadline_in_working_days():
    clue = complaint(supervisor(), when="2024-04-01 09:00")
    expected = calendar.deadline(start=at("2024-04-01 09:00"), working_days=10)
    assert clue.due_at == expected
    assert clue.warn_at < clue.due_at


def test_the_whole_workflow_to_a_verified_rectification():
    person = supervisor()
    clue = complaint(person)
    clue = services.clue_transition(actor=person, clue=clue, action="investigate", reason="调取合同及现场核查。",
                                    now=at("2024-04-03 10:00"))
    clue = services.clue_conclude(actor=person, clue=clue, substantiated=True, decision="转包属实,责令整改。",
                                  now=at("2024-04-08 10:00"))
    assert (clue.status, clue.conclusion) == (ClueStatus.CONCLUDED, ClueConclusion.SUBSTANTIATED)
    clue = services.clue_transition(actor=person, clue=clue, action="require_rectification",
                                    reason="解除转包合同,由中标人自行组织施工。", days=15, now=at("2024-04-09 10:00"))
    assert clue.rectification_due_at == calendar.deadline(start=at("2024-04-09 10:00"), working_days=15)
    assert clue.due_at == clue.rectification_due_at
    clue = services.clue_transition(actor=person, clue=clue, action="verify", reason="现场复查,已整改到位。",
                                    now=at("2024-04-25 10:00"))
    assert clue.status == ClueStatus.VERIFIED
    assert clue.due_at is None
    stats = selectors.clue_statistics(user=person)
    assert (stats["substantiated"], stats["verified"], stats["rectification_rate"]) == (1, 1, 1.0)


def test_a_not_substantiated_conclusion_closes_the_clue_without_rectification():
    person = supervisor()
    clue = complaint(person)
    services.clue_transition(actor=person, clue=clue, action="investigate", reason="核查")
    clue = services.clue_conclude(actor=person, clue=clue.pk, substantiated=False, decision="经核查,举报不属实。")
    assert (clue.status, clue.conclusion, clue.due_at) == (ClueStatus.CLOSED, ClueConclusion.NOT_SUBSTANTIATED, None)
    with pytest.raises(Conflict):
        services.clue_transition(actor=person, clue=clue.pk, action="require_rectification", reason="整改")
    assert selectors.clue_statistics(user=person)["rectification_rate"] is None


def test_stages_cannot_be_skipped():
    person = supervisor()
    clue = complaint(person)
    with pytest.raises(Conflict):
        services.clue_conclude(actor=person, clue=clue, substantiated=True, decision="属实")


def test_a_rectification_period_out_of_range_is_refused_naming_days():
    person = supervisor()
    clue = complaint(person)
    services.clue_transition(actor=person, clue=clue.pk, action="investigate", reason="核查")
    services.clue_conclude(actor=person, clue=clue.pk, substantiated=True, decision="属实")
    with pytest.raises(InvalidInput) as refused:
        services.clue_transition(actor=person, clue=clue.pk, action="require_rectification", reason="整改", days=0)
    assert refused.value.field == "days"
    clue.refresh_from_db()
    assert clue.status == ClueStatus.CONCLUDED


def test_the_stage_deadlines_come_from_settings():
    person = supervisor()
    with override_settings(ZHENGWU={**settings.ZHENGWU, "SUPERVISION_CLUE_DEADLINES": {"registered": 3}}):
        clue = complaint(person, when="2024-04-01 09:00")
    assert clue.due_at == calendar.deadline(start=at("2024-04-01 09:00"), working_days=3)


def test_rectification_rate_counts_verified_rectifications_over_substantiated_clues():
    person = supervisor()
    project = tender_with_bidders()[0].project
    for n in range(2):
        clue = complaint(person, project=project)
        services.clue_transition(actor=person, clue=clue.pk, action="investigate", reason="核查")
        services.clue_conclude(actor=person, clue=clue.pk, substantiated=True, decision="属实")
        services.clue_transition(actor=person, clue=clue.pk, action="require_rectification", reason="整改")
        if n == 0:
            services.clue_transition(actor=person, clue=clue.pk, action="verify", reason="已整改")
    assert selectors.clue_statistics(user=person)["rectification_rate"] == 0.5


def test_an_enterprise_user_may_not_register_a_clue():
    tender, regs = tender_with_bidders()
    with pytest.raises(Forbidden):
        services.clue_register(actor=enterprise_user(regs[0].enterprise), source=ClueSource.COMPLAINT,
                               source_reference="x", description="举报", project=tender.project)


def test_the_sweep_reminds_before_and_on_overdue_once_each():
    person = supervisor()
    clue = complaint(person, when="2024-04-01 09:00")
    assert clue_reminders_send(now=at("2024-04-02 09:00")) == 0
    warning = clue.warn_at
    assert clue_reminders_send(now=warning) == 1
    assert clue_reminders_send(now=warning) == 0
    late = at("2024-05-06 09:00")
    assert late > clue.due_at
    assert clue_reminders_send(now=late) == 1
    assert clue_reminders_send(now=late) == 0
    stages = set(Reminder.objects.filter(kind="supervision.clue").values_list("stage", flat=True))
    assert stages == {"registered:before", "registered:overdue"}
    assert Notification.objects.filter(recipient=person).count() == 2
    assert [c.pk for c in selectors.clues_overdue(user=person, now=late)] == [clue.pk]


def test_the_next_stage_is_reminded_again_after_a_move():
    person = supervisor()
    clue = complaint(person, when="2024-04-01 09:00")
    clue_reminders_send(now=at("2024-05-06 09:00"))
    clue = services.clue_transition(actor=person, clue=clue.pk, action="investigate", reason="核查",
                                    now=at("2024-05-06 10:00"))
    assert clue_reminders_send(now=at("2024-05-06 11:00")) == 0
    assert clue_reminders_send(now=clue.due_at + (clue.due_at - clue.warn_at)) == 1
    assert Reminder.objects.filter(kind="supervision.clue", stage="investigated:overdue").count() == 1
    assert Reminder.objects.filter(kind="supervision.clue", stage="registered:overdue",
                                   answered_at__isnull=False).count() == 1
