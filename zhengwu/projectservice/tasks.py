"""The reminders of project services, registered with the core reminders job (``reminders_sweep`` runs every
registered sweep): an issue of the service team past its follow-up deadline reminds its owner; a factor need
past its promised connection date reminds who registered it. Each reminder has a unique key (the object, the
kind, the stage), so running the sweep twice sends nothing twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhengwu.core.reminders import register_sweep, reminder_send


def followups_remind(*, now: dt.datetime | None = None) -> int:
    from zhengwu.projectservice.models import VisitIssue

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for issue in VisitIssue.objects.filter(followed_up_on__isnull=True, due_on__lt=today).select_related(
            "owner", "visit"):
        result = reminder_send(obj=issue, kind="projectservice.followup", stage="overdue",
                               message=f"服务团走访问题已超过跟进期限({issue.due_on}):{issue.description}",
                               recipients=[issue.owner], level="red", url=f"/projectservice/issues/{issue.pk}/",
                               department=issue.owner.department_id)
        sent += int(result.created)
    return sent


def connections_remind(*, now: dt.datetime | None = None) -> int:
    from zhengwu.projectservice.choices import FactorStatus
    from zhengwu.projectservice.models import FactorNeed

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    needs = (FactorNeed.objects.filter(promised_on__lt=today, recorded_by__isnull=False)
             .exclude(status=FactorStatus.CONNECTED).select_related("project", "recorded_by"))
    for need in needs:
        result = reminder_send(obj=need, kind="projectservice.connection", stage=f"overdue:{need.promised_on}",
                               message=f"{need.project.name}{need.get_kind_display()}已超过承诺接入日期({need.promised_on})",
                               recipients=[need.recorded_by], level="yellow",
                               url=f"/projectservice/projects/{need.project_id}/")
        sent += int(result.created)
    return sent


@register_sweep("projectservice.overdue")
def projectservice_sweep(now: dt.datetime) -> int:
    return followups_remind(now=now) + connections_remind(now=now)
