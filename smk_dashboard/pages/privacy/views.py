"""Pages for data-subject requests (/privacy/): operator and kepsek of the student's school."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.roles import PRIVACY_ROLES, RECTIFY_ROLES
from students.exports import csv_stream
from students.models import Student

from . import research, selectors, services
from .forms import AnonymiseForm, ConsentForm, PrivacySearchForm, RectifyForm
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
        },
    )


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


@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    data = selectors.student_data_export(student=student)
    services.student_export_audit(actor=request.user, student=student, fmt="json", request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"data-siswa-{student.pk}.json"
    )
    return response


@login_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    pdf = student_export_pdf(data=selectors.student_data_export(student=student))
    services.student_export_audit(actor=request.user, student=student, fmt="pdf", request=request)
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
