from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "zhengwu.enterprise"
    label = "enterprise"
    verbose_name = _("企业综合服务中心")

    def ready(self) -> None:
        from zhengwu.enterprise import permissions, tasks  # noqa: F401  (grants, the sweep)
        from zhengwu.core.navigation import NavItem, register

        group = _("企业服务")
        register(
            NavItem(_("诉求工作台"), "enterprise:workspace", "enterprise.handle", group=group, order=600),
            NavItem(_("部门待办诉求"), "enterprise:inbox", "enterprise.answer", group=group, order=601),
            NavItem(_("诉求统计"), "enterprise:figures", "enterprise.view", group=group, order=602),
            NavItem(_("板块与事项入驻"), "enterprise:coverage", "enterprise.view", group=group, order=603),
            NavItem(_("驻企员走访"), "enterprise:liaison", "enterprise.liaison", group=group, order=604),
            NavItem(_("企业服务门户"), "enterprise:portal", "enterprise.portal", group=group, order=605),
        )
