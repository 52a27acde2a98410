"""REST API for students, their grades and attendance. Every read starts from
`student_queryset_for_user`: a student outside the user's scope answers 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from smk_dashboard.core.api_support import (
    PAGE_PARAM,
    PAGE_SIZE_PARAM,
    paginated,
    paginated_response,
    require_roles,
)
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.roles import STUDENT_RECORD_ROLES

from .models import AttendanceRecord, AttendanceStatus, AttendanceSummary, GradeRecord
from .selectors import class_queryset_for_user, student_queryset_for_user


def scoped_student(request, pk: int, *, action: str):
    """The student `pk` if the caller may see them (404 otherwise); the read is audited."""
    require_roles(request, STUDENT_RECORD_ROLES)
    student = get_object_or_404(student_queryset_for_user(user=request.user), pk=pk)
    audit_log(action=action, request=request, target=student, detail={"via": "api"})
    return student


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "Ref"


class StudentGradeListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        term = serializers.RegexField(r"^\d{4}-[12]$", required=False)

        class Meta:
            ref_name = "GradeFilter"

    class OutputSerializer(serializers.Serializer):
        term = serializers.CharField(source="term.code")
        term_label = serializers.CharField(source="term.label")
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
        student = scoped_student(request, pk, action="student.grades.view")
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
        student = scoped_student(request, pk, action="student.attendance.view")
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
        term_label = serializers.CharField(source="term.label")
        sakit = serializers.IntegerField()
        izin = serializers.IntegerField()
        alpa = serializers.IntegerField()
        school_days = serializers.IntegerField(allow_null=True)
        attendance_rate = serializers.FloatField(allow_null=True)

        class Meta:
            ref_name = "AttendanceSummary"

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, pk: int):
        student = scoped_student(request, pk, action="student.attendance_summary.view")
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
        major = RefSerializer()

        class Meta:
            ref_name = "SchoolClass"

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedClassList"),
        operation_id="classes_list",
    )
    def get(self, request):
        require_roles(request, STUDENT_RECORD_ROLES)
        classes = (
            class_queryset_for_user(user=request.user)
            .select_related("major")
            .order_by("-academic_year", "grade_level", "name", "id")
        )
        return paginated_response(
            request=request, view=self, queryset=classes, serializer_class=self.OutputSerializer
        )
