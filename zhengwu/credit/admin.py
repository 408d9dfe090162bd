from django.contrib import admin

from zhengwu.credit.models import BehaviourRecord, ExpertPenalty, ExpertRating


@admin.register(ExpertRating)
class ExpertRatingAdmin(admin.ModelAdmin):
    list_display = ("expert", "tender_section", "average", "rated_at")
    readonly_fields = [f.name for f in ExpertRating._meta.fields]

    def has_add_permission(self, request):  # writes go through the services (audited)
        return False


@admin.register(ExpertPenalty)
class ExpertPenaltyAdmin(admin.ModelAdmin):
    list_display = ("expert", "basis", "points", "status", "occurred_on")
    readonly_fields = [f.name for f in ExpertPenalty._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(BehaviourRecord)
class BehaviourRecordAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "scope", "status", "effective_from", "effective_until")
    readonly_fields = [f.name for f in BehaviourRecord._meta.fields]

    def has_add_permission(self, request):
        return False
