"""Pages for data-subject requests (/privacy/): operator and kepsek of the student's school."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smk_dashboard.core.audit import audit_log, audit_student_list
from smk_dashboard.core.roles import PRIVACY_ROLES, RECTIFY_ROLES
from students.exports import csv_stream
from students.models import Student

from . import research, selectors, services
from .forms import (
    AnonymiseForm,
    ConsentForm,
    PrivacySearchForm,
    RectifyForm,
    SubjectRequestForm,
)
from .pdf import student_export_pdf


def _require_role(request: HttpRequest, roles=PRIVACY_ROLES) -> None:
    if not (request.user.is_superuser or request.user.role in roles):
        raise PermissionDenied


def _student(request: HttpRequest, pk: int, roles=PRIVACY_ROLES) -> Student:
    _require_role(request, roles)
    qs = selectors.privacy_student_queryset(user=request.user).select_related(
        "school", "school_class"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    form = PrivacySearchForm(request.GET or None)
    students = selectors.privacy_student_queryset(user=request.user).select_related(
        "school_class", "privacy"
    )
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        students = students.filter(Q(name__icontains=q) | Q(nisn__startswith=q))
    page = Paginator(students.order_by("name", "id"), 25).get_page(request.GET.get("page"))
    return render(request, "privacy/index.html", {"form": form, "page": page})


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    record = selectors.student_privacy_get(student=student)
    form = ConsentForm(
        initial={
            "consent": record.consent,
            "objects_to_automated_decisions": record.objects_to_automated_decisions,
            "note": record.note,
        }
    )
    audit_log(action="privacy.view", request=request, target=student)
    return render(
        request,
        "privacy/student.html",
        {
            "student": student,
            "record": record,
            "form": form,
            "can_rectify": request.user.is_superuser or request.user.role in RECTIFY_ROLES,
            **_request_context(student),
        },
    )


def _request_context(student: Student, form: SubjectRequestForm | None = None) -> dict:
    return {
        "request_form": form or SubjectRequestForm(initial={"received_on": timezone.localdate()}),
        "open_request": selectors.open_subject_request(student=student),
        "requests": student.data_subject_requests.select_related("recorded_by")[:20],
        "request_valid_days": selectors.REQUEST_VALID_DAYS,
    }


@login_required
@require_POST
def subject_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a parent's or student's request for their copy (who asked, when, why)."""
    student = _student(request, pk)
    form = SubjectRequestForm(request.POST)
    if form.is_valid():
        try:
            services.data_subject_request_record(
                actor=request.user, student=student, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Permintaan salinan data tercatat."))
            return redirect("privacy:student", pk=student.pk)
    record = selectors.student_privacy_get(student=student)
    return render(
        request,
        "privacy/student.html",
        {
            "student": student,
            "record": record,
            "form": ConsentForm(
                initial={
                    "consent": record.consent,
                    "objects_to_automated_decisions": record.objects_to_automated_decisions,
                    "note": record.note,
                }
            ),
            "can_rectify": request.user.is_superuser or request.user.role in RECTIFY_ROLES,
            **_request_context(student, form),
        },
        status=400,
    )


@login_required
def subject_requests(request: HttpRequest) -> HttpResponse:
    """Every recorded request of the school, for the kepala sekolah (and the operator)."""
    _require_role(request)
    page = Paginator(selectors.subject_requests_for_user(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    audit_student_list(
        request=request,
        action="privacy.requests",
        student_ids=[r.student_id for r in page],
    )
    return render(request, "privacy/requests.html", {"page": page})


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.student_consent_record(
            actor=request.user, student=student, request=request, **form.cleaned_data
        )
        messages.success(request, _("Persetujuan dan keberatan tersimpan."))
    else:
        messages.error(request, _("Isian tidak sah."))
    return redirect("privacy:student", pk=student.pk)


def _export(request: HttpRequest, pk: int, fmt: str) -> tuple[Student, dict]:
    """The student's copy: with predictions and interventions only while a request is
    recorded (who asked, when, why); audited with that request."""
    student = _student(request, pk)
    subject_request = selectors.open_subject_request(student=student)
    data = selectors.student_data_export(student=student, counselling=subject_request is not None)
    services.student_export_audit(
        actor=request.user,
        student=student,
        fmt=fmt,
        request=request,
        subject_request=subject_request,
    )
    return student, data


@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    student, data = _export(request, pk, "json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"data-siswa-{student.pk}.json"
    )
    return response


@login_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    student, data = _export(request, pk, "pdf")
    pdf = student_export_pdf(data=data)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"data-siswa-{student.pk}.pdf"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk, roles=RECTIFY_ROLES)
    original = Student.objects.get(pk=student.pk)
    if request.method == "GET":
        audit_log(
            action="privacy.view", request=request, target=student, detail={"page": "rectify"}
        )
    form = RectifyForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.RECTIFIABLE_FIELDS}
        try:
            services.student_rectify(
                actor=request.user, student=original, changes=changes, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Data siswa diperbaiki."))
            return redirect("privacy:student", pk=student.pk)
    return render(request, "privacy/rectify.html", {"student": original, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    if request.method == "GET":
        audit_log(
            action="privacy.view", request=request, target=student, detail={"page": "anonymise"}
        )
    form = AnonymiseForm(request.POST or None, student=student)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_anonymise(actor=request.user, student=student, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Identitas siswa telah dihapus (dianonimkan)."))
            return redirect("privacy:student", pk=student.pk)
    return render(request, "privacy/anonymise.html", {"student": student, "form": form})


@login_required
def research_export(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    school = request.user.school
    if school is None:
        raise PermissionDenied
    rows, suppressed = research.research_export_rows(school=school)
    audit_log(
        action="export.research",
        request=request,
        school=school,
        detail={"rows": len(rows), "students_suppressed": suppressed},
    )
    columns = research.RESEARCH_COLUMNS
    # The same formula-safe CSV writer as every other export.
    response = HttpResponse(
        "".join(csv_stream(columns, ([row.get(c) for c in columns] for row in rows))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"riset-{school.npsn}.csv")
    return response
