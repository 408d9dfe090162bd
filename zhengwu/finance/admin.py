"""The financial services supermarket in the Django admin: read-only (every write goes through the services,
which validate and audit)."""

from django.contrib import admin

from zhengwu.finance.models import Application, Institution, Product


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Institution)
class InstitutionAdmin(ReadOnly):
    list_display = ("name", "kind", "credit_code", "contact_name", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "credit_code")


@admin.register(Product)
class ProductAdmin(ReadOnly):
    list_display = ("name", "institution", "kind", "amount_min", "amount_max", "rate", "term_months", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "institution__name")


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("number", "enterprise", "kind", "institution", "amount_requested", "amount_approved", "status")
    list_filter = ("status", "kind")
    search_fields = ("number", "enterprise__name", "guarantee_number")
    raw_id_fields = ("enterprise", "registration", "deposit")
