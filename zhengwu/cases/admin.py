from django.contrib import admin

from zhengwu.cases.models import Case, ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    """Reference data; the rules (promised ≤ statutory) are also enforced by the database."""

    list_display = ("code", "name", "department", "item_type", "statutory_limit", "promised_limit",
                    "village_assisted", "is_active")
    list_filter = ("item_type", "village_assisted", "online_capable", "is_active", "department")
    search_fields = ("code", "name")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the workflow (the clerk workspace or the API)."""

    list_display = ("number", "item", "department", "status", "channel", "received_at", "completed_at", "outcome")
    list_filter = ("status", "channel", "outcome")
    search_fields = ("number",)

    def has_add_permission(self, request):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False
