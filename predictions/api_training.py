"""REST API for the operator's training flow: start a run (202, queued on commit), follow its
status, promote a model version (scored first: 202 + a scoring to follow, then switched), follow
or confirm that scoring. The same services and rules as /predictions/training/:
operator of a school only, another school's run or version answers 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from smk_dashboard.core.api_support import DetailSerializer, service_errors
from students.models import Role

from . import services
from .api import _ModelVersionSerializer
from .models import ModelVersion, RunStatus, ScoringRun, ScoringStatus, TrainingRun


def _require_operator(request) -> None:
    """Operator of a school (a superuser only with a school: runs belong to one)."""
    user = request.user
    if not user.school_id or not (user.is_superuser or user.role == Role.OPERATOR):
        raise PermissionDenied()


class _VersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    algorithm = serializers.CharField()
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()

    class Meta:
        ref_name = "TrainingRunVersion"


class TrainingRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    finished = serializers.SerializerMethodField()
    progress = serializers.IntegerField()
    device = serializers.CharField(allow_blank=True)
    config = serializers.DictField()
    metrics = serializers.DictField(
        help_text="champion and, per model, the CV summary; promotion: the rule's decision "
        '("first", "auto" or "wait"), its reasons and figures, and the scoring that previews '
        "the switch"
    )
    error = serializers.CharField(allow_blank=True)
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    versions = _VersionRefSerializer(many=True, source="versions.all")
    status_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TrainingRun"

    def get_finished(self, obj) -> bool:
        return obj.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    def get_status_url(self, obj) -> str:
        request = self.context.get("request")
        return reverse("api:trainingrun-detail", args=[obj.pk], request=request)


class TrainingRunStartApi(APIView):
    """Start a training run for the operator's school; it runs on the `ml` queue once this
    request commits. Follow it at `status_url`."""

    class InputSerializer(serializers.Serializer):
        models = serializers.ListField(
            child=serializers.ChoiceField(choices=services.ALGORITHMS),
            min_length=1,
            max_length=len(services.ALGORITHMS),
            required=False,
            default=list(services.ALGORITHMS),
        )
        folds = serializers.IntegerField(min_value=2, max_value=10, required=False, default=5)

        class Meta:
            ref_name = "TrainingRunStartInput"

    @extend_schema(request=InputSerializer, responses={202: TrainingRunOutputSerializer})
    def post(self, request):
        _require_operator(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            run = services.training_run_start(
                school=request.user.school,
                user=request.user,
                models=serializer.validated_data["models"],
                folds=serializer.validated_data["folds"],
            )
        body = TrainingRunOutputSerializer(run, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class TrainingRunDetailApi(APIView):
    """Status, progress, device, metrics summary and error of one run."""

    @extend_schema(responses=TrainingRunOutputSerializer)
    def get(self, request, pk: int):
        _require_operator(request)
        run = get_object_or_404(TrainingRun.objects.filter(school_id=request.user.school_id), pk=pk)
        return Response(TrainingRunOutputSerializer(run, context={"request": request}).data)


class ScoringRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    model_version = serializers.IntegerField(source="model_version_id")
    purpose = serializers.CharField()
    status = serializers.CharField(
        help_text="pending, running, ready (scored, waiting for the switch), done, failed, "
        "cancelled"
    )
    status_label = serializers.CharField(source="get_status_display")
    ready = serializers.SerializerMethodField(
        help_text="scored and waiting: POST confirm_url (or promote again) to switch"
    )
    finished = serializers.SerializerMethodField()
    auto_switch = serializers.BooleanField()
    progress = serializers.IntegerField()
    n_students = serializers.IntegerField()
    summary = serializers.DictField(
        help_text='what the switch changes: {"before": {category: n}, "after": {...}, '
        '"changed": n, "compared": n}'
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    confirm_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ScoringRun"

    def get_ready(self, obj) -> bool:
        return obj.status == ScoringStatus.READY

    def get_finished(self, obj) -> bool:
        return obj.status in (ScoringStatus.DONE, ScoringStatus.FAILED, ScoringStatus.CANCELLED)

    def get_status_url(self, obj) -> str:
        return reverse("api:scoringrun-detail", args=[obj.pk], request=self.context.get("request"))

    def get_confirm_url(self, obj) -> str:
        return reverse("api:scoringrun-confirm", args=[obj.pk], request=self.context.get("request"))


_CONFLICT = OpenApiResponse(
    DetailSerializer,
    description="Berkas model rusak atau hilang, atau penilaian belum siap; model aktif tetap",
)


class ModelVersionPromoteApi(APIView):
    """Make a version the school's active model, scored first (the same rule as "Jadikan
    aktif" on /predictions/training/): students never lose their prediction.

    The first call queues a scoring of every student by the version and answers **202** with
    that scoring (`status_url` to follow it). Once it is `ready`, a second call to this path
    (or POST `confirm_url`) switches the model and its predictions in one transaction and
    answers **200** with the version. A call while the scoring is still pending or running
    answers 202 with the same scoring; a call for the version already active answers 200.
    With `{"auto_switch": true}` the worker switches by itself as soon as it has scored (no
    second call; follow `status_url` until `status` is `done`). A version whose artifact is
    missing or does not match its sha256 is refused (409) and the active model stays."""

    class InputSerializer(serializers.Serializer):
        auto_switch = serializers.BooleanField(
            required=False,
            default=False,
            help_text="switch as soon as the scoring is done, without a second call",
        )

        class Meta:
            ref_name = "ModelVersionPromoteInput"

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OpenApiResponse(
                _ModelVersionSerializer, description="Model aktif (sudah dinilai dan dialihkan)"
            ),
            202: OpenApiResponse(
                ScoringRunOutputSerializer,
                description="Penilaian siswa diantrekan atau sedang berjalan; belum dialihkan",
            ),
            409: _CONFLICT,
        },
    )
    def post(self, request, pk: int):
        _require_operator(request)
        version = get_object_or_404(
            ModelVersion.objects.filter(school_id=request.user.school_id), pk=pk
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(status_code=409):
            version, scoring = services.model_version_request_switch(
                version=version,
                user=request.user,
                auto_switch=serializer.validated_data["auto_switch"],
            )
        if scoring is not None:
            body = ScoringRunOutputSerializer(scoring, context={"request": request}).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(_ModelVersionSerializer(version).data)


class ScoringRunDetailApi(APIView):
    """Status, progress and change summary of one scoring of the operator's school."""

    @extend_schema(responses=ScoringRunOutputSerializer)
    def get(self, request, pk: int):
        _require_operator(request)
        scoring = get_object_or_404(
            ScoringRun.objects.filter(school_id=request.user.school_id), pk=pk
        )
        return Response(ScoringRunOutputSerializer(scoring, context={"request": request}).data)


class ScoringRunConfirmApi(APIView):
    """Switch to the scored version: the scoring must be `ready` (else 409, nothing changes)."""

    @extend_schema(request=None, responses={200: _ModelVersionSerializer, 409: _CONFLICT})
    def post(self, request, pk: int):
        _require_operator(request)
        scoring = get_object_or_404(
            ScoringRun.objects.filter(school_id=request.user.school_id), pk=pk
        )
        with service_errors(status_code=409):
            version = services.scoring_run_switch(scoring=scoring, user=request.user)
        return Response(_ModelVersionSerializer(version).data)
