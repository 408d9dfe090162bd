from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "zhengwu.reviews"
    label = "reviews"
    verbose_name = _("政务服务好差评")

    def ready(self) -> None:
        from zhengwu.core.navigation import NavItem, register
        from zhengwu.reviews import permissions, tasks  # noqa: F401  (grants; sweeps)

        register(
            NavItem(_("好差评"), "reviews:list", "reviews.view", group=_("政务服务"), order=210),
            NavItem(_("差评处置"), "reviews:bad_list", "reviews.view_bad", group=_("政务服务"), order=220),
        )
