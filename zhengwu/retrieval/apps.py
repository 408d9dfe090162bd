from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetrievalConfig(AppConfig):
    name = "zhengwu.retrieval"
    label = "retrieval"
    verbose_name = _("第三方信息调取")
