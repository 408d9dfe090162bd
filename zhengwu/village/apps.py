from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageConfig(AppConfig):
    name = "zhengwu.village"
    label = "village"
    verbose_name = _("办事不出村")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.village import permissions  # noqa: F401  (grants)

        group = _("办事不出村")
        register(
            NavItem(_("代办工作台"), "village:workspace", "village.agent_workspace", group=group, order=699),
            NavItem(_("村级便民服务站"), "village:stations", "village.view", group=group, order=700),
            NavItem(_("代办员"), "village:agents", "village.view", group=group, order=701),
            NavItem(_("代办员培训"), "village:trainings", "village.view", group=group, order=702),
            NavItem(_("村级事项目录"), "village:directory", "village.view", group=group, order=703),
            NavItem(_("星级评定"), "village:ratings", "village.view", group=group, order=704),
        )
