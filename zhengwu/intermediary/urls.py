from django.urls import path

from zhengwu.intermediary import views

app_name = "intermediary"

urlpatterns = [
    path("", views.purchase_list, name="purchases"),
    path("service-list/", views.service_list, name="service_list"),
    path("deals/", views.deals, name="deals"),
    path("purchases/new/", views.purchase_new, name="purchase_new"),
    path("purchases/<int:pk>/", views.purchase_detail, name="purchase"),
    path("purchases/<int:pk>/<str:action>/", views.purchase_action, name="purchase_action"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("agencies/<int:pk>/<str:action>/", views.agency_action, name="agency_action"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/run/", views.proposals_run, name="proposals_run"),
    path("proposals/<int:pk>/<str:action>/", views.proposal_action, name="proposal_action"),
    path("figures/", views.figures, name="figures"),
]
