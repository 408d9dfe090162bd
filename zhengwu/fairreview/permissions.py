"""Who may do what in the fair competition review: granted to roles in one place.

* the trading center's staff draft the documents and run the review (they cannot keep their own findings);
* a supervisor reviews: runs the review, keeps a finding with a written reason, and maintains the rule list;
* the center administrator keeps findings and the rule list; the center's leaders read;
* the system administrator maintains the rule list in the Django admin.
"""

from zhengwu.org.roles import Role, grant

VIEW = "fairreview.view"
RUN = "fairreview.run_review"
ACCEPT = "fairreview.accept_finding"
MANAGE_RULES = "fairreview.manage_rules"

grant(Role.TRADING_STAFF, VIEW, RUN)
grant(Role.SUPERVISOR, VIEW, RUN, ACCEPT, MANAGE_RULES)
grant(Role.CENTER_ADMIN, VIEW, ACCEPT, MANAGE_RULES)
grant(Role.LEADER, VIEW)
grant(Role.SYSTEM_ADMIN, MANAGE_RULES, "fairreview.view_rule", "fairreview.add_rule", "fairreview.change_rule")
