from django.urls import path

from zhengwu.leadership import views

app_name = "leadership"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/", views.figures, name="figures"),
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_new, name="target_new"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
]
