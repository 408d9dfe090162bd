from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "zhengwu.finance"
    label = "finance"
    verbose_name = _("金融服务超市")

    def ready(self) -> None:
        from zhengwu.finance import permissions  # noqa: F401  (grants)
        from zhengwu.core.navigation import NavItem, register

        group = _("企业服务")
        register(
            NavItem(_("金融产品超市"), "finance:catalog", "finance.view_catalog", group=group, order=620),
            NavItem(_("金融服务申请"), "finance:applications", "finance.view", group=group, order=621),
            NavItem(_("金融服务统计"), "finance:figures", "finance.view_figures", group=group, order=622),
        )
