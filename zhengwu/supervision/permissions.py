"""Who may do what in supervision: granted to roles in one place.

* a supervisor reads everything in supervision and decides flags, runs inspections and clues;
* the center's leaders read.
"""

from zhengwu.org.roles import Role, grant

VIEW = ("supervision.view",)
RUN = ("supervision.decide_flag", "supervision.run_detection")

grant(Role.SUPERVISOR, *VIEW, *RUN)
grant(Role.LEADER, *VIEW)
grant(Role.CENTER_ADMIN, *VIEW)
