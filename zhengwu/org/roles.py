"""Roles (DOMAIN.md §0) and what each may do.

A user holds exactly one role, so the three administrator roles of §14
(system, security, audit) can never be held together by one account.
Permissions are strings ``"<app>.<verb>"``; each domain adds its own to
``ROLE_PERMISSIONS`` here, in one table, so a reviewer reads every grant in
one place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTER_ADMIN = "center_admin", _("中心管理员")
    INDICATOR_SPECIALIST = "indicator_specialist", _("指标专员")
    WINDOW_CLERK = "window_clerk", _("窗口人员")
    DEPARTMENT_LEADER = "department_leader", _("部门负责人")
    TOWNSHIP_STAFF = "township_staff", _("乡镇(街道)工作人员")
    VILLAGE_AGENT = "village_agent", _("村(社)代办员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    CITIZEN = "citizen", _("办事群众")
    TRADING_STAFF = "trading_staff", _("交易中心工作人员")
    EXPERT = "expert", _("评标专家")
    INTERMEDIARY = "intermediary", _("中介机构")
    SUPERVISOR = "supervisor", _("监管人员")
    LEADER = "leader", _("中心领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


class ScopeKind(models.TextChoices):
    ALL = "all", _("全部")
    DEPARTMENT = "department", _("本部门")
    TOWNSHIP = "township", _("本乡镇(街道)")
    VILLAGE = "village", _("本村(社区)")
    ENTERPRISE = "enterprise", _("本企业")
    OWN = "own", _("本人")


# The scope each role gets unless an administrator narrows it.
DEFAULT_SCOPE: dict[str, str] = {
    Role.CENTER_ADMIN: ScopeKind.ALL,
    Role.INDICATOR_SPECIALIST: ScopeKind.ALL,
    Role.WINDOW_CLERK: ScopeKind.DEPARTMENT,
    Role.DEPARTMENT_LEADER: ScopeKind.DEPARTMENT,
    Role.TOWNSHIP_STAFF: ScopeKind.TOWNSHIP,
    Role.VILLAGE_AGENT: ScopeKind.VILLAGE,
    Role.ENTERPRISE_USER: ScopeKind.ENTERPRISE,
    Role.CITIZEN: ScopeKind.OWN,
    Role.TRADING_STAFF: ScopeKind.ALL,
    Role.EXPERT: ScopeKind.OWN,
    Role.INTERMEDIARY: ScopeKind.ENTERPRISE,
    Role.SUPERVISOR: ScopeKind.ALL,
    Role.LEADER: ScopeKind.ALL,
    Role.SYSTEM_ADMIN: ScopeKind.ALL,
    Role.SECURITY_ADMIN: ScopeKind.ALL,
    Role.AUDIT_ADMIN: ScopeKind.ALL,
}

STAFF_ROLES = frozenset({
    Role.CENTER_ADMIN, Role.INDICATOR_SPECIALIST, Role.WINDOW_CLERK, Role.DEPARTMENT_LEADER,
    Role.TOWNSHIP_STAFF, Role.VILLAGE_AGENT, Role.TRADING_STAFF, Role.SUPERVISOR, Role.LEADER,
    Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
})

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# role -> permissions. Domains extend this table as they arrive.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CENTER_ADMIN: frozenset({
        "core.view_dashboard", "core.manage_calendar", "org.view_org", "org.manage_org",
        "core.view_notifications",
    }),
    Role.INDICATOR_SPECIALIST: frozenset({"core.view_dashboard", "org.view_org", "core.view_notifications"}),
    Role.WINDOW_CLERK: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.DEPARTMENT_LEADER: frozenset({"core.view_dashboard", "org.view_org", "core.view_notifications"}),
    Role.TOWNSHIP_STAFF: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.VILLAGE_AGENT: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.ENTERPRISE_USER: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.CITIZEN: frozenset({"core.view_notifications"}),
    Role.TRADING_STAFF: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.EXPERT: frozenset({"core.view_notifications"}),
    Role.INTERMEDIARY: frozenset({"core.view_dashboard", "core.view_notifications"}),
    Role.SUPERVISOR: frozenset({"core.view_dashboard", "org.view_org", "core.view_notifications"}),
    Role.LEADER: frozenset({"core.view_dashboard", "org.view_org", "core.view_notifications"}),
    Role.SYSTEM_ADMIN: frozenset({
        "core.view_dashboard", "org.view_org", "org.manage_org", "core.manage_calendar",
        "core.view_notifications",
    }),
    Role.SECURITY_ADMIN: frozenset({"core.view_dashboard", "org.manage_accounts", "core.view_notifications"}),
    Role.AUDIT_ADMIN: frozenset({"core.view_audit", "core.verify_audit", "core.view_notifications"}),
}


def grant(role: str, *permissions: str) -> None:
    """Add permissions to a role (called by a domain app's ``ready``)."""
    ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS.get(role, frozenset()) | frozenset(permissions)


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
