"""Information retrieval in the Django admin: read-only (every write goes through the services; requests,
consents and items hold personal data, so their encrypted columns are not shown)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin
from zhengwu.retrieval.models import Consent, InfoType, Requester, RequestItem, RetrievalRequest, Scenario


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sort", "active")


@admin.register(InfoType)
class InfoTypeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "subject_kind", "department", "source", "adapter", "answer_days",
                    "validity_days", "active")
    list_filter = ("source", "subject_kind", "active")


@admin.register(Requester)
class RequesterAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "status")
    list_filter = ("kind", "status")


@admin.register(RetrievalRequest)
class RetrievalRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "requester", "scenario", "subject_kind", "status", "submitted_at", "delivered_at")
    list_filter = ("status", "scenario")
    search_fields = ("number",)
    exclude = ("subject_person", "subject_index")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("request", "status", "channel", "decided_at", "valid_until", "withdrawn_at")
    list_filter = ("status", "channel")
    exclude = ("phone", "code_hash")


@admin.register(RequestItem)
class RequestItemAdmin(ReadOnlyAdmin):
    list_display = ("request", "info_type", "department", "status", "due_at", "answered_at", "answer_number")
    list_filter = ("status", "info_type")
    exclude = ("content",)
