"""Who may do what with investment project approvals: granted to roles in one place.

* enterprise users register their own projects and file combined applications for them (portal);
* window clerks register projects and file applications for enterprises at the window, and see the items of
  their department (the departments handle the cases in the cases app);
* the center's administrators define bundles and stage items and issue the combined approval documents;
* leaders, supervisors and township staff read (township staff: their township's projects).
"""

from zhengwu.org.roles import Role, grant

VIEW = ("approvals.view",)
FIGURES = ("approvals.view_figures",)

grant(Role.ENTERPRISE_USER, *VIEW, "approvals.register", "approvals.file")
grant(Role.WINDOW_CLERK, *VIEW, "approvals.register", "approvals.file")
grant(Role.DEPARTMENT_LEADER, *VIEW, *FIGURES)
grant(Role.CENTER_ADMIN, *VIEW, *FIGURES, "approvals.register", "approvals.file", "approvals.issue",
      "approvals.manage_bundles")
grant(Role.LEADER, *VIEW, *FIGURES)
grant(Role.SUPERVISOR, *VIEW, *FIGURES)
grant(Role.TOWNSHIP_STAFF, *VIEW)
