"""Thin periodic entry points: each binds a job context (for the audit trail) and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.reminders import run_sweeps


@db_periodic_task(crontab(minute="*/10"))
@lock_task("zhengwu-reminders-sweep")
def reminders_sweep() -> dict[str, int]:
    with context.outside_request("job:reminders_sweep"):
        return run_sweeps()


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
