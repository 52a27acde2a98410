import io

import openpyxl
import pytest

from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_kepsek_opens_the_school_report_and_downloads_pdf_and_xlsx(login, make_user, school):
    make_user(Role.KEPSEK, school=school, username="e2e_kepsek")
    version = ModelVersionFactory(school=school)
    klass = SchoolClassFactory(school=school, grade_level=10)
    for i, category in enumerate(["kurang", "kurang", "sedang", "baik"]):
        PredictionFactory(
            student=StudentFactory(school=school, school_class=klass, name=f"Murid {i}"),
            model_version=version,
            category=category,
        )
    page = login("e2e_kepsek")
    page.goto(page.url.rstrip("/") + "/reports/school/")
    page.locator("[data-testid=chart-fig-grade] .main-svg").first.wait_for()  # plotly drew it

    with page.expect_download() as pdf_info:
        page.get_by_test_id("download-pdf").click()
    pdf = pdf_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    with page.expect_download() as xlsx_info:
        page.get_by_test_id("download-xlsx").click()
    with open(xlsx_info.value.path(), "rb") as fh:
        book = openpyxl.load_workbook(io.BytesIO(fh.read()))
    rows = list(book["Kategori prediksi per tingkat"].values)
    assert rows[1][:5] == ("X", 2, 1, 1, 4)
    assert rows[1][5:] == (0.5, 0.25, 0.25)  # shares as numbers (shown as %)
