from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "zhengwu.credit"
    label = "credit"
    verbose_name = _("信用管理")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.credit import hooks as credit_hooks
        from zhengwu.credit import permissions  # noqa: F401  (grants)
        from zhengwu.trading import hooks

        hooks.register(hooks.bidder_checks, credit_hooks.bidder_check)
        hooks.register(hooks.expert_exclusions, credit_hooks.expert_exclusion)

        group = _("信用管理")
        register(
            NavItem(_("专家信用"), "credit:experts", "credit.view", group=group, order=460),
            NavItem(_("专家评价(一标一评)"), "credit:ratings", "credit.rate", group=group, order=461),
            NavItem(_("考核扣分"), "credit:penalties", "credit.view", group=group, order=462),
            NavItem(_("市场主体行为记录"), "credit:records", "credit.view", group=group, order=463),
        )
