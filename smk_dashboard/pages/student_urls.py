from django.urls import path

from students import thresholds, views
from students.dapodik import views as dapodik_views

from .pack import views as pack_views
from .profile import parents as parents_views
from .profile import views as profile_views
from .risk import views as risk_views

app_name = "students"

urlpatterns = [
    # Spreadsheet imports (the students app's own pages)
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/setup/", views.import_setup, name="import_setup"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/<int:pk>/refresh/", views.import_refresh, name="import_refresh"),
    path("imports/<int:pk>/identity/", views.import_resolve, name="import_resolve"),
    path("imports/<int:pk>/status/", views.import_status, name="import_status"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("indicators/", thresholds.indicator_settings, name="indicators"),
    path("dapodik/", dapodik_views.dapodik_settings, name="dapodik"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    # Risk list and student profile: students, predictions and interventions together
    path("risk/", risk_views.risk_list, name="risk"),
    path("<int:student_id>/", profile_views.student_profile_view, name="profile"),
    path("<int:student_id>/parents/", parents_views.student_parents_edit, name="parents"),
    path("<int:student_id>/summary.pdf", pack_views.student_pack_view, name="summary_pdf"),
]
