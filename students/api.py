"""REST API for students, their grades and attendance. Every read starts from
`student_queryset_for_user`: a student outside the user's scope answers 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from predictions.models import Category
from smk_dashboard.api_support import paginated, paginated_response
from smk_dashboard.audit import audit_log

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    AttendanceSummary,
    GradeRecord,
    Role,
    StudentStatus,
)
from .selectors import (
    API_SORTS,
    NOT_PREDICTED,
    SCHOOL_WIDE_ROLES,
    class_queryset_for_user,
    student_api_list,
    student_queryset_for_user,
)

API_STUDENT_ROLES = frozenset({Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK})
PAGE_PARAM = OpenApiParameter("page", int, description="Nomor halaman (mulai 1).")
PAGE_SIZE_PARAM = OpenApiParameter("page_size", int, description="Baris per halaman (≤ 200).")


def require_roles(request, roles) -> None:
    """403 for a role that has no business with these endpoints (sudin: never names)."""
    if not (request.user.is_superuser or request.user.role in roles):
        raise PermissionDenied()


def scoped_student(request, pk: int):
    require_roles(request, API_STUDENT_ROLES)
    return get_object_or_404(student_queryset_for_user(user=request.user), pk=pk)


class _RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "Ref"


def prediction_status(student) -> str:
    if student.excluded_from_scoring:
        return NOT_PREDICTED
    return "diprediksi" if student.latest_category else "belum_ada"


class StudentListApi(APIView):
    """Students the caller may see, with the latest predicted category."""

    class FilterSerializer(serializers.Serializer):
        major = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
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
            fields["class"] = serializers.IntegerField(
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
        school_class = _RefSerializer(allow_null=True)
        major = _RefSerializer(allow_null=True)
        latest_category = serializers.CharField(allow_null=True)
        latest_p_kurang = serializers.FloatField(allow_null=True)
        latest_term = serializers.CharField(allow_null=True)
        prediction_status = serializers.SerializerMethodField()

        class Meta:
            ref_name = "StudentListItem"

        def get_prediction_status(self, obj) -> str:
            return prediction_status(obj)

        def to_representation(self, instance):
            data = super().to_representation(instance)
            if instance.excluded_from_scoring:
                data.update(latest_category=None, latest_p_kurang=None, latest_term=None)
            return data

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedStudentList"),
        operation_id="students_list",
    )
    def get(self, request):
        require_roles(request, API_STUDENT_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        students = student_api_list(user=request.user, filters=filters.validated_data)
        return paginated_response(
            request=request, view=self, queryset=students, serializer_class=self.OutputSerializer
        )


class StudentDetailApi(APIView):
    """One student's profile. Socio-economic fields only for school-wide roles (bk, kepsek,
    operator); each view is audited."""

    class OutputSerializer(StudentListApi.OutputSerializer):
        birth_date = serializers.DateField(allow_null=True)
        kip_recipient = serializers.BooleanField()
        father_education = serializers.CharField(allow_null=True)
        mother_education = serializers.CharField(allow_null=True)
        father_occupation = serializers.CharField(allow_null=True)
        mother_occupation = serializers.CharField(allow_null=True)
        income_bracket = serializers.CharField(allow_null=True)
        distance_km = serializers.CharField(allow_null=True)

        class Meta:
            ref_name = "StudentDetail"

    SOCIO_ECONOMIC = (
        "father_education",
        "mother_education",
        "father_occupation",
        "mother_occupation",
        "income_bracket",
        "distance_km",
    )

    @extend_schema(responses=OutputSerializer)
    def get(self, request, pk: int):
        require_roles(request, API_STUDENT_ROLES)
        student = get_object_or_404(student_api_list(user=request.user, filters={}), pk=pk)
        audit_log(action="student.view", request=request, target=student, detail={"via": "api"})
        data = self.OutputSerializer(student).data
        if not (request.user.is_superuser or request.user.role in SCHOOL_WIDE_ROLES):
            data.update(dict.fromkeys(self.SOCIO_ECONOMIC))
        return Response(data)


class StudentGradeListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        term = serializers.RegexField(r"^\d{4}-[12]$", required=False)

        class Meta:
            ref_name = "GradeFilter"

    class OutputSerializer(serializers.Serializer):
        term = serializers.CharField(source="term.code")
        subject_code = serializers.CharField(source="subject.code")
        subject = serializers.CharField(source="subject.name")
        component = serializers.CharField()
        score = serializers.FloatField()

        class Meta:
            ref_name = "Grade"

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedGradeList"),
        operation_id="student_grades_list",
    )
    def get(self, request, pk: int):
        student = scoped_student(request, pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        grades = (
            GradeRecord.objects.filter(student=student)
            .select_related("term", "subject")
            .order_by("term__code", "subject__name", "component", "id")
        )
        if filters.validated_data.get("term"):
            grades = grades.filter(term__code=filters.validated_data["term"])
        return paginated_response(
            request=request, view=self, queryset=grades, serializer_class=self.OutputSerializer
        )


class StudentAttendanceListApi(APIView):
    """Daily attendance (H/S/I/A) of one student, newest first."""

    class FilterSerializer(serializers.Serializer):
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        status = serializers.ChoiceField(required=False, choices=AttendanceStatus.values)

        class Meta:
            ref_name = "AttendanceFilter"

    class OutputSerializer(serializers.Serializer):
        date = serializers.DateField()
        status = serializers.CharField()

        class Meta:
            ref_name = "AttendanceDay"

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedAttendanceList"),
        operation_id="student_attendance_list",
    )
    def get(self, request, pk: int):
        student = scoped_student(request, pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        days = AttendanceRecord.objects.filter(student=student).order_by("-date", "-id")
        if f.get("date_from"):
            days = days.filter(date__gte=f["date_from"])
        if f.get("date_to"):
            days = days.filter(date__lte=f["date_to"])
        if f.get("status"):
            days = days.filter(status=f["status"])
        return paginated_response(
            request=request, view=self, queryset=days, serializer_class=self.OutputSerializer
        )


class StudentAttendanceSummaryApi(APIView):
    """Per-term attendance recap (sakit, izin, alpa, school days)."""

    class OutputSerializer(serializers.Serializer):
        term = serializers.CharField(source="term.code")
        sakit = serializers.IntegerField()
        izin = serializers.IntegerField()
        alpa = serializers.IntegerField()
        school_days = serializers.IntegerField(allow_null=True)
        attendance_rate = serializers.FloatField(allow_null=True)

        class Meta:
            ref_name = "AttendanceSummary"

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, pk: int):
        student = scoped_student(request, pk)
        rows = (
            AttendanceSummary.objects.filter(student=student)
            .select_related("term")
            .order_by("term__code")
        )
        return Response(self.OutputSerializer(rows, many=True).data)


class ClassListApi(APIView):
    """Classes (rombel) whose students the caller may see."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        grade_level = serializers.IntegerField()
        academic_year = serializers.IntegerField()
        major = _RefSerializer()

        class Meta:
            ref_name = "SchoolClass"

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedClassList"),
        operation_id="classes_list",
    )
    def get(self, request):
        require_roles(request, API_STUDENT_ROLES)
        classes = (
            class_queryset_for_user(user=request.user)
            .select_related("major")
            .order_by("-academic_year", "grade_level", "name", "id")
        )
        return paginated_response(
            request=request, view=self, queryset=classes, serializer_class=self.OutputSerializer
        )
