from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("research-export/", views.research_export, name="research_export"),
    path("requests/", views.subject_requests, name="requests"),
    path("students/<int:pk>/", views.student_detail, name="student"),
    path("students/<int:pk>/consent/", views.consent, name="consent"),
    path("students/<int:pk>/request/", views.subject_request, name="request"),
    path("students/<int:pk>/export.json", views.export_json, name="export_json"),
    path("students/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("students/<int:pk>/rectify/", views.rectify, name="rectify"),
    path("students/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
]
