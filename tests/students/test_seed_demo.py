import hashlib
import json
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from interventions.models import InterventionSession
from smk_dashboard.pages.demo.seed import DemoConfig, delete_demo_schools, seed_demo
from students.models import AttendanceRecord, GradeRecord, Major, Student, User

pytestmark = pytest.mark.django_db


def _fingerprint() -> str:
    rows = list(
        GradeRecord.objects.order_by("student__nisn", "subject__code", "term__code").values_list(
            "student__nisn", "student__name", "subject__code", "term__code", "score"
        )
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_seed_demo_is_deterministic_for_a_seed_and_changes_with_it():
    seed_demo(DemoConfig(schools=1, students=60, terms=2, seed=7))
    first = _fingerprint()
    delete_demo_schools(1)
    seed_demo(DemoConfig(schools=1, students=60, terms=2, seed=7))
    assert _fingerprint() == first
    delete_demo_schools(1)
    seed_demo(DemoConfig(schools=1, students=60, terms=2, seed=8))
    assert _fingerprint() != first


def test_seed_demo_creates_the_contract_accounts_for_each_school():
    call_command(
        "seed_demo", "--schools", "2", "--students", "40", "--terms", "2", stdout=StringIO()
    )
    names = set(User.objects.values_list("username", flat=True))
    for base in ("operator", "guru", "walikelas", "bk", "kepsek"):
        assert {base, f"{base}_2"} <= names
    assert "sudin" in names
    assert User.objects.get(username="guru_2").check_password("smkdemo123")
    assert User.objects.get(username="sudin").school is None


def test_demo_data_has_the_shape_the_contract_describes():
    out = StringIO()
    call_command("seed_demo", "--schools", "1", "--students", "400", stdout=out)
    summary = json.loads(out.getvalue().splitlines()[0])
    assert summary["students"] == 400
    fields = pd.Series([s.major.field for s in Student.objects.select_related("major")])
    shares = fields.value_counts(normalize=True)
    assert shares["teknik"] == pytest.approx(0.40, abs=0.07)
    assert shares["bisnis"] == pytest.approx(0.30, abs=0.07)
    assert shares["kesehatan"] == pytest.approx(0.30, abs=0.07)
    grades = pd.DataFrame(GradeRecord.objects.values("student_id", "term__code", "score"))
    grades["score"] = grades["score"].astype(float)
    assert grades["term__code"].nunique() == 4
    averages = grades.groupby(["student_id", "term__code"])["score"].mean()
    assert 0.08 <= (averages < 75).mean() <= 0.25  # "about 15% kurang"
    # More absence in teknik.
    alpa = (
        pd.DataFrame(
            Student.objects.values("major__field").annotate(
                a=__import__("django.db.models", fromlist=["Sum"]).Sum("attendance_summaries__alpa")
            )
        ).set_index("major__field")["a"]
        / fields.value_counts()
    )
    assert alpa["teknik"] > alpa["bisnis"] and alpa["teknik"] > alpa["kesehatan"]
    assert Major.objects.count() == 6
    assert InterventionSession.objects.exclude(notes="").exists()


def test_seed_demo_leaves_an_existing_demo_alone_without_reset():
    call_command(
        "seed_demo", "--schools", "1", "--students", "30", "--terms", "1", stdout=StringIO()
    )
    out = StringIO()
    call_command("seed_demo", "--schools", "1", "--students", "30", "--terms", "1", stdout=out)
    assert "sudah ada" in out.getvalue()
    assert Student.objects.count() == 30


def test_a_school_seeded_on_its_own_later_is_the_same_as_seeded_together():
    """`make run` seeds school 2 after the server is up: it must be the same school 2."""

    def school_two() -> str:
        rows = list(
            AttendanceRecord.objects.filter(student__school__npsn="20100002")
            .order_by("student__nisn", "date")
            .values_list("student__nisn", "date", "status")
        )
        grades = list(
            GradeRecord.objects.filter(student__school__npsn="20100002")
            .order_by("student__nisn", "subject__code", "term__code")
            .values_list("student__nisn", "subject__code", "term__code", "score")
        )
        assert rows and grades
        return hashlib.sha256(repr((rows, grades)).encode()).hexdigest()

    config = DemoConfig(schools=2, students=40, terms=2, seed=7)
    seed_demo(config)
    together = school_two()
    delete_demo_schools(2)
    seed_demo(config, only=[1])
    assert not Student.objects.filter(school__npsn="20100002").exists()
    seed_demo(config, only=[2])
    assert school_two() == together
    assert set(
        User.objects.filter(username__in=["guru", "guru_2"]).values_list("username", flat=True)
    ) == {"guru", "guru_2"}


def test_the_demo_guru_and_walikelas_have_a_case_conference_to_do_and_thresholds_are_met():
    from interventions.actions.models import ActionItem
    from interventions.conduct.models import PointTodo
    from interventions.conduct.selectors import students_over_threshold

    seed_demo(DemoConfig(schools=1, students=60, terms=2, seed=7))
    owners = set(ActionItem.objects.values_list("owner__username", "source"))
    assert {("guru", "decision"), ("walikelas", "decision")} <= owners
    # Every demo student past the 50-point threshold has its to-do (the history is bulk-written).
    over = students_over_threshold(students=Student.objects.all(), points=50)
    assert set(over.values_list("pk", flat=True)) <= set(
        PointTodo.objects.filter(threshold__points=50).values_list("student_id", flat=True)
    )
