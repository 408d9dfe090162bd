"""Dashboard panels, registered by the domains.

The dashboard (工作台) shows nothing of its own: each domain contributes
panels, and a user sees the panels whose permission they hold. With no panel
registered, or none the user may see, the page says so honestly instead of
showing invented figures.

Register from the domain's ``AppConfig.ready``::

    from django.utils.translation import gettext_lazy as _
    from zhengwu.core.dashboard import register_panel

    def _cases_today(request):
        # read through the domain's scoped selectors only
        return {"received": ..., "overdue": ...}      # or None: "暂无数据"

    register_panel("cases.today", "cases/panels/_today.html", "cases.view_case", _cases_today,
                   title=_("今日办件"), order=100)

The panel template is included inside a card body with ``panel`` (the
:class:`Panel`) and ``data`` (what ``context_fn`` returned) in its context.
``context_fn`` returns ``None`` or an empty dict when there is nothing to show;
the card then says "暂无数据". Keep each panel to a query or two: the dashboard
has a query budget (see core/tests/test_shell_views.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from django.http import HttpRequest

ContextFn = Callable[[HttpRequest], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    permission: str | None
    context_fn: ContextFn | None
    title: Any = ""
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    panel: Panel
    data: dict[str, Any]

    @property
    def is_empty(self) -> bool:
        return not self.data


_PANELS: dict[str, Panel] = {}


def register_panel(name: str, template: str, permission: str | None, context_fn: ContextFn | None = None, *,
                   title: Any = "", order: int = 100) -> Panel:
    """Add (or replace, under the same ``name``) a dashboard panel."""
    panel = Panel(name=name, template=template, permission=permission, context_fn=context_fn, title=title,
                  order=order)
    _PANELS[name] = panel
    return panel


def unregister_panel(name: str) -> None:
    _PANELS.pop(name, None)


def registered_panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.name))


def panels_for(request: HttpRequest) -> list[RenderedPanel]:
    """The panels the request's user may see, each with its data."""
    user = request.user
    shown = []
    for panel in registered_panels():
        if panel.permission is not None and not user.has_perm(panel.permission):
            continue
        data = panel.context_fn(request) if panel.context_fn is not None else None
        shown.append(RenderedPanel(panel=panel, data=dict(data or {})))
    return shown
