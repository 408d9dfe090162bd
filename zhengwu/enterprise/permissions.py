"""Who may do what in the enterprise service center: granted to roles in one place.

* the center's administrators are the center's staff: they receive, classify, route and supervise demands,
  convene consultations, enter service items into sections and assign liaison officers;
* window clerks receive demands at the hall (on behalf of an enterprise) and, like department leaders, answer
  the demands routed to their department (their data scope keeps them to it) and log their liaison visits;
* enterprise users raise, rate and reopen their own enterprise's demands;
* the center's leaders and supervisors read.
"""

from zhengwu.org.roles import Role, grant

VIEW = ("enterprise.view",)

grant(Role.CENTER_ADMIN, *VIEW, "enterprise.raise", "enterprise.handle", "enterprise.answer", "enterprise.reopen",
      "enterprise.manage", "enterprise.liaison")
grant(Role.WINDOW_CLERK, *VIEW, "enterprise.raise", "enterprise.answer", "enterprise.liaison")
grant(Role.DEPARTMENT_LEADER, *VIEW, "enterprise.answer", "enterprise.liaison")
grant(Role.TOWNSHIP_STAFF, "enterprise.raise", "enterprise.liaison")
grant(Role.ENTERPRISE_USER, "enterprise.raise", "enterprise.rate", "enterprise.reopen", "enterprise.portal")
grant(Role.LEADER, *VIEW)
grant(Role.SUPERVISOR, *VIEW)
