from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectserviceConfig(AppConfig):
    name = "zhengwu.projectservice"
    label = "projectservice"
    verbose_name = _("项目服务")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.projectservice import permissions, tasks  # noqa: F401  (grants, the reminder sweep)

        group = _("投资项目审批")
        register(
            NavItem(_("项目服务"), "projectservice:projects", "projectservice.view", group=group, order=644),
            NavItem(_("服务团走访"), "projectservice:visits", "projectservice.view", group=group, order=645),
            NavItem(_("要素保障库"), "projectservice:factors", "projectservice.view", group=group, order=646),
            NavItem(_("项目服务统计"), "projectservice:figures", "projectservice.view", group=group, order=647),
        )
