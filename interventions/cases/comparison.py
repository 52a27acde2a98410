"""Did it help? The matched comparison of the effectiveness page and the school report: the
school's data read into `matching.Unit`s, the statistics of `matching` (Django-free) run on
them, and the result said in one sentence a principal can read. No student names.

Definitions (the page says them too):

- A unit is a student in a term: the term their stored prediction is about (the latest shown
  prediction of that term, `published_predictions(latest_per_term=True)`). Its risk is that
  prediction's chance of "perlu perhatian" (p_kurang).
- Treated: the student received an intervention (any status but "direncanakan", not deleted)
  whose reference prediction (the one that triggered it, else the latest made on or before its
  start, as in reports.py) is about that term.
- Comparison pool: students with a prediction for the same term and no intervention of any
  status running at any time during that term.
- Outcomes, of the term the prediction is about ("semester sesudahnya": the next term after the
  data the prediction used): the average of the term's grades, the attendance rate (percent),
  and whether the category by that average (the school's KKM and batas baik) is better than the
  category of the term before. Units without grades for that term yet are left out and counted
  (`waiting`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from predictions.selectors import published_predictions
from smk_dashboard.core.categories import CATEGORY_RANK
from students.models import AcademicTerm, School

from .matching import CALIPER, MIN_PAIRS, Estimate, MatchedEffect, Unit, matched_effect
from .models import Intervention, Status
from .reports import _attendance, _reference_prediction, _term_averages

_FIELDS = ("id", "student_id", "term_id", "based_on_term_id", "category", "p_kurang", "created_at")


@dataclass
class Comparison:
    effect: MatchedEffect
    waiting: int  # treated units whose term has no grades yet
    terms: list[str]  # the terms the pairs come from, in words

    @property
    def caliper_points(self) -> int:
        return round(100 * self.effect.caliper)

    @property
    def sentence(self) -> str:
        return effect_sentence(self.effect, waiting=self.waiting)

    @property
    def details(self) -> list[str]:
        # Nothing to add while the grades themselves are too few to tell.
        return effect_details(self.effect) if self.effect.grade.enough else []


def _term_span(term: AcademicTerm) -> tuple[dt.date, dt.date]:
    """The first and last day of a term: its stored dates, else July–December (ganjil) or
    January–June (genap), as `AcademicTerm.code_for_date` reads them."""
    if term.start_date and term.end_date:
        return term.start_date, term.end_date
    if term.semester == 1:
        return dt.date(term.year, 7, 1), dt.date(term.year, 12, 31)
    return dt.date(term.year + 1, 1, 1), dt.date(term.year + 1, 6, 30)


def _busy_terms(interventions: list[Intervention], terms: dict[int, AcademicTerm]) -> set:
    """(student, term) where an intervention of any status ran at any time during the term."""
    spans = {tid: _term_span(term) for tid, term in terms.items()}
    busy = set()
    for i in interventions:
        closed = timezone.localtime(i.closed_at).date() if i.closed_at else None
        for tid, (start, end) in spans.items():
            if i.start_date <= end and (closed is None or closed >= start):
                busy.add((i.student_id, tid))
    return busy


def matched_comparison(
    *, school: School, caliper: float = CALIPER, min_pairs: int = MIN_PAIRS
) -> Comparison:
    """The matched comparison for `school` (see the module's definitions)."""
    rows = list(
        published_predictions(students=school.students.all(), latest_per_term=True).values(*_FIELDS)
    )
    by_student: dict[int, list[dict]] = {}
    for row in rows:
        by_student.setdefault(row["student_id"], []).append(row)
    interventions = list(
        Intervention.objects.filter(student__school=school, deleted_at__isnull=True).order_by(
            "start_date", "id"
        )
    )
    received = [i for i in interventions if i.status != Status.PLANNED]
    # A triggering prediction may be older than the latest of its term: add it.
    known = {row["id"] for row in rows}
    triggers = {i.triggered_by_id for i in received if i.triggered_by_id} - known
    if triggers:
        for row in (
            published_predictions(students=school.students.all())
            .filter(id__in=triggers)
            .values(*_FIELDS)
        ):
            by_student.setdefault(row["student_id"], []).append(row)
    treated_rows: dict[tuple[int, int], dict] = {}
    for i in received:
        ref = _reference_prediction(i, by_student)
        if ref is not None:
            treated_rows[(i.student_id, ref["term_id"])] = ref
    terms = {t.id: t for t in AcademicTerm.objects.filter(id__in={r["term_id"] for r in rows})}
    busy = _busy_terms(interventions, terms)
    pool_rows = {
        (r["student_id"], r["term_id"]): r
        for r in rows
        if (r["student_id"], r["term_id"]) not in busy
        and (r["student_id"], r["term_id"]) not in treated_rows
    }
    pairs = {
        (sid, t)
        for r in [*treated_rows.values(), *pool_rows.values()]
        for sid, t in ((r["student_id"], r["term_id"]), (r["student_id"], r["based_on_term_id"]))
    }
    averages, attendance = _term_averages(pairs), _attendance(pairs)

    def category(avg: float | None) -> str | None:
        if avg is None:
            return None
        # Imported here: predictions.ml.labels brings pandas, which a web process loads only
        # when a page needs it (tests/ops/test_web_startup.py).
        from predictions.ml.labels import category_from_average

        return category_from_average(avg, kkm=school.kkm, baik=school.baik_threshold)

    def unit(r: dict) -> Unit:
        sid, after, before = r["student_id"], r["term_id"], r["based_on_term_id"]
        now, then = category(averages.get((sid, after))), category(averages.get((sid, before)))
        better = (
            None if now is None or then is None else float(CATEGORY_RANK[now] > CATEGORY_RANK[then])
        )
        return Unit(
            key=sid,
            term=after,
            risk=float(r["p_kurang"]),
            grade=averages.get((sid, after)),
            attendance=attendance.get((sid, after)),
            better=better,
        )

    treated = [unit(r) for r in treated_rows.values()]
    ready = [u for u in treated if u.grade is not None]
    pool = [u for u in map(unit, pool_rows.values()) if u.grade is not None]
    effect = matched_effect(ready, pool, caliper=caliper, min_pairs=min_pairs)
    used = {a.term for a, _b in effect.pairs}
    names = [str(terms[t]) for t in sorted(used, key=lambda t: (terms[t].year, terms[t].semester))]
    return Comparison(effect=effect, waiting=len(treated) - len(ready), terms=names)


def _n(value: float, digits: int = 1) -> str:
    return number_format(value, digits)


def _signed(value: float, digits: int = 1) -> str:
    text = number_format(abs(value), digits)
    return f"−{text}" if value < 0 else text


def _interval(e: Estimate, scale: float = 1.0) -> str:
    return _("%(low)s sampai %(high)s") % {
        "low": _signed(e.low * scale),
        "high": _signed(e.high * scale),
    }


def effect_sentence(effect: MatchedEffect, *, waiting: int = 0) -> str:
    """One sentence on the term average, the outcome a principal asks about first."""
    g = effect.grade
    if not g.enough and g.n == 0 and waiting:
        return _(
            "Terlalu sedikit untuk disimpulkan: nilai semester sesudahnya belum ada untuk "
            "%(w)s siswa yang mendapat intervensi, jadi belum ada yang dapat dibandingkan."
        ) % {"w": waiting}
    if g.n == 0 and effect.treated == 0:
        return _(
            "Terlalu sedikit untuk disimpulkan: belum ada siswa dengan intervensi yang punya "
            "prediksi sebelum intervensinya dan nilai semester sesudahnya."
        )
    if not g.enough:
        return _(
            "Terlalu sedikit untuk disimpulkan: baru %(n)s pasang siswa yang dapat dibandingkan "
            "(perlu sedikitnya %(min)s)."
        ) % {"n": g.n, "min": effect.min_pairs}
    values = {
        "n": g.n,
        "d": _n(abs(g.difference)),
        "ci": _interval(g),
    }
    if g.direction == "better":
        text = _(
            "Siswa yang mendapat intervensi rata-rata nilainya %(d)s poin lebih tinggi pada "
            "semester sesudahnya dibanding siswa berisiko serupa tanpa intervensi "
            "(%(n)s pasang; rentang 95%%: %(ci)s poin): intervensi kemungkinan besar membantu."
        )
    elif g.direction == "worse":
        text = _(
            "Siswa yang mendapat intervensi rata-rata nilainya %(d)s poin lebih rendah pada "
            "semester sesudahnya dibanding siswa berisiko serupa tanpa intervensi "
            "(%(n)s pasang; rentang 95%%: %(ci)s poin): perlu ditinjau."
        )
    else:
        text = _(
            "Belum terlihat beda yang pasti: selisih rata-rata nilai semester sesudahnya antara "
            "siswa yang mendapat intervensi dan siswa berisiko serupa tanpa intervensi ada di "
            "antara %(ci)s poin (%(n)s pasang)."
        )
    return text % values


def effect_details(effect: MatchedEffect) -> list[str]:
    """Attendance and category, one line each (or why they are missing)."""
    lines = []
    a = effect.attendance
    if a.enough:
        lines.append(
            _(
                "Kehadiran: %(t)s%% dengan intervensi, %(c)s%% tanpa; selisih %(d)s poin persen "
                "(rentang 95%%: %(ci)s; %(n)s pasang)."
            )
            % {
                "t": _n(a.treated),
                "c": _n(a.comparison),
                "d": _signed(a.difference),
                "ci": _interval(a),
                "n": a.n,
            }
        )
    else:
        lines.append(
            _("Kehadiran: terlalu sedikit untuk disimpulkan (%(n)s pasang dengan rekap presensi).")
            % {"n": a.n}
        )
    b = effect.better
    if b.enough:
        up_t = round(b.treated * b.n)
        up_c = round(b.comparison * b.n)
        lines.append(
            _(
                "Naik kategori dari semester sebelumnya: %(t)s dari %(n)s siswa dengan "
                "intervensi, %(c)s dari %(n)s tanpa; selisih %(d)s poin persen (rentang 95%%: "
                "%(ci)s)."
            )
            % {
                "t": up_t,
                "c": up_c,
                "n": b.n,
                "d": _signed(100 * b.difference),
                "ci": _interval(b, 100),
            }
        )
    else:
        lines.append(
            _("Naik kategori: terlalu sedikit untuk disimpulkan (%(n)s pasang).") % {"n": b.n}
        )
    return lines
