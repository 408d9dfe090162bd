"""System checks for the accounts (DOMAIN.md §14: no default accounts; docs/accounts.md).

In production (``ZHENGWU_PRODUCTION=1``) each finding is an Error: the demo's accounts (made by the demo generator,
or still holding a demo password), a superuser named like a default account (admin, administrator, root), and —
where ``ZHENGWU["ALLOW_SUPERUSER"]`` is off — any active superuser. Elsewhere (the demo, development) they are
allowed and nothing is reported."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import Error, register
from django.db import DatabaseError

DEFAULT_ADMIN_NAMES = ("admin", "administrator", "root")
#: at most this many accounts have their password tried against the demo passwords (hashing is slow on purpose)
PASSWORD_PROBE_LIMIT = 200


def known_demo_passwords() -> tuple[str, ...]:
    """The passwords the demo generators give their accounts."""
    from zhengwu.enterprise.demo import PASSWORD as ENTERPRISE_DEMO_PASSWORD
    from zhengwu.org.demo import DEMO_PASSWORD

    return tuple(dict.fromkeys([DEMO_PASSWORD, ENTERPRISE_DEMO_PASSWORD]))


def default_account_findings() -> list[tuple[str, str]]:
    """``(check id, message)`` for every default or demo account found in the database."""
    from django.db.models import Q

    from zhengwu.core.models import AuditEvent
    from zhengwu.org.models import User
    from zhengwu.org.roles import ADMIN_ROLES

    findings: list[tuple[str, str]] = []
    active = User.objects.filter(is_active=True)
    demo_ids = set(AuditEvent.objects.filter(action="user.create", actor_label="demo", object_type="org.user")
                   .values_list("object_id", flat=True))
    demo_users = sorted(u for u in active.filter(pk__in=[int(i) for i in demo_ids if i.isdigit()])
                        .values_list("username", flat=True))
    if demo_users:
        findings.append(("org.E001", f"{len(demo_users)} demo account(s) exist: {', '.join(demo_users[:10])}"))
    defaults = list(active.filter(is_superuser=True, username__in=DEFAULT_ADMIN_NAMES)
                    .values_list("username", flat=True))
    if defaults:
        findings.append(("org.E002", f"default superuser account(s): {', '.join(defaults)}"))
    if not settings.ZHENGWU.get("ALLOW_SUPERUSER", False):
        supers = list(active.filter(is_superuser=True).values_list("username", flat=True)[:10])
        if supers:
            findings.append(("org.E003", f"superuser account(s) while ZHENGWU_ALLOW_SUPERUSER is off: "
                                         f"{', '.join(supers)}"))
    # "!" starts Django's unusable-password marker (no password can match it), not a password (bandit B106)
    unusable = "!"
    probe = active.filter(Q(is_superuser=True) | Q(is_staff=True) | Q(role__in=ADMIN_ROLES)
                          | Q(username__in=DEFAULT_ADMIN_NAMES)).exclude(password__startswith=unusable)
    known = known_demo_passwords()
    weak = [u.username for u in probe.order_by("pk")[:PASSWORD_PROBE_LIMIT]
            if any(check_password(p, u.password) for p in known)]
    if weak:
        findings.append(("org.E004", f"account(s) with a demo password: {', '.join(weak[:10])}"))
    return findings


@register()
def check_default_accounts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    try:
        findings = default_account_findings()
    except DatabaseError:  # no tables yet (before the first migrate)
        return []
    hint = "Disable or remove these accounts; accounts are created through org.services (docs/accounts.md)."
    return [Error(message, hint=hint, id=check_id) for check_id, message in findings]
