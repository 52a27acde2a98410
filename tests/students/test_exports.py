import csv
import io

import openpyxl
import pytest
from django.test import Client

from smk_dashboard.core.models import AuditEvent
from students.exports import escape_cell
from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory, TeachingAssignmentFactory

pytestmark = pytest.mark.django_db
URL = "/students/risk/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Dewi", "Dewi"),
        ("", ""),
        (-5, -5),
        (0.5, 0.5),
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_get_a_leading_apostrophe(value, expected):
    assert escape_cell(value) == expected


@pytest.fixture
def bk_with_rows(make_user, school):
    bk = make_user(Role.BK, school=school)
    version = ModelVersionFactory(school=school)
    for i in range(55):  # more than one page: the export holds every row
        PredictionFactory(
            student=StudentFactory(school=school, name=f"Siswa {i:02d}"),
            model_version=version,
            category="sedang",
            p_kurang=0.2,
        )
    PredictionFactory(
        student=StudentFactory(school=school, name='=HYPERLINK("http://jahat")'),
        model_version=version,
        p_kurang=0.91,
    )
    c = Client()
    c.force_login(bk)
    return c


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_holds_every_filtered_row_escaped_and_is_audited(bk_with_rows):
    response = bk_with_rows.get(URL, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = read_csv(response)
    assert table[0][:3] == ["NISN", "Nama", "Rombel"]
    assert len(table) == 1 + 56
    assert table[1][1] == '\'=HYPERLINK("http://jahat")'
    # p_kurang 0.91: the band and the probability rounded to 5 %, never a false precision.
    assert table[1][5:7] == ["Perlu perhatian", "sangat tinggi, 90%"]
    assert AuditEvent.objects.filter(action="export.csv").count() == 1
    only_kurang = read_csv(bk_with_rows.get(URL, {"export": "csv", "category": "kurang"}))
    assert len(only_kurang) == 2


def test_xlsx_export_writes_text_never_formulas(bk_with_rows):
    response = bk_with_rows.get(URL, {"export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 56
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://jahat")'
    assert sheet.cell(row=2, column=7).value == "sangat tinggi, 90%"
    assert AuditEvent.objects.filter(action="export.xlsx").exists()


def test_an_export_never_holds_students_outside_the_users_scope(make_user, school):
    taught = SchoolClassFactory(school=school)
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=taught)
    version = ModelVersionFactory(school=school)
    PredictionFactory(
        student=StudentFactory(school=school, school_class=taught, name="Diajar"),
        model_version=version,
    )
    PredictionFactory(
        student=StudentFactory(school=school, name="Tidak Diajar"), model_version=version
    )
    c = Client()
    c.force_login(guru)
    names = [r[1] for r in read_csv(c.get(URL, {"export": "csv"}))[1:]]
    assert names == ["Diajar"]
