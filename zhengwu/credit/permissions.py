"""Who may do what in credit: granted to roles in one place.

* read (``credit.view``): trading staff, supervisors, the center's leaders and administrator, department
  leaders — the behaviour records are shared across departments;
* rate experts (一标一评): the tendering party's enterprise users for their own projects (``credit.rate``),
  trading staff on its behalf for any project (``credit.rate_any``);
* penalty points and behaviour records: trading staff and supervisors.
"""

from zhengwu.org.roles import Role, grant

READERS = (Role.TRADING_STAFF, Role.SUPERVISOR, Role.LEADER, Role.CENTER_ADMIN, Role.DEPARTMENT_LEADER)
for role in READERS:
    grant(role, "credit.view")

grant(Role.ENTERPRISE_USER, "credit.rate")
grant(Role.TRADING_STAFF, "credit.rate", "credit.rate_any")
for role in (Role.TRADING_STAFF, Role.SUPERVISOR):
    grant(role, "credit.manage_penalties", "credit.manage_records")
