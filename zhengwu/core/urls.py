from django.contrib.auth import views as auth_views
from django.urls import path

from zhengwu.core import views, views_exports, views_pii
from zhengwu.org import views as org_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # The login (lockout, audit, second factor for staff) and the TOTP pages: org/views.py, docs/accounts.md.
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("login/otp/", org_views.otp_verify, name="otp_verify"),
    path("login/otp/enroll/", org_views.otp_enroll, name="otp_enroll"),
    # Django's LogoutView accepts POST only: a link or a prefetch cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("exports/jobs/", views_exports.export_jobs, name="export_jobs"),
    path("exports/jobs/<int:pk>/", views_exports.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", views_exports.export_job_download, name="export_job_download"),
    path("exports/<str:name>.xlsx", views_exports.export_xlsx, name="export_xlsx"),
    path("personal-data/<str:object_type>/<int:pk>/<str:field>/reveal/", views_pii.reveal,
         name="personal_data_reveal"),
    path("healthz", views.health, name="health"),
]
