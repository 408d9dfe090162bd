from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetrievalConfig(AppConfig):
    name = "zhengwu.retrieval"
    label = "retrieval"
    verbose_name = _("第三方信息调取")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from zhengwu.core.navigation import NavItem, register
        from zhengwu.retrieval import permissions, tasks  # noqa: F401  (grants, the sweep)
        from zhengwu.retrieval.external import check_simulator_in_production

        register_check(check_simulator_in_production)

        group = _("信息调取")
        register(
            NavItem(_("调取申请"), "retrieval:requests", "retrieval.request", group=group, order=800),
            NavItem(_("部门待办"), "retrieval:inbox", "retrieval.answer", group=group, order=801),
            NavItem(_("我的授权"), "retrieval:mine", "retrieval.consent", group=group, order=802),
            NavItem(_("事项目录"), "retrieval:catalog", "retrieval.view", group=group, order=803),
            NavItem(_("申请单位"), "retrieval:requesters", "retrieval.manage", group=group, order=804),
            NavItem(_("调取统计"), "retrieval:figures", "retrieval.view", group=group, order=805),
            NavItem(_("答复核验"), "retrieval:verify", None, group=group, order=806),
        )
