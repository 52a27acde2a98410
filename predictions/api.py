"""REST API for model quality (versions, metrics, confusion matrices) and stored predictions.
Reads are scoped to the caller's school; students through `student_queryset_for_user`."""

from django.db.models import QuerySet
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
from smk_dashboard.core.categories import LABELS
from smk_dashboard.core.fields import factors_for_user
from smk_dashboard.core.roles import MODEL_QUALITY_ROLES, RISK_VIEWER_ROLES
from students.models import Student, User
from students.selectors import student_queryset_for_user

from .models import ModelVersion
from .selectors import published_predictions


def _model_versions_for_user(*, user: User) -> QuerySet[ModelVersion]:
    if user.is_superuser:
        return ModelVersion.objects.all()
    if user.school_id is None:
        return ModelVersion.objects.none()
    return ModelVersion.objects.filter(school_id=user.school_id)


class _ModelVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    algorithm = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    is_active = serializers.BooleanField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    training_run = serializers.IntegerField(source="training_run_id", allow_null=True)
    # a shared model (issue 26): trained on `pooled_sources` other schools of this deployment
    is_pooled = serializers.BooleanField()
    pooled_sources = serializers.IntegerField()

    class Meta:
        ref_name = "ModelVersion"


class ModelVersionListApi(APIView):
    """Model versions of the caller's school, newest first."""

    class OutputSerializer(_ModelVersionSerializer):
        macro_f1 = serializers.SerializerMethodField()
        recall_kurang = serializers.SerializerMethodField()

        class Meta:
            ref_name = "ModelVersionListItem"

        def _metric(self, obj, name: str) -> float | None:
            value = obj.metrics.get(name)
            if isinstance(value, dict):
                value = value.get("mean")
            return float(value) if isinstance(value, int | float) else None

        def get_macro_f1(self, obj) -> float | None:
            return self._metric(obj, "macro_f1")

        def get_recall_kurang(self, obj) -> float | None:
            return self._metric(obj, "recall_kurang")

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedModelVersionList"),
        operation_id="model_versions_list",
    )
    def get(self, request):
        require_roles(request, MODEL_QUALITY_ROLES)
        versions = _model_versions_for_user(user=request.user).order_by("-created_at", "-id")
        return paginated_response(
            request=request, view=self, queryset=versions, serializer_class=self.OutputSerializer
        )


class ModelVersionDetailApi(APIView):
    """One model version: all stored metrics and the confusion matrix (rows = true class,
    columns = predicted, in `labels` order)."""

    class OutputSerializer(_ModelVersionSerializer):
        metrics = serializers.DictField()
        labels = serializers.ListField(child=serializers.CharField())
        confusion_matrix = serializers.ListField(
            child=serializers.ListField(child=serializers.IntegerField()), allow_null=True
        )
        feature_schema = serializers.DictField()
        artifact_sha256 = serializers.CharField()
        library_versions = serializers.DictField()
        seed = serializers.IntegerField()

        class Meta:
            ref_name = "ModelVersionDetail"

    @extend_schema(responses=OutputSerializer)
    def get(self, request, pk: int):
        require_roles(request, MODEL_QUALITY_ROLES)
        version = get_object_or_404(_model_versions_for_user(user=request.user), pk=pk)
        metrics = version.metrics if isinstance(version.metrics, dict) else {}
        matrix = metrics.get("confusion_matrix")
        valid = isinstance(matrix, list) and all(
            isinstance(row, list) and all(isinstance(v, int) for v in row) for row in matrix
        )
        version.labels = metrics.get("labels") or list(LABELS)
        version.confusion_matrix = matrix if valid else None
        version.metrics = metrics
        return Response(self.OutputSerializer(version).data)


class StudentPredictionListApi(APIView):
    """Stored predictions of one student, newest first. A student who objects to automated
    decisions has none ("tidak diprediksi")."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        term = serializers.CharField(source="term.code", help_text="kode semester, mis. 2026-1")
        term_label = serializers.CharField(
            source="term.label", help_text="semester untuk dibaca orang, mis. Ganjil 2026/2027"
        )
        based_on_term = serializers.CharField(source="based_on_term.code")
        based_on_term_label = serializers.CharField(source="based_on_term.label")
        category = serializers.CharField()
        p_kurang = serializers.FloatField()
        risk_label = serializers.CharField(
            help_text='peluang perlu perhatian untuk dibaca orang, mis. "sangat tinggi, > 95%"'
        )
        p_sedang = serializers.FloatField()
        p_baik = serializers.FloatField()
        factors = serializers.JSONField()
        model_version = _ModelVersionSerializer()
        created_at = serializers.DateTimeField()

        class Meta:
            ref_name = "Prediction"

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(OutputSerializer, "PaginatedPredictionList"),
        operation_id="student_predictions_list",
    )
    def get(self, request, pk: int):
        require_roles(request, RISK_VIEWER_ROLES)
        student = get_object_or_404(student_queryset_for_user(user=request.user), pk=pk)
        predictions = (
            published_predictions(students=Student.objects.filter(pk=student.pk))
            .exclude(student__privacy__objects_to_automated_decisions=True)
            .select_related("term", "based_on_term", "model_version")
            .order_by("-created_at", "-id")
        )
        audit_log(
            action="student.predictions.view",
            request=request,
            target=student,
            detail={"via": "api"},
        )
        response = paginated_response(
            request=request,
            view=self,
            queryset=predictions,
            serializer_class=self.OutputSerializer,
        )
        for row in response.data["results"]:
            row["factors"] = factors_for_user(row["factors"], user=request.user, student=student)
        return response
