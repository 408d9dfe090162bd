"""Project services in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.projectservice.models import (
    AgentAction,
    AgentAssignment,
    FactorNeed,
    ServiceVisit,
    VisitIssue,
    VisitUnit,
)


@admin.register(AgentAssignment)
class AgentAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("project", "agent", "started_on", "ended_on")


@admin.register(AgentAction)
class AgentActionAdmin(ReadOnlyAdmin):
    list_display = ("project", "agent", "handled_on", "item_text", "trips_saved")


@admin.register(FactorNeed)
class FactorNeedAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "capacity", "capacity_unit", "provider", "promised_on", "status")
    list_filter = ("kind", "status")


for model in (ServiceVisit, VisitUnit, VisitIssue):
    admin.site.register(model, ReadOnlyAdmin)
