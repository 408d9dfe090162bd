from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectserviceConfig(AppConfig):
    name = "zhengwu.projectservice"
    label = "projectservice"
    verbose_name = _("项目服务")
