"""Status colours, defined once.

Every status on every page is one of five tones. A domain's choices say which
tone each of their values has; this module says what a tone looks like.
Templates never spell Bootstrap classes for a status: they call the ``zw``
template library (``zhengwu/core/templatetags/zw.py``)::

    # <domain>/choices.py
    from zhengwu.core.ui import Tone

    class CaseStatus(models.TextChoices):
        RECEIVED = "received", _("已收件")
        ...

    CASE_STATUS_TONES = {CaseStatus.RECEIVED: Tone.BLUE, CaseStatus.COMPLETED: Tone.GREEN}

    {# template #}
    {% load zw %}
    {{ case.get_status_display|status_badge:"blue" }}
    {% status_badge case.status CASE_STATUS_TONES choices=CaseStatus %}
    {% deadline_badge case.deadline_state %}

The five tones carry the meaning the hall uses on its boards: green normal,
yellow warning, red overdue or refused, blue in progress, grey done or
inactive. ``Reminder.level`` and ``Notification.level`` use the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tone(models.TextChoices):
    """The five status colours. The value is what code stores (e.g. ``Reminder.level``)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("紧急")
    BLUE = "blue", _("进行中")
    GREY = "grey", _("已结束")


@dataclass(frozen=True)
class ToneStyle:
    """How one tone looks: a badge, an alert, a table row and a chart colour."""

    badge: str
    alert: str
    row: str
    text: str
    chart: str  # hex colour for ECharts series


STATUS_COLOURS: dict[str, ToneStyle] = {
    Tone.GREEN: ToneStyle("text-bg-success", "alert-success", "table-success", "text-success", "#198754"),
    Tone.YELLOW: ToneStyle("text-bg-warning", "alert-warning", "table-warning", "text-warning-emphasis", "#e0a800"),
    Tone.RED: ToneStyle("text-bg-danger", "alert-danger", "table-danger", "text-danger", "#dc3545"),
    Tone.BLUE: ToneStyle("text-bg-primary", "alert-primary", "table-primary", "text-primary", "#0b4f9c"),
    Tone.GREY: ToneStyle("text-bg-secondary", "alert-secondary", "table-secondary", "text-secondary", "#6c757d"),
}

# Names that mean a tone: Notification.level defaults to "info", Django's message tags, etc.
_ALIASES: dict[str, str] = {
    "success": Tone.GREEN, "ok": Tone.GREEN, "normal": Tone.GREEN,
    "warning": Tone.YELLOW, "warn": Tone.YELLOW,
    "danger": Tone.RED, "error": Tone.RED, "overdue": Tone.RED,
    "info": Tone.BLUE, "primary": Tone.BLUE,
    "gray": Tone.GREY, "secondary": Tone.GREY, "debug": Tone.GREY, "done": Tone.GREY,
}


def tone_of(name: Any) -> str:
    """The tone a colour name stands for; an unknown name is grey (never a crash on a page)."""
    key = str(name or "").strip().lower()
    if key in STATUS_COLOURS:
        return key
    return _ALIASES.get(key, Tone.GREY)


def style_of(name: Any) -> ToneStyle:
    return STATUS_COLOURS[tone_of(name)]


class DeadlineState(models.TextChoices):
    """Where an item stands against its deadline (derived by the domains, never stored by hand)."""

    NORMAL = "normal", _("正常")
    WARNING = "warning", _("临近期限")
    OVERDUE = "overdue", _("已超期")
    DONE = "done", _("已办结")


DEADLINE_TONES: Mapping[str, str] = {
    DeadlineState.NORMAL: Tone.GREEN,
    DeadlineState.WARNING: Tone.YELLOW,
    DeadlineState.OVERDUE: Tone.RED,
    DeadlineState.DONE: Tone.GREY,
}
