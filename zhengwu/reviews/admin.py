"""Read-mostly admin pages: reviews and their handling change only through the services."""

from django.contrib import admin

from zhengwu.core.admin import ReadOnlyAdmin
from zhengwu.reviews.models import BadReviewHandling, Review


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "channel", "level", "is_default", "excluded", "department")
    list_filter = ("channel", "level", "is_default", "excluded")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"
    list_select_related = ("case", "department")


@admin.register(BadReviewHandling)
class BadReviewHandlingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "review", "department", "status", "visit_deadline", "rectify_deadline",
                    "rectified_on_time")
    list_filter = ("status", "rectified_on_time", "appeal_upheld")
    search_fields = ("review__case__number",)
    list_select_related = ("review", "department")
