from django.urls import path

from zhengwu.smallprojects import views

app_name = "smallprojects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("figures/", views.figures, name="figures"),
    path("alerts/run/", views.alerts_run, name="alerts_run"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/contract/", views.project_contract, name="contract"),
    path("<int:pk>/start/", views.project_start, name="start"),
    path("<int:pk>/changes/", views.project_change, name="change"),
    path("<int:pk>/payments/", views.project_payment, name="payment"),
    path("<int:pk>/acceptances/", views.project_acceptance, name="acceptance"),
]
