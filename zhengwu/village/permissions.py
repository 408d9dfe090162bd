"""Who may do what with village-level service: granted to roles in one place.

* the center's administrators manage stations, agents, trainings and inspections everywhere and run the star
  rating; township staff manage those of their township (their data scope keeps them there);
* the center's leaders read everything; a village agent reads their own village's station and record.
"""

from zhengwu.org.roles import Role, grant

VIEW = "village.view"
MANAGE = "village.manage"
RATE = "village.rate"

grant(Role.CENTER_ADMIN, VIEW, MANAGE, RATE)
grant(Role.TOWNSHIP_STAFF, VIEW, MANAGE)
grant(Role.LEADER, VIEW)
grant(Role.VILLAGE_AGENT, VIEW, "village.agent_workspace")
