"""The Django admin of supervision: read-only. Flags, cases, clues and inspections change only through the
services and the workflow (every change audited); the admin is for looking things up."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.supervision.models import Clue, Flag, Inspection, InspectionCampaign, SupervisionCase


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("rule", "family", "title", "subject_label", "status", "detected_at")
    list_filter = ("family", "status")
    search_fields = ("rule", "title", "subject_label")


@admin.register(SupervisionCase)
class SupervisionCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "opened_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("number", "title")


@admin.register(Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ("number", "source", "status", "conclusion", "registered_at", "due_at")
    list_filter = ("source", "status", "conclusion")
    search_fields = ("number", "source_reference", "description")


@admin.register(InspectionCampaign)
class InspectionCampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "period_start", "period_end")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "project", "inspected_on", "result")
    list_filter = ("result", "campaign")
