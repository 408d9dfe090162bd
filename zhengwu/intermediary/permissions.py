"""Who may do what in the intermediary supermarket, granted to roles in one place.

* the center's administrators and department leaders manage agencies, the service list and the clean-up;
* project owners (enterprise users) post purchases, select, contract, complete and rate their own;
* agencies (intermediary users) answer purchases;
* supervisors and leaders read everything and the figures.
"""

from zhengwu.org.roles import Role, grant

VIEW = "intermediary.view"
MANAGE = "intermediary.manage"
PURCHASE = "intermediary.purchase"
ANSWER = "intermediary.answer"

grant(Role.CENTER_ADMIN, VIEW, MANAGE, PURCHASE)
grant(Role.DEPARTMENT_LEADER, VIEW, MANAGE)
grant(Role.ENTERPRISE_USER, VIEW, PURCHASE)
grant(Role.INTERMEDIARY, VIEW, ANSWER)
grant(Role.SUPERVISOR, VIEW)
grant(Role.LEADER, VIEW)
