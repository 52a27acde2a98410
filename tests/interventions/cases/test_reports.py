"""Effectiveness numbers on a small hand-made school; expected values computed by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from interventions.cases import case_outcomes, reports
from interventions.models import Intervention, Outcome, Status
from predictions.models import Prediction
from students.models import AttendanceSummary, GradeRecord, Role
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import StudentFactory, SubjectFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2025, 1, 10)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def world(school, bk, programme):
    t1 = TermFactory(year=2024, semester=1)
    t2 = TermFactory(year=2024, semester=2)
    maths, vocational = SubjectFactory(school=school), SubjectFactory(school=school)
    version = ModelVersionFactory(school=school)

    def student(name, category, before, after, att_before=None, att_after=None, made=DAY0):
        s = StudentFactory(school=school, name=name)
        for term, scores in ((t1, before), (t2, after)):
            for subject, score in zip((maths, vocational), scores, strict=False):
                GradeRecord.objects.create(
                    student=s, subject=subject, term=term, score=Decimal(score)
                )
        for term, absent in ((t1, att_before), (t2, att_after)):
            if absent is not None:
                AttendanceSummary.objects.create(student=s, term=term, alpa=absent, school_days=100)
        p = PredictionFactory(
            student=s, term=t2, based_on_term=t1, model_version=version, category=category
        )
        Prediction.objects.filter(pk=p.pk).update(created_at=at(made))
        p.refresh_from_db()
        return s, p

    def intervene(s, status=Status.COMPLETED, start=DAY0, triggered_by=None):
        return InterventionFactory(
            student=s,
            programme=programme,
            owner=bk,
            status=status,
            outcome=Outcome.IMPROVED if status == Status.COMPLETED else Outcome.UNKNOWN,
            start_date=start,
            triggered_by=triggered_by,
        )

    # Intervened, completed: A (triggered) 65 → 75, attendance 90 → 96;
    #                        B (prediction before start) 60 → 59, attendance 80 → 85.
    a, pa = student("A", "kurang", [60, 70], [75, 75], 10, 4)
    intervene(a, triggered_by=pa)
    b, _ = student("B", "kurang", [55, 65], [58, 60], 20, 15)
    intervene(b, start=DAY0 + dt.timedelta(days=5))
    # Comparison (kurang, never an intervention): C 62 → 64, attendance 90 → 88; D 70 → 66.
    student("C", "kurang", [62], [64], 10, 12)
    student("D", "kurang", [70], [66])
    # Not counted: E has an intervention still running; F is sedang; G has no prediction.
    e, _ = student("E", "kurang", [40], [90])
    intervene(e, status=Status.IN_PROGRESS)
    student("F", "sedang", [80], [50])
    intervene(StudentFactory(school=school, name="G"))
    return {"t1": t1, "t2": t2, "version": version, "student": student, "intervene": intervene}


def test_before_and_after_against_students_of_the_same_category_without_intervention(school, world):
    rows, completed, without_prediction = reports.intervention_outcomes(school=school)
    assert (completed, without_prediction) == (3, 1)
    assert [r.category for r in rows] == ["kurang"]
    row = rows[0]
    mine, others = row.intervened, row.comparison
    assert (mine.students, mine.with_grades, mine.with_attendance) == (2, 2, 2)
    assert (mine.avg_before, mine.avg_after, mine.avg_change) == (62.5, 67.0, 4.5)
    assert (mine.improved, mine.improved_pct) == (1, 50.0)
    assert (mine.attendance_before, mine.attendance_after, mine.attendance_change) == (
        85.0,
        90.5,
        5.5,
    )
    assert (others.students, others.with_grades, others.with_attendance) == (2, 2, 1)
    assert (others.avg_before, others.avg_after, others.avg_change) == (66.0, 65.0, -1.0)
    assert (others.improved, others.improved_pct) == (1, 50.0)
    assert (others.attendance_before, others.attendance_after, others.attendance_change) == (
        90.0,
        88.0,
        -2.0,
    )
    assert (row.difference, row.attendance_difference) == (5.5, 7.5)


def test_groups_smaller_than_the_threshold_carry_a_warning(school, world):
    small = reports.effectiveness_report(school=school, today=DAY0)
    assert small.any_small and small.rows[0].intervened.small
    enough = reports.effectiveness_report(school=school, min_group=2, today=DAY0)
    assert not enough.any_small


def test_the_report_counts_statuses_and_outcomes(school, world):
    report = reports.effectiveness_report(school=school, today=DAY0)
    assert report.statuses == {"planned": 0, "in_progress": 1, "completed": 3, "stopped": 0}
    assert report.outcomes == {"improved": 3, "no_change": 0, "worse": 0, "unknown": 0}


def test_a_soft_deleted_intervention_counts_nowhere(school, world):
    Intervention.objects.filter(student__name="A").update(deleted_at=timezone.now())
    rows, completed, _ = reports.intervention_outcomes(school=school)
    # A now has no (live) intervention, so it joins the comparison group.
    assert completed == 2
    assert rows[0].intervened.students == 1 and rows[0].comparison.students == 3


def test_share_of_kurang_students_helped_within_n_days(school, world):
    student, intervene = world["student"], world["intervene"]
    t2 = world["t2"]
    # Fresh term of predictions so the world's own students do not interfere: term 2025-1.
    t3 = TermFactory(year=2025, semester=1)

    def flagged(name, made=DAY0, category="kurang"):
        s, p = student(name, category, [60], [60], made=made)
        Prediction.objects.filter(pk=p.pk).update(term=t3, based_on_term=t2)
        return s

    intervene(flagged("helped"), status=Status.IN_PROGRESS, start=DAY0 + dt.timedelta(days=10))
    intervene(flagged("too late"), status=Status.IN_PROGRESS, start=DAY0 + dt.timedelta(days=40))
    flagged("never")
    intervene(flagged("already"), status=Status.IN_PROGRESS, start=DAY0 - dt.timedelta(days=20))
    flagged("recent", made=DAY0 + dt.timedelta(days=50))
    intervene(flagged("sedang", category="sedang"), start=DAY0 + dt.timedelta(days=1))
    # Latest prediction of the term wins: an older kurang, then a newer sedang.
    changed = flagged("changed")
    newer = PredictionFactory(
        student=changed,
        term=t3,
        based_on_term=t2,
        model_version=ModelVersionFactory(school=school),
        category="sedang",
    )
    Prediction.objects.filter(pk=newer.pk).update(created_at=at(DAY0 + dt.timedelta(days=1)))

    # A past term: each student's latest prediction of that term (without a term the report
    # counts the current predictions, like every other page: one_truth/test_current_prediction.py).
    coverage = reports.kurang_coverage(
        school=school, within_days=30, today=DAY0 + dt.timedelta(days=60), term_id=t3.pk
    )
    assert coverage["term_id"] == t3.pk
    assert {k: coverage[k] for k in ("kurang", "helped", "already_open", "pending")} == {
        "kurang": 5,
        "helped": 1,
        "already_open": 1,
        "pending": 1,
    }
    assert (coverage["not_helped"], coverage["decided"], coverage["share"]) == (2, 3, 33.3)
    wider = reports.kurang_coverage(
        school=school, within_days=45, today=DAY0 + dt.timedelta(days=60), term_id=t3.pk
    )
    assert (wider["helped"], wider["decided"], wider["share"]) == (2, 3, 66.7)


def test_coverage_without_predictions_is_empty_not_zero(school):
    coverage = reports.kurang_coverage(school=school, today=DAY0)
    assert coverage["kurang"] == 0 and coverage["share"] is None


def test_confirmed_share_counts_teacher_feedback_on_kurang_predictions(school, world):
    from predictions.feedback import prediction_feedback_record

    latest = reports._latest_predictions(school).values()
    latest_term = max(r["term_id"] for r in latest)
    latest_kurang = Prediction.objects.filter(
        id__in=[
            r["id"] for r in latest if r["category"] == "kurang" and r["term_id"] == latest_term
        ]
    ).order_by("id")
    assert len(latest_kurang) >= 2, "the world fixture has at least two kurang students"
    teacher = UserFactory(role=Role.WALIKELAS, school=school)
    prediction_feedback_record(prediction=latest_kurang[0], user=teacher, agrees=True)
    prediction_feedback_record(prediction=latest_kurang[1], user=teacher, agrees=False)
    confirmed = reports.kurang_confirmed(school=school)
    n = confirmed["kurang"]
    assert (confirmed["confirmed"], confirmed["reviewed"]) == (1, 2)
    assert confirmed["share"] == round(100 * 1 / n, 1)
    assert confirmed["share_of_reviewed"] == 50.0


def test_the_effectiveness_page_uses_counts_and_no_source_study_figure(school, world, bk):
    """Issue 14: no "studi sumber 80%", no percentage from a handful of reviews, no "kecil"
    label without the real count, and a sentence for any empty column."""
    from django.test import Client

    from predictions.feedback import prediction_feedback_record

    latest = reports._latest_predictions(school).values()
    kurang = [r["id"] for r in latest if r["category"] == "kurang"]
    teacher = UserFactory(role=Role.WALIKELAS, school=school)
    prediction_feedback_record(
        prediction=Prediction.objects.get(pk=kurang[0]), user=teacher, agrees=True
    )
    client = Client()
    client.force_login(bk)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert "80%" not in body and "studi sumber" not in body
    assert 'data-testid="confirmed-too-few"' in body
    assert "100.0%" not in body and "100,0%" not in body  # 1 of 1 reviewed: count only
    assert ">kecil<" not in body
    report = reports.effectiveness_report(school=school)
    assert report.any_small
    assert 'data-testid="few-complete"' in body
    if report.empty_grades or report.empty_attendance:
        assert 'data-testid="empty-columns"' in body
    else:
        assert 'data-testid="empty-columns"' not in body


def test_empty_columns_are_flagged_only_for_groups_without_both_terms(school, world):
    report = reports.effectiveness_report(school=school, today=DAY0)
    groups = [g for r in report.rows for g in (r.intervened, r.comparison) if g.students]
    assert report.empty_attendance == any(g.attendance_change is None for g in groups)
    assert report.empty_grades == any(g.avg_change is None for g in groups)


def test_each_completed_case_is_listed_with_its_own_before_and_after(school, world):
    """Issue 14: the effectiveness page lists the cases behind the table. A: 65 → 75,
    attendance 90 → 96; B: 60 → 59, 80 → 85; G: no prediction, so no terms to compare."""
    from students.models import Student

    cases = {
        c.name: c
        for c in case_outcomes.intervention_cases(school=school, students=Student.objects.all())
    }
    assert set(cases) == {"A", "B", "G"}  # E is still running: not a case yet
    a, b, g = cases["A"], cases["B"], cases["G"]
    assert (a.avg_before, a.avg_after, a.avg_change) == (65.0, 75.0, 10.0)
    assert (a.attendance_before, a.attendance_after, a.attendance_change) == (90.0, 96.0, 6.0)
    assert (b.avg_before, b.avg_after, b.avg_change) == (60.0, 59.0, -1.0)
    assert (b.attendance_before, b.attendance_after, b.attendance_change) == (80.0, 85.0, 5.0)
    assert (a.category, a.before_term, a.after_term) == (
        "kurang",
        str(world["t1"]),
        str(world["t2"]),
    )
    # G has no prediction: its terms follow the start date (10 Jan 2025: Genap 2024/2025 and
    # the term before it), but G has no grades or attendance in them.
    assert (g.category, g.avg_change, g.attendance_change) == (None, None, None)
    assert (g.before_term, g.after_term, g.terms_by_date) == (
        str(world["t1"]),
        str(world["t2"]),
        True,
    )
    assert g.has_gap and not a.has_gap and not a.terms_by_date
    # Only the students the reader may see.
    only_a = case_outcomes.intervention_cases(
        school=school, students=Student.objects.filter(name="A")
    )
    assert [c.name for c in only_a] == ["A"]


def test_a_case_without_a_prediction_is_compared_by_its_start_date(school, world, programme, bk):
    """An intervention logged before the school had predictions still shows its student's
    before and after: the term before the one it started in, and that term."""
    from django.test import Client

    from students.models import Student

    h = StudentFactory(school=school, name="H")
    subject = SubjectFactory(school=school)
    for term, score, absent in ((world["t1"], 50, 30), (world["t2"], 62, 10)):
        GradeRecord.objects.create(student=h, subject=subject, term=term, score=Decimal(score))
        AttendanceSummary.objects.create(student=h, term=term, alpa=absent, school_days=100)
    world["intervene"](h, start=dt.date(2025, 2, 3))
    world["intervene"](StudentFactory(school=school, name="I"), start=dt.date(2031, 8, 1))
    cases = {
        c.name: c
        for c in case_outcomes.intervention_cases(school=school, students=Student.objects.all())
    }
    case = cases["H"]
    assert (case.category, case.terms_by_date) == (None, True)
    assert (case.avg_before, case.avg_after, case.avg_change) == (50.0, 62.0, 12.0)
    assert (case.attendance_before, case.attendance_after) == (70.0, 90.0)
    # Terms the application does not know yet: no comparison, nothing made up.
    assert (cases["I"].before_term, cases["I"].terms_by_date, cases["I"].avg_before) == (
        "",
        False,
        None,
    )
    client = Client()
    client.force_login(bk)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert 'data-testid="cases-by-date"' in body and "semester menurut tanggal mulai" in body


def test_the_page_lists_cases_for_bk_explains_dashes_and_hides_names_from_the_operator(
    school, world, bk
):
    from django.test import Client

    client = Client()
    client.force_login(bk)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert body.count('data-testid="case-row"') == 3
    assert body.count('data-testid="case-card"') == 3
    assert 'data-testid="case-gaps"' in body  # G has no prediction: dashes, explained once
    assert ">+10,0<" in body or ">+10.0<" in body  # A's grade change
    operator = UserFactory(role=Role.OPERATOR, school=school)
    client.force_login(operator)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert 'data-testid="case-row"' not in body and ">A<" not in body
