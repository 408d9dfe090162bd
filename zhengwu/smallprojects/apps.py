from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmallprojectsConfig(AppConfig):
    name = "zhengwu.smallprojects"
    label = "smallprojects"
    verbose_name = _("限额以下工程")
