"""Model quality (/predictions/models/) and teacher feedback on one prediction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from predictions.charts import confusion_figure, fairness_figure, reliability_figure
from predictions.feedback import prediction_feedback_record
from predictions.indicator_backtest import indicator_backtest
from predictions.metrics import (
    ALGORITHM_NAMES,
    METRIC_ROWS,
    cv_accuracy,
    cv_precision_kurang,
    dig,
    live_check,
    model_verdict,
    run_details,
)
from predictions.quality import (
    algorithm_reports,
    counselling_capacity,
    fairness_rows,
    model_page_school,
    model_versions_for_school,
    prediction_verification_rate,
    teacher_precision,
    verification_rates_by_version,
)
from predictions.selectors import published_predictions
from smk_dashboard.core.access import role_required
from smk_dashboard.core.params import parse_id
from smk_dashboard.core.roles import MODEL_QUALITY_ROLES, RISK_VIEWER_ROLES
from students.selectors import student_queryset_for_user

# Below this many teacher answers a percentage says more about chance than about the model.
VERIFICATION_MIN_ANSWERS = 10


def _with_enough(rate: dict | None) -> dict | None:
    """A verification count with `enough`: whether it holds enough answers to show a rate."""
    if rate is None:
        return None
    return {**rate, "enough": rate["n"] >= VERIFICATION_MIN_ANSWERS}


@require_GET
@role_required(MODEL_QUALITY_ROLES)
def model_quality(request: HttpRequest) -> HttpResponse:
    """The verdict on the active model first (or on ?version=); every model of its training
    run and every version behind "lihat semua model"."""
    school = model_page_school(user=request.user, school_id=parse_id(request.GET.get("school")))
    versions = list(model_versions_for_school(school=school)) if school else []
    active = next((v for v in versions if v.is_active), None)
    wanted = parse_id(request.GET.get("version"))
    shown = next((v for v in versions if v.id == wanted), None) or active
    if shown is None and versions:
        shown = versions[0]
    rates = verification_rates_by_version(school=school) if school else {}
    for v in versions:
        v.accuracy = cv_accuracy(v.metrics)
        v.verification = _with_enough(rates.get(v.id))
    reports = algorithm_reports(shown.metrics) if shown else []
    shown_report = next((r for r in reports if r["key"] == shown.algorithm), None)
    figures = {}
    for r in reports:
        if r["confusion_matrix"]:
            figures[f"cm-{r['key']}"] = confusion_figure(r["confusion_matrix"])
        if r["reliability"]:
            figures[f"rel-{r['key']}"] = reliability_figure(r["reliability"])
    fairness = {}
    # The run stores the fairness of its champion only: never show it under another model.
    if shown and dig(shown.metrics, "champion") in (None, shown.algorithm):
        for key, title in (
            ("major", _("Per kompetensi keahlian")),
            ("gender", _("Per jenis kelamin")),
            ("kip", _("Per penerima KIP/PIP")),
        ):
            rows = fairness_rows(shown.metrics, key)
            names = {
                "kip": {"1": _("Penerima KIP/PIP"), "0": _("Bukan penerima")},
                "gender": {"L": _("Laki-laki"), "P": _("Perempuan")},
            }.get(key, {})
            names["tidak diketahui"] = _("tidak diketahui")  # no gender (or major) on record
            rows = [{**r, "group": names.get(r["group"], r["group"])} for r in rows]
            if rows:
                fairness[key] = {"title": title, "rows": rows}
                figures[f"fair-{key}"] = fairness_figure(rows)
    live = None
    if shown and school:
        capacity = counselling_capacity(school=school)
        answers = teacher_precision(version=shown, k=capacity["k"])
        cv = cv_precision_kurang(
            dig(shown.metrics, "cv") or dig(shown.metrics, "all_models", shown.algorithm)
        )
        live = {
            "cv": cv,
            "capacity": capacity,
            "kurang": live_check(answers["kurang"], cv, VERIFICATION_MIN_ANSWERS),
            "at_k": {
                **live_check(answers["at_k"], cv, VERIFICATION_MIN_ANSWERS),
                "k": capacity["k"],
            },
        }
        live["rows"] = [("kurang", live["kurang"]), ("at_k", live["at_k"])]
    context = {
        "school": school,
        "versions": versions,
        "active": active,
        "shown": shown,
        "shown_report": shown_report,
        "shown_name": ALGORITHM_NAMES.get(shown.algorithm, shown.algorithm) if shown else "",
        "verdict": model_verdict(shown.metrics, shown.algorithm) if shown else None,
        "reports": reports,
        "metric_rows": METRIC_ROWS,
        "fairness": fairness,
        "temporal": dig(shown.metrics, "temporal") if shown else None,
        "figures": figures,
        "verification": _with_enough(
            prediction_verification_rate(school=school) if school else None
        ),
        "verification_min": VERIFICATION_MIN_ANSWERS,
        "live": live,
        "run": run_details(shown.metrics) if shown else None,
        # what the model adds over the school's plain indicators, on its own past terms
        "indicator_compare": indicator_backtest(school=school) if shown and school else None,
    }
    return render(request, "predictions/models.html", context)


@require_POST
@role_required(RISK_VIEWER_ROLES)
def prediction_feedback(request: HttpRequest, prediction_id: int) -> HttpResponse:
    """Record "sesuai / tidak sesuai" (+ note) for a prediction of a student the user sees."""
    prediction = get_object_or_404(
        published_predictions(students=student_queryset_for_user(user=request.user)),
        pk=prediction_id,
    )
    agrees = request.POST.get("agrees")
    if agrees not in ("0", "1"):
        messages.error(request, _("Pilih 'sesuai' atau 'tidak sesuai'."))
    else:
        try:
            prediction_feedback_record(
                prediction=prediction,
                user=request.user,
                agrees=agrees == "1",
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Terima kasih, umpan balik Anda tersimpan."))
    return redirect("students:profile", student_id=prediction.student_id)
