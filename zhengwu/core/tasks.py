"""Thin periodic entry points: each binds a job context (for the audit trail) and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from zhengwu.core import context
from zhengwu.core.reminders import run_sweeps
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(minute="*/10"))
@lock_task("zhengwu-reminders-sweep")
def reminders_sweep() -> dict[str, int]:
    with context.outside_request("job:reminders_sweep"):
        return run_sweeps()


@once_per_tick
@db_periodic_task(crontab(hour="2", minute="30"))
@lock_task("zhengwu-audit-verify")
def audit_verify_nightly() -> str:
    from zhengwu.core import audit

    with context.outside_request("job:audit_verify"):
        result = audit.verify()
        if not result.ok:
            from zhengwu.core.reminders import reminder_send
            from zhengwu.org.models import User
            from zhengwu.org.roles import Role

            reminder_send(obj=("audit_chain", result.first_break.chain), kind="audit_broken",
                          stage=str(result.first_break.seq), level="red",
                          message=f"审计链校验失败:{result.first_break}",
                          recipients=User.objects.filter(role=Role.AUDIT_ADMIN, is_active=True))
        return "ok" if result.ok else str(result.first_break)


@db_task()
def export_run(job_id: int) -> str:
    """Write one queued export job's workbook (core/exports.py), updating its progress."""
    from zhengwu.core.exports import export_job_run

    with context.outside_request("job:export_run"):
        return export_job_run(job_id=job_id).status


@once_per_tick
@db_periodic_task(crontab(minute="17"))
@lock_task("zhengwu-exports-purge")
def exports_purge() -> int:
    """Delete the files of export jobs past their expiry (hourly)."""
    from zhengwu.core.exports import export_jobs_purge

    with context.outside_request("job:exports_purge"):
        return export_jobs_purge()


@once_per_tick
@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("zhengwu-partitions-ensure")
def partitions_ensure() -> str:
    """Create next years' partitions of the large tables and empty DEFAULT (daily; docs/partitioning.md)."""
    from django.db import connection

    from zhengwu.core import partitions

    if not partitions.supported(connection):
        return partitions.NOT_USED.format(vendor=connection.vendor)
    with context.outside_request("job:partitions_ensure"):
        created = partitions.ensure()
    return f"{len(created)} partitions created, {sum(c.moved for c in created)} rows moved from DEFAULT"
