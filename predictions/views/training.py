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

from predictions import services
from predictions.metrics import cv_accuracy
from predictions.models import ModelVersion, ScoringPurpose, ScoringRun, TrainingRun
from predictions.pooled import pooled_refusal, pooled_run_start
from predictions.promotion import RULE_TEXT
from predictions.selectors import switch_changes, training_run_promotion, training_runs_waiting
from students.models import Role

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
    if request.method == "POST" and request.POST.get("action") == "pooled":
        try:
            run = pooled_run_start(school=request.user.school, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("predictions:training")
        messages.success(request, _("Pelatihan #%(id)s masuk antrean.") % {"id": run.pk})
        return redirect("predictions:training_run", run_id=run.pk)
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
        "rule": RULE_TEXT,
        "pooled_refusal": pooled_refusal(school=request.user.school),
        "waiting": training_runs_waiting(school_id=request.user.school_id),
        "form": form,
        "runs": _runs(request).select_related("requested_by")[:20],
        "versions": ModelVersion.objects.filter(school_id=request.user.school_id)[:30],
        "scorings": ScoringRun.objects.filter(
            school_id=request.user.school_id, purpose=ScoringPurpose.SWITCH
        ).select_related("model_version")[:5],
    }
    return render(request, "predictions/training.html", context)


@login_required
def training_run(request: HttpRequest, run_id: int) -> HttpResponse:
    _operator(request)
    run = get_object_or_404(_runs(request), pk=run_id)
    versions = run.versions.order_by("algorithm")
    promotion = training_run_promotion(run=run)
    context = {"run": run, "versions": versions, "promotion": promotion}
    return render(request, "predictions/training_run.html", context)


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
    """ "Jadikan aktif": score every student with the version first (a task), then show the
    operator what would change and ask for confirmation. Nothing changes yet."""
    _operator(request)
    version = get_object_or_404(
        ModelVersion.objects.filter(school_id=request.user.school_id), pk=version_id
    )
    try:
        scoring = services.scoring_run_start(
            school=version.school,
            version=version,
            purpose=ScoringPurpose.SWITCH,
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("predictions:training")
    return redirect("predictions:scoring", scoring_id=scoring.pk)


def _quality(version: ModelVersion | None) -> dict | None:
    if version is None:
        return None
    cv = (version.metrics or {}).get("cv") or {}
    return {
        "version": version,
        "macro_f1": (cv.get("macro_f1") or {}).get("mean"),
        "recall_kurang": (cv.get("recall_kurang") or {}).get("mean"),
        "accuracy": cv_accuracy(version.metrics),
    }


@login_required
def scoring_confirm(request: HttpRequest, scoring_id: int) -> HttpResponse:
    """While the candidate scores: progress (the page reloads itself). Then: the candidate's
    measured quality next to the active model's, how many students change category, and a
    button that switches both at once."""
    _operator(request)
    scoring = get_object_or_404(
        ScoringRun.objects.filter(school_id=request.user.school_id).select_related("model_version"),
        pk=scoring_id,
    )
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.scoring_run_cancel(scoring=scoring, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("predictions:scoring", scoring_id=scoring.pk)
        messages.info(request, _("Dibatalkan; model aktif dan prediksinya tidak berubah."))
        return redirect("predictions:training")
    if request.method == "POST":
        try:
            version = services.scoring_run_switch(scoring=scoring, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("predictions:scoring", scoring_id=scoring.pk)
        messages.success(
            request,
            _("%(model)s sekarang model aktif; prediksinya tampil untuk semua siswa.")
            % {"model": str(version)},
        )
        return redirect("predictions:training")
    active = ModelVersion.objects.filter(school_id=request.user.school_id, is_active=True).first()
    context = {
        "scoring": scoring,
        "candidate": _quality(scoring.model_version),
        "active": _quality(active),
        "summary": scoring.summary,
        "changes": switch_changes(scoring=scoring),
        "promotion": training_run_promotion(run=scoring.training_run)
        if scoring.training_run
        else None,
    }
    return render(request, "predictions/scoring_confirm.html", context)
