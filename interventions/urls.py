from django.urls import path

from . import caseload
from .cases import views
from .conduct import views as conduct_views
from .contacts import views as contact_views
from .referrals import views as referral_views

app_name = "interventions"

urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("new/", caseload.intervention_create, name="create"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("caseload/reschedule/", caseload.follow_ups_reschedule, name="follow_ups_reschedule"),
    path("effectiveness/", views.effectiveness, name="effectiveness"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/seed/", views.programme_seed, name="programme_seed"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    # Conduct and achievement points (issue 17)
    path("points/catalogue/", conduct_views.point_catalogue, name="point_catalogue"),
    path("points/catalogue/seed/", conduct_views.point_catalogue_seed, name="point_catalogue_seed"),
    path("points/behaviours/<int:pk>/", conduct_views.behaviour_edit, name="behaviour_edit"),
    path(
        "points/thresholds/<int:pk>/delete/",
        conduct_views.threshold_delete,
        name="threshold_delete",
    ),
    path(
        "points/students/<int:student_id>/new/",
        conduct_views.point_entry_create,
        name="point_create",
    ),
    path("points/<int:pk>/void/", conduct_views.point_entry_void, name="point_void"),
    path("points/todos/<int:pk>/done/", conduct_views.point_todo_done, name="point_todo_done"),
    # Parent contact and letters (issue 17)
    path(
        "contacts/students/<int:student_id>/new/",
        contact_views.contact_create,
        name="contact_create",
    ),
    path(
        "letters/students/<int:student_id>/new/", contact_views.letter_create, name="letter_create"
    ),
    path("letters/<int:pk>.pdf", contact_views.letter_pdf, name="letter_pdf"),
    path("letters/templates/", contact_views.letter_templates, name="letter_templates"),
    path(
        "letters/templates/<str:kind>/",
        contact_views.letter_template_edit,
        name="letter_template_edit",
    ),
    # Referrals to bk (issue 14)
    path(
        "referrals/students/<int:student_id>/new/",
        referral_views.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/decline/", referral_views.referral_decline, name="referral_decline"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/start/", views.intervention_start, name="start"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path(
        "<int:pk>/sessions/<int:session_pk>/referral/",
        views.referral_update,
        name="referral_update",
    ),
    path("<int:pk>/close/", views.intervention_close, name="close"),
    path("<int:pk>/delete/", views.intervention_delete, name="delete"),
]
