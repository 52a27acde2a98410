"""The sudin, on a 390 px phone, reads the district report and downloads it (issue 14)."""

import io

import openpyxl
import pytest

from students.models import AttendanceSummary, Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, SchoolFactory, StudentFactory, TermFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _school(name: str, counts: dict[str, int]):
    school = SchoolFactory(name=name, district="Jakarta Barat")
    version = ModelVersionFactory(school=school)
    klass = SchoolClassFactory(school=school, grade_level=10)
    term = TermFactory(year=2025, semester=1)
    i = 0
    for category, n in counts.items():
        for _ in range(n):
            s = StudentFactory(school=school, school_class=klass, name=f"Murid {name} {i}")
            PredictionFactory(student=s, model_version=version, category=category)
            AttendanceSummary.objects.create(
                student=s, term=term, sakit=1, izin=0, alpa=2, school_days=100
            )
            i += 1


def test_sudin_reads_and_downloads_the_district_report_on_a_phone(login, make_user):
    _school("SMK Negeri Contoh Wilayah Barat Satu", {"kurang": 5, "sedang": 10, "baik": 5})
    _school("SMK Kecil", {"kurang": 2, "baik": 1})
    make_user(Role.SUDIN, district="Jakarta Barat", username="e2e_sudin")
    page = login("e2e_sudin")
    page.goto(page.url.rstrip("/") + "/reports/district/")

    # no sideways scrolling at 390 px, and no table wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for testid in (
        "district-grade",
        "district-major",
        "district-trend",
        "district-observed",
        "district-attendance",
        "district-coverage",
    ):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, testid

    # The attendance heatmap leaves the phone's width to the cells: short school names
    # (the full one in the hover and the table), each cell labelled, the scale below.
    chart = page.get_by_test_id("chart-fig-attendance")
    chart.locator(".main-svg").first.wait_for()
    cells = chart.locator(".heatmaplayer").bounding_box()
    assert cells["width"] >= 0.5 * chart.bounding_box()["width"]
    names = chart.locator(".ytick text").all_text_contents()
    assert "SMKN Contoh Wil…" in names and "SMK Kecil" in names
    assert "2,0%" in chart.inner_text()

    # real attendance rates (2 alpa, 1 sakit per 100 days), shares beside the counts
    attendance = page.get_by_test_id("district-attendance").inner_text()
    assert "2,0%" in attendance and "3,0%" in attendance
    assert "(25,0%)" in page.get_by_test_id("district-grade").inner_text()

    with page.expect_download() as pdf_info:
        page.get_by_test_id("download-pdf").click()
    with open(pdf_info.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    with page.expect_download() as xlsx_info:
        page.get_by_test_id("download-xlsx").click()
    with open(xlsx_info.value.path(), "rb") as fh:
        book = openpyxl.load_workbook(io.BytesIO(fh.read()))
    rows = list(book["Kategori prediksi per tingkat"].values)
    big = next(r for r in rows if r[0] == "SMK Negeri Contoh Wilayah Barat Satu")
    assert big[2] == 5 and big[-3] == pytest.approx(0.25)  # a number, shown as a percentage
    small = next(r for r in rows if r[0] == "SMK Kecil")
    assert small[2] == "*"  # one mark for every hidden count


def test_the_risk_list_is_cards_without_sideways_scrolling_on_a_phone(login, make_user, school):
    make_user(Role.BK, school=school, username="e2e_bk")
    version = ModelVersionFactory(school=school)
    klass = SchoolClassFactory(school=school, grade_level=10)
    PredictionFactory(
        student=StudentFactory(
            school=school, school_class=klass, name="Muhammad Rizky Pratama Wijayakusuma"
        ),
        model_version=version,
        category="kurang",
        factors=[
            {
                "code": "nilai_kejuruan",
                "text": "Rata-rata kejuruan turun 12 poin (80,5 → 68,5)",
                "weight": 0.9,
            }
        ],
    )
    page = login("e2e_bk")
    page.goto(page.url.rstrip("/") + "/students/risk/")
    card = page.get_by_test_id("risk-card")
    assert card.is_visible() and not page.get_by_test_id("risk-table").is_visible()
    assert "Rata-rata kejuruan turun 12 poin" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.get_by_test_id("risk-table").is_visible() and not card.is_visible()
