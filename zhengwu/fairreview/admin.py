"""The Django admin of fairreview: the rule list is reference data administrators extend (every change goes
through the services, so it is validated and audited); reviews and findings are read-only records."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.core.errors import AppError
from zhengwu.fairreview import scanner, services
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.fairreview.services import RULE_FIELDS


class RuleAdminForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = RULE_FIELDS

    def clean(self):
        data = super().clean()
        try:
            scanner.validate_rule(matcher=data.get("matcher") or "", pattern=data.get("pattern") or "",
                                  unless_pattern=data.get("unless_pattern") or "", threshold=data.get("threshold"),
                                  contract_kinds=data.get("contract_kinds") or [])
        except AppError as exc:
            raise ValidationError({exc.field if exc.field in self.fields else None: exc.message}) from None
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleAdminForm
    list_display = ("code", "category", "matcher", "severity", "active", "message", "updated_at")
    list_filter = ("category", "matcher", "severity", "active")
    search_fields = ("code", "message", "pattern")

    def has_module_permission(self, request):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")

    def has_view_permission(self, request, obj=None):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")

    def has_add_permission(self, request):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False  # a rule is switched off (active), never deleted: findings name it

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        values = {f: form.cleaned_data.get(f) for f in RULE_FIELDS}
        if change:
            services.rule_update(actor=request.user, rule=Rule.objects.get(pk=obj.pk), **values)
        else:
            obj.pk = services.rule_create(actor=request.user, **values).pk


class RuleKeepersReadOnlyAdmin(ReadOnlyAdmin):
    """Reviews and findings: read-only, and only for those who keep the rule list."""

    def has_module_permission(self, request):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")

    def has_view_permission(self, request, obj=None):  # noqa: ANN001
        return request.user.has_perm("fairreview.manage_rules")


@admin.register(Review)
class ReviewAdmin(RuleKeepersReadOnlyAdmin):
    list_display = ("tender", "reviewed_at", "reviewed_by_label", "found", "new", "resolved", "open", "digest")
    exclude = ("documents_text", "announcement")


@admin.register(Finding)
class FindingAdmin(RuleKeepersReadOnlyAdmin):
    list_display = ("tender", "rule", "excerpt", "accepted_at", "resolved_at")
    list_filter = ("rule__category",)
