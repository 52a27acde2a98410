"""The django-axes lockout check as the first authentication backend.

django-axes refuses an `authenticate()` call without a request. Every login over HTTP (the
login form, the API token endpoint) passes one; calls without a request come from code that
serves no client (Django's test client, the shell, management commands) and have no address to
lock out, so they skip the check instead of failing.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SchoolUserBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with their school in the same query:
    every page shows the school's name and every audit entry records it (one query less per
    request). Listed before ModelBackend, which stays for sessions signed in before it."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("school").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
