"""Pages for parent contact and letters: log a contact, generate a letter (both bk and the
student's walikelas), print a letter as PDF, edit the school's letter templates (bk)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from interventions.cases import permissions
from interventions.cases.selectors import student_scope_get
from interventions.cases.views import allowed
from interventions.conduct import selectors as conduct_selectors
from interventions.conduct.models import LetterKind
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.params import parse_id
from smk_dashboard.core.roles import PARENT_CONTACT_ROLES, Role

from . import letters, selectors, services
from .forms import ContactForm, LetterForm, LetterTemplateForm


def _contact_role(user) -> bool:
    return user.role in PARENT_CONTACT_ROLES


def _student_for_contact(request: HttpRequest, student_id: int):
    student = student_scope_get(user=request.user, pk=student_id)
    if not permissions.can_contact_parents(request.user, student):
        raise PermissionDenied
    if request.method == "GET":  # the form shows the student: a read of their data
        audit_log(action="student.view", request=request, target=student, detail={"via": "bk"})
    return student


@allowed(_contact_role)
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _student_for_contact(request, student_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.parent_contact_record(
                user=request.user, student=student, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Kontak orang tua dicatat."))
            return redirect("students:profile", student_id=student.pk)
    return render(request, "interventions/contact_form.html", {"form": form, "student": student})


@allowed(_contact_role)
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _student_for_contact(request, student_id)
    todo_id = parse_id(request.GET.get("todo") or request.POST.get("todo"))
    todo = (
        conduct_selectors.todo_get(user=request.user, pk=todo_id) if todo_id is not None else None
    )
    if todo is not None and todo.student_id != student.pk:
        raise Http404("todo")
    kind = request.GET.get("kind") or (todo.threshold.letter_kind if todo else "")
    kind = kind if kind in LetterKind.values else LetterKind.SUMMONS
    today = timezone.localdate()
    form = LetterForm(
        request.POST or None,
        initial={
            "kind": kind,
            "date": today,
            **services.letter_draft(student=student, kind=kind, day=today),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_create(
                user=request.user, student=student, todo=todo, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Surat %(number)s dibuat dan dicatat di log kontak orang tua.")
                % {"number": letter.number},
            )
            return redirect("students:profile", student_id=student.pk)
    return render(
        request,
        "interventions/letter_form.html",
        {"form": form, "student": student, "todo": todo, "kinds": LetterKind.choices},
    )


@allowed(lambda user: user.role in (Role.BK, Role.WALIKELAS, Role.KEPSEK))
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    audit_log(action="letter.print", request=request, target=letter, school=letter.school)
    response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
    name = letter.number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="surat-{name}.pdf"'
    return response


@allowed(permissions.can_edit_letter_templates)
@require_GET
def letter_templates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "interventions/letter_templates.html",
        {"templates": selectors.letter_templates(user=request.user)},
    )


@allowed(permissions.can_edit_letter_templates)
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LetterKind.values:
        raise Http404("kind")
    template = services.letter_template_for(school=request.user.school, kind=kind)
    form = LetterTemplateForm(
        request.POST or None,
        initial={
            "letterhead": template.letterhead,
            "subject": template.subject,
            "body": template.body,
            "signer_title": template.signer_title,
            "signer_name": template.signer_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_template_save(user=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Templat surat disimpan."))
            return redirect("interventions:letter_templates")
    return render(
        request,
        "interventions/letter_template_form.html",
        {
            "form": form,
            "template": template,
            "kind_label": LetterKind(kind).label,
            "placeholders": letters.PLACEHOLDERS,
        },
    )
