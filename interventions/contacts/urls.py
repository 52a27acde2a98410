"""Parent contact and letters (issue 17). Included by interventions/urls.py under
/interventions/, so the names are in the `interventions` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "contacts/students/<int:student_id>/new/",
        views.contact_create,
        name="contact_create",
    ),
    path(
        "contacts/students/<int:student_id>/whatsapp/",
        views.contact_whatsapp,
        name="contact_whatsapp",
    ),
    path("letters/students/<int:student_id>/new/", views.letter_create, name="letter_create"),
    path("letters/<int:pk>.pdf", views.letter_pdf, name="letter_pdf"),
    path("letters/templates/", views.letter_templates, name="letter_templates"),
    path(
        "letters/templates/<str:kind>/",
        views.letter_template_edit,
        name="letter_template_edit",
    ),
]
