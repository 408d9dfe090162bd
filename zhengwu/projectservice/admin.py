"""Project services in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.projectservice.models import (
    AgentAction,
    AgentAssignment,
    FactorNeed,
    ServiceVisit,
    VisitIssue,
    VisitUnit,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentAssignment)
class AgentAssignmentAdmin(ReadOnly):
    list_display = ("project", "agent", "started_on", "ended_on")


@admin.register(AgentAction)
class AgentActionAdmin(ReadOnly):
    list_display = ("project", "agent", "handled_on", "item_text", "trips_saved")


@admin.register(FactorNeed)
class FactorNeedAdmin(ReadOnly):
    list_display = ("project", "kind", "capacity", "capacity_unit", "provider", "promised_on", "status")
    list_filter = ("kind", "status")


for model in (ServiceVisit, VisitUnit, VisitIssue):
    admin.site.register(model, ReadOnly)
