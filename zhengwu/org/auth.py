"""Authentication backend: permissions come from the user's role (org/roles.py).

The system administrator additionally gets Django's model permissions on the
reference-data apps, which is what the Django admin asks for; no superuser is
needed to run the system.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend

from zhengwu.org.roles import Role, permissions_of

ADMIN_REFERENCE_APPS = {"org", "core", "cases", "reviews", "trading"}
_MODEL_PERM = re.compile(r"^(?P<app>\w+)\.(add|change|delete|view)_\w+$")


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(permissions_of(user_obj.role))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if perm in permissions_of(user_obj.role):
            return True
        if user_obj.role == Role.SYSTEM_ADMIN:
            match = _MODEL_PERM.match(perm)
            return bool(match and match.group("app") in ADMIN_REFERENCE_APPS and perm != "core.delete_auditevent")
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return user_obj.is_active and user_obj.role == Role.SYSTEM_ADMIN and app_label in ADMIN_REFERENCE_APPS
