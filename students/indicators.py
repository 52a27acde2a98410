"""Flags before a model: which plain indicators (attendance, alpa, subjects below KKM, a fall
in the average, conduct points) fire for each student in a term, with the school's own
thresholds (IndicatorSettings). Grades and attendance are read here; conduct points live in
`interventions`, so the caller passes each student's total in (`points`). These flags carry
no probability: pages say "berdasarkan indikator, belum model"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceStatus,
    AttendanceSummary,
    GradeRecord,
    IndicatorSettings,
    School,
)

INDICATOR_LABELS = {
    "kehadiran": gettext_lazy("Kehadiran rendah"),
    "alpa": gettext_lazy("Alpa"),
    "kkm": gettext_lazy("Mapel di bawah KKM"),
    "rata_turun": gettext_lazy("Rata-rata turun"),
    "poin": gettext_lazy("Poin pelanggaran"),
}


@dataclass(frozen=True)
class Flag:
    code: str  # a key of INDICATOR_LABELS
    text: str  # what fired, with the value and the school's threshold

    @property
    def label(self) -> str:
        return str(INDICATOR_LABELS[self.code])


def indicator_settings_get(*, school: School) -> IndicatorSettings:
    """The school's thresholds; unsaved defaults when it never set them."""
    found = IndicatorSettings.objects.filter(school=school).first()
    return found or IndicatorSettings(school=school)


def indicator_term(*, school: School) -> AcademicTerm | None:
    """The latest term with grades or an attendance recap for the school's students."""
    return (
        AcademicTerm.objects.filter(
            Q(grades__student__school=school)
            | Q(pk__in=AttendanceSummary.objects.filter(student__school=school).values("term"))
        )
        .order_by("-code")
        .first()
    )


def _num(value: float, digits: int = 1) -> str:
    return number_format(round(value, digits), digits)


def _subject_scores(student_ids: list[int], term: AcademicTerm) -> dict[int, dict[int, tuple]]:
    """{student: {subject: (mean score of its components, KKM)}} for one term."""
    acc: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    kkm: dict[int, int] = {}
    rows = GradeRecord.objects.filter(student_id__in=student_ids, term=term).values_list(
        "student_id", "subject_id", "subject__kkm", "score"
    )
    for student_id, subject_id, subject_kkm, score in rows:
        acc[student_id][subject_id].append(Decimal(score))
        kkm[subject_id] = subject_kkm
    return {
        s: {subj: (float(sum(v) / len(v)), kkm[subj]) for subj, v in subjects.items()}
        for s, subjects in acc.items()
    }


def _averages(scores: dict[int, dict[int, tuple]]) -> dict[int, float]:
    return {s: sum(v for v, _k in subj.values()) / len(subj) for s, subj in scores.items() if subj}


def _attendance(student_ids: list[int], term: AcademicTerm) -> dict[int, tuple]:
    """{student: (alpa days, attendance rate or None)} from the term's recap, else from the
    daily records within the term's dates."""
    out = {}
    for s in AttendanceSummary.objects.filter(student_id__in=student_ids, term=term):
        out[s.student_id] = (s.alpa, s.attendance_rate)
    if term.start_date and term.end_date:
        days: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # days, alpa, present
        daily = AttendanceRecord.objects.filter(
            student_id__in=[i for i in student_ids if i not in out],
            date__range=(term.start_date, term.end_date),
        ).values_list("student_id", "status")
        for student_id, status in daily:
            counts = days[student_id]
            counts[0] += 1
            counts[1] += status == AttendanceStatus.ALPA
            counts[2] += status == AttendanceStatus.HADIR
        for student_id, (total, alpa, present) in days.items():
            out[student_id] = (alpa, present / total)
    return out


def indicator_flags(
    *,
    school: School,
    student_ids: Iterable[int],
    term: AcademicTerm | None = None,
    points: Mapping[int, int] | None = None,
    settings: IndicatorSettings | None = None,
) -> dict[int, list[Flag]]:
    """{student id: the flags that fired} for the students given (only those with at least
    one flag), in `term` (default: the latest term with data). `points`: each student's
    conduct points total (the caller reads them; omitted, the points indicator stays off)."""
    ids = list(student_ids)
    term = term or indicator_term(school=school)
    if term is None or not ids:
        return {}
    rules = settings or indicator_settings_get(school=school)
    flags: dict[int, list[Flag]] = defaultdict(list)
    attendance = _attendance(ids, term)
    for student_id, (alpa, rate) in attendance.items():
        limit = rules.min_attendance_pct
        if limit and rate is not None and rate * 100 < limit:
            text = _("Kehadiran %(v)s%% (batas %(l)s%%)") % {"v": _num(rate * 100, 0), "l": limit}
            flags[student_id].append(Flag("kehadiran", text))
        if rules.max_alpa_days is not None and alpa > rules.max_alpa_days:
            text = _("Alpa %(v)s hari (batas lebih dari %(l)s)") % {
                "v": alpa,
                "l": rules.max_alpa_days,
            }
            flags[student_id].append(Flag("alpa", text))
    scores = _subject_scores(ids, term)
    if rules.min_subjects_below_kkm:
        for student_id, subjects in scores.items():
            below = sum(1 for value, kkm in subjects.values() if value < kkm)
            if below >= rules.min_subjects_below_kkm:
                text = _("%(n)s mapel di bawah KKM (batas %(l)s)") % {
                    "n": below,
                    "l": rules.min_subjects_below_kkm,
                }
                flags[student_id].append(Flag("kkm", text))
    previous = (
        AcademicTerm.objects.filter(code__lt=term.code, grades__student__school=school)
        .order_by("-code")
        .first()
    )
    if rules.min_average_drop and previous is not None:
        now, before = _averages(scores), _averages(_subject_scores(ids, previous))
        for student_id, average in now.items():
            if student_id in before and before[student_id] - average >= rules.min_average_drop:
                text = _("Rata-rata turun %(d)s poin (%(a)s → %(b)s)") % {
                    "d": _num(before[student_id] - average),
                    "a": _num(before[student_id]),
                    "b": _num(average),
                }
                flags[student_id].append(Flag("rata_turun", text))
    if rules.min_conduct_points and points:
        for student_id in ids:
            total = points.get(student_id, 0)
            if total >= rules.min_conduct_points:
                text = _("Poin pelanggaran %(v)s (batas %(l)s)") % {
                    "v": total,
                    "l": rules.min_conduct_points,
                }
                flags[student_id].append(Flag("poin", text))
    return dict(flags)
