from django.urls import path

from . import views

app_name = "interventions"

urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("new/", views.intervention_create, name="create"),
    path("caseload/", views.caseload, name="caseload"),
    path("effectiveness/", views.effectiveness, name="effectiveness"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/seed/", views.programme_seed, name="programme_seed"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/start/", views.intervention_start, name="start"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path("<int:pk>/close/", views.intervention_close, name="close"),
    path("<int:pk>/delete/", views.intervention_delete, name="delete"),
]
