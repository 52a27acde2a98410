"""When a training run may make its champion the active model on its own (issue 23).

One rule, `promotion_check`, decides it from the metrics both versions store; the training
pages show the rule (`RULE_TEXT`) and, for a run, the decision in words an operator reads
(`promotion_sentences`). A champion that waits is scored like any candidate of "Jadikan
aktif": the operator sees which students would change category and confirms or not."""

from __future__ import annotations

import math
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .metrics import confusion_matrix, dig, kurang_counts, mean_std

FIRST, AUTO, WAIT = "first", "auto", "wait"
# Standard errors either side that count as chance ("rentang kebetulan"): about 95 %.
Z = 2.0

RULE_TEXT = gettext_lazy(
    "Model baru dari pelatihan langsung menjadi model aktif hanya bila, pada data sekolah ini, "
    "ketepatan keseluruhannya (F1 makro validasi silang) tidak lebih rendah dari model aktif, "
    "dan jumlah siswa perlu perhatian yang ditemukannya (recall) tidak turun lebih dari "
    "rentang kebetulan antar-lipatan (dua kali galat baku dari sebaran nilai per lipatan). "
    "Bila tidak, model baru menunggu keputusan operator. Model pertama sebuah sekolah "
    "langsung dipakai."
)


def _measure(metrics: Any, key: str) -> dict | None:
    """(mean, std, folds) of a cross-validated metric of a version's own algorithm."""
    ms = mean_std(dig(metrics, "cv", key))
    if ms is None:
        return None
    folds = dig(metrics, "cv", "folds") or dig(metrics, "folds") or 5
    return {"mean": ms[0], "std": ms[1] or 0.0, "folds": max(int(folds), 1)}


def _difference(candidate: dict, active: dict) -> dict:
    """candidate − active with its chance margin Z·se, se = √(sd_c²/k_c + sd_a²/k_a): the
    standard error of a difference of two means over k folds each."""
    se = math.sqrt(
        candidate["std"] ** 2 / candidate["folds"] + active["std"] ** 2 / active["folds"]
    )
    return {
        "candidate": candidate["mean"],
        "active": active["mean"],
        "diff": round(candidate["mean"] - active["mean"], 4),
        "margin": round(Z * se, 4),
    }


def found_per(metrics: Any, base: int = 10) -> int | None:
    """Of `base` students who will need attention, how many the version found in its tests
    (the out-of-fold confusion matrix, as the model page's verdict counts them), else from
    the mean recall of kurang."""
    cm = confusion_matrix(dig(metrics, "cv"))
    if cm is not None:
        counts = kurang_counts(cm)
        if counts["at_risk"]:
            return int(counts["found"] * base / counts["at_risk"] + 0.5)
    recall = _measure(metrics, "recall_kurang")
    return int(recall["mean"] * base + 0.5) if recall else None


def promotion_check(*, candidate: Any, active: Any | None) -> dict:
    """Whether a training run's champion may replace the active model without the operator.

    Inputs: the `metrics` JSON of the champion and of the school's active version (None when
    the school has none). Both are cross-validated on this school's own data.

    The rule, on the metric that picks the champion and with its uncertainty:
      * no active model: the champion becomes active (decision "first");
      * else let d = champion's CV macro-F1 − active's (means over folds). The champion
        becomes active on its own ("auto") only when d ≥ 0 (not worse), and its CV recall of
        "kurang" is not lower than the active one's by more than the chance margin
        Z·√(sd_c²/k_c + sd_a²/k_a) (fold standard deviations sd, fold counts k, Z = 2);
      * otherwise, or when either version lacks the figures, it waits ("wait").
    Example: 0.790 ± 0.02 against 0.793 ± 0.02 over 5 folds: d = −0.003, margin ±0.025;
    d < 0, so the champion waits (the page says the gap is within chance).

    Returns JSON-safe {"decision", "reasons": [codes], "macro_f1": {candidate, active, diff,
    margin} or None, "recall_kurang": same or None, "found_per_10": {candidate, active}}.
    Reason codes: no_active, candidate_unmeasured, active_unmeasured, f1_lower_within_chance,
    f1_lower, recall_lower."""
    out: dict[str, Any] = {
        "decision": WAIT,
        "reasons": [],
        "macro_f1": None,
        "recall_kurang": None,
        "found_per_10": None,
    }
    if active is None:
        out["decision"], out["reasons"] = FIRST, ["no_active"]
        return out
    out["found_per_10"] = {"candidate": found_per(candidate), "active": found_per(active)}
    f1_c, f1_a = _measure(candidate, "macro_f1"), _measure(active, "macro_f1")
    if f1_c is None or f1_a is None:
        out["reasons"] = ["candidate_unmeasured" if f1_c is None else "active_unmeasured"]
        return out
    f1 = out["macro_f1"] = _difference(f1_c, f1_a)
    if f1["diff"] < 0:
        out["reasons"].append(
            "f1_lower_within_chance" if -f1["diff"] <= f1["margin"] else "f1_lower"
        )
    rec_c, rec_a = _measure(candidate, "recall_kurang"), _measure(active, "recall_kurang")
    if rec_c is not None and rec_a is not None:
        recall = out["recall_kurang"] = _difference(rec_c, rec_a)
        if recall["diff"] < -recall["margin"]:
            out["reasons"].append("recall_lower")
    elif rec_a is not None:
        out["reasons"].append("candidate_unmeasured")
    if not out["reasons"]:
        out["decision"] = AUTO
    return out


def _found_sentence(check: dict) -> str | None:
    """How well each model finds the students who need attention, as "x dari 10"."""
    found = check.get("found_per_10") or {}
    new, old = found.get("candidate"), found.get("active")
    if new is None or old is None:
        return None
    values = {"old": old, "new": new, "base": 10}
    recall = check.get("recall_kurang") or {}
    if new == old and recall.get("diff") and "recall_lower" in check.get("reasons", []):
        # the drop that made it wait is finer than tenths: say it per hundred
        values.update(
            old=int(recall["active"] * 100 + 0.5),
            new=int(recall["candidate"] * 100 + 0.5),
            base=100,
        )
    if values["new"] < values["old"]:
        if "recall_lower" in check.get("reasons", []):
            text = _(
                "Model baru kurang tepat menemukan siswa yang perlu perhatian: "
                "%(old)s dari %(base)s → %(new)s dari %(base)s."
            )
        else:
            text = _(
                "Model baru sedikit kurang tepat menemukan siswa yang perlu perhatian: "
                "%(old)s dari %(base)s → %(new)s dari %(base)s."
            )
    elif values["new"] > values["old"]:
        text = _(
            "Model baru lebih banyak menemukan siswa yang perlu perhatian: "
            "%(old)s dari %(base)s → %(new)s dari %(base)s."
        )
    else:
        text = _(
            "Keduanya menemukan siswa yang perlu perhatian sama banyak: %(new)s dari %(base)s."
        )
    return text % values


def promotion_sentences(check: dict | None) -> list[str]:
    """The decision of `promotion_check` in words an operator reads, first the decision, then
    why. [] for a run trained before the rule existed."""
    if not check or check.get("decision") not in (FIRST, AUTO, WAIT):
        return []
    reasons = check.get("reasons", [])
    f1 = check.get("macro_f1") or {}
    diff = f1.get("diff", 0)
    numbers = {
        "old": number_format(f1.get("active", 0), 3),
        "new": number_format(f1.get("candidate", 0), 3),
        "diff": ("−" if diff < 0 else "+") + number_format(abs(diff), 3),
        "margin": number_format(f1.get("margin", 0), 3),
    }
    if check["decision"] == FIRST:
        return [_("Sekolah ini belum punya model aktif, jadi model baru langsung dipakai.")]
    out = []
    if check["decision"] == AUTO:
        out.append(
            _(
                "Model baru tidak lebih buruk dari model aktif (ketepatan keseluruhan "
                "%(old)s → %(new)s), jadi langsung dipakai."
            )
            % numbers
        )
    else:
        out.append(
            _(
                "Model baru belum dipakai: model aktif tetap sampai Anda memeriksa siswa yang "
                "berganti kategori dan memutuskan."
            )
        )
    if "active_unmeasured" in reasons:
        out.append(
            _(
                "Model aktif tidak menyimpan hasil validasi silang; keduanya tidak bisa "
                "dibandingkan."
            )
        )
    if "candidate_unmeasured" in reasons:
        out.append(_("Model baru tidak menyimpan hasil validasi silang yang lengkap."))
    if "f1_lower_within_chance" in reasons:
        out.append(
            _(
                "Model baru sedikit kurang tepat secara keseluruhan: F1 makro %(old)s → "
                "%(new)s (selisih %(diff)s). Selisih ini masih dalam rentang kebetulan "
                "antar-lipatan (±%(margin)s), jadi model baru belum tentu lebih buruk."
            )
            % numbers
        )
    if "f1_lower" in reasons:
        out.append(
            _(
                "Model baru kurang tepat secara keseluruhan: F1 makro %(old)s → %(new)s "
                "(selisih %(diff)s, lebih besar dari rentang kebetulan ±%(margin)s)."
            )
            % numbers
        )
    found = _found_sentence(check)
    if found:
        out.append(found)
    return out


__all__ = [
    "AUTO",
    "FIRST",
    "RULE_TEXT",
    "WAIT",
    "found_per",
    "promotion_check",
    "promotion_sentences",
]
