"""The operator's Dapodik page: connection settings, "Tarik dari Dapodik" (opens the roster
preview of the import pages) and what the last pull did."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from students.models import DapodikConnection, ImportBatch, Role

from .forms import DapodikConnectionForm
from .services import dapodik_connection_save, dapodik_pull_preview


@login_required
def dapodik_settings(request):
    user = request.user
    if not user.school_id or not (user.is_superuser or user.role == Role.OPERATOR):
        raise PermissionDenied(_("Halaman ini hanya untuk operator sekolah."))
    school = user.school
    connection = DapodikConnection.objects.filter(school=school).first()
    initial = {"npsn": school.npsn} if connection is None else None
    form = DapodikConnectionForm(instance=connection, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "pull":
        try:
            batch = dapodik_pull_preview(school=school, user=user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("students:dapodik")
        return redirect("students:import_detail", pk=batch.pk)
    if request.method == "POST":
        form = DapodikConnectionForm(request.POST, instance=connection)
        if form.is_valid():
            try:
                dapodik_connection_save(
                    school=school,
                    user=user,
                    request=request,
                    token=form.cleaned_data["token"],
                    **{k: form.cleaned_data[k] for k in DapodikConnectionForm.Meta.fields},
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Pengaturan Dapodik disimpan."))
                return redirect("students:dapodik")
    pulls = ImportBatch.objects.filter(school=school, source="dapodik").order_by("-created_at")
    return render(
        request,
        "students/dapodik.html",
        {"form": form, "connection": connection, "pulls": pulls[:10]},
    )
