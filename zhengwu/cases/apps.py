from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = _("政务服务办件")

    def ready(self) -> None:
        from zhengwu.cases import permissions, tasks  # noqa: F401  (grants; sweeps)
