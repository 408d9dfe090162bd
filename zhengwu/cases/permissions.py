"""Who may do what with cases: granted to roles in one place."""

from zhengwu.org.roles import Role, grant

HANDLE = ("cases.view", "cases.receive", "cases.accept", "cases.refuse", "cases.request_supplement",
          "cases.supplement_arrived", "cases.start", "cases.suspend", "cases.resume", "cases.approve",
          "cases.deny", "cases.withdraw")

grant(Role.WINDOW_CLERK, *HANDLE)
grant(Role.DEPARTMENT_LEADER, *HANDLE, "cases.view_department")
grant(Role.TOWNSHIP_STAFF, *HANDLE)
grant(Role.VILLAGE_AGENT, "cases.view", "cases.receive", "cases.withdraw")
grant(Role.CENTER_ADMIN, "cases.view", "cases.manage_items", "cases.import", "cases.view_department")
grant(Role.INDICATOR_SPECIALIST, "cases.view", "cases.import", "cases.view_department")
grant(Role.LEADER, "cases.view", "cases.view_department")
grant(Role.SUPERVISOR, "cases.view")
grant(Role.SYSTEM_ADMIN, "cases.manage_items")
grant(Role.ENTERPRISE_USER, "cases.view", "cases.withdraw")
grant(Role.CITIZEN, "cases.view", "cases.withdraw")
