"""Referrals to bk (issue 14). Included by interventions/urls.py under
/interventions/, so the names are in the `interventions` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "referrals/students/<int:student_id>/new/",
        views.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral_decline"),
]
