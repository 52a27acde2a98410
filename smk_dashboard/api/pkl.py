"""PKL placements in the API (issue 24): a student's industry placements per term, for the
roles that read student records; the industry mentor's attendance count and ratings are
non-academic ratings (`core.fields`: operator, walikelas, bk, kepsek) and null for others."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from smk_dashboard.core.api_support import PAGE_PARAM, PAGE_SIZE_PARAM, Pagination, paginated
from smk_dashboard.core.fields import FieldGroup, can_see
from students.api import scoped_student
from students.models import PklPlacement

RATING_FIELDS = ("days_present", "days_total", "rating_attitude", "rating_skills")


class PklPlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.CharField(source="term.code")
    term_label = serializers.CharField(source="term.label")
    company = serializers.CharField()
    mentor = serializers.CharField()
    days_present = serializers.IntegerField(allow_null=True)
    days_total = serializers.IntegerField(allow_null=True)
    rating_attitude = serializers.FloatField(allow_null=True)
    rating_skills = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "PklPlacement"


class StudentPklListApi(APIView):
    """A student's PKL placements, newest term first."""

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(PklPlacementSerializer, "PaginatedPklPlacementList"),
        operation_id="students_pkl_list",
    )
    def get(self, request, pk: int):
        student = scoped_student(request, pk, action="pkl.list")
        placements = (
            PklPlacement.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester", "-id")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(placements, request, view=self)
        rows = PklPlacementSerializer(page, many=True).data
        if not can_see(request.user, FieldGroup.RATINGS):
            for row in rows:
                row.update(dict.fromkeys(RATING_FIELDS))
        return paginator.get_paginated_response(rows)
