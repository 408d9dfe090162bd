from django.urls import path

from zhengwu.enterprise import views

app_name = "enterprise"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("inbox/", views.inbox, name="inbox"),
    path("portal/", views.portal, name="portal"),
    path("figures/", views.figures, name="figures"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("demands.xlsx", views.demands_xlsx, name="demands_xlsx"),
    path("coverage/", views.coverage, name="coverage"),
    path("liaison/", views.liaison, name="liaison"),
    path("demands/new/", views.demand_new, name="new"),
    path("demands/<int:pk>/", views.demand_detail, name="detail"),
    path("demands/<int:pk>/classify/", views.demand_classify, name="classify"),
    path("demands/<int:pk>/route/", views.demand_route, name="route"),
    path("demands/<int:pk>/answer/", views.demand_answer, name="answer"),
    path("demands/<int:pk>/part/", views.demand_part, name="part"),
    path("demands/<int:pk>/rate/", views.demand_rate, name="rate"),
    path("demands/<int:pk>/reopen/", views.demand_reopen, name="reopen"),
    path("demands/<int:pk>/consult/", views.demand_consult, name="consult"),
    path("demands/<int:pk>/assignments/<int:assignment>/waive/", views.assignment_waive, name="waive"),
    path("demands/<int:pk>/tasks/<int:task>/done/", views.task_done, name="task_done"),
]
