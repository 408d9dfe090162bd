"""Who may do what in the financial services supermarket: granted to roles in one place.

* every enterprise user and the center's staff read the catalog (institutions and products on the shelf);
* an enterprise user applies for its own enterprise and reads its own applications (its data scope);
* the center administrator keeps the catalog, applies on an enterprise's behalf (``finance.apply_for_any``) and
  records the institutions' acts at the finance desk (受理、批准、不予批准、出具保函、放款: ``finance.process``);
* the center's leaders and supervisors read every application and the figures.
"""

from zhengwu.org.roles import Role, grant

CATALOG = ("finance.view_catalog",)

grant(Role.ENTERPRISE_USER, *CATALOG, "finance.view", "finance.apply")
grant(Role.CENTER_ADMIN, *CATALOG, "finance.view", "finance.apply", "finance.apply_for_any", "finance.process",
      "finance.manage_catalog", "finance.view_figures")
grant(Role.LEADER, *CATALOG, "finance.view", "finance.view_figures")
grant(Role.SUPERVISOR, *CATALOG, "finance.view", "finance.view_figures")
for role in (Role.WINDOW_CLERK, Role.INDICATOR_SPECIALIST, Role.DEPARTMENT_LEADER, Role.TRADING_STAFF):
    grant(role, *CATALOG)
