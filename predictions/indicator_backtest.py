"""What the model adds over plain indicators (issue 26, item 2): on the school's own past
terms, how many students who ended the next term in `kurang` the indicators flagged (found)
and how many students who did not were flagged anyway (falsely flagged), next to the same
counts of the model's out-of-fold test (metrics.model_verdict). The indicators use the
school's thresholds (students.indicators); conduct points are left out here (they are not
kept per term, and `predictions` does not read `interventions`)."""

from __future__ import annotations

from collections import defaultdict

from students.indicators import indicator_flags, indicator_settings_get
from students.models import AcademicTerm, GradeRecord, School, Student
from students.term_status import exclude_unfinished_terms


def _averages(school: School, term: AcademicTerm) -> dict[int, float]:
    sums: dict[int, list[float]] = defaultdict(list)
    rows = GradeRecord.objects.filter(student__school=school, term=term).values_list(
        "student_id", "score"
    )
    for student_id, score in rows:
        sums[student_id].append(float(score))
    return {s: sum(v) / len(v) for s, v in sums.items()}


def indicator_backtest(*, school: School) -> dict | None:
    """Counts over every pair (term, next graded term) of the school: {"at_risk", "found",
    "fine", "flagged", "terms": [(term label, next label)]}; None with fewer than two graded
    terms. A student counts when they have grades in the next term (their outcome)."""
    terms = list(
        AcademicTerm.objects.filter(
            pk__in=exclude_unfinished_terms(
                GradeRecord.objects.filter(student__school=school)
            ).values("term")
        ).order_by("code")
    )
    if len(terms) < 2:
        return None
    # Imported here: predictions.ml.labels brings pandas, which the web process loads only when
    # the model page asks for this comparison (tests/ops/test_web_startup.py).
    from predictions.ml.labels import category_from_average

    rules = indicator_settings_get(school=school)
    rules.min_conduct_points = None  # points are not kept per term
    out = {"at_risk": 0, "found": 0, "fine": 0, "flagged": 0, "terms": []}
    ids = list(Student.objects.filter(school=school).values_list("id", flat=True))
    for term, following in zip(terms, terms[1:], strict=False):
        outcome = _averages(school, following)
        flags = indicator_flags(school=school, student_ids=ids, term=term, settings=rules)
        for student_id, average in outcome.items():
            kurang = (
                category_from_average(average, kkm=school.kkm, baik=school.baik_threshold)
                == "kurang"
            )
            flagged = student_id in flags
            if kurang:
                out["at_risk"] += 1
                out["found"] += flagged
            else:
                out["fine"] += 1
                out["flagged"] += flagged
        out["terms"].append((term.label, following.label))
    out["found_per_10"] = _per(out["found"], out["at_risk"], 10)
    out["flagged_per_100"] = _per(out["flagged"], out["fine"], 100)
    return out


def _per(part: int, whole: int, base: int) -> int | None:
    return int(part * base / whole + 0.5) if whole else None
