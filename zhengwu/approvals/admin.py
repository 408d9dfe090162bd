"""Approvals in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.approvals.models import (
    ApplicationItem,
    Bundle,
    BundleItem,
    CombinedApplication,
    InvestmentProject,
    StageItem,
)


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "investor", "project_type", "risk_class", "township", "total_investment")
    list_filter = ("project_type", "risk_class")
    search_fields = ("code", "name")


@admin.register(CombinedApplication)
class CombinedApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "project", "bundle", "stage", "status", "received_at", "document_number")
    list_filter = ("status", "stage")
    search_fields = ("number", "document_number")


for model in (StageItem, Bundle, BundleItem, ApplicationItem):
    admin.site.register(model, ReadOnlyAdmin)
