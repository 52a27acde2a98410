from django.urls import path

from . import views

app_name = "predictions"

urlpatterns = [
    path("models/", views.model_quality, name="models"),
    path("<int:prediction_id>/feedback/", views.prediction_feedback, name="feedback"),
]
