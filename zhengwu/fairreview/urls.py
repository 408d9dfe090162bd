from django.urls import path

from zhengwu.fairreview import views

app_name = "fairreview"

urlpatterns = [
    path("", views.index, name="index"),
    path("tenders/<int:pk>/", views.tender_review, name="tender"),
    path("tenders/<int:pk>/run/", views.review_run, name="run"),
    path("tenders/<int:pk>/documents/", views.documents_save, name="documents"),
    path("findings/<int:pk>/accept/", views.finding_accept, name="accept"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
