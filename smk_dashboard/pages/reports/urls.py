from django.urls import path

from . import views as report_views

app_name = "reports"

urlpatterns = [
    path("school/", report_views.school_report_view, name="school"),
    path("district/", report_views.district_report_view, name="district"),
]
