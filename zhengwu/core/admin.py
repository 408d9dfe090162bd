from django.contrib import admin

from zhengwu.core import admin_calendar  # noqa: F401  (registers the calendar models)
from zhengwu.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("created_at", "actor_label", "action", "object_type", "object_id", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_label", "request_id")

    def has_add_permission(self, request):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False
