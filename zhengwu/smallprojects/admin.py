"""The registry in the Django admin: read-only (every write goes through the services)."""

from django.contrib import admin

from zhengwu.smallprojects.models import Acceptance, ChangeOrder, Payment, ProjectAlert, SmallProject


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SmallProject)
class SmallProjectAdmin(ReadOnly):
    list_display = ("number", "name", "township", "category", "estimate", "contract_amount", "status")
    list_filter = ("status", "category")
    search_fields = ("number", "name", "scope_keyword")


for model in (ChangeOrder, Payment, Acceptance, ProjectAlert):
    admin.site.register(model, ReadOnly)
