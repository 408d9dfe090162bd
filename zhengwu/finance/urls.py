from django.urls import path

from zhengwu.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("institutions/new/", views.institution_new, name="institution_new"),
    path("products/new/", views.product_new, name="product_new"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/<str:name>/", views.application_action, name="action"),
    path("figures/", views.figures, name="figures"),
    path("figures/export/", views.figures_export, name="figures_export"),
]
