"""Who may see the leadership dashboard and manage the plan targets: granted to roles in one place.

* the center's leaders, its administrators and the supervisors open the dashboard (驾驶舱) and the targets;
* the center's administrators add and edit the plan targets.
"""

from zhengwu.org.roles import Role, grant

VIEW = "leadership.view"
MANAGE = "leadership.manage"

grant(Role.LEADER, VIEW)
grant(Role.SUPERVISOR, VIEW)
grant(Role.CENTER_ADMIN, VIEW, MANAGE)
