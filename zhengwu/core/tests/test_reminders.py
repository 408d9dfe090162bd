"""Reminders are sent once per (object, kind, stage), however often the sweep runs."""

from __future__ import annotations

import pytest

from zhengwu.core.models import Notification, Reminder
from zhengwu.core import reminders
from zhengwu.core.reminders import (
    notification_mark_read,
    notifications_for,
    register_sweep,
    reminder_mark_answered,
    reminder_send,
    run_sweeps,
)
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return make_user(role=Role.WINDOW_CLERK, department=make_department())


def test_sending_the_same_reminder_twice_notifies_once(clerk):
    first = reminder_send(obj=("case", 1), kind="deadline", stage="yellow", message="办件即将超期",
                          recipients=[clerk])
    second = reminder_send(obj=("case", 1), kind="deadline", stage="yellow", message="办件即将超期",
                           recipients=[clerk])
    assert (first.created, second.created) == (True, False)
    assert first.reminder.pk == second.reminder.pk
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(recipient=clerk).count() == 1


def test_a_new_stage_of_the_same_object_is_a_new_reminder(clerk):
    reminder_send(obj=("case", 1), kind="deadline", stage="yellow", message="黄色预警", recipients=[clerk])
    reminder_send(obj=("case", 1), kind="deadline", stage="red", message="红色预警", recipients=[clerk], level="red")
    assert list(Reminder.objects.order_by("id").values_list("stage", flat=True)) == ["yellow", "red"]
    assert notifications_for(clerk).count() == 2


def test_a_recipient_listed_twice_gets_one_notification(clerk):
    reminder_send(obj=("case", 2), kind="deadline", stage="yellow", message="提醒", recipients=[clerk, clerk])
    assert Notification.objects.filter(recipient=clerk).count() == 1


def test_a_sweep_run_twice_sends_nothing_the_second_time(clerk):
    @register_sweep("test.sweep")
    def sweep(now):
        return sum(reminder_send(obj=("case", i), kind="deadline", stage="red", message=f"办件{i}超期",
                                 recipients=[clerk]).created for i in range(5))

    try:
        first = run_sweeps()
        second = run_sweeps()
    finally:
        reminders._SWEEPS.pop("test.sweep", None)
    assert "test.sweep" not in reminders.sweeps()
    assert first["test.sweep"] == 5
    assert second["test.sweep"] == 0
    assert Notification.objects.filter(recipient=clerk).count() == 5


def test_marking_answered_and_read(clerk):
    reminder_send(obj=("case", 3), kind="deadline", stage="yellow", message="提醒", recipients=[clerk])
    assert reminder_mark_answered(obj=("case", 3), kind="deadline") == 1
    assert Reminder.objects.get().answered_at is not None
    assert notification_mark_read(user=clerk) == 1
    assert notifications_for(clerk, unread_only=True).count() == 0


def test_the_periodic_job_runs_the_sweeps_and_audits_with_the_job_origin(clerk):
    from zhengwu.core.models import AuditEvent
    from zhengwu.core.tasks import reminders_sweep

    @register_sweep("test.job")
    def sweep(now):
        return int(reminder_send(obj=("case", 42), kind="deadline", stage="red", message="超期",
                                 recipients=[clerk]).created)

    try:
        first = reminders_sweep.call_local()
        second = reminders_sweep.call_local()
    finally:
        reminders._SWEEPS.pop("test.job", None)
    assert (first["test.job"], second["test.job"]) == (1, 0)
    event = AuditEvent.objects.get(action="reminder.send", object_id="42")
    assert event.origin == "job:reminders_sweep"


def test_the_worker_command_is_available():
    from django.core.management import get_commands

    assert get_commands()["worker"] == "zhengwu.core"


@pytest.mark.parametrize(("answered", "in_time"), [("2024-03-04 16:00", True), ("2024-03-05 09:00", False)])
def test_a_reminder_is_answered_in_time_within_one_working_day(clerk, answered, in_time):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    reminder_send(obj=("case", 5), kind="deadline", stage="red", message="超期", recipients=[clerk])
    Reminder.objects.update(created_at=datetime(2024, 3, 1, 10, 0, tzinfo=shanghai))  # a Friday
    at = datetime.strptime(answered, "%Y-%m-%d %H:%M").replace(tzinfo=shanghai)
    assert reminder_mark_answered(obj=("case", 5), kind="deadline", at=at) == 1
    assert Reminder.objects.get().answered_in_time is in_time
