from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntermediaryConfig(AppConfig):
    name = "zhengwu.intermediary"
    label = "intermediary"
    verbose_name = _("网上中介超市")

    def ready(self) -> None:
        from zhengwu.intermediary import permissions, tasks  # noqa: F401  (grants, the periodic review)
        from zhengwu.core.navigation import NavItem, register

        group = _("网上中介超市")
        register(
            NavItem(_("采购项目"), "intermediary:purchases", "intermediary.view", group=group, order=600),
            NavItem(_("中介机构"), "intermediary:agencies", "intermediary.view", group=group, order=601),
            NavItem(_("清理建议"), "intermediary:proposals", "intermediary.manage", group=group, order=602),
            NavItem(_("中介超市统计"), "intermediary:figures", "intermediary.view", group=group, order=603),
        )
