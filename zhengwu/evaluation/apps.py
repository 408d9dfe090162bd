from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("政务服务能力评价")

    def ready(self) -> None:
        from zhengwu.evaluation import permissions, rollups, tasks  # noqa: F401  (grants, subscribers, jobs)
