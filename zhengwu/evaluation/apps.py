from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("政务服务能力评价")

    def ready(self) -> None:
        from zhengwu.evaluation import permissions, rollups, tasks  # noqa: F401  (grants, subscribers, jobs)
        from zhengwu.core.dashboard import register_panel
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.evaluation.views import ranking_panel

        group = _("能力评价")
        register(
            NavItem(_("指标看板"), "evaluation:dashboard", "evaluation.view", group=group, order=300),
            NavItem(_("指标跟踪"), "evaluation:desk", "evaluation.view_details", group=group, order=301),
            NavItem(_("晾晒"), "evaluation:publications", "evaluation.view", group=group, order=302),
            NavItem(_("评价建议"), "evaluation:suggestions", "evaluation.view", group=group, order=303),
            NavItem(_("评价方案"), "evaluation:schemes", "evaluation.view", group=group, order=304),
        )
        register_panel("evaluation.ranking", "evaluation/panels/_ranking.html", "evaluation.view", ranking_panel,
                       title=_("最新晾晒"), order=300)
