"""The evaluation web under /evaluation/; the public ranking page /evaluation/public/ needs no sign-in."""

from django.urls import path

from zhengwu.evaluation import views, views_manage

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("desk/", views.desk, name="desk"),
    path("desk/export.xlsx", views.desk_export, name="desk_export"),
    path("desk/cases/", views.drilldown, name="drilldown"),
    path("desk/cases/export.xlsx", views.drilldown_export, name="drilldown_export"),
    path("desk/remind/<int:pk>/", views.remind, name="remind"),
    path("public/", views.public_ranking, name="public"),
    path("publications/", views_manage.publications, name="publications"),
    path("publications/export.xlsx", views_manage.publications_export, name="publications_export"),
    path("publications/prepare/", views_manage.publication_prepare, name="publication_prepare"),
    path("publications/<int:pk>/", views_manage.publication_detail, name="publication"),
    path("publications/<int:pk>/export.xlsx", views_manage.publication_export, name="publication_export"),
    path("publications/<int:pk>/act/<slug:action>/", views_manage.publication_act, name="publication_act"),
    path("suggestions/", views_manage.suggestions, name="suggestions"),
    path("suggestions/export.xlsx", views_manage.suggestions_export, name="suggestions_export"),
    path("suggestions/new/", views_manage.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/act/<slug:action>/", views_manage.suggestion_act, name="suggestion_act"),
    path("schemes/", views_manage.schemes, name="schemes"),
    path("schemes/new/", views_manage.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views_manage.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/revise/", views_manage.scheme_revise, name="scheme_revise"),
]
