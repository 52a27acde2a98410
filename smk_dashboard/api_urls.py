"""/api/v1/: one APIView per operation (see STYLE.md)."""

from django.urls import path

from predictions import api as predictions_api
from students import api as students_api

from . import api

app_name = "api"
urlpatterns = [
    path("", api.ApiRootApi.as_view(), name="root"),
    path("auth/token/", api.TokenObtainApi.as_view(), name="token"),
    path("auth/token/revoke/", api.TokenRevokeApi.as_view(), name="token-revoke"),
    path("students/", students_api.StudentListApi.as_view(), name="student-list"),
    path("students/<int:pk>/", students_api.StudentDetailApi.as_view(), name="student-detail"),
    path(
        "students/<int:pk>/grades/",
        students_api.StudentGradeListApi.as_view(),
        name="student-grades",
    ),
    path(
        "students/<int:pk>/attendance/",
        students_api.StudentAttendanceListApi.as_view(),
        name="student-attendance",
    ),
    path(
        "students/<int:pk>/attendance-summary/",
        students_api.StudentAttendanceSummaryApi.as_view(),
        name="student-attendance-summary",
    ),
    path(
        "students/<int:pk>/predictions/",
        predictions_api.StudentPredictionListApi.as_view(),
        name="student-predictions",
    ),
    path("classes/", students_api.ClassListApi.as_view(), name="class-list"),
    path(
        "classes/<int:pk>/predictions/",
        predictions_api.ClassPredictionListApi.as_view(),
        name="class-predictions",
    ),
    path(
        "model-versions/", predictions_api.ModelVersionListApi.as_view(), name="modelversion-list"
    ),
    path(
        "model-versions/<int:pk>/",
        predictions_api.ModelVersionDetailApi.as_view(),
        name="modelversion-detail",
    ),
]
