from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmallprojectsConfig(AppConfig):
    name = "zhengwu.smallprojects"
    label = "smallprojects"
    verbose_name = _("限额以下工程")

    def ready(self) -> None:
        from zhengwu.smallprojects import permissions, tasks  # noqa: F401  (grants, the daily alerts)
        from zhengwu.core.navigation import NavItem, register

        group = _("招投标监管")
        register(
            NavItem(_("限额以下工程"), "smallprojects:list", "smallprojects.view", group=group, order=520),
            NavItem(_("限额以下工程统计"), "smallprojects:figures", "smallprojects.view", group=group, order=521),
        )
