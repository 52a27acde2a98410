"""/api/v1/: one APIView per operation (see STYLE.md)."""

from django.urls import path

from interventions.actions import api as todos_api
from interventions.cases import api as interventions_api
from interventions.conduct import api as points_api
from interventions.contacts import api as contacts_api
from predictions import api as predictions_api
from predictions import api_training
from students import api as students_api
from students import api_imports

from . import notifications as notifications_api
from . import parents as parents_api
from . import pkl as pkl_api
from . import students as student_predictions_api
from . import views as api

app_name = "api"
urlpatterns = [
    path("", api.ApiRootApi.as_view(), name="root"),
    path("auth/token/", api.TokenObtainApi.as_view(), name="token"),
    path("auth/token/revoke/", api.TokenRevokeApi.as_view(), name="token-revoke"),
    path("students/", student_predictions_api.StudentListApi.as_view(), name="student-list"),
    path(
        "students/<int:pk>/",
        student_predictions_api.StudentDetailApi.as_view(),
        name="student-detail",
    ),
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
        student_predictions_api.ClassPredictionListApi.as_view(),
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
    path(
        "model-versions/<int:pk>/promote/",
        api_training.ModelVersionPromoteApi.as_view(),
        name="modelversion-promote",
    ),
    path("training-runs/", api_training.TrainingRunStartApi.as_view(), name="trainingrun-start"),
    path(
        "scoring-runs/<int:pk>/",
        api_training.ScoringRunDetailApi.as_view(),
        name="scoringrun-detail",
    ),
    path(
        "scoring-runs/<int:pk>/confirm/",
        api_training.ScoringRunConfirmApi.as_view(),
        name="scoringrun-confirm",
    ),
    path(
        "training-runs/<int:pk>/",
        api_training.TrainingRunDetailApi.as_view(),
        name="trainingrun-detail",
    ),
    path("imports/", api_imports.ImportCreateApi.as_view(), name="import-create"),
    path("imports/<int:pk>/", api_imports.ImportDetailApi.as_view(), name="import-detail"),
    path(
        "imports/<int:pk>/confirm/", api_imports.ImportConfirmApi.as_view(), name="import-confirm"
    ),
    path(
        "interventions/",
        interventions_api.InterventionListCreateApi.as_view(),
        name="intervention-list",
    ),
    path(
        "interventions/<int:pk>/",
        interventions_api.InterventionDetailApi.as_view(),
        name="intervention-detail",
    ),
    path(
        "interventions/<int:pk>/start/",
        interventions_api.InterventionStartApi.as_view(),
        name="intervention-start",
    ),
    path(
        "interventions/<int:pk>/close/",
        interventions_api.InterventionCloseApi.as_view(),
        name="intervention-close",
    ),
    path(
        "interventions/<int:pk>/sessions/",
        interventions_api.SessionListCreateApi.as_view(),
        name="intervention-sessions",
    ),
    path(
        "interventions/<int:pk>/sessions/<int:session_pk>/",
        interventions_api.SessionDetailApi.as_view(),
        name="intervention-session-detail",
    ),
    # Issue 24: to-dos and notifications.
    path("todos/", todos_api.TodoListApi.as_view(), name="todo-list"),
    path("todos/<int:pk>/done/", todos_api.TodoDoneApi.as_view(), name="todo-done"),
    path("todos/<int:pk>/reassign/", todos_api.TodoReassignApi.as_view(), name="todo-reassign"),
    path(
        "todos/<int:pk>/reschedule/",
        todos_api.TodoRescheduleApi.as_view(),
        name="todo-reschedule",
    ),
    path(
        "notifications/", notifications_api.NotificationListApi.as_view(), name="notification-list"
    ),
    path(
        "notifications/read/",
        notifications_api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    # issue 24: conduct points, parent contacts and letters, PKL, parents
    path("points/catalogue/", points_api.PointCatalogueApi.as_view(), name="point-catalogue"),
    path(
        "points/catalogue/behaviours/",
        points_api.BehaviourCreateApi.as_view(),
        name="point-behaviour-create",
    ),
    path(
        "students/<int:pk>/points/",
        points_api.StudentPointListCreateApi.as_view(),
        name="student-points",
    ),
    path("points/<int:pk>/void/", points_api.PointEntryVoidApi.as_view(), name="point-void"),
    path(
        "students/<int:pk>/contacts/",
        contacts_api.StudentContactListCreateApi.as_view(),
        name="student-contacts",
    ),
    path(
        "students/<int:pk>/letters/",
        contacts_api.StudentLetterListCreateApi.as_view(),
        name="student-letters",
    ),
    path("letters/<int:pk>/pdf/", contacts_api.LetterPdfApi.as_view(), name="letter-pdf"),
    path("students/<int:pk>/pkl/", pkl_api.StudentPklListApi.as_view(), name="student-pkl"),
    path(
        "students/<int:pk>/parents/",
        parents_api.StudentParentsApi.as_view(),
        name="student-parents",
    ),
]
