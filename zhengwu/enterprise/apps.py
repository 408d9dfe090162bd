from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "zhengwu.enterprise"
    label = "enterprise"
    verbose_name = _("企业综合服务中心")
