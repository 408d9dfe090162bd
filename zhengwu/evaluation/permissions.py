from zhengwu.org.roles import Role, grant

grant(Role.CENTER_ADMIN, "evaluation.view", "evaluation.view_details", "evaluation.manage_schemes",
      "evaluation.publish", "evaluation.decide_suggestion", "evaluation.remind")
grant(Role.INDICATOR_SPECIALIST, "evaluation.view", "evaluation.view_details", "evaluation.publish",
      "evaluation.remind", "evaluation.decide_suggestion")
grant(Role.LEADER, "evaluation.view", "evaluation.view_details")
grant(Role.DEPARTMENT_LEADER, "evaluation.view", "evaluation.view_details", "evaluation.suggest")
grant(Role.WINDOW_CLERK, "evaluation.view")
grant(Role.TOWNSHIP_STAFF, "evaluation.view", "evaluation.suggest")
grant(Role.SUPERVISOR, "evaluation.view")
