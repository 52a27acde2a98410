"""/students/<id>/summary.pdf: the one-page student pack for bk, the student's walikelas and
kepsek; 404 for anyone else (CONTRACTS §3)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from smk_dashboard.core.audit import audit_log

from .meeting import with_meeting_items
from .pdf import student_pack_pdf
from .selectors import student_pack, student_pack_queryset
from .todos import pack_todos


@require_GET
@login_required
def student_pack_view(request: HttpRequest, student_id: int) -> HttpResponse:
    student = get_object_or_404(student_pack_queryset(user=request.user), pk=student_id)
    audit_log(action="student.pack", request=request, target=student)
    data = with_meeting_items(student_pack(student=student), user=request.user, student=student)
    data["todos"] = pack_todos(user=request.user, student=student)
    response = HttpResponse(student_pack_pdf(data), content_type="application/pdf")
    name = student.nisn or student.pk  # a student brought by a ledger may have no NISN yet
    response["Content-Disposition"] = f'inline; filename="ringkasan-{name}.pdf"'
    return response
