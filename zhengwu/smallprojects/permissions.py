"""Who may do what with small projects below the limit: granted to roles in one place.

* township staff register the projects of their township and its villages and record their contract, change
  orders, payments and acceptance (their data scope keeps them to their township);
* supervisors read every project, the alerts and the figures, and run the alerts (they decide the alerts in
  the supervision screens);
* the center's leaders and administrators read.
"""

from zhengwu.org.roles import Role, grant

VIEW = ("smallprojects.view",)

grant(Role.TOWNSHIP_STAFF, *VIEW, "smallprojects.record")
grant(Role.SUPERVISOR, *VIEW, "smallprojects.run_alerts")
grant(Role.LEADER, *VIEW)
grant(Role.CENTER_ADMIN, *VIEW)
