from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhengwu.supervision"
    label = "supervision"
    verbose_name = _("招投标监管")

    def ready(self) -> None:
        from zhengwu.supervision import permissions  # noqa: F401  (grants)
