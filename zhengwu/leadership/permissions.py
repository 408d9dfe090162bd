"""Who may see the leadership dashboard and manage the plan targets: granted to roles in one place.

* the center's leaders and its administrators open the dashboard (驾驶舱) and the targets (a supervisor of
  tendering does not: the dashboard links to every area's lists, most of which are outside that role);
* the center's administrators add and edit the plan targets.
"""

from zhengwu.org.roles import Role, grant

VIEW = "leadership.view"
MANAGE = "leadership.manage"

grant(Role.LEADER, VIEW)
grant(Role.CENTER_ADMIN, VIEW, MANAGE)
