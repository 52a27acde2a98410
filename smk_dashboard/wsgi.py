"""The WSGI application that gunicorn serves.

What a request would otherwise load on first use is loaded here, at import: the URL
configuration with every view module it imports (about 1–2 s of CPU on the 2-core test
machine) and the translation catalogues. gunicorn imports this module once, in its master
(`preload_app` in smk_dashboard/ops/gunicorn.conf.py), and forks every worker from it, so a
worker that replaces one recycled after `max_requests` answers serves its first page at once
instead of holding it for 1–2 s while the other workers carry the load.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
application = get_wsgi_application()


def _load_what_requests_use() -> None:
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  # imports every URL module and view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Daftar perhatian")


_load_what_requests_use()
