"""The data migration of issue 23: each answer gets the student, term and flag of the
prediction it was given on; a teacher's two answers to the same flag become one, keeping the
newest answer and the note the teacher wrote."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("predictions", "0007_scoring_run")
AFTER = ("predictions", "0008_feedback_follows_student")

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(target):
    """Every app at its latest migration, predictions at `target`."""
    executor = MigrationExecutor(connection)
    leaves = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "predictions"]
    targets = [*leaves, target]
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_answers_get_their_flag_and_a_teachers_duplicates_merge_keeping_the_note():
    apps = _migrate(BEFORE)
    try:
        School = apps.get_model("students", "School")
        Student = apps.get_model("students", "Student")
        Term = apps.get_model("students", "AcademicTerm")
        User = apps.get_model("students", "User")
        Version = apps.get_model("predictions", "ModelVersion")
        Prediction = apps.get_model("predictions", "Prediction")
        Feedback = apps.get_model("predictions", "PredictionFeedback")
        school = School.objects.create(npsn="20999001", name="SMK Contoh Migrasi")
        student = Student.objects.create(
            school=school, nisn="0099887766", nis="2301", name="Dewi Contoh", gender="P"
        )
        term = Term.objects.create(code="2026-1", year=2026, semester=1)
        based = Term.objects.create(code="2025-2", year=2025, semester=2)
        walikelas = User.objects.create(username="wk_migrasi", role="walikelas", school=school)
        bk = User.objects.create(username="bk_migrasi", role="bk", school=school)
        versions = [
            Version.objects.create(
                school=school,
                algorithm=name,
                version=1,
                artifact_path="x",
                artifact_sha256="0" * 64,
                data_fingerprint="f" * 64,
            )
            for name in ("lr", "ensemble", "rf")
        ]

        def prediction(version, category):
            return Prediction.objects.create(
                student=student,
                term=term,
                based_on_term=based,
                model_version=version,
                category=category,
                p_kurang=0.6,
                p_sedang=0.3,
                p_baik=0.1,
            )

        old, new, other = (
            prediction(versions[0], "kurang"),
            prediction(versions[1], "kurang"),
            prediction(versions[2], "sedang"),
        )
        # The walikelas answered the same flag twice (the old card asked again): the note
        # came with the first answer only.
        first = Feedback.objects.create(
            prediction=old, user=walikelas, agrees=False, note="Sering membantu orang tua"
        )
        second = Feedback.objects.create(prediction=new, user=walikelas, agrees=True, note="")
        Feedback.objects.filter(pk=second.pk).update(updated_at=first.updated_at.replace(year=2030))
        changed = Feedback.objects.create(prediction=other, user=walikelas, agrees=True)
        by_bk = Feedback.objects.create(prediction=old, user=bk, agrees=True, note="Setuju")
    finally:
        apps = _migrate(AFTER)
    Feedback = apps.get_model("predictions", "PredictionFeedback")
    rows = {
        f.pk: (f.user_id, f.student_id, f.term_id, f.category, f.agrees, f.note)
        for f in Feedback.objects.all()
    }
    assert rows == {
        second.pk: (walikelas.pk, student.pk, term.pk, "kurang", True, "Sering membantu orang tua"),
        changed.pk: (walikelas.pk, student.pk, term.pk, "sedang", True, ""),
        by_bk.pk: (bk.pk, student.pk, term.pk, "kurang", True, "Setuju"),
    }
