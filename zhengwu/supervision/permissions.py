"""Who may do what in supervision: granted to roles in one place.

* a supervisor reads everything in supervision and decides flags, runs inspections (``inspect``) and handles
  clues (``handle_clue``);
* the center's leaders read.
"""

from zhengwu.org.roles import Role, grant

VIEW = ("supervision.view",)
RUN = ("supervision.decide_flag", "supervision.run_detection", "supervision.inspect", "supervision.handle_clue")

grant(Role.SUPERVISOR, *VIEW, *RUN)
grant(Role.LEADER, *VIEW)
grant(Role.CENTER_ADMIN, *VIEW)
