from django.urls import path

app_name = "students"

urlpatterns = []

# --- Risk list and student profile (issue 5: pages) ---------------------------------------------
from . import views_profile, views_risk  # noqa: E402

urlpatterns += [
    path("risk/", views_risk.risk_list, name="risk"),
    path("<int:student_id>/", views_profile.student_profile_view, name="profile"),
]
# --- end of issue 5 block ------------------------------------------------------------------------
