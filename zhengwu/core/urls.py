from django.contrib.auth import views as auth_views
from django.urls import path

from zhengwu.core import views, views_exports

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                redirect_authenticated_user=True), name="login"),
    # Django's LogoutView accepts POST only: a link or a prefetch cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("exports/jobs/", views_exports.export_jobs, name="export_jobs"),
    path("exports/jobs/<int:pk>/", views_exports.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", views_exports.export_job_download, name="export_job_download"),
    path("exports/<str:name>.xlsx", views_exports.export_xlsx, name="export_xlsx"),
    path("healthz", views.health, name="health"),
]
