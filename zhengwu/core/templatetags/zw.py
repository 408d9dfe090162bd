"""The platform's template library: ``{% load zw %}``.

Status badges (colours come from :data:`zhengwu.core.ui.STATUS_COLOURS`, never
spelled in a template)::

    {{ "已受理"|status_badge:"green" }}                 label and colour
    {{ pair|status_badge }}                             pair = ("已受理", "green")
    {{ case.status|status_badge:CASE_STATUS_TONES }}    a choice value and its colour map;
                                                        the label is the value's ``.label``
                                                        when it is a Choices member
    {% status_badge case.status CASE_STATUS_TONES choices=CaseStatus %}
                                                        the label looked up in the choices
                                                        (a Choices class or (value, label) pairs)
    {% status_badge case.status CASE_STATUS_TONES label=case.get_status_display %}

Deadline states (normal / warning / overdue / done -> green / yellow / red / grey)::

    {{ case.deadline_state|deadline_badge }}    or    {% deadline_badge case.deadline_state %}

A level such as ``Notification.level`` ("yellow", "red", "info", ...) named by its tone::

    {{ notification.level|tone_badge }}         预警 / 紧急 / 进行中 ...

Other tones, e.g. a table row or an alert::

    <tr class="{{ row.tone|tone_class:'row' }}">   <div class="alert {{ 'red'|tone_class:'alert' }}">

Masking personal data in lists (DOMAIN.md §3)::

    {{ person.id_number|mask_id }}   110105********002X
    {{ person.phone|mask_phone }}    138****8000
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from zhengwu.core.ui import DEADLINE_TONES, DeadlineState, Tone, style_of, tone_of

register = template.Library()


def _badge(label: Any, colour: Any) -> SafeString:
    return format_html('<span class="badge rounded-pill zw-badge {}">{}</span>', style_of(colour).badge, label)


def _label_from_choices(value: Any, choices: Any) -> Any:
    if choices is None:
        return None
    pairs = getattr(choices, "choices", choices)
    try:
        for key, label in pairs:
            if str(key) == str(value):
                return label
    except (TypeError, ValueError):
        return None
    return None


def _resolve(value: Any, colours: Any = None, *, choices: Any = None, label: Any = None) -> tuple[Any, str]:
    """(label, tone) for any of the accepted call shapes."""
    if colours is None and isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], tone_of(value[1])
    if isinstance(colours, Mapping):
        key = getattr(value, "value", value)
        colour = colours.get(key, colours.get(str(key)))
    else:
        colour = colours
    text = label
    if text in (None, ""):
        text = _label_from_choices(value, choices)
    if text in (None, ""):
        text = getattr(value, "label", None)
    if text in (None, ""):
        text = "" if value is None else value
    return text, tone_of(colour)


@register.filter(name="status_badge")
def status_badge_filter(value: Any, colours: Any = None) -> SafeString:
    label, tone = _resolve(value, colours)
    return _badge(label, tone)


@register.simple_tag(name="status_badge")
def status_badge_tag(value: Any, colours: Any = None, *, choices: Any = None, label: Any = None) -> SafeString:
    text, tone = _resolve(value, colours, choices=choices, label=label)
    return _badge(text, tone)


def _deadline(state: Any) -> SafeString:
    key = str(getattr(state, "value", state) or "")
    label = _label_from_choices(key, DeadlineState) or key
    return _badge(label, DEADLINE_TONES.get(key, "grey"))


@register.filter(name="deadline_badge")
def deadline_badge_filter(state: Any) -> SafeString:
    return _deadline(state)


@register.simple_tag(name="deadline_badge")
def deadline_badge_tag(state: Any) -> SafeString:
    return _deadline(state)


@register.filter
def tone_badge(colour: Any) -> SafeString:
    """A badge naming the tone itself (预警, 紧急, ...): for levels such as ``Notification.level``."""
    tone = tone_of(colour)
    return _badge(Tone(tone).label, tone)


@register.filter
def tone_class(colour: Any, kind: str = "badge") -> str:
    """The Bootstrap class of a tone for ``badge``, ``alert``, ``row`` or ``text``."""
    return getattr(style_of(colour), kind if kind in {"badge", "alert", "row", "text"} else "badge")


@register.filter
def tone_colour(colour: Any) -> str:
    """The hex colour of a tone, for chart options built in a template."""
    return style_of(colour).chart


@register.filter
def mask_id(value: Any) -> str:
    from zhengwu.core.identifiers import mask_id_card

    return mask_id_card(None if value is None else str(value))


@register.filter(name="mask_phone")
def mask_phone_filter(value: Any) -> str:
    from zhengwu.core.identifiers import mask_phone

    return mask_phone(None if value is None else str(value))
