"""Authentication backend: permissions come from the user's role (org/roles.py).

The system administrator additionally gets Django's model permissions on the
reference-data apps, which is what the Django admin asks for; no superuser is
needed to run the system. Separation of duties (DOMAIN.md §14): the accounts are
the security administrator's (``org.user`` in the admin; the system administrator
may only list them) and the audit trail the audit administrator's
(``core.view_auditevent``, read only; the system administrator gets none of it). Groups and per-user permissions grant nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from zhengwu.org.roles import Role, permissions_of

ADMIN_REFERENCE_APPS = {"org", "core", "cases", "reviews", "trading"}
_MODEL_PERM = re.compile(r"^(?P<app>\w+)\.(?P<action>add|change|delete|view)_(?P<model>\w+)$")
#: models of the reference apps the system administrator does not administer: the audit trail, and the accounts
#: (which the system administrator may list, read only, but not change)
NOT_SYSTEM_ADMIN_MODELS = {"core.auditevent", "core.auditchain", "core.apitoken"}
SYSTEM_ADMIN_READ_ONLY_MODELS = {"org.user"}
#: Django model permissions of the security and the audit administrator, for the admin screens
ROLE_MODEL_PERMISSIONS: dict[str, frozenset[str]] = {
    # the accounts, and the users' TOTP devices (a lost phone: delete the device, the user enrols again)
    Role.SECURITY_ADMIN: frozenset({"org.view_user", "org.change_user", "otp_totp.view_totpdevice",
                                    "otp_totp.delete_totpdevice"}),
    Role.AUDIT_ADMIN: frozenset({"core.view_auditevent"}),
}


def _system_admin_model_perm(perm: str) -> bool:
    """A real model permission on a reference app, outside the accounts and the audit trail."""
    match = _MODEL_PERM.match(perm)
    if not match or match.group("app") not in ADMIN_REFERENCE_APPS:
        return False
    label = f"{match.group('app')}.{match.group('model')}"
    if label in NOT_SYSTEM_ADMIN_MODELS:
        return False
    if label in SYSTEM_ADMIN_READ_ONLY_MODELS and match.group("action") != "view":
        return False
    try:
        apps.get_model(match.group("app"), match.group("model"))
    except LookupError:
        return False
    return True


class RoleBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """An inactive user never; a superuser only where ``ZHENGWU["ALLOW_SUPERUSER"]`` (off in production: the
        roles run the system, docs/accounts.md). Refused at login and for an existing session alike."""
        if getattr(user, "is_superuser", False) and not settings.ZHENGWU.get("ALLOW_SUPERUSER", False):
            return False
        return super().user_can_authenticate(user)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(permissions_of(user_obj.role)) | set(ROLE_MODEL_PERMISSIONS.get(user_obj.role, ()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if perm in permissions_of(user_obj.role) or perm in ROLE_MODEL_PERMISSIONS.get(user_obj.role, ()):
            return True
        if user_obj.role == Role.SYSTEM_ADMIN:
            return _system_admin_model_perm(perm)
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if user_obj.role == Role.SYSTEM_ADMIN:
            return app_label in ADMIN_REFERENCE_APPS
        return any(p.startswith(f"{app_label}.") for p in ROLE_MODEL_PERMISSIONS.get(user_obj.role, ()))
