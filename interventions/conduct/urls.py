"""Conduct and achievement points (issue 17). Included by interventions/urls.py under
/interventions/, so the names are in the `interventions` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("points/catalogue/", views.point_catalogue, name="point_catalogue"),
    path("points/catalogue/seed/", views.point_catalogue_seed, name="point_catalogue_seed"),
    path("points/behaviours/<int:pk>/", views.behaviour_edit, name="behaviour_edit"),
    path(
        "points/thresholds/<int:pk>/delete/",
        views.threshold_delete,
        name="threshold_delete",
    ),
    path(
        "points/students/<int:student_id>/new/",
        views.point_entry_create,
        name="point_create",
    ),
    path("points/<int:pk>/void/", views.point_entry_void, name="point_void"),
    path("points/todos/<int:pk>/done/", views.point_todo_done, name="point_todo_done"),
]
