"""The registry in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin

from zhengwu.smallprojects.models import Acceptance, ChangeOrder, Payment, ProjectAlert, SmallProject


@admin.register(SmallProject)
class SmallProjectAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "township", "category", "estimate", "contract_amount", "status")
    list_filter = ("status", "category")
    search_fields = ("number", "name", "scope_keyword")


for model in (ChangeOrder, Payment, Acceptance, ProjectAlert):
    admin.site.register(model, ReadOnlyAdmin)
