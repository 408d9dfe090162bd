from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengwu.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        from zhengwu.core import checks  # noqa: F401  (registers system checks)
        from zhengwu.core import pii  # noqa: F401  (grants core.unmask_personal_data)
