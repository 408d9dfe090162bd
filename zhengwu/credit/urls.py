from django.urls import path

from zhengwu.credit import views

app_name = "credit"

urlpatterns = [
    path("experts/", views.expert_list, name="experts"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("experts/<int:pk>/penalties/", views.penalty_new, name="penalty_new"),
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/<int:pk>/<str:action>/", views.penalty_action, name="penalty_action"),
    path("ratings/", views.rating_sections, name="ratings"),
    path("ratings/<int:pk>/", views.rating_section, name="rate"),
    path("records/", views.record_list, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
]
