from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairreviewConfig(AppConfig):
    name = "zhengwu.fairreview"
    label = "fairreview"
    verbose_name = _("公平竞争审查")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.fairreview import permissions  # noqa: F401  (grants)
        from zhengwu.fairreview.services import check_publish
        from zhengwu.trading import hooks

        hooks.register(hooks.publish_checks, check_publish)
        group = _("招投标监管")
        register(
            NavItem(_("公平竞争审查"), "fairreview:index", "fairreview.view", group=group, order=510),
            NavItem(_("公平竞争审查规则"), "fairreview:rules", "fairreview.manage_rules", group=group, order=511),
        )
