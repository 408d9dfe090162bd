"""``{% load zw_exports %}``: the export link of a registered list, for the current user and filters.

    {% export_url "cases.list" as url %}{% if url %}<a href="{{ url }}">导出Excel</a>{% endif %}

The URL keeps the page's query string (its filters) without the page number; it is empty when the user
may not export that list (or no such export is registered), so the button is not shown.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from zhengwu.core import exports

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: Any, name: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    spec = exports.registered().get(name)
    if spec is None or not spec.allowed(request.user):
        return ""
    query = exports.clean_params(request.GET).urlencode()
    url = reverse("export_xlsx", kwargs={"name": name})
    return f"{url}?{query}" if query else url
