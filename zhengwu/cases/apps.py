from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = _("政务服务办件")

    def ready(self) -> None:
        from zhengwu.cases import permissions, tasks  # noqa: F401  (grants; sweeps)
        from zhengwu.cases.views import inbox_panel
        from zhengwu.core.dashboard import register_panel
        from zhengwu.core.navigation import NavItem, register

        group = _("政务服务")
        register(
            NavItem(_("待办办件"), "cases:inbox", "cases.view", group=group, order=200),
            NavItem(_("收件登记"), "cases:receive", "cases.receive", group=group, order=201),
            NavItem(_("办件查询"), "cases:list", "cases.view", group=group, order=202),
            NavItem(_("部门办件"), "cases:department", "cases.view_department", group=group, order=203),
        )

        register_panel("cases.inbox", "cases/panels/_inbox.html", "cases.view", inbox_panel,
                       title=_("我的待办办件"), order=100)
