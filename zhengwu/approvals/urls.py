"""The approvals web under /approvals/."""

from django.urls import path

from zhengwu.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/issue/", views.application_issue, name="issue"),
    path("portal/", views.portal, name="portal"),
    path("inbox/", views.inbox, name="inbox"),
    path("figures/", views.figures, name="figures"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
]
