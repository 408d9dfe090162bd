from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntermediaryConfig(AppConfig):
    name = "zhengwu.intermediary"
    label = "intermediary"
    verbose_name = _("网上中介超市")
