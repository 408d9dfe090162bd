from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "zhengwu.approvals"
    label = "approvals"
    verbose_name = _("投资项目审批")

    def ready(self) -> None:
        from zhengwu.approvals import fanin, permissions, tasks  # noqa: F401  (fan-in subscriber, grants, job)
        from zhengwu.core.navigation import NavItem, register

        group = _("投资项目审批")
        register(
            NavItem(_("投资项目"), "approvals:projects", "approvals.view", group=group, order=640),
            NavItem(_("部门待办事项"), "approvals:inbox", "approvals.view", group=group, order=641),
            NavItem(_("审批提速统计"), "approvals:figures", "approvals.view_figures", group=group, order=642),
            NavItem(_("多合一申请"), "approvals:portal", "approvals.file", group=group, order=643),
        )
