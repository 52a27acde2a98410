import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone
from fpdf import FPDF

from interventions.models import Intervention, Outcome, Programme
from smk_dashboard.core.formats import MONTHS_ID, long_date
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.reports.pdf import category_bars
from smk_dashboard.pages.reports.selectors import (
    HIDDEN,
    SUPPRESSED,
    category_distribution,
    intervention_coverage,
    suppress,
    suppress_rate,
)
from students.models import AttendanceSummary, Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.smk_dashboard.pages.test_student_pack import pdf_text
from tests.students.factories import SchoolClassFactory, SchoolFactory, StudentFactory, TermFactory

pytestmark = pytest.mark.django_db
SCHOOL_URL = "/reports/school/"
DISTRICT_URL = "/reports/district/"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def populate(school, counts: dict[int, dict[str, int]], *, name_prefix="Murid"):
    """counts: {grade level: {category: n}} of students with a latest prediction."""
    version = ModelVersionFactory(school=school)
    term = TermFactory(year=2025, semester=1)
    students = []
    for level, per_category in counts.items():
        klass = SchoolClassFactory(school=school, grade_level=level)
        for category, n in per_category.items():
            for i in range(n):
                s = StudentFactory(
                    school=school, school_class=klass, name=f"{name_prefix} {level}{category}{i}"
                )
                PredictionFactory(student=s, model_version=version, category=category)
                AttendanceSummary.objects.create(
                    student=s, term=term, sakit=1, izin=0, alpa=2, school_days=100
                )
                students.append(s)
    return students


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.OPERATOR])
def test_school_report_opens_for_kepsek_and_operator(make_user, school, role):
    assert client_for(make_user(role, school=school)).get(SCHOOL_URL).status_code == 200


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.SUDIN])
def test_school_report_is_403_for_other_roles(make_user, school, role):
    user = make_user(role, school=None if role == Role.SUDIN else school)
    assert client_for(user).get(SCHOOL_URL).status_code == 403


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.OPERATOR, Role.BK, Role.GURU])
def test_district_report_is_403_for_school_roles(make_user, school, role):
    assert client_for(make_user(role, school=school)).get(DISTRICT_URL).status_code == 403


def test_categories_are_counted_per_grade_level_from_the_latest_active_predictions(school):
    populate(school, {10: {"kurang": 2, "baik": 1}, 11: {"sedang": 3}})
    # an inactive version's prediction is not counted
    PredictionFactory(
        student=StudentFactory(school=school),
        model_version=ModelVersionFactory(school=school, is_active=False),
    )
    rows = category_distribution(schools=[school], by="grade_level")
    assert [(r["group"], r["kurang"], r["sedang"], r["baik"], r["n"]) for r in rows] == [
        ("X", 2, 0, 1, 3),
        ("XI", 0, 3, 0, 3),
    ]


def test_intervention_coverage_counts_kurang_students_with_an_intervention(make_user, school):
    students = populate(school, {10: {"kurang": 3, "baik": 2}})
    bk = make_user(Role.BK, school=school)
    programme = Programme.objects.create(school=school, name="Konseling", tier=2)
    for s in (students[0], students[3]):  # one kurang, one baik
        Intervention.objects.create(
            student=s,
            programme=programme,
            reason="-",
            owner=bk,
            start_date=dt.date(2026, 2, 2),
            status="completed",
            outcome=Outcome.IMPROVED,
        )
    [row] = intervention_coverage(schools=[school])
    assert (row["n_kurang"], row["with_intervention"]) == (3, 1)
    assert row["coverage"] == pytest.approx(1 / 3)
    assert row["outcomes"] == {"Membaik": 1}


def test_school_report_page_shows_the_aggregates(make_user, school):
    populate(school, {10: {"kurang": 2, "sedang": 1}})
    response = client_for(make_user(Role.KEPSEK, school=school)).get(SCHOOL_URL)
    report = response.context["report"]
    assert report["coverage"]["n_kurang"] == 2
    assert report["attendance"][0]["alpa_rate"] == pytest.approx(0.02)
    html = response.content.decode()
    assert 'id="fig-attendance"' in html and 'data-testid="report-effectiveness"' in html


def test_school_report_downloads_as_pdf_and_xlsx(make_user, school):
    populate(school, {10: {"kurang": 2, "sedang": 1}, 12: {"baik": 4}})
    c = client_for(make_user(Role.KEPSEK, school=school))
    pdf = c.get(SCHOOL_URL, {"export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    xlsx = c.get(SCHOOL_URL, {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Kategori prediksi per tingkat"]
    assert [c.value for c in sheet[1]] == [
        "Tingkat",
        "Perlu perhatian",
        "Sedang",
        "Baik",
        "Jumlah",
        "% Perlu perhatian",
        "% Sedang",
        "% Baik",
    ]
    assert [c.value for c in sheet[2]] == ["X", 2, 1, 0, 3, pytest.approx(2 / 3), 1 / 3, 0]
    assert [c.value for c in sheet[3]] == ["XII", 0, 0, 4, 4, 0, 0, 1]
    assert sheet["F2"].number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= 8 and sheet.column_dimensions["F"].width >= 17
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"export.pdf", "export.xlsx"}


def test_small_counts_are_suppressed():
    assert [suppress(n) for n in (0, 1, 4, 5, 12, None)] == [
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
        5,
        12,
        None,
    ]
    assert suppress_rate(3, 40) == SUPPRESSED
    assert suppress_rate(10, 4) == SUPPRESSED
    assert suppress_rate(10, 40) == 0.25
    assert suppress_rate(0, 0) is None


def test_district_report_aggregates_per_school_suppresses_small_cells_and_shows_no_names(
    make_user,
):
    big = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    small = SchoolFactory(name="SMK Kecil", district="Jakarta Barat")
    elsewhere = SchoolFactory(name="SMK Wilayah Lain", district="Jakarta Timur")
    big_students = populate(big, {10: {"kurang": 6, "sedang": 7, "baik": 2}}, name_prefix="Besar")
    small_students = populate(small, {11: {"kurang": 2, "baik": 1}}, name_prefix="Kecil")
    populate(elsewhere, {10: {"kurang": 8}}, name_prefix="Lain")
    sudin = make_user(Role.SUDIN, district="Jakarta Barat")
    response = client_for(sudin).get(DISTRICT_URL)
    assert response.status_code == 200
    report = response.context["report"]
    by_school = {r["school"]: r for r in report["by_grade_level"]}
    assert set(by_school) == {"SMK Besar", "SMK Kecil"}
    # 6 + 7 + 2 = 15: with kurang and sedang both shown, 15 - 6 - 7 would give the 2 away,
    # so a second cell of the row is hidden too (tests/smk_dashboard/pages/test_small_cells.py),
    # all with one mark: the reader cannot tell the small count from its complement.
    assert by_school["SMK Besar"]["baik"] == HIDDEN
    row = [by_school["SMK Besar"][c] for c in ("kurang", "sedang", "baik", "n")]
    assert sum(not isinstance(v, int) for v in row) >= 2
    assert all(by_school["SMK Kecil"][k] == HIDDEN for k in ("kurang", "baik", "n"))
    small_att = next(r for r in report["attendance"] if r["group"] == "SMK Kecil")
    assert small_att["alpa_rate"] == SUPPRESSED
    html = response.content.decode()
    assert "&lt;5" in html and "SMK Wilayah Lain" not in html
    # Each school says which term its predictions are for, from which data and when.
    status = html.split('data-testid="district-prediction-status"')[1].split("</ul>")[0]
    assert "SMK Besar" in status and "SMK Kecil" in status
    assert status.count('data-testid="prediction-terms"') == 2
    for s in big_students + small_students:
        assert s.name not in html
        assert s.nisn not in html


def test_a_sudin_without_a_district_sees_no_school(make_user):
    populate(SchoolFactory(name="SMK Mana Saja"), {10: {"kurang": 6}})
    response = client_for(make_user(Role.SUDIN, district="")).get(DISTRICT_URL)
    assert response.context["report"]["schools"] == []
    assert "SMK Mana Saja" not in response.content.decode()


def test_the_school_report_shows_the_bk_effectiveness_numbers(make_user):
    from django.test import Client

    from tests.interventions.factories import InterventionFactory

    kepsek = make_user("kepsek")
    InterventionFactory.create_batch(
        2, student__school=kepsek.school, status="completed", outcome="improved"
    )
    client = Client()
    client.force_login(kepsek)
    html = client.get("/reports/school/").content.decode()
    assert 'data-testid="effectiveness"' in html
    assert 'data-testid="completed-count">2<' in html


@pytest.mark.django_db
def test_observed_results_leave_out_a_term_until_its_partial_ledger_is_marked_complete(school):
    from smk_dashboard.pages.reports.selectors import observed_trend
    from students.models import GradeRecord, SchoolTermStatus
    from tests.students.factories import SubjectFactory

    finished, partial = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    student, subject = StudentFactory(school=school), SubjectFactory(school=school)
    for term in (finished, partial):
        GradeRecord.objects.create(student=student, subject=subject, term=term, score=60)
    status = SchoolTermStatus.objects.create(school=school, term=partial, complete=False)
    assert [r["term"] for r in observed_trend(schools=[school])] == ["2024-1"]
    status.complete = True
    status.save()
    assert [r["term"] for r in observed_trend(schools=[school])] == ["2024-1", "2024-2"]


def _table(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


def test_district_attendance_shows_the_real_rates_in_indonesian_format(make_user):
    big = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    # every student: alpa 2, sakit 1 of 100 school days -> 2,0% alpa, 3,0% absent
    populate(big, {10: {"kurang": 6, "sedang": 7, "baik": 2}}, name_prefix="Besar")
    html = client_for(make_user(Role.SUDIN, district="Jakarta Barat")).get(DISTRICT_URL)
    attendance = _table(html.content.decode(), "district-attendance")
    assert "2,0%" in attendance and "3,0%" in attendance
    assert "0%</td>" not in attendance.replace(",0%", "")


def test_district_category_tables_show_a_percentage_per_school(make_user):
    big = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    populate(big, {10: {"kurang": 5, "sedang": 10, "baik": 5}}, name_prefix="Besar")
    response = client_for(make_user(Role.SUDIN, district="Jakarta Barat")).get(DISTRICT_URL)
    grade = _table(response.content.decode(), "district-grade")
    # 5 of 20 and 10 of 20, shown beside the counts
    assert "(25,0%)" in grade and "(50,0%)" in grade


def test_school_report_shows_percentages_next_to_counts(make_user, school):
    populate(school, {10: {"kurang": 1, "sedang": 2}})
    response = client_for(make_user(Role.KEPSEK, school=school)).get(SCHOOL_URL)
    grade = _table(response.content.decode(), "by-grade")
    assert "(33,3%)" in grade and "(66,7%)" in grade
    status = response.content.decode().split('data-testid="prediction-terms"')[1][:400]
    assert " pukul " in status and any(m in status for m in MONTHS_ID)


def test_school_report_in_english_uses_a_decimal_point(make_user, school):
    populate(school, {10: {"kurang": 1, "sedang": 2}})
    c = client_for(make_user(Role.KEPSEK, school=school))
    c.cookies["django_language"] = "en"
    grade = _table(c.get(SCHOOL_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "by-grade")
    assert "(33.3%)" in grade


def test_school_pdf_has_letterhead_summary_bars_signature_and_indonesian_date(make_user, school):
    populate(school, {10: {"kurang": 2, "sedang": 1}, 12: {"baik": 4}})
    c = client_for(make_user(Role.KEPSEK, school=school))
    text = pdf_text(c.get(SCHOOL_URL, {"export": "pdf"}).content)
    assert school.name in text
    assert "Ringkasan" in text and "Dari 7 siswa aktif dengan prediksi, 2 (28,6%) perlu" in text
    assert "Kepala Sekolah" in text and "NIP." in text
    today = timezone.localdate()
    assert long_date(today, lang="id") in text
    assert "Sebaran kategori per tingkat" in text and "2 (66,7%)" in text


def test_category_bars_draw_one_filled_rectangle_per_nonzero_category():
    pdf = FPDF()
    pdf.add_page()
    rows = [
        {"group": "X", "kurang": 1, "sedang": 2, "baik": 0, "n": 3},
        {"group": "XI", "kurang": "<5", "sedang": "*", "baik": 9, "n": "*"},  # suppressed
    ]
    assert category_bars(pdf, "Per tingkat", rows, "group") == 1


def test_school_pdf_is_english_with_the_english_switch(make_user, school):
    populate(school, {10: {"kurang": 2, "sedang": 1}})
    c = client_for(make_user(Role.KEPSEK, school=school))
    c.cookies["django_language"] = "en"
    text = pdf_text(c.get(SCHOOL_URL, {"export": "pdf"}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert "School report" in text and "Summary" in text and "Principal" in text
    assert "2 (66.7%)" in text and "Ringkasan" not in text
    assert long_date(timezone.localdate(), lang="en") in text


def test_district_pdf_carries_per_school_bars_and_shares(make_user):
    big = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    populate(big, {10: {"kurang": 5, "sedang": 10, "baik": 5}}, name_prefix="Besar")
    c = client_for(make_user(Role.SUDIN, district="Jakarta Barat"))
    text = pdf_text(c.get(DISTRICT_URL, {"export": "pdf"}).content)
    assert "SMK Besar: sebaran kategori per tingkat" in text
    assert "5 (25,0%)" in text and "2,0%" in text
