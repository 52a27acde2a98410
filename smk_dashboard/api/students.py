"""The REST API views that show students with their current prediction: the student list and
detail, and a class's predictions. The students app's own endpoints (grades, attendance,
classes) live in `students.api`."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from predictions.models import Prediction
from smk_dashboard.core.api_support import (
    PAGE_PARAM,
    PAGE_SIZE_PARAM,
    IdField,
    paginated,
    paginated_response,
    require_roles,
)
from smk_dashboard.core.audit import audit_log, audit_student_list
from smk_dashboard.core.categories import Category
from smk_dashboard.core.fields import SOCIO_ECONOMIC_FIELDS, FieldGroup, can_see
from smk_dashboard.core.formats import risk_label, term_label
from smk_dashboard.core.roles import RISK_VIEWER_ROLES, STUDENT_RECORD_ROLES
from students.api import RefSerializer
from students.models import Student, StudentPrivacy, StudentStatus, User
from students.selectors import class_queryset_for_user, student_queryset_for_user

API_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "nisn": ("nisn", "id"),
    "class": ("school_class__name", "name", "id"),
    "risk": (F("latest_p_kurang").desc(nulls_last=True), "name", "id"),
}


NOT_PREDICTED = "tidak_diprediksi"


def student_api_list(*, user: User, filters: dict) -> QuerySet[Student]:
    """Students the user may see, filtered like the risk list: `class` (id), `major` (id),
    `category` (the current prediction's category, or `tidak_diprediksi` for students who object
    to automated decisions), `q` (name, NISN or NIS), `sort` (a key of API_SORTS).
    Each row carries `latest_category`, `latest_p_kurang` and `latest_term` (of the current
    prediction) and `excluded_from_scoring`."""
    current = Prediction.objects.current().filter(student=OuterRef("pk"))
    qs = (
        student_queryset_for_user(user=user)
        .select_related("school_class", "major")
        .annotate(
            latest_category=Subquery(current.values("category")[:1]),
            latest_p_kurang=Subquery(current.values("p_kurang")[:1]),
            latest_term=Subquery(current.values("term__code")[:1]),
            excluded_from_scoring=Exists(
                StudentPrivacy.objects.filter(
                    student=OuterRef("pk"), objects_to_automated_decisions=True
                )
            ),
        )
    )
    if not can_see(user, FieldGroup.PREDICTIONS):
        # No filtering or sorting by what the user may not see (the operator).
        filters = {k: v for k, v in filters.items() if k != "category"}
        if filters.get("sort") == "risk":
            filters["sort"] = "name"
    if filters.get("class"):
        qs = qs.filter(school_class_id=filters["class"])
    if filters.get("major"):
        qs = qs.filter(major_id=filters["major"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    category = filters.get("category")
    if category == NOT_PREDICTED:
        qs = qs.filter(excluded_from_scoring=True)
    elif category:
        qs = qs.filter(latest_category=category, excluded_from_scoring=False)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(nisn__startswith=q) | Q(nis=q))
    return qs.order_by(*API_SORTS.get(filters.get("sort") or "name", API_SORTS["name"]))


PREDICTION_KEYS = (
    "latest_category",
    "latest_p_kurang",
    "latest_risk_label",
    "latest_term",
    "latest_term_label",
)


def hide_predictions(row: dict, *, user: User) -> dict:
    """A role without the predictions field group (the operator) gets them as null."""
    if not can_see(user, FieldGroup.PREDICTIONS):
        row.update(dict.fromkeys(PREDICTION_KEYS))
    return row


def student_page_response(*, request, view, queryset, serializer_class, action, target=None):
    """One page of students, with predictions hidden where the role may not see them, and
    one audit row naming the ids of the students on the page."""
    response = paginated_response(
        request=request, view=view, queryset=queryset, serializer_class=serializer_class
    )
    rows = response.data["results"]
    for row in rows:
        hide_predictions(row, user=request.user)
    audit_student_list(
        request=request,
        action=action,
        target=target,
        student_ids=[row["id"] for row in rows],
        detail={"via": "api"},
    )
    return response


def prediction_status(student) -> str:
    if student.excluded_from_scoring:
        return NOT_PREDICTED
    return "diprediksi" if student.latest_category else "belum_ada"


class StudentListApi(APIView):
    """Students the caller may see, with the latest predicted category."""

    class FilterSerializer(serializers.Serializer):
        major = IdField(required=False, min_value=1, max_value=2**31 - 1)
        category = serializers.ChoiceField(
            required=False, choices=[*Category.values, NOT_PREDICTED]
        )
        status = serializers.ChoiceField(required=False, choices=StudentStatus.values)
        q = serializers.CharField(required=False, max_length=100)
        sort = serializers.ChoiceField(required=False, choices=list(API_SORTS))

        class Meta:
            ref_name = "StudentListFilter"

        def get_fields(self):
            fields = super().get_fields()
            # `class` is a Python keyword, so it cannot be a class attribute.
            fields["class"] = IdField(
                required=False, min_value=1, max_value=2**31 - 1, help_text="id rombel"
            )
            return fields

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        nisn = serializers.CharField()
        nis = serializers.CharField()
        name = serializers.CharField()
        gender = serializers.CharField()
        status = serializers.CharField()
        school_class = RefSerializer(allow_null=True)
        major = RefSerializer(allow_null=True)
        latest_category = serializers.CharField(allow_null=True)
        latest_p_kurang = serializers.FloatField(allow_null=True)
        latest_risk_label = serializers.SerializerMethodField(
            help_text='mis. "sangat tinggi, > 95%": latest_p_kurang untuk dibaca orang'
        )
        latest_term = serializers.CharField(allow_null=True)
        latest_term_label = serializers.SerializerMethodField(
            help_text="mis. Ganjil 2026/2027: latest_term untuk dibaca orang"
        )
        prediction_status = serializers.SerializerMethodField()

        class Meta:
            ref_name = "StudentListItem"

        def get_prediction_status(self, obj) -> str:
            return prediction_status(obj)

        def get_latest_risk_label(self, obj) -> str | None:
            return None if obj.latest_p_kurang is None else risk_label(obj.latest_p_kurang)

        def get_latest_term_label(self, obj) -> str | None:
            return None if obj.latest_term is None else term_label(obj.latest_term)

        def to_representation(self, instance):
            data = super().to_representation(instance)
            if instance.excluded_from_scoring:
                data.update(dict.fromkeys(PREDICTION_KEYS))
            return data

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedStudentList"),
        operation_id="students_list",
    )
    def get(self, request):
        require_roles(request, STUDENT_RECORD_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        students = student_api_list(user=request.user, filters=filters.validated_data)
        return student_page_response(
            request=request,
            view=self,
            queryset=students,
            serializer_class=self.OutputSerializer,
            action="student.list",
        )


class StudentDetailApi(APIView):
    """One student's profile. Socio-economic fields (`core.fields`: bk, kepsek, operator) are
    null for the other roles; each view is audited."""

    class OutputSerializer(StudentListApi.OutputSerializer):
        birth_date = serializers.DateField(allow_null=True)
        kip_recipient = serializers.BooleanField(allow_null=True)
        father_education = serializers.CharField(allow_null=True)
        mother_education = serializers.CharField(allow_null=True)
        father_occupation = serializers.CharField(allow_null=True)
        mother_occupation = serializers.CharField(allow_null=True)
        income_bracket = serializers.CharField(allow_null=True)
        distance_km = serializers.CharField(allow_null=True)

        class Meta:
            ref_name = "StudentDetail"

    @extend_schema(responses=OutputSerializer)
    def get(self, request, pk: int):
        require_roles(request, STUDENT_RECORD_ROLES)
        student = get_object_or_404(student_api_list(user=request.user, filters={}), pk=pk)
        audit_log(action="student.view", request=request, target=student, detail={"via": "api"})
        data = self.OutputSerializer(student).data
        if not can_see(request.user, FieldGroup.SOCIO_ECONOMIC):
            data.update(dict.fromkeys(SOCIO_ECONOMIC_FIELDS))
        return Response(hide_predictions(data, user=request.user))


class ClassPredictionListApi(APIView):
    """The latest prediction of every student in one class (rombel)."""

    @extend_schema(
        parameters=[StudentListApi.FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(StudentListApi.OutputSerializer, "PaginatedClassPredictionList"),
    )
    def get(self, request, pk: int):
        require_roles(request, RISK_VIEWER_ROLES)
        school_class = get_object_or_404(class_queryset_for_user(user=request.user), pk=pk)
        filters = StudentListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = {**filters.validated_data, "class": school_class.pk}
        params.setdefault("sort", "risk")
        students = student_api_list(user=request.user, filters=params)
        return student_page_response(
            request=request,
            view=self,
            queryset=students,
            serializer_class=StudentListApi.OutputSerializer,
            action="class.predictions.view",
            target=school_class,
        )
