"""The django-axes lockout check as the first authentication backend.

django-axes refuses an `authenticate()` call without a request. Every login over HTTP (the
login form, the API token endpoint) passes one; calls without a request come from code that
serves no client (Django's test client, the shell, management commands) and have no address to
lock out, so they skip the check instead of failing.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
