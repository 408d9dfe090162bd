from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    name = "zhengwu.leadership"
    label = "leadership"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.leadership import permissions, tasks  # noqa: F401  (grants, the warming job)

        group = _("领导驾驶舱")
        register(
            NavItem(_("领导驾驶舱"), "leadership:dashboard", permissions.VIEW, group=group, order=50),
            NavItem(_("年度工作目标"), "leadership:targets", permissions.VIEW, group=group, order=51),
        )
