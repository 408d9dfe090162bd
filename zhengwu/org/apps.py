from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhengwu.org"
    label = "org"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from zhengwu.org import accounts, checks  # noqa: F401  (signal receivers, system checks)

        accounts.connect_signals()
