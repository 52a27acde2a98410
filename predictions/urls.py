from django.urls import path

from .views import quality, status, training

app_name = "predictions"

urlpatterns = [
    # Training (operator)
    path("training/", training.training, name="training"),
    path("training/<int:run_id>/", training.training_run, name="training_run"),
    path(
        "training/<int:run_id>/status/",
        training.training_run_status,
        name="training_run_status",
    ),
    path(
        "versions/<int:version_id>/promote/",
        training.model_version_promote,
        name="model_version_promote",
    ),
    path("scoring/<int:scoring_id>/", training.scoring_confirm, name="scoring"),
    path("status/", status.prediction_status_json, name="status"),
    path("models/", quality.model_quality, name="models"),
    path("<int:prediction_id>/feedback/", quality.prediction_feedback, name="feedback"),
]
