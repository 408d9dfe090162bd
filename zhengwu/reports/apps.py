from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "zhengwu.reports"
    label = "reports"
    verbose_name = _("统计与工作报告")

    def ready(self) -> None:
        from zhengwu.reports import permissions, tasks  # noqa: F401  (grants, the generation job)
        from zhengwu.core.navigation import NavItem, register

        group = _("统计报告")
        register(
            NavItem(_("工作报告"), "reports:home", "reports.view", group=group, order=870),
            NavItem(_("报告模板"), "reports:templates", "reports.view", group=group, order=871),
        )
