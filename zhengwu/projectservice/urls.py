from django.urls import path

from zhengwu.projectservice import views

app_name = "projectservice"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/agent/", views.agent_assign, name="agent_assign"),
    path("projects/<int:pk>/agent/release/", views.agent_release, name="agent_release"),
    path("projects/<int:pk>/actions/", views.action_record, name="action_record"),
    path("projects/<int:pk>/factors/", views.factor_register, name="factor_register"),
    path("factors/", views.factor_list, name="factors"),
    path("factors/<int:pk>/<str:action>/", views.factor_move, name="factor_move"),
    path("actions/", views.action_list, name="actions"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("figures/", views.figures, name="figures"),
    path("overdue/", views.overdue, name="overdue"),
]
