"""The financial services supermarket in the Django admin: read-only (every write goes through the services,
which validate and audit)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.finance.models import Application, Institution, Product


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "credit_code", "contact_name", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "credit_code")


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("name", "institution", "kind", "amount_min", "amount_max", "rate", "term_months", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "institution__name")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "kind", "institution", "amount_requested", "amount_approved", "status")
    list_filter = ("status", "kind")
    search_fields = ("number", "enterprise__name", "guarantee_number")
    raw_id_fields = ("enterprise", "registration", "deposit")
