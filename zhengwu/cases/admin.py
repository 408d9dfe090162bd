from django.contrib import admin

from zhengwu.cases.models import Case, ServiceItem
from zhengwu.core.admin import ReadOnlyAdmin


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    """Reference data; the rules (promised ≤ statutory) are also enforced by the database."""

    list_display = ("code", "name", "department", "item_type", "statutory_limit", "promised_limit",
                    "village_assisted", "is_active")
    list_filter = ("item_type", "village_assisted", "online_capable", "is_active", "department")
    search_fields = ("code", "name")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change only through the workflow (the clerk workspace or the API)."""

    list_display = ("number", "item", "department", "status", "channel", "received_at", "completed_at", "outcome")
    list_filter = ("status", "channel", "outcome")
    search_fields = ("number",)
