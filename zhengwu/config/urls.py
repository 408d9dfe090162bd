from django.contrib import admin
from django.urls import include, path

from zhengwu.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("zhengwu.cases.urls")),
    path("reviews/", include("zhengwu.reviews.urls")),
    path("evaluation/", include("zhengwu.evaluation.urls")),
    path("trading/", include("zhengwu.trading.urls")),
    path("credit/", include("zhengwu.credit.urls")),
    path("fairreview/", include("zhengwu.fairreview.urls")),
    path("supervision/", include("zhengwu.supervision.urls")),
    path("smallprojects/", include("zhengwu.smallprojects.urls")),
    path("finance/", include("zhengwu.finance.urls")),
    path("enterprise/", include("zhengwu.enterprise.urls")),
    path("approvals/", include("zhengwu.approvals.urls")),
    path("projectservice/", include("zhengwu.projectservice.urls")),
    path("intermediary/", include("zhengwu.intermediary.urls")),
    path("village/", include("zhengwu.village.urls")),
    path("retrieval/", include("zhengwu.retrieval.urls")),
    path("reports/", include("zhengwu.reports.urls")),
    path("leadership/", include("zhengwu.leadership.urls")),
    path("", include("zhengwu.core.urls")),
]
