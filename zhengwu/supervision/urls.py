"""The supervision web under /supervision/."""

from django.urls import path

from zhengwu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/", views.flag_detail, name="flag"),
    path("flags/<int:pk>/decide/", views.flag_decide, name="flag_decide"),
    path("flags/<int:pk>/clue/", views.flag_clue, name="flag_clue"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("clues/", views.clues, name="clues"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/<int:pk>/", views.clue_detail, name="clue"),
    path("clues/<int:pk>/<slug:action>/", views.clue_transition, name="clue_transition"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/inspections/", views.inspection_add, name="inspection_add"),
    path("inspections/<int:pk>/clue/", views.inspection_clue, name="inspection_clue"),
    path("statistics/", views.statistics, name="statistics"),
]
