from django.contrib import admin

from zhengwu.core import admin_calendar  # noqa: F401  (registers the calendar models)
from zhengwu.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that change only through services and the workflow engine: view, never edit."""

    def has_add_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only."""

    list_display = ("created_at", "actor_label", "action", "object_type", "object_id", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_label", "request_id")
