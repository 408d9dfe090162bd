"""Admin pages of the working-day calendar (imported by ``core/admin.py``).

Saving or deleting a row here drops this process's cached calendar at once;
other processes see it within ``calendar.CACHE_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhengwu.core import calendar
from zhengwu.core.models_calendar import CalendarOverride, CalendarYear

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "working_days", "entered_by", "created_at")
    search_fields = ("source",)
    date_hierarchy = "created_at"
    ordering = ("-year",)
    readonly_fields = ("entered_by", "created_at")
    fields = ("year", "source", "entered_by", "created_at")

    @admin.display(description=_("工作日数"))
    def working_days(self, obj: CalendarYear) -> int:
        return calendar.working_days_in_year(obj.year)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "created_at")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)
    readonly_fields = ("created_at",)

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: CalendarOverride) -> str:
        return str(WEEKDAYS[obj.date.weekday()])
