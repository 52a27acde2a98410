from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmkDashboardConfig(AppConfig):
    name = "smk_dashboard"
    verbose_name = _("SMK Dashboard")

    def ready(self) -> None:
        # Registers the deploy checks and the login audit receivers (Django's auth signals are
        # the framework's only hook for logins; no business rule lives there).
        from .ops import checks  # noqa: F401

        # Page-cache bookkeeping: saves of what cached pages show make them stale.
        from .pages import page_cache_receivers  # noqa: F401
        from .signin import audit, two_factor  # noqa: F401
