"""The risk list before a model (issue 26, item 2): students flagged by the school's
indicators, each flag naming its indicator, "berdasarkan indikator, belum model", no
probability; a trained model takes the list back; thresholds are the operator's and
kepsek's to set."""

import re

import pytest
from django.test import Client

from interventions.conduct.models import Behaviour, PointEntry
from smk_dashboard.pages.pack.pdf import student_pack_pdf
from smk_dashboard.pages.pack.selectors import student_pack
from students.models import AttendanceSummary, IndicatorSettings, Role
from tests.predictions.factories import ModelVersionFactory
from tests.smk_dashboard.pages.test_student_pack import pdf_text
from tests.students.factories import StudentFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
PERCENT_OF_RISK = re.compile(r"(peluang|risiko)[^<]{0,40}\d+\s?%", re.IGNORECASE)


def client_for(role, school) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, school=school))
    return client


@pytest.fixture
def flagged(school):
    term = TermFactory(year=2025, semester=1)
    absent = StudentFactory(school=school, name="Sering Alpa")
    AttendanceSummary.objects.create(student=absent, term=term, alpa=7, school_days=100)
    fine = StudentFactory(school=school, name="Rajin Hadir")
    AttendanceSummary.objects.create(student=fine, term=term, alpa=0, school_days=100)
    noisy = StudentFactory(school=school, name="Banyak Poin")
    AttendanceSummary.objects.create(student=noisy, term=term, alpa=0, school_days=100)
    fight = Behaviour.objects.create(school=school, name="Berkelahi", kind="violation", points=30)
    for day in (1, 2):
        PointEntry.objects.create(student=noisy, behaviour=fight, points=30, date=f"2025-08-0{day}")
    return absent, fine, noisy


def test_without_a_model_the_list_flags_by_indicator_and_shows_no_probability(school, flagged):
    page = client_for(Role.BK, school).get("/students/risk/").content.decode()
    assert "Berdasarkan indikator, belum model." in page
    assert "Sering Alpa" in page and "Banyak Poin" in page and "Rajin Hadir" not in page
    assert "Alpa 7 hari (batas lebih dari 3)" in page
    assert "Poin pelanggaran 60 (batas 50)" in page
    assert 'data-indicator="alpa"' in page and 'data-indicator="poin"' in page
    assert not PERCENT_OF_RISK.search(page)


def test_a_teacher_sees_only_the_flags_of_their_classes(school, flagged):
    absent, *_ = flagged
    other = StudentFactory(school=school, name="Kelas Lain")
    AttendanceSummary.objects.create(
        student=other, term=absent.attendance_summaries.get().term, alpa=9
    )
    walikelas = UserFactory(role=Role.WALIKELAS, school=school)
    absent.school_class.homeroom_teacher = walikelas
    absent.school_class.save()
    client = Client()
    client.force_login(walikelas)
    page = client.get("/students/risk/").content.decode()
    assert "Sering Alpa" in page and "Kelas Lain" not in page


def test_a_stricter_threshold_changes_the_flags_at_once(school, flagged):
    bk = client_for(Role.BK, school)
    assert "Rajin Hadir" not in bk.get("/students/risk/").content.decode()
    kepsek = client_for(Role.KEPSEK, school)
    data = {"min_attendance_pct": 101, "max_alpa_days": "", "min_subjects_below_kkm": 2,
            "min_average_drop": 5, "min_conduct_points": ""}  # fmt: skip
    assert "Pastikan" in kepsek.post("/students/indicators/", data).content.decode()  # > 100
    data["min_attendance_pct"] = 100
    assert kepsek.post("/students/indicators/", data).status_code == 302
    rules = IndicatorSettings.objects.get(school=school)
    assert rules.max_alpa_days is None and rules.min_conduct_points is None
    page = bk.get("/students/risk/").content.decode()  # the cached page was replaced
    assert "Rajin Hadir" not in page  # 100 % present
    assert "Alpa 7 hari" not in page and "Poin pelanggaran" not in page  # switched off
    assert "Kehadiran 93% (batas 100%)" in page


def test_with_an_active_model_the_prediction_list_is_back(school, flagged):
    ModelVersionFactory(school=school, is_active=True)
    page = client_for(Role.BK, school).get("/students/risk/").content.decode()
    assert "Berdasarkan indikator, belum model." not in page


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK])
def test_only_operator_and_kepsek_set_thresholds(school, role):
    assert client_for(role, school).get("/students/indicators/").status_code == 403


def test_the_student_pack_before_a_model_lists_the_flags_without_a_probability(school, flagged):
    absent, fine, _noisy = flagged
    text = pdf_text(student_pack_pdf(student_pack(student=absent), compress=False))
    assert "Berdasarkan indikator, belum model" in text and "Alpa 7 hari" in text
    assert "risiko perlu perhatian" not in text and "Peluang" not in text
    quiet = pdf_text(student_pack_pdf(student_pack(student=fine), compress=False))
    assert "Tidak ada indikator yang terpenuhi." in quiet


def test_the_school_report_before_a_model_counts_students_per_indicator(school, flagged):
    kepsek = client_for(Role.KEPSEK, school)
    page = kepsek.get("/reports/school/").content.decode()
    assert "Tanda berdasarkan indikator, belum model" in page
    assert "2 dari 3 siswa aktif ditandai" in page
    assert "Sering Alpa" not in page  # counts only, no names
    report = kepsek.get("/reports/school/?export=pdf")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    ModelVersionFactory(school=school, is_active=True)
    assert "belum model" not in kepsek.get("/reports/school/").content.decode()


def test_the_export_before_a_model_lists_the_flags_without_a_probability(school, flagged):
    response = client_for(Role.BK, school).get("/students/risk/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Tanda (berdasarkan indikator, belum model)" in text.splitlines()[0]
    assert "Sering Alpa" in text and "Alpa: Alpa 7 hari (batas lebih dari 3)" in text
    assert "Rajin Hadir" not in text and "Risiko" not in text


def test_with_a_model_the_indicators_are_a_comparison_on_request(school, flagged):
    ModelVersionFactory(school=school, is_active=True)
    bk = client_for(Role.BK, school)
    page = bk.get("/students/risk/").content.decode()
    assert 'data-testid="indicator-comparison-link"' in page and "Sering Alpa" not in page
    compare = bk.get("/students/risk/", {"indikator": "1"}).content.decode()
    assert "Pembanding: tanda berdasarkan indikator." in compare
    assert "Alpa 7 hari (batas lebih dari 3)" in compare and not PERCENT_OF_RISK.search(compare)
    response = bk.get("/students/risk/", {"indikator": "1", "export": "csv"})
    assert "Sering Alpa" in b"".join(response.streaming_content).decode("utf-8-sig")
