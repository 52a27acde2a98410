"""Reading the metrics JSON that the training engine stores on a ModelVersion.

Older versions may miss any key: every reader here returns None (shown as "belum tersedia")
instead of raising."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.categories import LABELS

ALGORITHM_NAMES = {
    "rnn": "RNN (GRU)",
    "cnn": "CNN 1D",
    "rf": "Random Forest",
    "lr": _("Regresi logistik"),
    "gbdt": "Gradient boosting",
    "ensemble": "Ensemble",
}
# What the study this project follows reported. Context only: never shown as our numbers.
STUDY_CLAIMS = {"rnn": 0.89, "cnn": 0.87, "rf": 0.75, "lr": 0.75}
# (key, label a principal reads, technical name for the tooltip, higher is better)
METRIC_ROWS = [
    ("accuracy", _("Tebakan benar"), _("akurasi"), True),
    ("macro_f1", _("Ketepatan keseluruhan"), _("F1 makro"), True),
    ("macro_precision", _("Ketepatan tanda"), _("presisi makro"), True),
    ("macro_recall", _("Daya temu"), _("recall makro"), True),
    ("recall_kurang", _("Siswa perlu perhatian yang ditemukan"), _("recall kelas kurang"), True),
    ("roc_auc_ovr", _("Kemampuan mengurutkan"), _("ROC AUC satu-lawan-semua"), True),
    (
        "brier",
        _("Kesalahan peluang (lebih kecil lebih baik)"),
        _("skor Brier"),
        False,
    ),
]


def dig(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def mean_std(entry: Any) -> tuple[float, float | None] | None:
    """A {"mean": m, "std": s} entry (or a bare number) as (mean, std)."""
    if isinstance(entry, int | float) and not isinstance(entry, bool):
        return float(entry), None
    mean = dig(entry, "mean")
    if not isinstance(mean, int | float):
        return None
    std = dig(entry, "std")
    return float(mean), float(std) if isinstance(std, int | float) else None


def cv_accuracy(metrics: Any) -> tuple[float, float | None] | None:
    """The measured cross-validated accuracy of the active algorithm, if recorded."""
    return mean_std(dig(metrics, "cv", "accuracy"))


def confusion_matrix(entry: Any) -> list[list[int]] | None:
    cm = dig(entry, "confusion_matrix")
    if (
        isinstance(cm, list)
        and len(cm) == len(LABELS)
        and all(isinstance(r, list) and len(r) == len(LABELS) for r in cm)
    ):
        return [[int(v) for v in row] for row in cm]
    return None


def all_models(metrics: Any) -> dict[str, dict]:
    models = dig(metrics, "all_models")
    if isinstance(models, dict) and models:
        return {k: v for k, v in models.items() if isinstance(v, dict)}
    return {}


# --------------------------------------------------------------------------- the verdict
# What the principal reads first on /predictions/models/ (docs/model-card.md, "The verdict").
# Computed from the confusion matrix summed over the test folds (every student scored by a
# model that never saw them). Thresholds:
RECALL_USABLE = 0.70  # finds at least 7 of 10 students who will need attention
RECALL_FLOOR = 0.50  # below: misses more than half of them
FALSE_FLAG_USABLE = 0.15  # flags at most 15 of 100 students who are fine
FALSE_FLAG_CEILING = 0.30  # above: nearly a third of the fine students flagged
SAME_AS_BASELINE = 0.02  # macro-F1 gap within which two models are "setara"
MIN_KURANG_TESTED = 20  # fewer at-risk students in the tests: too few to be sure
SIMPLE_BASELINES = ("lr", "rf", "gbdt")

USABLE, CAREFUL, NOT_YET = "usable", "careful", "not_yet"
_LEVEL_ORDER = {USABLE: 0, CAREFUL: 1, NOT_YET: 2}


def kurang_counts(cm: list[list[int]]) -> dict[str, int]:
    """From a confusion matrix (rows = true, columns = predicted, in LABELS order): at-risk
    students tested and found, fine (sedang or baik) students tested and flagged as kurang."""
    k = LABELS.index("kurang")
    at_risk = sum(cm[k])
    fine = sum(sum(row) for i, row in enumerate(cm) if i != k)
    return {
        "at_risk": at_risk,
        "found": cm[k][k],
        "fine": fine,
        "flagged": sum(row[k] for i, row in enumerate(cm) if i != k),
    }


def _per(part: int, whole: int, base: int) -> int:
    """part/whole scaled to `base` people, rounded half up (8 of 10, 4 of 100)."""
    return int(part * base / whole + 0.5)


def _macro_f1(entry: Any) -> float | None:
    ms = mean_std(dig(entry, "macro_f1"))
    return ms[0] if ms else None


def best_simple_baseline(metrics: Any, algorithm: str) -> tuple[str, float] | None:
    """(key, macro-F1) of the best simple model (lr, rf, gbdt) of the same training run, other
    than `algorithm` itself; None when the run stored none."""
    scored = [
        (key, f1)
        for key, entry in all_models(metrics).items()
        if key in SIMPLE_BASELINES and key != algorithm and (f1 := _macro_f1(entry)) is not None
    ]
    return max(scored, key=lambda kv: kv[1]) if scored else None


def model_verdict(metrics: Any, algorithm: str) -> dict:
    """The plain verdict on one model version: counts from its out-of-fold confusion matrix,
    the comparison with the best simple baseline, and a recommendation with its reasons.

    Returns {"level": "usable" | "careful" | "not_yet", "reasons": [codes], "counts": {...} or
    None, "recall", "false_flag" (shares or None), "found_per_10", "flagged_per_100",
    "baseline": {"key", "name", "f1", "gap", "comparison": "better" | "same" | "worse"} or None}.
    Reason codes: no_results, no_at_risk, recall_low, recall_very_low, false_flags_high,
    false_flags_very_high, worse_than_baseline, few_at_risk."""
    entry = dig(metrics, "cv") or all_models(metrics).get(algorithm)
    cm = confusion_matrix(entry)
    out: dict[str, Any] = {
        "counts": None,
        "recall": None,
        "false_flag": None,
        "found_per_10": None,
        "flagged_per_100": None,
        "baseline": None,
        # The thresholds as the sentences say them ("7 dari 10", "15 dari 100").
        "limits": {
            "found_per_10": _per(int(RECALL_USABLE * 100), 100, 10),
            "flagged_per_100": _per(int(FALSE_FLAG_USABLE * 100), 100, 100),
            "flagged_max_per_100": _per(int(FALSE_FLAG_CEILING * 100), 100, 100),
            "min_at_risk": MIN_KURANG_TESTED,
        },
    }
    reasons: list[tuple[str, str]] = []  # (level, code)
    if cm is None:
        reasons.append((NOT_YET, "no_results"))
    else:
        counts = kurang_counts(cm)
        out["counts"] = counts
        if counts["at_risk"] == 0:
            reasons.append((NOT_YET, "no_at_risk"))
        else:
            recall = counts["found"] / counts["at_risk"]
            out["recall"] = recall
            out["found_per_10"] = _per(counts["found"], counts["at_risk"], 10)
            if recall < RECALL_FLOOR:
                reasons.append((NOT_YET, "recall_very_low"))
            elif recall < RECALL_USABLE:
                reasons.append((CAREFUL, "recall_low"))
            if counts["at_risk"] < MIN_KURANG_TESTED:
                reasons.append((CAREFUL, "few_at_risk"))
        if counts["fine"]:
            false_flag = counts["flagged"] / counts["fine"]
            out["false_flag"] = false_flag
            out["flagged_per_100"] = _per(counts["flagged"], counts["fine"], 100)
            if false_flag > FALSE_FLAG_CEILING:
                reasons.append((NOT_YET, "false_flags_very_high"))
            elif false_flag > FALSE_FLAG_USABLE:
                reasons.append((CAREFUL, "false_flags_high"))
    own_f1 = _macro_f1(entry)
    best = best_simple_baseline(metrics, algorithm)
    if best is not None and own_f1 is not None:
        key, f1 = best
        gap = own_f1 - f1
        comparison = "same" if abs(gap) < SAME_AS_BASELINE else ("better" if gap > 0 else "worse")
        out["baseline"] = {
            "key": key,
            "name": ALGORITHM_NAMES.get(key, key),
            "f1": f1,
            "gap": gap,
            "comparison": comparison,
        }
        if comparison == "worse":
            reasons.append((CAREFUL, "worse_than_baseline"))
    out["level"] = max((lvl for lvl, _code in reasons), key=_LEVEL_ORDER.get, default=USABLE)
    out["reasons"] = [code for _lvl, code in reasons]
    return out


# ------------------------------------------------------------ teachers' answers vs the CV
def cv_precision_kurang(entry: Any) -> tuple[float, float | None] | None:
    """The cross-validated precision of kurang with its fold spread: the stored per-fold
    `precision_kurang` {"mean","std"} when the engine recorded it, else the precision of the
    out-of-fold confusion matrix with the fold std of the macro precision as its spread."""
    stored = mean_std(dig(entry, "precision_kurang"))
    if stored is not None:
        return stored
    cm = confusion_matrix(entry)
    if cm is None:
        return None
    k = LABELS.index("kurang")
    flagged = sum(row[k] for row in cm)
    if not flagged:
        return None
    spread = mean_std(dig(entry, "macro_precision"))
    return cm[k][k] / flagged, spread[1] if spread else None


def live_check(rate: dict, cv: tuple[float, float | None] | None, min_answers: int) -> dict:
    """A teachers' rate ({"n","agrees","rate"}) next to the CV figure (mean, std): `enough`
    answers to show it, and `differs` when it is further from the CV mean than the spread."""
    enough = rate["n"] >= min_answers and rate["rate"] is not None
    differs = bool(
        enough and cv is not None and cv[1] is not None and abs(rate["rate"] - cv[0]) > cv[1]
    )
    return {**rate, "enough": enough, "differs": differs}


# ------------------------------------------------------------------ how the run was done
CALIBRATION_METHODS = {
    "none": (_("dibiarkan apa adanya"), _("tanpa kalibrasi")),
    "temperature": (_("diredam atau dipertajam merata"), _("temperature scaling")),
    "sigmoid": (_("disesuaikan dengan kurva S"), _("kalibrasi sigmoid (Platt)")),
    "isotonic": (_("disesuaikan bertingkat"), _("regresi isotonik")),
}
NETWORK_NAMES = {
    "rnn": (_("membaca urutan semester"), "GRU"),
    "cnn": (_("membaca pola antar semester"), _("CNN 1D atas urutan semester")),
    "rnn_static": (
        _("data tetap saja, tanpa urutan semester"),
        _("rnn_static: lapisan padat yang sama dengan kepala RNN"),
    ),
    "cnn_tabular_mlp": (
        _("data tetap saja, jaringan berlapis tersendiri"),
        _("cnn_tabular_mlp: MLP dua lapis"),
    ),
}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _mean(value: Any) -> float | None:
    ms = mean_std(value)
    return ms[0] if ms else None


def run_details(metrics: Any) -> dict:
    """What the page says about how a training run went, from the keys the engine stores:
    the calibration of the champion (before/after), the ensemble's members and weights, the
    models pruned early, which network the deep models ran, the CV plan and the device.
    Missing keys give None / empty lists (older versions)."""
    cal = dig(metrics, "calibration")
    calibration = None
    if isinstance(cal, dict) and cal.get("method"):
        method = str(cal["method"])
        plain, technical = CALIBRATION_METHODS.get(method, (method, method))
        calibration = {
            "model": ALGORITHM_NAMES.get(cal.get("model"), cal.get("model")),
            "method": method,
            "plain": plain,
            "technical": technical,
            "rows": [
                {
                    "key": "/".join(path),
                    "before": _mean(dig(cal, "before", *path)),
                    "after": _mean(dig(cal, "after", *path)),
                }
                for path in (("ece_pooled", "kurang"), ("ece_kurang",), ("brier",))
            ],
        }
    models = all_models(metrics)
    ensemble = None
    entry = models.get("ensemble", {})
    weights = entry.get("weights")
    if isinstance(weights, dict) and weights:
        ensemble = [
            {"key": k, "name": ALGORITHM_NAMES.get(k, k), "weight": _number(w)}
            for k, w in sorted(weights.items(), key=lambda kv: -(_number(kv[1]) or 0))
        ]
    pruned = [
        {
            "key": k,
            "name": ALGORITHM_NAMES.get(k, k),
            "after_folds": dig(e, "pruned", "after_folds"),
            "behind": _number(dig(e, "pruned", "behind_best")),
        }
        for k, e in models.items()
        if isinstance(e.get("pruned"), dict)
    ]
    networks = []
    for k, e in models.items():
        net = e.get("network")
        if isinstance(net, str) and net:
            plain, technical = NETWORK_NAMES.get(net, (net, net))
            networks.append(
                {
                    "key": k,
                    "name": ALGORITHM_NAMES.get(k, k),
                    "plain": plain,
                    "technical": technical,
                }
            )
    plan = dig(metrics, "cv_plan")
    plan = plan if isinstance(plan, dict) and plan.get("folds") else None
    device = dig(metrics, "device")
    return {
        "calibration": calibration,
        "ensemble": ensemble,
        "pruned": pruned,
        "networks": networks,
        "plan": plan,
        "device": device if isinstance(device, str) and device else None,
    }
