from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageConfig(AppConfig):
    name = "zhengwu.village"
    label = "village"
    verbose_name = _("办事不出村")
