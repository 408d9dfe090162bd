"""Approvals in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.approvals.models import (
    ApplicationItem,
    Bundle,
    BundleItem,
    CombinedApplication,
    InvestmentProject,
    StageItem,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ReadOnly):
    list_display = ("code", "name", "investor", "project_type", "risk_class", "township", "total_investment")
    list_filter = ("project_type", "risk_class")
    search_fields = ("code", "name")


@admin.register(CombinedApplication)
class CombinedApplicationAdmin(ReadOnly):
    list_display = ("number", "project", "bundle", "stage", "status", "received_at", "document_number")
    list_filter = ("status", "stage")
    search_fields = ("number", "document_number")


for model in (StageItem, Bundle, BundleItem, ApplicationItem):
    admin.site.register(model, ReadOnly)
