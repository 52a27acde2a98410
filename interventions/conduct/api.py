"""REST API for conduct points (issue 24): the school's catalogue, a student's points with
their running total, recording an entry (a points app at the gate) and voiding one. The
rules are those of the pages: who may record and void lives in cases/permissions.py, a
student out of the caller's sight answers 404, every write goes through services.py."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from interventions.cases import permissions
from interventions.cases.serializers import MAX_ID
from smk_dashboard.core.api_support import (
    PAGE_PARAM,
    PAGE_SIZE_PARAM,
    AsciiDateField,
    AsciiIntegerField,
    DetailSerializer,
    paginated,
    paginated_response,
    require_roles,
    service_errors,
)
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.roles import (
    POINT_CATALOGUE_ROLES,
    POINT_RECORDER_ROLES,
    POINT_VOID_ROLES,
    RISK_VIEWER_ROLES,
)
from students.selectors import student_queryset_for_user

from . import selectors, services
from .models import BehaviourKind, LetterKind

# Entries may be recorded for the last two school years, never for the future.
OLDEST_DAYS = 2 * 366
CATALOGUE_ROLES = POINT_RECORDER_ROLES | POINT_VOID_ROLES


def _scoped_student(request, pk: int, *, roles, action: str):
    require_roles(request, roles)
    student = get_object_or_404(
        student_queryset_for_user(user=request.user).select_related("school"), pk=pk
    )
    audit_log(action=action, request=request, target=student, detail={"via": "api"})
    return student


class _UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PointUserRef"

    def get_name(self, obj) -> str:
        return obj.get_full_name() or obj.username


class BehaviourSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="nama seperti disimpan sekolah")
    label = serializers.CharField(help_text="nama untuk dibaca (nama bawaan diterjemahkan)")
    kind = serializers.ChoiceField(choices=BehaviourKind.choices)
    points = serializers.IntegerField()
    active = serializers.BooleanField()

    class Meta:
        ref_name = "Behaviour"


class ThresholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    points = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    letter_kind = serializers.ChoiceField(choices=[("", "-"), *LetterKind.choices])

    class Meta:
        ref_name = "PointThreshold"


class PointCatalogueApi(APIView):
    """The behaviours (violations positive, achievements negative) and thresholds of the
    caller's school: what a points app offers to record."""

    class OutputSerializer(serializers.Serializer):
        behaviours = BehaviourSerializer(many=True)
        thresholds = ThresholdSerializer(many=True)

        class Meta:
            ref_name = "PointCatalogue"

    @extend_schema(responses=OutputSerializer, operation_id="points_catalogue")
    def get(self, request):
        require_roles(request, CATALOGUE_ROLES)
        return Response(self.OutputSerializer(selectors.point_catalogue(user=request.user)).data)


class BehaviourCreateApi(APIView):
    """POST (bk, as the catalogue page): add a behaviour to the school's catalogue; violations
    carry positive points (1 to 1000), achievements negative ones."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        kind = serializers.ChoiceField(choices=BehaviourKind.choices)
        points = AsciiIntegerField(min_value=-1000, max_value=1000)
        active = serializers.BooleanField(required=False, default=True)

        class Meta:
            ref_name = "BehaviourInput"

    @extend_schema(
        request=InputSerializer,
        responses={201: BehaviourSerializer},
        operation_id="points_catalogue_behaviours_create",
    )
    def post(self, request):
        require_roles(request, POINT_CATALOGUE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            behaviour = services.behaviour_save(user=request.user, **data.validated_data)
        return Response(BehaviourSerializer(behaviour).data, status=status.HTTP_201_CREATED)


class PointEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.id")
    date = serializers.DateField(source="entry.date")
    behaviour = BehaviourSerializer(source="entry.behaviour")
    points = serializers.IntegerField(source="entry.points")
    description = serializers.CharField(source="entry.description")
    running_total = serializers.IntegerField()
    recorded_by = _UserRef(source="entry.recorded_by", allow_null=True)
    imported = serializers.SerializerMethodField()
    voided_at = serializers.DateTimeField(source="entry.voided_at", allow_null=True)
    void_reason = serializers.CharField(source="entry.void_reason")

    class Meta:
        ref_name = "PointEntry"

    def get_imported(self, row) -> bool:
        return row.entry.import_batch_id is not None


class StudentPointListCreateApi(APIView):
    """GET (guru, walikelas, bk, kepsek: as the profile): a student's points, newest first,
    with the running total after each. POST (guru, walikelas, bk): record a behaviour from
    the school's catalogue; a crossed threshold makes its to-do as the page does."""

    class InputSerializer(serializers.Serializer):
        behaviour = AsciiIntegerField(min_value=1, max_value=MAX_ID)
        date = AsciiDateField()
        description = serializers.CharField(
            required=False, allow_blank=True, max_length=500, default=""
        )

        class Meta:
            ref_name = "PointEntryInput"

        def validate_date(self, value: dt.date) -> dt.date:
            today = timezone.localdate()
            if value > today or (today - value).days > OLDEST_DAYS:
                raise serializers.ValidationError(
                    _("Tanggal harus dalam dua tahun terakhir dan tidak di masa depan.")
                )
            return value

    class CreatedSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        points = serializers.IntegerField()
        total = serializers.IntegerField()
        todos_created = serializers.IntegerField()

        class Meta:
            ref_name = "PointEntryCreated"

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(PointEntrySerializer, "PaginatedPointEntryList"),
        operation_id="students_points_list",
    )
    def get(self, request, pk: int):
        student = _scoped_student(request, pk, roles=RISK_VIEWER_ROLES, action="points.list")
        timeline = selectors.student_points(student=student)["timeline"]
        return paginated_response(
            request=request, view=self, queryset=timeline, serializer_class=PointEntrySerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedSerializer},
        operation_id="students_points_create",
    )
    def post(self, request, pk: int):
        require_roles(request, POINT_RECORDER_ROLES)
        student = get_object_or_404(student_queryset_for_user(user=request.user), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        behaviour = selectors.behaviours_for_student(student=student).filter(
            pk=data.validated_data["behaviour"]
        )
        if not behaviour.exists():
            message = _("Pilih perilaku yang aktif dari katalog sekolah ini.")
            raise serializers.ValidationError({"detail": message, "behaviour": [message]})
        with service_errors():
            entry, todos = services.point_entry_record(
                user=request.user,
                student=student,
                behaviour=behaviour.get(),
                date=data.validated_data["date"],
                description=data.validated_data["description"],
                request=request,
            )
        body = {
            "id": entry.pk,
            "points": entry.points,
            "total": services.student_points_total(student=student),
            "todos_created": len(todos),
        }
        return Response(self.CreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class PointEntryVoidApi(APIView):
    """POST (bk, kepsek of the student's school): void an entry with a reason (audited)."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

        class Meta:
            ref_name = "PointVoidInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        voided_at = serializers.DateTimeField()

        class Meta:
            ref_name = "PointVoided"

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, 409: DetailSerializer},
        operation_id="points_void",
    )
    def post(self, request, pk: int):
        require_roles(request, POINT_VOID_ROLES)
        entry = selectors.point_entry_get(user=request.user, pk=pk)
        if not permissions.can_void_points(request.user):
            raise serializers.ValidationError({"detail": _("Tidak boleh membatalkan poin.")})
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors(409 if entry.is_void else 400):
            entry = services.point_entry_void(
                user=request.user,
                entry=entry,
                reason=data.validated_data["reason"],
                request=request,
            )
        return Response(self.OutputSerializer(entry).data)
