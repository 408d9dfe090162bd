from django.urls import path

from zhengwu.retrieval import views

app_name = "retrieval"

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/answers/<int:item>/", views.answer_read, name="answer"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.item_detail, name="item"),
    path("inbox/<int:pk>/answer/", views.item_answer, name="item_answer"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("mine/<int:pk>/<str:action>/", views.mine_action, name="mine_action"),
    path("consent/<str:token>/", views.consent_view, name="consent"),
    path("verify/", views.verify, name="verify"),
    path("catalog/", views.catalog, name="catalog"),
    path("requesters/", views.requesters, name="requesters"),
    path("requesters/<int:pk>/<str:action>/", views.requester_action, name="requester_action"),
    path("figures/", views.figures, name="figures"),
]
