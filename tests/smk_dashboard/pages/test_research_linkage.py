"""Issue 25, finding 4: the research export could be linked back to students. An operator
(who may not see predictions) reads every student's grades and attendance; from those, a
row with the exact mean score and day counts named one student, and with it the student's
predicted category. Here a linker written apart from the export reads the published values
as what they say (a number is exact, "70-79" or "1-2" a range, ">5" a floor, "tanpa rekap"
no recap, "" not published)
and counts, for every pseudonym, the students whose own data fit all of its rows."""

import random
import re
from collections import defaultdict

import pytest
from django.test import Client

from smk_dashboard.pages.privacy.research import research_export_rows
from students.models import AttendanceSummary, GradeRecord, Role
from students.selectors import student_queryset_for_user
from tests.students.factories import (
    MajorFactory,
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
)

K = 5
RANGE = re.compile(r"^(\d+)-(\d+)$")
# Published column -> what the operator computes for a student and term.
TERM_FIELDS = {
    "mean_score": "mean",
    "mean_score_band": "mean",
    "n_scores": "n",
    "sakit": "sakit",
    "izin": "izin",
    "alpa": "alpa",
    "alpa_days": "alpa",
    "sakit_izin_days": "sakit_izin",
    "school_days": "school_days",
}


def fits(published: str, value) -> bool:
    """Whether `value` (the operator's own figure) is consistent with a published cell."""
    if published in ("", None):
        return True  # not published
    if published == "tanpa rekap":
        return value is None
    if value is None:
        return False
    text = str(published)
    if m := RANGE.match(text):
        low, high = int(m[1]), int(m[2])
        return low <= value < high + 1  # a band "70-79" holds 79.5
    if text.startswith(">"):
        return value > float(text[1:])
    return abs(float(text) - value) < 0.006  # exact (rounded to 2 decimals)


def operator_view(operator) -> dict:
    """{student id: {"static": {...}, "terms": {term: {...}}}} from what the operator reads."""
    students = student_queryset_for_user(user=operator).select_related("major", "school_class")
    view = {
        s.pk: {
            "static": {
                "major_field": s.major.field if s.major else "",
                "grade_level": s.school_class.grade_level if s.school_class else "",
                "gender": s.gender,
            },
            "terms": defaultdict(dict),
        }
        for s in students
    }
    scores = defaultdict(list)
    for g in GradeRecord.objects.filter(student__in=students).select_related("term"):
        scores[(g.student_id, g.term.code)].append(float(g.score))
    for (sid, term), values in scores.items():
        view[sid]["terms"][term] |= {"mean": sum(values) / len(values), "n": len(values)}
    for a in AttendanceSummary.objects.filter(student__in=students).select_related("term"):
        view[a.student_id]["terms"][a.term.code] |= {
            "sakit": a.sakit,
            "izin": a.izin,
            "alpa": a.alpa,
            "sakit_izin": a.sakit + a.izin,
            "school_days": a.school_days,
        }
    return view


def candidates(rows: list[dict], view: dict) -> list[int]:
    """The students whose data fit every row of one pseudonym."""
    out = []
    for sid, student in view.items():
        ok = all(str(student["static"][q]) == str(rows[0][q]) for q in student["static"])
        for row in rows:
            term = student["terms"].get(row["term"])
            if not ok or not term or "mean" not in term:
                ok = False
                break
            ok = all(fits(row[c], term.get(f)) for c, f in TERM_FIELDS.items() if c in row)
        if ok:
            out.append(sid)
    return out


@pytest.fixture
def school_with_history():
    """60 students in two grade levels over two terms: scores around their own level, a few
    absence days, as a real class looks."""
    rng = random.Random(25)
    school = SchoolFactory()
    major = MajorFactory(school=school)
    classes = [SchoolClassFactory(school=school, major=major, grade_level=g) for g in (10, 11)]
    subjects = [SubjectFactory(school=school) for _ in range(4)]
    terms = [TermFactory(year=2025, semester=1), TermFactory(year=2025, semester=2)]
    grades, recaps = [], []
    for i in range(60):
        student = StudentFactory(
            school=school, school_class=classes[i % 2], major=major, gender=rng.choice("LP")
        )
        level = rng.gauss(76, 7)
        for term in terms:
            for subject in subjects:
                score = max(40, min(100, round(level + rng.gauss(0, 5))))
                grades.append(GradeRecord(student=student, subject=subject, term=term, score=score))
            recaps.append(
                AttendanceSummary(
                    student=student,
                    term=term,
                    sakit=min(rng.choice([0, 0, 0, 1, 1, 2, 3]), 9),
                    izin=rng.choice([0, 0, 0, 1, 2]),
                    alpa=rng.choice([0, 0, 0, 0, 1, 2, 4]),
                    school_days=110,
                )
            )
    GradeRecord.objects.bulk_create(grades)
    AttendanceSummary.objects.bulk_create(recaps)
    return school


@pytest.mark.django_db
def test_every_exported_row_matches_at_least_five_students(school_with_history, make_user):
    school = school_with_history
    operator = make_user(Role.OPERATOR, school=school)
    rows, _suppressed = research_export_rows(school=school)
    by_pseudonym = defaultdict(list)
    for row in rows:
        by_pseudonym[row["pseudonym"]].append(row)
    # Not bought by publishing nothing: most students are in the export.
    assert len(by_pseudonym) >= 40
    view = operator_view(operator)
    matches = {p: len(candidates(rs, view)) for p, rs in by_pseudonym.items()}
    assert min(matches.values()) >= K, sorted(matches.values())[:10]


@pytest.mark.django_db
def test_the_csv_has_no_exact_score_or_day_count(school_with_history, make_user):
    client = Client()
    client.force_login(make_user(Role.KEPSEK, school=school_with_history))
    header = client.get("/privacy/research-export/").content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == [
        "pseudonym",
        "major_field",
        "grade_level",
        "gender",
        "term",
        "term_label",
        "mean_score_band",
        "sakit_izin_days",
        "alpa_days",
        "latest_category",
    ]
