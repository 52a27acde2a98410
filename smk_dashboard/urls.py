"""The URL map. Every URL module is imported here (not named by string), so that the import
contracts see everything a web request can reach (pyproject.toml: no keras, no tensorflow)."""

from django.conf.urls import i18n
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from interventions import urls as intervention_urls
from predictions import urls as prediction_urls

from .api import urls as api_urls
from .ops import views
from .ops.metrics import metrics_view
from .pages import home, student_urls
from .pages.audit import urls as audit_urls
from .pages.notifications import urls as notification_urls
from .pages.privacy import urls as privacy_urls
from .pages.reports import urls as report_urls
from .signin import urls as signin_urls

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("accounts/", include(signin_urls)),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (API JSON, PDFs).
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include(i18n)),
    path("predictions/", include(prediction_urls)),
    path("admin/", admin.site.urls),
    path("interventions/", include(intervention_urls)),
    path("api/v1/", include(api_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script, so our CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("audit/", include(audit_urls)),
    path("notifications/", include(notification_urls)),
    path("privacy/", include(privacy_urls)),
    path("students/", include(student_urls)),
    path("reports/", include(report_urls)),
]

handler400 = "smk_dashboard.errors.bad_request"
handler403 = "smk_dashboard.errors.permission_denied"
handler404 = "smk_dashboard.errors.page_not_found"
handler500 = "smk_dashboard.errors.server_error"
