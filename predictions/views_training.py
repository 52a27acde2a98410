"""The operator's training page: start a run, watch it live, promote a version."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from students.models import Role

from . import services
from .models import ModelVersion, TrainingRun

MODEL_CHOICES = [
    ("rnn", gettext_lazy("RNN (GRU) atas urutan semester")),
    ("cnn", gettext_lazy("CNN 1-D atas urutan semester")),
    ("rf", "Random Forest"),
    ("lr", gettext_lazy("Regresi logistik")),
    ("gbdt", gettext_lazy("Gradient boosting")),
]


class TrainingForm(forms.Form):
    models = forms.MultipleChoiceField(
        label=gettext_lazy("Model"),
        choices=MODEL_CHOICES,
        initial=[c[0] for c in MODEL_CHOICES],
        widget=forms.CheckboxSelectMultiple,
    )
    folds = forms.IntegerField(
        label=gettext_lazy("Jumlah fold"), min_value=2, max_value=10, initial=5
    )


def _operator(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_superuser or (user.role == Role.OPERATOR and user.school_id)):
        raise PermissionDenied


def _runs(request: HttpRequest):
    return TrainingRun.objects.filter(school_id=request.user.school_id)


@login_required
def training(request: HttpRequest) -> HttpResponse:
    _operator(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.training_run_start(
                school=request.user.school,
                user=request.user,
                models=form.cleaned_data["models"],
                folds=form.cleaned_data["folds"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Pelatihan #%(id)s masuk antrean.") % {"id": run.pk})
            return redirect("predictions:training_run", run_id=run.pk)
    context = {
        "form": form,
        "runs": _runs(request).select_related("requested_by")[:20],
        "versions": ModelVersion.objects.filter(school_id=request.user.school_id)[:30],
    }
    return render(request, "predictions/training.html", context)


@login_required
def training_run(request: HttpRequest, run_id: int) -> HttpResponse:
    _operator(request)
    run = get_object_or_404(_runs(request), pk=run_id)
    versions = run.versions.order_by("algorithm")
    return render(request, "predictions/training_run.html", {"run": run, "versions": versions})


@login_required
@require_GET
def training_run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    _operator(request)
    run = get_object_or_404(_runs(request), pk=run_id)
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "log": run.log[-4000:],
            "error": run.error,
            "device": run.device,
            "finished": run.status in ("succeeded", "failed"),
        }
    )


@login_required
@require_POST
def model_version_promote(request: HttpRequest, version_id: int) -> HttpResponse:
    _operator(request)
    version = get_object_or_404(
        ModelVersion.objects.filter(school_id=request.user.school_id), pk=version_id
    )
    try:
        services.model_version_promote(version=version, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(model)s sekarang model aktif.") % {"model": str(version)})
    return redirect("predictions:training")
