"""An upload of grades is followed by fresh predictions for those students: the import task
queues a re-scoring by name, a real Celery worker runs both on the real Redis."""

import os
import time

import pytest
import xlsxwriter
from django.core.files import File
from django.db import transaction

from predictions import services, training
from predictions.models import Prediction, ScoringRun, ScoringStatus
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_confirm,
    import_batch_create,
)
from students.models import GradeRecord, School, Subject, SubjectGroup, User, term_label
from tests.conftest import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def trained_school(transactional_db, settings, tmp_path):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    os.environ["MODEL_STORAGE_DIR"] = str(settings.MODEL_STORAGE_DIR)
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1))
    school = School.objects.get(npsn="20100001")
    run = services.training_run_create(school=school, user=None, models=["lr"], folds=3)
    assert training.training_run_execute(run_id=run.pk).status == "succeeded"
    yield school
    os.environ.pop("MODEL_STORAGE_DIR", None)


def test_an_upload_of_grades_is_followed_by_fresh_predictions_for_those_students(
    trained_school, tmp_path
):
    school = trained_school
    before = {
        p.student_id: p
        for p in Prediction.objects.current().filter(category="baik").select_related("student")
    }
    targets = list(before.values())[:8]
    term = targets[0].based_on_term.code
    subjects = list(Subject.objects.filter(school=school, group=SubjectGroup.UMUM))
    path = tmp_path / "leger.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Leger")
    sheet.write_row(1, 0, [f"Semester : {term_label(term)}"])
    sheet.write_row(3, 0, ["No", "NISN", "Nama", *[s.name for s in subjects]])
    for i, p in enumerate(targets):
        sheet.write_row(4 + i, 0, [i + 1, p.student.nisn, p.student.name, *[0] * len(subjects)])
    book.close()
    operator = User.objects.get(username="operator")
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=school, kind="grades", file=File(fh, name="leger.xlsx"),
            file_name="leger.xlsx", user=operator, term_code=term,
        )  # fmt: skip
    # The worker's preview step, run here (the worker below finds it done and leaves it).
    batch = import_batch_analyse(batch_id=batch.pk)
    assert batch.status == "preview", batch.message
    others = set(
        Prediction.objects.current()
        .exclude(student_id__in=[p.student_id for p in targets])
        .values_list("id", "p_kurang")
    )

    with celery_worker(queues="default"):
        with transaction.atomic():
            import_batch_confirm(batch=batch, user=operator, valid_rows_only=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run = ScoringRun.objects.filter(purpose="refresh").first()
            if run is not None and run.status in (ScoringStatus.DONE, ScoringStatus.FAILED):
                break
            time.sleep(0.5)
        else:
            batch.refresh_from_db()
            pytest.fail(f"no re-scoring after the import ({batch.status} {batch.message})")

    assert run.status == ScoringStatus.DONE, run.error
    assert sorted(run.student_ids) == sorted(p.student_id for p in targets)
    assert set(
        GradeRecord.objects.filter(student_id__in=run.student_ids, term__code=term)
        .filter(subject__in=subjects)
        .values_list("score", flat=True)
    ) == {0}
    for old in targets:
        new = Prediction.objects.current().get(student_id=old.student_id)
        assert new.p_kurang > old.p_kurang
        if new.category == "baik":  # same category: the change it had is kept
            assert new.change == "first"
        else:
            assert (new.change, new.previous_category) == ("worse", "baik")
    assert any(
        Prediction.objects.current().get(student_id=p.student_id).category != "baik"
        for p in targets
    )
    # Students not in the file kept their predictions as they were.
    assert (
        set(
            Prediction.objects.current()
            .exclude(student_id__in=[p.student_id for p in targets])
            .values_list("id", "p_kurang")
        )
        == others
    )
