"""Who may do what in third-party information retrieval, granted to roles in one place.

* the center's administrators manage the catalog and the registered requesters;
* enterprise users of a registered requester ask (their data scope keeps them on their enterprise's requests);
* window clerks and department leaders answer the items of their department once consent is granted;
* citizens and enterprise users decide on requests about themselves and withdraw consent;
* supervisors, leaders and administrators read requests and figures, never the answers' content.
"""

from zhengwu.org.roles import Role, grant

VIEW = "retrieval.view"
MANAGE = "retrieval.manage"
REQUEST = "retrieval.request"
ANSWER = "retrieval.answer"
CONSENT = "retrieval.consent"

grant(Role.CENTER_ADMIN, VIEW, MANAGE)
grant(Role.SUPERVISOR, VIEW)
grant(Role.LEADER, VIEW)
grant(Role.DEPARTMENT_LEADER, VIEW, ANSWER)
grant(Role.WINDOW_CLERK, VIEW, ANSWER)
grant(Role.ENTERPRISE_USER, REQUEST, CONSENT)
grant(Role.CITIZEN, CONSENT)
