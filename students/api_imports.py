"""REST API for spreadsheet imports: the same service and the same rules as the web upload
(students/importing/). Upload (202: the batch, `analysing`) → the preview task builds the
preview in the worker; follow `status_url` until the status is `preview` (or `rejected` /
`failed` with a message) → confirm → the import task (queued on commit) → status. A preview
nobody confirms ends `cancelled` (discarded on the web page) or `expired` (the periodic sweep);
one analysed before the school's data changed has `stale` true, and confirming it answers 400
and queues a new analysis (status `analysing` again). Operator:
every batch of their school; walikelas and guru: their own uploads (guru: grades of what they
teach); other roles 403; a batch out of sight 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from smk_dashboard.core.api_support import service_errors

from .importers.values import parse_term
from .importing.freshness import import_batch_stale
from .importing.lifecycle import import_batch_confirm, import_batch_create, import_kinds_for_user
from .models import ImportBatch, ImportKind
from .selectors import import_batch_queryset_for_user


@extend_schema_field(OpenApiTypes.BINARY)
class _UploadField(serializers.FileField):
    """A file in a multipart request (documented as binary, not as a URL)."""


def _require_importer(request) -> list[str]:
    kinds = import_kinds_for_user(user=request.user)
    if not kinds:
        raise PermissionDenied()
    return kinds


def _scoped_batch(request, pk: int) -> ImportBatch:
    _require_importer(request)
    return get_object_or_404(import_batch_queryset_for_user(user=request.user), pk=pk)


class _ColumnSerializer(serializers.Serializer):
    header = serializers.CharField(allow_null=True, allow_blank=True)
    field = serializers.CharField(allow_null=True, allow_blank=True)
    label = serializers.CharField(allow_null=True, allow_blank=True)
    subject = serializers.CharField(allow_null=True, allow_blank=True)
    component = serializers.CharField(allow_null=True, allow_blank=True)

    class Meta:
        ref_name = "ImportColumn"


class _SheetSerializer(serializers.Serializer):
    name = serializers.CharField()
    columns = _ColumnSerializer(many=True)
    days = serializers.IntegerField()

    class Meta:
        ref_name = "ImportSheet"


class _RowErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(allow_null=True, allow_blank=True)
    row = serializers.IntegerField(allow_null=True)
    errors = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "ImportRowError"


class ImportBatchOutputSerializer(serializers.Serializer):
    """A batch as the API shows it: state, counts, the detected columns and row errors."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    finished = serializers.BooleanField(source="is_finished")
    progress = serializers.IntegerField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    term = serializers.CharField(source="term_code")
    create_missing = serializers.BooleanField()
    valid_rows_only = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    warnings = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    sheets = serializers.SerializerMethodField()
    errors = _RowErrorSerializer(many=True)
    status_url = serializers.SerializerMethodField()
    confirm_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ImportBatch"

    def get_stale(self, obj) -> bool:
        """A preview analysed before the school's students or classes changed."""
        return import_batch_stale(batch=obj)

    def get_warnings(self, obj) -> list[str]:
        return [str(w) for w in obj.preview.get("warnings", [])]

    @extend_schema_field(_SheetSerializer(many=True))
    def get_sheets(self, obj) -> list[dict]:
        return _SheetSerializer(obj.preview.get("sheets", []), many=True).data

    def get_status_url(self, obj) -> str:
        return reverse("api:import-detail", args=[obj.pk], request=self.context.get("request"))

    def get_confirm_url(self, obj) -> str:
        return reverse("api:import-confirm", args=[obj.pk], request=self.context.get("request"))


class ImportCreateApi(APIView):
    """Upload a spreadsheet (multipart). Nothing is written to school data, and the file is
    not read in this request: the answer (202) holds the batch (status `analysing`) and the
    URLs to follow its status and to confirm it. A worker reads the file and fills in the
    preview (detected columns, row errors); the status then becomes `preview`, or `rejected`
    with the reason."""

    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = _UploadField()
        kind = serializers.ChoiceField(choices=ImportKind.values)
        term = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text='2024-1, or as people write it: "Ganjil 2024/2025"',
        )
        create_missing = serializers.BooleanField(required=False, default=False)
        valid_rows_only = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "ImportCreateInput"

        def validate_term(self, value: str) -> str:
            if not value:
                return ""
            try:
                return parse_term(value)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc))

    @extend_schema(request=InputSerializer, responses={202: ImportBatchOutputSerializer})
    def post(self, request):
        _require_importer(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            batch = import_batch_create(
                school=request.user.school,
                kind=data["kind"],
                file=data["file"],
                file_name=data["file"].name,
                user=request.user,
                term_code=data.get("term") or "",
                create_missing=data["create_missing"],
                valid_rows_only=data["valid_rows_only"],
                source="api",
                request=request,
            )
        body = ImportBatchOutputSerializer(batch, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(APIView):
    """Status, progress, counts and row errors of one batch."""

    @extend_schema(responses=ImportBatchOutputSerializer)
    def get(self, request, pk: int):
        batch = _scoped_batch(request, pk)
        return Response(ImportBatchOutputSerializer(batch, context={"request": request}).data)


class ImportConfirmApi(APIView):
    """Confirm a previewed batch: the import task is queued once this request commits (202).
    A file with rejected rows is refused (400) unless `valid_rows_only` is true (by default
    the choice made at upload)."""

    class InputSerializer(serializers.Serializer):
        valid_rows_only = serializers.BooleanField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "ImportConfirmInput"

    @extend_schema(request=InputSerializer, responses={202: ImportBatchOutputSerializer})
    def post(self, request, pk: int):
        batch = _scoped_batch(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        valid_rows_only = serializer.validated_data.get("valid_rows_only")
        if valid_rows_only is None:
            valid_rows_only = batch.valid_rows_only
        with service_errors():
            batch = import_batch_confirm(
                batch=batch, user=request.user, valid_rows_only=valid_rows_only, request=request
            )
        body = ImportBatchOutputSerializer(batch, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
