from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import two_factor_views, views
from .metrics import metrics_view

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", two_factor_views.two_factor_setup, name="two_factor"),
    path("accounts/2fa/verify/", two_factor_views.two_factor_verify_view, name="two_factor_verify"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (API JSON, PDFs).
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("predictions/", include("predictions.urls")),
    path("admin/", admin.site.urls),
    path("interventions/", include("interventions.urls")),
    path("api/v1/", include("smk_dashboard.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script, so our CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("audit/", include("smk_dashboard.audit_urls")),
    path("privacy/", include("smk_dashboard.privacy_urls")),
    path("students/", include("students.urls")),
    path("reports/", include("predictions.report_urls")),
]

handler400 = "smk_dashboard.errors.bad_request"
handler403 = "smk_dashboard.errors.permission_denied"
handler404 = "smk_dashboard.errors.page_not_found"
handler500 = "smk_dashboard.errors.server_error"
