from django.urls import include, path

from . import caseload
from .actions import urls as action_urls
from .cases import views
from .conduct import urls as conduct_urls
from .contacts import urls as contact_urls
from .referrals import urls as referral_urls

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
    # Conduct and achievement points, parent contact and letters (issue 17), referrals to bk
    # (issue 14): each topic's own urls, in this namespace.
    path("", include(conduct_urls)),
    path("", include(contact_urls)),
    path("", include(referral_urls)),
    path("", include(action_urls)),
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
