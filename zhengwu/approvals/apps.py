from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "zhengwu.approvals"
    label = "approvals"
    verbose_name = _("投资项目审批")
