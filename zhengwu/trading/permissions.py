"""Who may do what in public resource trading: granted to roles in one place.

* trading center staff run everything (every row is in their scope);
* a supervisor reads everything and changes nothing; so does the center's leader (the leadership dashboard links
  to the trading figures and sessions);
* an enterprise user registers its own enterprise as a bidder, raises objections in its own name,
  and sees its own registrations, deposits and objections (never another bidder's: the names and
  the number of potential bidders are confidential before the opening, 招标投标法 §22);
* the center administrator keeps the rule table (and the system administrator, in the Django admin).
"""

from zhengwu.org.roles import Role, grant

VIEW = ("trading.view", "trading.view_rules")
RUN = ("trading.manage_projects", "trading.manage_tenders", "trading.publish_tender", "trading.amend_tender",
       "trading.clarify_tender", "trading.open_tender", "trading.fail_tender", "trading.register_bidder",
       "trading.register_any_bidder", "trading.record_objection", "trading.answer_objection",
       "trading.record_deposit", "trading.refund_deposit", "trading.record_contract", "trading.cleanup_deposits",
       "trading.hold_opening_key")

grant(Role.TRADING_STAFF, *VIEW, *RUN)
grant(Role.SUPERVISOR, *VIEW)
grant(Role.ENTERPRISE_USER, "trading.view", "trading.register_bidder", "trading.submit_objection",
      "trading.submit_bid")
grant(Role.CENTER_ADMIN, *VIEW, "trading.manage_rules")
grant(Role.SYSTEM_ADMIN, "trading.view_rules", "trading.manage_rules")  # the rule table in the Django admin

# experts and the draw (part 3): staff keep the expert database and draw; supervisors read draws
EXPERTS_RUN = ("trading.manage_experts", "trading.draw_experts")
grant(Role.TRADING_STAFF, "trading.view_experts", *EXPERTS_RUN)
grant(Role.SUPERVISOR, "trading.view_experts")

# evaluation, publicity and award (part 4): staff record the committee's work and the award
EVALUATION_RUN = ("trading.evaluate", "trading.publish_candidates", "trading.answer_candidate_objection",
                  "trading.award")
grant(Role.TRADING_STAFF, *EVALUATION_RUN)

# the web screens: the staff workspace is read by staff, supervisors and the center (who act only where they
# hold the action's own permission); an expert scores, through its own account (Expert.user), the bids of the
# committees it serves on, and nothing else (services_experts.require_scorer)
grant(Role.TRADING_STAFF, "trading.view_workspace")
grant(Role.SUPERVISOR, "trading.view_workspace")
grant(Role.CENTER_ADMIN, "trading.view_workspace")
grant(Role.EXPERT, "trading.score_bids")
grant(Role.LEADER, *VIEW, "trading.view_experts", "trading.view_workspace")
