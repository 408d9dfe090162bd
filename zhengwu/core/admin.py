from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core import admin_calendar  # noqa: F401  (registers the calendar models)
from zhengwu.core.models import AuditEvent
from zhengwu.core.paging import EstimatedCountPaginator


class RecentActionFilter(admin.SimpleListFilter):
    """The action filter offers the actions of the last 7 days (an index range on the time), not a
    ``SELECT DISTINCT`` over the whole trail; any action can still be typed into the URL (``?action=…``)."""

    title = _("动作")
    parameter_name = "action"
    recent_days = 7

    def lookups(self, request, model_admin):  # noqa: ANN001
        since = timezone.now() - timedelta(days=self.recent_days)
        actions = set(AuditEvent.objects.filter(created_at__gte=since).order_by()
                      .values_list("action", flat=True).distinct())
        if self.value():
            actions.add(self.value())
        return [(a, a) for a in sorted(actions)]

    def queryset(self, request, queryset):  # noqa: ANN001
        return queryset.filter(action=self.value()) if self.value() else queryset


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
    list_filter = (RecentActionFilter,)
    search_fields = ("object_id", "actor_label", "request_id")
    search_help_text = _("按对象标识、操作人标识或请求号精确查找")
    paginator = EstimatedCountPaginator
    show_full_result_count = False  # no second count of the whole trail beside a filtered one

    def get_search_results(self, request, queryset, search_term):  # noqa: ANN001
        """An exact object id, actor or request id, each served by its index; the admin's default (a substring of
        any of them, ``UPPER(…) LIKE '%…%'``) reads the whole trail."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(object_id=term) | Q(actor_label=term) | Q(request_id=term)), False
