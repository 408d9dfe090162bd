"""The reviews web: /reviews/ (staff) and the public rating page /reviews/rate/."""

from django.urls import path

from zhengwu.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("rate/", views.rate, name="rate"),
    path("bad/", views.bad_list, name="bad_list"),
    path("bad/<int:pk>/", views.bad_detail, name="bad_detail"),
    path("bad/<int:pk>/act/", views.bad_act, name="bad_act"),
]
