"""The one page a principal reads out at a staff meeting: the first page of the school PDF.

`school_meeting_summary` gathers what it says (the term in words, how many students need
attention and how that changed since the term before, whether to trust the model: the same
verdict as /predictions/models/, what BK did and whether it helped: the effectiveness page's
matched comparison); `meeting_sections` turns it into headed paragraphs. No student names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from interventions.cases.comparison import Comparison
from interventions.cases.matching import HEADLINE_MIN
from interventions.cases.reports import Effectiveness
from predictions.metrics import ALGORITHM_NAMES, model_verdict
from predictions.quality import model_versions_for_school
from predictions.verdict_text import verdict_sentences
from smk_dashboard.core.formats import share_of, term_label
from students.models import School


def _count(n: int, total: int) -> str:
    """ "42 dari 300 siswa (14,0%)"; no percentage of fewer than HEADLINE_MIN students."""
    text = _("%(n)s dari %(total)s siswa") % {"n": n, "total": total}
    return f"{text} ({share_of(n, total)})" if total >= HEADLINE_MIN else text


def school_meeting_summary(
    *, school: School, report: dict, effectiveness: Effectiveness, comparison: Comparison
) -> dict:
    """What the first page says, as data: `term`/`previous_term` in words, their kurang and
    student counts, the active model's verdict sentences, BK's intervention counts, and the
    matched comparison's sentence and details."""
    trend = sorted(report["trend"], key=lambda r: r["term"])
    now = trend[-1] if trend else None
    before = trend[-2] if len(trend) > 1 else None
    observed = sorted(report["observed_trend"], key=lambda r: r["term"])
    # the latest term with real results, before the predicted one
    seen = [r for r in observed if not now or r["term"] < now["term"]]
    last_seen = seen[-1] if seen else None
    active = model_versions_for_school(school=school).filter(is_active=True).first()
    verdict = None
    if active is not None:
        verdict = verdict_sentences(model_verdict(active.metrics, active.algorithm))
        verdict["model"] = (
            f"{ALGORITHM_NAMES.get(active.algorithm, active.algorithm)} v{active.version}"
        )
    return {
        "school": school,
        "term": term_label(now["term"]) if now else "",
        "kurang": now["kurang"] if now else None,
        "n": now["n"] if now else None,
        "previous_term": term_label(before["term"]) if before else "",
        "previous_kurang": before["kurang"] if before else None,
        "previous_n": before["n"] if before else None,
        "observed_term": term_label(last_seen["term"]) if last_seen else "",
        "observed_kurang": last_seen["kurang"] if last_seen else None,
        "observed_n": last_seen["n"] if last_seen else None,
        "verdict": verdict,
        "statuses": effectiveness.statuses,
        "outcomes": effectiveness.outcomes,
        "coverage": effectiveness.coverage,
        "helped": comparison.sentence,
        "helped_details": comparison.details,
    }


def _attention(s: dict) -> str:
    if s["n"] is None:
        return _("Belum ada prediksi untuk semester mana pun.")
    text = _("%(term)s: %(count)s diprediksi perlu perhatian.") % {
        "term": s["term"],
        "count": _count(s["kurang"], s["n"]),
    }
    if s["observed_n"]:
        text += " " + _("Hasil nyata %(term)s: %(count)s rata-ratanya di bawah KKM.") % {
            "term": s["observed_term"],
            "count": _count(s["observed_kurang"], s["observed_n"]),
        }
    if s["previous_n"] is None:
        return text + " " + _("Belum ada prediksi semester sebelumnya untuk dibandingkan.")
    change = s["kurang"] - s["previous_kurang"]
    values = {
        "term": s["previous_term"],
        "count": _count(s["previous_kurang"], s["previous_n"]),
        "d": abs(change),
    }
    if change > 0:
        text += " " + _("Naik %(d)s siswa dari %(term)s (%(count)s).") % values
    elif change < 0:
        text += " " + _("Turun %(d)s siswa dari %(term)s (%(count)s).") % values
    else:
        text += " " + _("Sama dengan %(term)s (%(count)s).") % values
    return text


def _bk(s: dict) -> str:
    st, out = s["statuses"], s["outcomes"]
    text = _(
        "Intervensi BK: %(done)s selesai, %(running)s berjalan, %(planned)s direncanakan, "
        "%(stopped)s dihentikan."
    ) % {
        "done": st.get("completed", 0),
        "running": st.get("in_progress", 0),
        "planned": st.get("planned", 0),
        "stopped": st.get("stopped", 0),
    }
    if st.get("completed"):
        text += " " + _(
            "Hasil menurut BK: %(up)s membaik, %(same)s tidak berubah, %(down)s memburuk, "
            "%(unknown)s belum diketahui."
        ) % {
            "up": out.get("improved", 0),
            "same": out.get("no_change", 0),
            "down": out.get("worse", 0),
            "unknown": out.get("unknown", 0),
        }
    cov = s["coverage"]
    if cov.get("decided"):
        text += " " + _(
            "Siswa perlu perhatian (%(term)s) yang mendapat intervensi dalam %(days)s hari: "
            "%(count)s."
        ) % {
            "term": cov.get("term", ""),
            "days": cov["within_days"],
            "count": _count(cov["helped"], cov["decided"]),
        }
    return text


def meeting_sections(s: dict) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) in reading order."""
    verdict = s["verdict"]
    if verdict is None:
        trust = [_("Belum ada model aktif: belum ada prediksi yang dapat dinilai.")]
    else:
        trust = [
            _("Model aktif: %(name)s.") % {"name": verdict["model"]},
            verdict["finding"],
            verdict["recommendation"],
            *verdict["reasons"],
        ]
    return [
        (_("Siswa yang perlu perhatian"), [_attention(s)]),
        (_("Bisakah model ini dipercaya?"), [p for p in trust if p]),
        (_("Apa yang dilakukan BK"), [_bk(s)]),
        (_("Apakah intervensi membantu?"), [s["helped"], *s["helped_details"]]),
    ]
