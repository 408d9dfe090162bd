"""The Django admin of trading: the rule table is reference data (edited here, every change audited
through the services); projects and tenders are read-only (they change through the services and the
workflow). Registrations and deposits are not in the admin at all: who registered for a tender is
confidential before the opening (招标投标法 §22), and the system administrator has no need to know it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.core.errors import AppError
from zhengwu.trading import services
from zhengwu.trading.models import (
    AwardDecision,
    AwardFee,
    Project,
    RemoteSession,
    RemoteSessionVenue,
    RuleSet,
    RuleValue,
    Section,
    ServiceFeeSchedule,
    Tender,
)


class RuleValueForm(forms.ModelForm):
    class Meta:
        model = RuleValue
        fields = ("rule_set", "code", "value", "counting", "note")

    def clean(self):
        data = super().clean()
        code = data.get("code") or self.instance.code
        if code and data.get("value") is not None:
            try:
                services.rule_value_validate(code=code, value=data["value"],
                                             counting=data.get("counting") or "natural")
            except AppError as exc:
                raise ValidationError({exc.field if exc.field in self.fields else "value": exc.message}) from None
        return data


class RuleValueInline(admin.TabularInline):
    model = RuleValue
    form = RuleValueForm
    extra = 0
    fields = ("code", "value", "counting", "note")

    def has_add_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Rule sets by project type × procedure; their values are edited one by one (each change audited)."""

    list_display = ("name", "project_type", "procedure", "updated_at")
    fields = ("project_type", "procedure", "name", "note")
    inlines = [RuleValueInline]

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001
        return ("project_type", "procedure") if obj is not None else ()

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        services.rule_set_save(actor=request.user, rule_set=obj)

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return obj is not None and not obj.is_default and not obj.values.exists()


@admin.register(RuleValue)
class RuleValueAdmin(admin.ModelAdmin):
    form = RuleValueForm
    list_display = ("rule_set", "code", "value", "counting", "note", "updated_at")
    list_filter = ("rule_set", "code")

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        rule_set = obj.rule_set
        saved = services.rule_value_set(actor=request.user, project_type=rule_set.project_type,
                                        procedure=rule_set.procedure, code=obj.code, value=obj.value,
                                        counting=obj.counting, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):  # noqa: ANN001
        services.rule_value_delete(actor=request.user, row=obj)

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return super().has_delete_permission(request, obj) and (obj is None or not obj.rule_set.is_default)

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001
        return ("rule_set", "code") if obj is not None else ()


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("number", "name", "contract_kind", "estimate", "control_price", "above_limit")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "project_type", "procedure", "funding_source", "estimate", "above_limit")
    list_filter = ("project_type", "procedure", "funding_source", "above_limit")
    search_fields = ("number", "name", "tendering_party_name")
    inlines = [SectionInline]


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "award_mode", "decision_method", "documents_issued_at",
                    "bid_deadline", "published_at")
    list_filter = ("status", "award_mode", "decision_method")
    search_fields = ("number", "title")


# --- part 5: read-only here; decisions, sessions and fee schedules change through their services (audited) ---

@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "method", "winner", "price", "decided_at", "digest")
    list_filter = ("method",)


class VenueInline(admin.TabularInline):
    model = RemoteSessionVenue
    extra = 0
    fields = ("position", "name", "city", "kind", "ours")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(RemoteSession)
class RemoteSessionAdmin(ReadOnlyAdmin):
    list_display = ("project_name", "our_role", "host_center", "status", "scheduled_start", "started_at", "closed_at")
    list_filter = ("our_role", "status")
    search_fields = ("project_name", "project_number", "host_center")
    inlines = [VenueInline]


@admin.register(ServiceFeeSchedule)
class ServiceFeeScheduleAdmin(ReadOnlyAdmin):
    list_display = ("project_type", "effective_from", "switched_off_from", "minimum", "cap", "basis")
    list_filter = ("project_type",)


@admin.register(AwardFee)
class AwardFeeAdmin(ReadOnlyAdmin):
    list_display = ("award", "project_type", "assessed_on", "base", "amount", "waived")
    list_filter = ("project_type", "waived")
