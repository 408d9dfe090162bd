"""The navigation menu, as data.

Each app registers its entries once, usually from its ``AppConfig.ready``::

    from django.utils.translation import gettext_lazy as _
    from zhengwu.core.navigation import NavItem, register

    register(
        NavItem(_("办件"), "cases:list", "cases.view_case", group=_("政务服务"), order=200),
        NavItem(_("好差评"), "reviews:list", "reviews.view_review", group=_("政务服务"), order=210),
    )

:func:`menu_for` gives a user the groups and items they may see: an item is
shown when ``user.has_perm(item.permission)`` (``permission=None`` means any
signed-in user). Groups come in the order of their first item. Registering an
item again under the same ``url_name`` replaces it, so ``ready`` may run twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    permission: str | None
    group: Any = _("常用")
    order: int = 100


@dataclass(frozen=True)
class MenuEntry:
    label: Any
    url: str
    url_name: str


@dataclass
class MenuGroup:
    label: Any
    items: list[MenuEntry] = field(default_factory=list)


_ITEMS: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _ITEMS[item.url_name] = item


def unregister(url_name: str) -> None:
    _ITEMS.pop(url_name, None)


def registered() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.order, str(i.url_name)))


def menu_for(user: Any) -> list[MenuGroup]:
    """The menu groups ``user`` may see, each with the items they may open."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    groups: dict[str, MenuGroup] = {}
    for item in registered():
        if item.permission is not None and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # One app's typo must not take every page down; the log names it.
            logger.warning("navigation item %r has no URL", item.url_name)
            continue
        key = str(item.group)
        if key not in groups:
            groups[key] = MenuGroup(label=item.group)
        groups[key].items.append(MenuEntry(label=item.label, url=url, url_name=item.url_name))
    return list(groups.values())


# --- the core items -----------------------------------------------------------------
# "系统管理" opens the Django admin. It is shown to whoever the admin itself lets in:
# RoleBackend grants Django's model permissions on org/core ("org.view_user", ...)
# to the system administrator only. (``org.manage_org`` would not do: the center
# administrator holds it too, and would land on an admin with nothing to manage.)
register(
    NavItem(_("工作台"), "dashboard", "core.view_dashboard", group=_("常用"), order=0),
    NavItem(_("消息"), "notifications", "core.view_notifications", group=_("常用"), order=10),
    NavItem(_("系统管理"), "admin:index", "org.view_user", group=_("系统"), order=900),
)


def active_url(menu: list[MenuGroup], path: str) -> str | None:
    """The URL of the one menu entry that is the current page: the longest URL the path lies under."""
    best: str | None = None
    for group in menu:
        for entry in group.items:
            matches = path == entry.url or (entry.url != "/" and path.startswith(entry.url))
            if matches and (best is None or len(entry.url) > len(best)):
                best = entry.url
    return best
