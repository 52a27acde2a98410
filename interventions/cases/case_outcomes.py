"""The cases behind the effectiveness numbers: each completed intervention with its student's
term average and attendance before and after, for the named list on the effectiveness page
(only the students the reader may see). The definitions are those of reports.py."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from predictions.models import Category
from students.models import AcademicTerm, School, Student

from .models import Intervention, Outcome, Status
from .reports import (
    _attendance,
    _latest_predictions,
    _r,
    _reference_prediction,
    _term_averages,
    _with_triggers,
)


@dataclass
class Case:
    """One completed intervention with its student's before/after (None: no data)."""

    intervention_id: int
    student_id: int
    name: str
    school_class: str
    programme: str
    start_date: dt.date
    closed_on: dt.date | None
    outcome: str
    outcome_label: str
    category: str | None  # of the reference prediction; None without one
    category_label: str
    before_term: str
    after_term: str
    # True: no reference prediction, so the terms are the one before the intervention started
    # and the one it started in (`_terms_by_start_date`).
    terms_by_date: bool = False
    avg_before: float | None = None
    avg_after: float | None = None
    avg_change: float | None = None
    attendance_before: float | None = None
    attendance_after: float | None = None
    attendance_change: float | None = None

    @property
    def has_gap(self) -> bool:
        return None in (self.avg_change, self.attendance_change)

    @property
    def contradiction(self) -> str:
        """Why the outcome label disagrees with the numbers, or ""."""
        return outcome_contradiction(
            outcome=self.outcome,
            avg_change=self.avg_change,
            attendance_change=self.attendance_change,
        )

    @property
    def fell(self) -> bool:
        """The term average or the attendance fell from before to after."""
        return any(c is not None and c < 0 for c in (self.avg_change, self.attendance_change))


def outcome_contradiction(
    *, outcome: str, avg_change: float | None, attendance_change: float | None
) -> str:
    """A case labelled "Membaik" whose term average or attendance fell (by 0.1 or more, as
    the page rounds them): "Label tidak sejalan dengan data: rata-rata nilai turun 3,0 poin"."""
    if outcome == Outcome.WORSE:
        return _worse_contradiction(avg_change, attendance_change)
    if outcome != Outcome.IMPROVED:
        return ""
    falls = []
    if avg_change is not None and avg_change < 0:
        falls.append(_("rata-rata nilai turun %(n)s poin") % {"n": number_format(-avg_change, 1)})
    if attendance_change is not None and attendance_change < 0:
        falls.append(
            _("kehadiran turun %(n)s poin persen") % {"n": number_format(-attendance_change, 1)}
        )
    if not falls:
        return ""
    return _("Label tidak sejalan dengan data: %(falls)s") % {"falls": f" {_('dan')} ".join(falls)}


def _worse_contradiction(avg_change: float | None, attendance_change: float | None) -> str:
    """A case labelled "Memburuk" whose numbers rose and none fell."""
    changes = [c for c in (avg_change, attendance_change) if c is not None]
    if not changes or any(c <= 0 for c in changes):
        return ""
    rises = []
    if avg_change is not None:
        rises.append(_("rata-rata nilai naik %(n)s poin") % {"n": number_format(avg_change, 1)})
    if attendance_change is not None:
        rises.append(
            _("kehadiran naik %(n)s poin persen") % {"n": number_format(attendance_change, 1)}
        )
    return _("Label tidak sejalan dengan data: %(falls)s") % {"falls": f" {_('dan')} ".join(rises)}


def _terms_by_start_date(completed: list[Intervention]) -> dict[int, tuple[int, int]]:
    """For interventions without a reference prediction (started before the school's first
    prediction, or logged without one): (the term before the one it started in, the term it
    started in) by intervention id, where both terms exist. The same reading as a prediction's
    (based on the last finished term, about the term the help happens in)."""
    codes = {}
    for intervention in completed:
        after = AcademicTerm.code_for_date(intervention.start_date)
        year, semester = (int(part) for part in after.split("-"))
        codes[intervention.id] = (f"{year}-1" if semester == 2 else f"{year - 1}-2", after)
    wanted = {code for pair in codes.values() for code in pair}
    ids = dict(AcademicTerm.objects.filter(code__in=wanted).values_list("code", "id"))
    return {
        key: (ids[before], ids[after])
        for key, (before, after) in codes.items()
        if before in ids and after in ids
    }


def intervention_cases(*, school: School, students: QuerySet[Student]) -> list[Case]:
    """The completed interventions of `school` whose student is in `students` (the ones the
    reader may see), newest first, each with the term average and attendance before (the term
    its reference prediction was based on) and after (the predicted term), as in the table.
    Without a reference prediction the terms follow the start date (`_terms_by_start_date`)."""
    completed = list(
        Intervention.objects.filter(
            student__school=school,
            student__in=students,
            status=Status.COMPLETED,
            deleted_at__isnull=True,
        )
        .select_related("student", "student__school_class", "programme")
        .order_by("-closed_at", "-start_date", "-id")
    )
    return _cases(school, completed)


def intervention_before_after(*, intervention: Intervention) -> Case:
    """The same before/after for one intervention, open or closed: what the close form shows
    before the counsellor picks an outcome."""
    return _cases(intervention.student.school, [intervention])[0]


def _cases(school: School, completed: list[Intervention]) -> list[Case]:
    by_student = _with_triggers(_latest_predictions(school), completed)
    refs = {i.id: _reference_prediction(i, by_student) for i in completed}
    by_date = _terms_by_start_date([i for i in completed if refs[i.id] is None])
    spans = {
        i.id: (refs[i.id]["based_on_term_id"], refs[i.id]["term_id"])
        if refs[i.id] is not None
        else by_date.get(i.id)
        for i in completed
    }
    pairs = {(i.student_id, t) for i in completed if spans[i.id] is not None for t in spans[i.id]}
    averages, attendance = _term_averages(pairs), _attendance(pairs)
    term_names = {t.id: str(t) for t in AcademicTerm.objects.filter(id__in={t for _s, t in pairs})}
    cases = []
    for i in completed:
        ref, span = refs[i.id], spans[i.id]
        case = Case(
            intervention_id=i.id,
            student_id=i.student_id,
            name=i.student.name,
            school_class=i.student.school_class.name if i.student.school_class else "",
            programme=i.programme.name,
            start_date=i.start_date,
            closed_on=timezone.localtime(i.closed_at).date() if i.closed_at else None,
            outcome=i.outcome,
            outcome_label=str(Outcome(i.outcome).label) if i.outcome else "",
            category=ref["category"] if ref else None,
            category_label=str(Category(ref["category"]).label) if ref else "",
            before_term=term_names.get(span[0], "") if span else "",
            after_term=term_names.get(span[1], "") if span else "",
            terms_by_date=ref is None and span is not None,
        )
        if span is not None:
            sid, (before, after) = i.student_id, span
            case.avg_before = _r(averages.get((sid, before)))
            case.avg_after = _r(averages.get((sid, after)))
            if case.avg_before is not None and case.avg_after is not None:
                case.avg_change = _r(averages[(sid, after)] - averages[(sid, before)])
            case.attendance_before = _r(attendance.get((sid, before)))
            case.attendance_after = _r(attendance.get((sid, after)))
            if case.attendance_before is not None and case.attendance_after is not None:
                case.attendance_change = _r(attendance[(sid, after)] - attendance[(sid, before)])
        cases.append(case)
    return cases
