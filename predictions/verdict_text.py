"""The verdict on a model (`metrics.model_verdict`) as plain sentences, for places that are not
the model page: the first page of the school PDF. The words are those of
templates/predictions/_verdict.html (the same msgids), so a principal reads the same verdict
in the meeting report as on /predictions/models/."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .metrics import CAREFUL, USABLE


def verdict_sentences(verdict: dict) -> dict:
    """{"level", "finding": what the model finds, "recommendation", "reasons": [sentences]}."""
    parts = []
    if verdict.get("found_per_10") is not None:
        parts.append(
            _("Dari 10 siswa yang nantinya benar-benar perlu perhatian, model menemukan %(n)s.")
            % {"n": verdict["found_per_10"]}
        )
    if verdict.get("flagged_per_100") is not None:
        parts.append(
            _("Dari 100 siswa yang baik-baik saja, %(n)s ikut ditandai.")
            % {"n": verdict["flagged_per_100"]}
        )
    baseline = verdict.get("baseline")
    if baseline:
        text = {
            "better": _("Model ini lebih baik daripada pembanding sederhana (%(name)s)."),
            "same": _("Model ini setara dengan pembanding sederhana (%(name)s)."),
        }.get(baseline["comparison"], _("Model ini kalah dari pembanding sederhana (%(name)s)."))
        parts.append(text % {"name": baseline["name"]})
    level = verdict["level"]
    if level == USABLE:
        recommendation = _("Saran: dapat dipakai bersama penilaian guru.")
    elif level == CAREFUL:
        recommendation = _("Saran: pakai dengan hati-hati.")
    else:
        recommendation = _("Saran: jangan dipakai dulu.")
    return {
        "level": level,
        "finding": " ".join(parts),
        "recommendation": recommendation,
        "reasons": [_reason(code, verdict) for code in verdict.get("reasons", [])],
    }


def _reason(code: str, verdict: dict) -> str:
    lim = verdict.get("limits", {})
    if code == "no_results":
        return _("Hasil pengujian model ini belum tersimpan. Minta operator melatih ulang model.")
    if code == "no_at_risk":
        return _(
            "Data uji tidak memuat siswa yang perlu perhatian, jadi kemampuan model menemukan "
            "mereka belum dapat dinilai."
        )
    if code == "recall_very_low":
        return _("Model melewatkan lebih dari separuh siswa yang perlu perhatian.")
    if code == "recall_low":
        return _(
            "Model menemukan kurang dari %(n)s dari 10 siswa yang perlu perhatian; yang "
            "terlewat tetap perlu pengamatan guru."
        ) % {"n": lim.get("found_per_10")}
    if code == "false_flags_very_high":
        return _("Lebih dari %(n)s dari 100 siswa yang baik-baik saja ikut ditandai.") % {
            "n": lim.get("flagged_max_per_100")
        }
    if code == "false_flags_high":
        return _(
            "Lebih dari %(n)s dari 100 siswa yang baik-baik saja ikut ditandai; periksa "
            "setiap tanda sebelum bertindak."
        ) % {"n": lim.get("flagged_per_100")}
    if code == "worse_than_baseline":
        return _(
            "Pembanding sederhana (%(name)s) lebih tepat; minta operator mempertimbangkan "
            "model itu."
        ) % {"name": (verdict.get("baseline") or {}).get("name", "")}
    if code == "few_at_risk":
        return _(
            "Hanya %(n)s siswa yang perlu perhatian dalam data uji: terlalu sedikit untuk yakin."
        ) % {"n": (verdict.get("counts") or {}).get("at_risk")}
    return ""
