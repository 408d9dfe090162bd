from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhengwu.supervision"
    label = "supervision"
    verbose_name = _("招投标监管")

    def ready(self) -> None:
        from zhengwu.supervision import permissions, tasks  # noqa: F401  (grants, sweeps)
        from zhengwu.core.navigation import NavItem, register

        group = _("招投标监管")
        register(
            NavItem(_("监管工作台"), "supervision:workspace", "supervision.view", group=group, order=500),
            NavItem(_("预警"), "supervision:flags", "supervision.view", group=group, order=501),
            NavItem(_("违规线索"), "supervision:clues", "supervision.view", group=group, order=502),
            NavItem(_("专项排查"), "supervision:campaigns", "supervision.view", group=group, order=503),
            NavItem(_("监管统计"), "supervision:statistics", "supervision.view", group=group, order=504),
        )
