from django.contrib import admin

from zhengwu.org.models import Department, Enterprise, Region, ServiceNode, User, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "is_active", "sort")
    search_fields = ("code", "name")


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "department", "zone", "is_active")
    list_filter = ("department",)


@admin.register(ServiceNode)
class ServiceNodeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "parent")
    list_filter = ("kind",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "legal_representative", "region")
    search_fields = ("name", "credit_code")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Accounts are created through org.services (validation, audit); the admin edits placement only."""

    list_display = ("username", "display_name", "role", "department", "region", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "role", "scope_kind", "department", "region", "enterprise", "window",
              "is_active")
    readonly_fields = ("username", "role")

    def has_add_permission(self, request):  # noqa: ANN001
        return False

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        """Enabling or disabling goes through org.services (audited; disabling ends the user's sessions)."""
        if change and "is_active" in form.changed_data:
            from zhengwu.org import services

            active = obj.is_active
            obj.is_active = not active
            super().save_model(request, obj, form, change)
            services.user_set_active(actor=request.user, user=obj, active=active)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
