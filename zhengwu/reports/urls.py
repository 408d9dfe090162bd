from django.urls import path

from zhengwu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/download/<str:fmt>/", views.download, name="download"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
]
