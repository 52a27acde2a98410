"""A walikelas may import the roster of their class, but not write what they may not read
(issue 25, finding 6): a "Penerima KIP" or income column is ignored and the preview says so,
and the counts of updated and unchanged rows are the same whatever the stored value is."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files import File

from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_create,
    import_batch_process,
)
from students.models import ImportStatus, Role, Student
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import ROSTER_HEADER, write_xlsx

pytestmark = pytest.mark.django_db
BUDI = ["0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1"]


@pytest.fixture
def budi(school, make_user):
    walikelas = make_user(Role.WALIKELAS, school=school)
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    tkj = SchoolClassFactory(
        school=school, major=major, name="XI TKJ 1", homeroom_teacher=walikelas
    )
    student = StudentFactory(
        school=school,
        school_class=tkj,
        major=major,
        nisn=BUDI[0],
        nis=BUDI[1],
        name=BUDI[2],
        gender="L",
        birth_date=BUDI[4],
        kip_recipient=False,
        income_bracket="1",
    )
    return walikelas, student


def _import(user, tmp_path: Path, kip: str, income: str, name: str):
    path = write_xlsx(
        tmp_path / name,
        {
            "Siswa": [
                [*ROSTER_HEADER, "Penerima KIP", "Penghasilan Orang Tua"],
                [1, *BUDI, kip, income],
            ]
        },
    )
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=user.school,
            kind="roster",
            file=File(fh, name=name),
            file_name=name,
            user=user,
        )
    preview = import_batch_analyse(batch_id=batch.pk)
    assert preview.status == ImportStatus.PREVIEW, preview.message
    return preview, import_batch_process(batch_id=batch.pk)


def test_a_walikelas_roster_does_not_write_kip_or_income_and_counts_reveal_nothing(budi, tmp_path):
    walikelas, student = budi
    yes_preview, yes = _import(walikelas, tmp_path, "Ya", "5", "ya.xlsx")
    no_preview, no = _import(walikelas, tmp_path, "Tidak", "1", "tidak.xlsx")
    student = Student.objects.get(pk=student.pk)
    assert (student.kip_recipient, student.income_bracket) == (False, "1")
    # Whatever the file claims, the counts are the same: they tell nothing of the stored KIP.
    assert (yes.updated, yes.unchanged) == (no.updated, no.unchanged) == (0, 1)
    for preview in (yes_preview, no_preview):
        warnings = " ".join(preview.preview["warnings"])
        assert "Penerima KIP" in warnings and "diabaikan" in warnings
        ignored = {c["header"] for c in preview.preview["ignored_columns"]}
        assert {"Penerima KIP", "Penghasilan Orang Tua"} <= ignored
        columns = {c["header"]: c for c in preview.preview["sheets"][0]["columns"]}
        assert (
            not columns["Penerima KIP"]["used"]
            and "sosial-ekonomi" in columns["Penerima KIP"]["why"]
        )


def test_the_operator_still_imports_kip_and_income(budi, tmp_path, make_user, school):
    _walikelas, student = budi
    operator = make_user(Role.OPERATOR, school=school)
    _preview, done = _import(operator, tmp_path, "Ya", "5", "operator.xlsx")
    student = Student.objects.get(pk=student.pk)
    assert done.updated == 1 and student.kip_recipient is True
