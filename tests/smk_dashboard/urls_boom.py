"""A URLconf with a view that crashes, to check that users never see a stack trace."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom), path("", include("smk_dashboard.urls"))]

handler500 = "smk_dashboard.errors.server_error"
