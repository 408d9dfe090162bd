from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "zhengwu.trading"
    label = "trading"
    verbose_name = _("公共资源交易")

    def ready(self) -> None:
        from zhengwu.trading import permissions, system_checks, tasks  # noqa: F401  (grants, checks, sweeps)
