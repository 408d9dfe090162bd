"""Who may do what with project services: granted to roles in one place.

* the center's administrators (the investment project service zone) assign agents, record the service
  team's visits and follow-ups and the factor needs (``projectservice.manage``), and read everything;
* window clerks can be agents (``projectservice.act``): they record the items they handle on the projects
  assigned to them, which are the projects they see;
* the center's leaders and supervisors read everything; township staff read their township's projects;
* enterprise users read the support of their own projects (scope: the investor enterprise).
"""

from zhengwu.org.roles import Role, grant

VIEW = "projectservice.view"
MANAGE = "projectservice.manage"
ACT = "projectservice.act"

grant(Role.CENTER_ADMIN, VIEW, MANAGE)
grant(Role.WINDOW_CLERK, VIEW, ACT)
grant(Role.LEADER, VIEW)
grant(Role.SUPERVISOR, VIEW)
grant(Role.TOWNSHIP_STAFF, VIEW)
grant(Role.ENTERPRISE_USER, VIEW)
