from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# Included under accounts/ without a namespace: the names stay "login", "two_factor", ...
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.two_factor_setup, name="two_factor"),
    path("2fa/verify/", views.two_factor_verify_view, name="two_factor_verify"),
    # Outside /accounts/2fa/: a session that still owes its own second factor cannot open it.
    path("enrolment-codes/", views.enrolment_codes, name="two_factor_enrolment_codes"),
]
