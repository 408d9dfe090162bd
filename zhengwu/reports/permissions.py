"""Who may do what with the work report, granted to roles in one place.

* the center's administrators, the leaders and the supervisors read figures, generate reports and download them;
* the center's administrators edit the sentence templates.
"""

from zhengwu.org.roles import Role, grant

VIEW = "reports.view"
MANAGE = "reports.manage"

grant(Role.CENTER_ADMIN, VIEW, MANAGE)
grant(Role.LEADER, VIEW)
grant(Role.SUPERVISOR, VIEW)
