from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairreviewConfig(AppConfig):
    name = "zhengwu.fairreview"
    label = "fairreview"
    verbose_name = _("公平竞争审查")
