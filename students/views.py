"""Pages of the students app: spreadsheet import (upload, preview, confirm, progress,
summary, error report, blank templates)."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.params import parse_id

from .forms import ClassMajorBulkForm, ImportConfirmForm, ImportMappingForm, ImportUploadForm
from .importers import FileRejected
from .importers.majors import UNASSIGNED_CODE
from .importers.report import TEMPLATES, blank_template_xlsx
from .importing.conflicts import import_batch_accept_identity_changes, import_batch_resolve
from .importing.freshness import (
    import_batch_changes_since,
    import_batch_earlier_copy,
    import_batch_stale,
)
from .importing.housekeeping import (
    import_batch_discard,
    import_batch_may_discard,
    import_batch_refresh,
)
from .importing.lifecycle import (
    import_batch_confirm,
    import_batch_create,
    import_batch_preview,
    import_kinds_for_user,
)
from .importing.report import import_error_report
from .models import ImportBatch, ImportKind, ImportStatus, Major, MajorField, Role, SchoolClass
from .selectors import import_batch_queryset_for_user, school_class_groups, students_incomplete
from .services import (
    major_create,
    school_class_major_set,
    school_classes_major_set,
    term_mark_complete,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_SIZE = 30


def _importer_kinds(request) -> list[str]:
    kinds = import_kinds_for_user(user=request.user)
    if not kinds:
        raise PermissionDenied(_("Halaman impor hanya untuk operator, wali kelas dan guru."))
    return kinds


def _batch(request, pk: int) -> ImportBatch:
    _importer_kinds(request)
    return get_object_or_404(import_batch_queryset_for_user(user=request.user), pk=pk)


@login_required
def imports(request):
    kinds = _importer_kinds(request)
    wanted = request.GET.get("kind")  # the home page's checklist links to one kind
    initial = {"kind": wanted} if wanted in kinds else None
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, kinds=kinds, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                school=request.user.school,
                kind=form.cleaned_data["kind"],
                file=upload,
                file_name=upload.name,
                user=request.user,
                term_code=form.cleaned_data["term"],
                create_missing=form.cleaned_data["create_missing"],
                request=request,
            )
        except FileRejected as exc:
            form.add_error("file", exc)
        else:
            return redirect("students:import_detail", pk=batch.pk)
    history = list(import_batch_queryset_for_user(user=request.user)[:HISTORY_SIZE])
    return render(
        request,
        "students/imports.html",
        {"form": form, "history": history, "template_kinds": ImportKind.choices},
    )


@login_required
@require_GET
def import_detail(request, pk: int):
    batch = _batch(request, pk)
    context = {"batch": batch, "confirm_form": ImportConfirmForm()}
    if batch.status == ImportStatus.PREVIEW:
        stale = import_batch_stale(batch=batch)
        context["tidy"] = {
            "stale": stale,
            "changes_since": import_batch_changes_since(batch=batch) if stale else [],
            "earlier_copy": import_batch_earlier_copy(batch=batch),
            "may_discard": import_batch_may_discard(batch=batch, user=request.user),
        }
    if batch.status == ImportStatus.PREVIEW or (
        batch.status == ImportStatus.REJECTED and "semester" in batch.message.lower()
    ):
        # a file that named only its school year: the user picks the semester and retries,
        # the uploaded file is kept
        context["mapping_form"] = ImportMappingForm(batch=batch)
    return render(request, "students/imports_detail.html", context)


@login_required
@require_POST
def import_mapping(request, pk: int):
    batch = _batch(request, pk)
    form = ImportMappingForm(request.POST, batch=batch)
    if form.is_valid():
        create_missing = form.cleaned_data["create_missing"]
        try:
            import_batch_preview(
                batch=batch,
                mapping=form.mapping(),
                create_missing=create_missing,
                term_code=form.cleaned_data.get("term") or None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("students:import_detail", pk=batch.pk)


def _back_to_preview(request, batch, action, success: str = ""):
    """Run one write on the batch (a callable); a refusal becomes the page's message, and the
    user goes back to the preview either way."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if success:
            messages.success(request, success)
    return redirect("students:import_detail", pk=batch.pk)


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk)
    form = ImportConfirmForm(request.POST)
    form.is_valid()

    def confirm():
        import_batch_accept_identity_changes(
            batch=batch, accept=form.cleaned_data.get("apply_identity_changes", False)
        )
        import_batch_confirm(
            batch=batch,
            user=request.user,
            valid_rows_only=form.cleaned_data.get("valid_rows_only", False),
            request=request,
        )

    return _back_to_preview(request, batch, confirm)


@login_required
@require_POST
def import_discard(request, pk: int):
    """ "Batalkan" on a preview: the uploader's own, or any of the school for the operator."""
    batch = _batch(request, pk)
    return _back_to_preview(
        request,
        batch,
        lambda: import_batch_discard(batch=batch, user=request.user, request=request),
        success=_("Impor dibatalkan; file yang diunggah sudah dihapus."),
    )


@login_required
@require_POST
def import_refresh(request, pk: int):
    """Read an out-of-date preview's file again (the analysis task)."""
    batch = _batch(request, pk)
    return _back_to_preview(
        request,
        batch,
        lambda: import_batch_refresh(batch=batch, user=request.user, request=request),
    )


@login_required
@require_POST
def import_resolve(request, pk: int):
    """The operator's answers to the preview's identity conflicts: one radio group per row
    ("row:<sheet>!<row>" -> "student:<id>" | "new" | "skip"), or "undo" for a skipped row."""
    batch = _batch(request, pk)
    choices = {k.removeprefix("row:"): v for k, v in request.POST.items() if k.startswith("row:")}
    if request.POST.get("undo"):
        choices[request.POST["undo"]] = ""
    return _back_to_preview(
        request,
        batch,
        lambda: import_batch_resolve(
            batch=batch, choices=choices, user=request.user, request=request
        ),
    )


@login_required
@require_GET
def import_status(request, pk: int):
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "progress": batch.progress,
            "finished": batch.is_finished,
            "rows": batch.rows,
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "rejected": batch.rejected,
            "message": batch.message,
        }
    )


@login_required
@require_GET
def import_errors(request, pk: int):
    """The original rows that were rejected, plus a column with the reasons (xlsx), as the
    worker wrote it when it read the file: this request never parses the upload."""
    batch = _batch(request, pk)
    report = import_error_report(batch=batch)
    if report is None:
        raise Http404
    audit_log(action="export.import_errors", request=request, target=batch, school=batch.school)
    response = HttpResponse(report, content_type=XLSX)
    name = Path(batch.file_name).stem[:60] or "impor"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"kesalahan-{name}.xlsx"
    )
    return response


@login_required
@require_GET
def import_template(request, kind: str):
    _importer_kinds(request)
    if kind not in TEMPLATES:
        raise Http404
    response = HttpResponse(blank_template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"templat-{kind}.xlsx")
    return response


@login_required
def import_setup(request):
    """After a first import: classes the importer put under "Belum ditentukan" get their real
    major (several at once, or a whole abbreviation group), and terms left unfinished by a
    partial ledger are marked complete (operator). `?semua=1` lists every class."""
    user = request.user
    if not user.school_id or not (user.is_superuser or user.role == Role.OPERATOR):
        raise PermissionDenied(_("Halaman ini hanya untuk operator sekolah."))
    school = user.school
    show_all = request.GET.get("semua") == "1"
    majors = Major.objects.filter(school=school).exclude(code=UNASSIGNED_CODE).order_by("name")
    bulk_form = ClassMajorBulkForm(majors=majors)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign_many":
            bulk_form = ClassMajorBulkForm(request.POST, majors=majors)
            if bulk_form.is_valid() and _assign_many(request, school, bulk_form):
                return redirect(request.get_full_path())
        else:
            _setup_action(request, school, action)
            return redirect(request.get_full_path())
    unfinished = school.term_statuses.filter(complete=False).select_related("term")
    return render(
        request,
        "students/import_setup.html",
        {
            "groups": school_class_groups(
                school=school, only_code=None if show_all else UNASSIGNED_CODE
            ),
            "show_all": show_all,
            "bulk_form": bulk_form,
            "majors": majors,
            "unfinished": unfinished,
            "fields": MajorField.choices,
            "incomplete": students_incomplete(school=school),
        },
    )


def _assign_many(request, school, form) -> bool:
    major = form.cleaned_data["major"]
    try:
        done = school_classes_major_set(
            school=school, class_ids=form.cleaned_data["class_ids"], major=major, user=request.user
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(
        request,
        _("%(c)s kelas (%(s)s siswa) kini di %(m)s.")
        % {"c": done.classes, "s": done.students, "m": major.name},
    )
    return True


def _setup_action(request, school, action: str | None) -> None:
    user = request.user
    try:
        if action == "major":
            major_create(
                school=school,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                field=request.POST.get("field", ""),
                user=user,
            )
            messages.success(request, _("Kompetensi keahlian ditambahkan."))
        elif action == "assign":
            school_class = get_object_or_404(
                SchoolClass, school=school, pk=parse_id(request.POST.get("school_class")) or 0
            )
            major = get_object_or_404(
                Major, school=school, pk=parse_id(request.POST.get("major")) or 0
            )
            school_class_major_set(school_class=school_class, major=major, user=user)
            messages.success(
                request,
                _("Kelas %(c)s kini di %(m)s.") % {"c": school_class.name, "m": major.name},
            )
        elif action == "complete":
            term_mark_complete(school=school, term_code=request.POST.get("term", ""), user=user)
            messages.success(request, _("Semester ditandai lengkap."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
