"""REST API for the parent contact log and letters (issue 24), with the pages' rules: the log
(dates, channels, who was contacted, letters) for bk and kepsek of the school and the
student's walikelas; a contact's summary and follow-up only for bk and whoever recorded it
(the selector audits `contact.read`); contacts and letters written by bk and the student's
walikelas; a letter's PDF for those who may see the log (audited `letter.print`)."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from interventions.cases import permissions
from interventions.conduct.models import LetterKind
from smk_dashboard.core.api_support import (
    PAGE_PARAM,
    PAGE_SIZE_PARAM,
    AsciiDateField,
    paginated,
    paginated_response,
    require_roles,
    service_errors,
)
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.roles import PARENT_CONTACT_ROLES, Role, roles
from students.selectors import student_queryset_for_user

from . import letters, selectors, services
from .models import ContactChannel, Letter

LOG_READER_ROLES = roles(Role.BK, Role.WALIKELAS, Role.KEPSEK)
# Contacts are logged up to a year back; a letter is dated within a year of today.
OLDEST_DAYS = 366


def _student(request, pk: int, *, roles_allowed, write: bool = False):
    """The student if the caller's role may use the log and they may see the student's log
    (404 otherwise, as the pages); a read is audited."""
    require_roles(request, roles_allowed)
    student = get_object_or_404(
        student_queryset_for_user(user=request.user).select_related("school", "school_class"),
        pk=pk,
    )
    allowed = (
        permissions.can_contact_parents(request.user, student)
        if write
        else permissions.can_view_contacts(request.user, student)
    )
    if not allowed:
        raise Http404("student")
    if not write:
        audit_log(action="contacts.list", request=request, target=student, detail={"via": "api"})
    return student


def _bounded(value: dt.date, *, future: bool) -> dt.date:
    today = timezone.localdate()
    if (not future and value > today) or abs((today - value).days) > OLDEST_DAYS:
        raise serializers.ValidationError(
            _("Tanggal harus dalam setahun dari hari ini.")
            if future
            else _("Tanggal harus dalam setahun terakhir dan tidak di masa depan.")
        )
    return value


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="contact.id")
    date = serializers.DateField(source="contact.date")
    channel = serializers.ChoiceField(source="contact.channel", choices=ContactChannel.values)
    contact_person = serializers.CharField(source="contact.contact_person")
    summary = serializers.CharField(
        allow_null=True, help_text="null: hanya guru BK dan pencatat yang boleh membaca"
    )
    follow_up = serializers.SerializerMethodField(
        help_text="null: hanya guru BK dan pencatat yang boleh membaca"
    )
    follow_up_date = serializers.DateField(source="contact.follow_up_date", allow_null=True)
    letter = serializers.IntegerField(source="contact.letter_id", allow_null=True)
    recorded_by = serializers.CharField(source="contact.recorded_by", allow_null=True)

    class Meta:
        ref_name = "ParentContact"

    def get_follow_up(self, row) -> str | None:
        # The follow-up text is confidential like the summary (issue 25, item 7).
        return row.contact.follow_up if row.summary is not None else None


class StudentContactListCreateApi(APIView):
    """GET: the student's parent contact log, newest first. POST (bk, the student's
    walikelas): log a contact."""

    class InputSerializer(serializers.Serializer):
        date = AsciiDateField()
        channel = serializers.ChoiceField(choices=ContactChannel.values)
        contact_person = serializers.CharField(max_length=120)
        summary = serializers.CharField(
            required=False, allow_blank=True, max_length=5000, default=""
        )
        follow_up = serializers.CharField(
            required=False, allow_blank=True, max_length=300, default=""
        )
        follow_up_date = AsciiDateField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "ParentContactInput"

        def validate_date(self, value):
            return _bounded(value, future=False)

        def validate_follow_up_date(self, value):
            return None if value is None else _bounded(value, future=True)

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(ContactSerializer, "PaginatedParentContactList"),
        operation_id="students_contacts_list",
    )
    def get(self, request, pk: int):
        student = _student(request, pk, roles_allowed=LOG_READER_ROLES)
        rows = selectors.student_contacts(user=request.user, student=student, request=request)
        return paginated_response(
            request=request, view=self, queryset=rows or [], serializer_class=ContactSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ContactSerializer},
        operation_id="students_contacts_create",
    )
    def post(self, request, pk: int):
        student = _student(request, pk, roles_allowed=PARENT_CONTACT_ROLES, write=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            contact = services.parent_contact_record(
                user=request.user, student=student, request=request, **data.validated_data
            )
        row = selectors.ContactRow(contact=contact, summary=contact.summary)
        return Response(ContactSerializer(row).data, status=status.HTTP_201_CREATED)


class LetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    date = serializers.DateField()
    subject = serializers.CharField()
    pdf = serializers.SerializerMethodField(help_text="alamat PDF surat")

    class Meta:
        ref_name = "Letter"

    def get_pdf(self, obj) -> str:
        return f"/api/v1/letters/{obj.pk}/pdf/"


class StudentLetterListCreateApi(APIView):
    """GET: the letters sent about a student (number, kind, date, subject; the text is in the
    PDF). POST (bk, the student's walikelas): generate a numbered letter from the school's
    template of `kind`, or with the subject and body given; it is logged as a contact."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=LetterKind.choices)
        date = AsciiDateField(required=False)
        subject = serializers.CharField(required=False, max_length=200)
        body = serializers.CharField(required=False, max_length=10000)

        class Meta:
            ref_name = "LetterInput"

        def validate_date(self, value):
            return _bounded(value, future=True)

    @extend_schema(
        parameters=[PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(LetterSerializer, "PaginatedLetterList"),
        operation_id="students_letters_list",
    )
    def get(self, request, pk: int):
        student = _student(request, pk, roles_allowed=LOG_READER_ROLES)
        return paginated_response(
            request=request,
            view=self,
            queryset=Letter.objects.filter(student=student).order_by("-date", "-id"),
            serializer_class=LetterSerializer,
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: LetterSerializer},
        operation_id="students_letters_create",
    )
    def post(self, request, pk: int):
        student = _student(request, pk, roles_allowed=PARENT_CONTACT_ROLES, write=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        day = values.get("date") or timezone.localdate()
        draft = services.letter_draft(student=student, kind=values["kind"], day=day)
        with service_errors():
            letter = services.letter_create(
                user=request.user,
                student=student,
                kind=values["kind"],
                date=day,
                subject=values.get("subject") or draft["subject"],
                body=values.get("body") or draft["body"],
                request=request,
            )
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data  # the view answers with the PDF's bytes; errors are JSON (below)


class LetterPdfApi(APIView):
    """The letter as the parents receive it (A4 PDF): bk, kepsek and the student's walikelas."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    def handle_exception(self, exc):
        # an error is JSON ({"detail": ...}) even when the client asked for the PDF
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")
        },
        operation_id="letters_pdf",
    )
    def get(self, request, pk: int):
        require_roles(request, LOG_READER_ROLES)
        letter = selectors.letter_get(user=request.user, pk=pk)
        audit_log(
            action="letter.print",
            request=request,
            target=letter,
            school=letter.school,
            detail={"via": "api"},
        )
        response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
        name = letter.number.replace("/", "-")
        response["Content-Disposition"] = f'inline; filename="surat-{name}.pdf"'
        return response
