"""The cases web: the clerk's workspace under /cases/, and the public progress page /cases/track/."""

from django.urls import path

from zhengwu.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("list/", views.case_list, name="list"),
    path("new/", views.receive, name="receive"),
    path("new/items/", views.item_options, name="item_options"),
    path("new/villages/", views.village_options, name="village_options"),
    path("department/", views.department, name="department"),
    path("track/", views.track, name="track"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
]
