"""The enterprise center in the Django admin. Sections are data the administrator may edit (add, rename,
reorder, deactivate); everything else is read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.enterprise.models import (
    Consultation,
    ConsultationTask,
    Demand,
    DemandAssignment,
    DemandRating,
    Escalation,
    LiaisonAssignment,
    LiaisonVisit,
    SectionItem,
    ServiceSection,
)


@admin.register(ServiceSection)
class ServiceSectionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "active")
    list_editable = ("order", "active")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "enterprise", "channel", "section", "status", "deadline")
    list_filter = ("status", "channel", "section")
    search_fields = ("number", "title")
    exclude = ("contact_mobile",)


for model in (SectionItem, DemandAssignment, Escalation, DemandRating, Consultation, ConsultationTask,
              LiaisonAssignment, LiaisonVisit):
    admin.site.register(model, ReadOnlyAdmin)
