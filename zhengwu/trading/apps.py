from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "zhengwu.trading"
    label = "trading"
    verbose_name = _("公共资源交易")

    def ready(self) -> None:
        from zhengwu.trading import permissions, system_checks, tasks  # noqa: F401  (grants, checks, sweeps)
        from zhengwu.core.navigation import NavItem, register

        # one entry for each kind of user who works in trading: the center's staff (and the readers),
        # the bidders, the experts; each sees only its own
        group = _("公共资源交易")
        register(
            NavItem(_("交易项目"), "trading:projects", "trading.view_workspace", group=group, order=400),
            NavItem(_("投标人门户"), "trading:portal", "trading.submit_bid", group=group, order=401),
            NavItem(_("我的评标"), "trading:expert", "trading.score_bids", group=group, order=402),
            # part 5: the center's staff and readers also follow remote sessions and the year's figures
            NavItem(_("远程异地评标"), "trading:sessions", "trading.view_workspace", group=group, order=403),
            NavItem(_("交易统计"), "trading:figures", "trading.view_workspace", group=group, order=404),
        )
