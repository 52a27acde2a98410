"""Pages for parent contact and letters: log a contact, generate a letter (both bk and the
student's walikelas), print a letter as PDF, edit the school's letter templates (bk)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from interventions.cases import permissions
from interventions.cases.selectors import student_scope_get
from interventions.conduct import selectors as conduct_selectors
from interventions.conduct.models import LetterKind
from smk_dashboard.core.access import allowed
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.params import parse_id
from smk_dashboard.core.roles import PARENT_CONTACT_ROLES, Role

from . import letters, selectors, services, whatsapp
from .forms import ContactForm, LetterForm, LetterTemplateForm, WhatsappForm


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
def contact_whatsapp(request: HttpRequest, student_id: int) -> HttpResponse:
    """A neutral message to edit, then POST: the contact is logged and the browser goes on to
    WhatsApp's click-to-chat link (never opened before the entry exists)."""
    student = _student_for_contact(request, student_id)
    recipients = whatsapp.whatsapp_recipients(user=request.user, student=student)
    if not recipients:
        messages.info(request, _("Belum ada nomor WhatsApp orang tua atau wali yang tercatat."))
        return redirect("students:profile", student_id=student.pk)
    wanted = request.GET.get("to", "")
    first = next((r for r in recipients if r.who == wanted), recipients[0])
    form = WhatsappForm(
        request.POST or None,
        recipients=recipients,
        initial={
            "to": first.who,
            "message": whatsapp.whatsapp_draft(user=request.user, student=student, recipient=first),
        },
    )
    if request.method == "GET":
        audit_log(action="parents.read", request=request, target=student, detail={"via": "wa"})
    if request.method == "POST" and form.is_valid():
        try:
            sent = whatsapp.whatsapp_send(
                user=request.user,
                student=student,
                who=form.cleaned_data["to"],
                message=form.cleaned_data["message"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(sent.link)
    response = render(
        request,
        "interventions/whatsapp_form.html",
        {"form": form, "student": student, "recipients": recipients},
    )
    # This page's form is answered by a redirect to WhatsApp: the browser checks that
    # redirect against this page's form-action, so it (and only it) allows wa.me.
    response.headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {whatsapp.WHATSAPP_ORIGIN}"
    )
    return response


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
