from django.urls import path

from . import views, views_status, views_training

app_name = "predictions"

urlpatterns = [
    # Training (operator)
    path("training/", views_training.training, name="training"),
    path("training/<int:run_id>/", views_training.training_run, name="training_run"),
    path(
        "training/<int:run_id>/status/",
        views_training.training_run_status,
        name="training_run_status",
    ),
    path(
        "versions/<int:version_id>/promote/",
        views_training.model_version_promote,
        name="model_version_promote",
    ),
    path("scoring/<int:scoring_id>/", views_training.scoring_confirm, name="scoring"),
    path("status/", views_status.prediction_status_json, name="status"),
    path("models/", views.model_quality, name="models"),
    path("<int:prediction_id>/feedback/", views.prediction_feedback, name="feedback"),
]
