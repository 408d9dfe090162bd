"""What every page of the web shell knows (``base.html``).

Values that cost a query are computed on first use in the template and at
most once per request, so a page that does not show them pays nothing.

* ``district_name``, ``platform_name``: from ``settings.ZHENGWU["DISTRICT_NAME"]``
* ``zw_menu``: :func:`zhengwu.core.navigation.menu_for` the user
* ``zw_unread_count``: unread notifications in the user's inbox
* ``zw_calendar_warnings``: the working-day calendar's warnings, only for
  users who may manage the calendar (``core.manage_calendar``: the center and
  system administrators)
* ``zw_role_label``: the user's role, translated
* ``ZHENGWU_VERSION``
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, Callable

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

import zhengwu

logger = logging.getLogger(__name__)

DEFAULT_DISTRICT_NAME = "示范区"


def _once(fn: Callable[[], Any]) -> Callable[[], Any]:
    """A zero-argument callable the template calls on first use; the result is kept."""
    return cache(fn)


def district_name() -> str:
    """The configured name, else the district at the root of the region tree, else a placeholder."""
    configured = getattr(settings, "ZHENGWU", {}).get("DISTRICT_NAME")
    return str(configured or _district_from_regions() or DEFAULT_DISTRICT_NAME)


@cache
def _district_from_regions() -> str | None:
    from zhengwu.org.models import Region, RegionLevel

    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("pk").values_list("name", flat=True).first()


def _calendar_warnings(user: Any) -> list[str]:
    if not user.has_perm("core.manage_calendar"):
        return []
    from zhengwu.core.calendar import calendar_warnings

    try:
        return [str(w) for w in calendar_warnings()]
    except Exception:  # a broken calendar must not take every page down; the log says why
        logger.exception("calendar warnings failed")
        return [_("无法检查工作日历，请联系系统管理员。")]


def shell(request: HttpRequest) -> dict[str, Any]:
    from zhengwu.core import navigation

    name = district_name()
    context: dict[str, Any] = {
        "district_name": name,
        "platform_name": _("%(district)s政务服务一体化平台") % {"district": name},
        "ZHENGWU_VERSION": zhengwu.__version__,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        context.update(zw_menu=[], zw_active_url=None, zw_unread_count=0, zw_calendar_warnings=[],
                       zw_role_label="")
        return context

    def unread() -> int:
        from zhengwu.core.reminders import notifications_for

        return notifications_for(user, unread_only=True).count()

    menu = _once(lambda: navigation.menu_for(user))
    context.update(
        zw_menu=menu,
        zw_active_url=_once(lambda: navigation.active_url(menu(), request.path)),
        zw_unread_count=_once(unread),
        zw_calendar_warnings=_once(lambda: _calendar_warnings(user)),
        zw_role_label=user.get_role_display() if hasattr(user, "get_role_display") else "",
    )
    return context
