"""Pages say what state the predictions are in: which term, from which data, when; a
(re)scoring in progress; "no predictions yet" is never shown as "nobody needs attention".
The risk is shown as a band with a rounded probability, ties broken by what a teacher can
act on, and the guru's, walikelas' and bk's home pages name the first five."""

import datetime as dt
import re

import pytest
from django.test import Client

from predictions.models import Prediction, ScoringRun, risk_band, risk_percent_text
from predictions.selectors import factor_text
from smk_dashboard.pages.risk.selectors import RiskFilters, student_risk_list
from students.models import AcademicTerm, AttendanceSummary, Role, term_label
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_bk():
    school = SchoolFactory()
    bk = UserFactory(role=Role.BK, school=school)
    return school, bk


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("p", "text", "band"),
    [
        (0.0, "< 5%", "rendah"),
        (0.024, "< 5%", "rendah"),
        (0.031, "< 5%", "rendah"),
        (0.05, "5%", "rendah"),
        (0.26, "25%", "sedang"),
        (0.5, "50%", "tinggi"),
        (0.949, "95%", "sangat_tinggi"),
        (0.951, "> 95%", "sangat_tinggi"),
        (0.967, "> 95%", "sangat_tinggi"),
        (0.99, "> 95%", "sangat_tinggi"),
        (1.0, "> 95%", "sangat_tinggi"),
    ],
)
def test_a_probability_is_shown_rounded_to_5_percent_and_never_as_0_or_100(p, text, band):
    # Beyond 5% from either end the figure is capped, not rounded: 0.967 is "> 95%".
    assert risk_percent_text(p) == text
    assert risk_band(p) == band


def test_terms_are_written_as_people_read_them():
    assert term_label("2026-1") == "Ganjil 2026/2027"
    assert term_label("2026-2") == "Genap 2026/2027"
    assert str(AcademicTerm(code="2025-2", year=2025, semester=2)) == "Genap 2025/2026"
    assert AcademicTerm.code_for_date(dt.date(2026, 8, 1)) == "2026-1"
    assert AcademicTerm.code_for_date(dt.date(2027, 2, 1)) == "2026-2"


def test_absence_of_an_earlier_term_names_that_term_instead_of_ini():
    old = TermFactory(year=2025, semester=1)
    text = "Alpa 15 hari pada semester ini"
    assert factor_text(text, old, today=dt.date(2026, 9, 1)) == (
        "Alpa 15 hari pada semester Ganjil 2025/2026"
    )
    assert factor_text(text, old, today=dt.date(2025, 9, 1)) == text


def test_an_unfiltered_empty_list_says_there_are_no_predictions_yet(school_bk):
    school, bk = school_bk
    StudentFactory(school=school)
    page = _client(bk).get("/students/risk/").content.decode()
    # no model yet: the list is the indicator flags (issue 26), and there is no data to flag
    assert 'data-testid="indicator-no-data"' in page
    assert "Tidak ada siswa yang cocok dengan penyaring ini." not in page
    home = _client(bk).get("/").content.decode()
    assert "Belum ada prediksi, jadi belum bisa dikatakan siapa yang perlu perhatian." in home
    assert "Belum ada siswa dengan prediksi perlu perhatian" not in home


def test_a_filter_that_matches_nobody_says_so_and_the_terms_are_named(school_bk):
    school, bk = school_bk
    PredictionFactory(student=StudentFactory(school=school), category="baik")
    page = _client(bk).get("/students/risk/", {"category": "kurang"}).content.decode()
    assert 'data-testid="no-match"' in page
    assert "Prediksi untuk semester Genap 2025/2026, dihitung dari data Ganjil 2025/2026" in page


def test_a_running_rescoring_shows_prediksi_sedang_diperbarui_with_progress(school_bk):
    school, bk = school_bk
    prediction = PredictionFactory(student=StudentFactory(school=school))
    ScoringRun.objects.create(
        school=school,
        model_version=prediction.model_version,
        purpose="refresh",
        status="running",
        progress=40,
    )
    for url in ("/students/risk/", "/"):
        page = _client(bk).get(url).content.decode()
        assert "Prediksi sedang diperbarui" in page
        assert '<span data-field="progress">40</span>%' in page
    status = _client(bk).get("/predictions/status/").json()
    assert status == {"busy": True, "progress": 40, "n_current": 1}


def test_an_operators_candidate_scoring_is_not_shown_as_an_update(school_bk):
    school, bk = school_bk
    prediction = PredictionFactory(student=StudentFactory(school=school))
    ScoringRun.objects.create(
        school=school, model_version=prediction.model_version, purpose="switch", status="running"
    )
    assert "Prediksi sedang diperbarui" not in _client(bk).get("/").content.decode()


def test_the_risk_list_shows_a_band_and_breaks_ties_by_worsening_then_alpa(school_bk):
    school, bk = school_bk
    school_class = SchoolClassFactory(school=school)
    version = ModelVersionFactory(school=school)
    names = ["Ani", "Budi", "Citra", "Dewi"]
    students = {n: StudentFactory(school=school, school_class=school_class, name=n) for n in names}
    for name, p in {"Ani": 0.999, "Budi": 0.998, "Citra": 0.997, "Dewi": 0.6}.items():
        PredictionFactory(student=students[name], model_version=version, p_kurang=p, p_sedang=0.0)
    prediction = Prediction.objects.get(student=students["Citra"])
    Prediction.objects.filter(pk=prediction.pk).update(change="worse", previous_category="baik")
    AttendanceSummary.objects.create(
        student=students["Budi"], term=prediction.based_on_term, alpa=9, school_days=100
    )
    risk = student_risk_list(user=bk, filters=RiskFilters())
    # Ani, Budi and Citra all read "> 95%": the worsened one first, then the most alpa.
    assert [row.student.name for row in risk.rows] == ["Citra", "Budi", "Ani", "Dewi"]
    page = _client(bk).get("/students/risk/").content.decode()
    bands = re.findall(r'data-testid="risk-band">(.*?)</td>', page, flags=re.S)
    assert len(bands) == 4 and not any("100%" in cell for cell in bands)
    assert "sangat tinggi" in bands[0] and "&gt; 95%" in bands[0]


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK])
def test_the_home_page_lists_the_top_five_kurang_with_their_first_reason(school_bk, role):
    school, _bk = school_bk
    school_class = SchoolClassFactory(school=school)
    user = UserFactory(role=role, school=school)
    if role == Role.WALIKELAS:
        school_class.homeroom_teacher = user
        school_class.save()
    if role == Role.GURU:
        from tests.students.factories import TeachingAssignmentFactory

        TeachingAssignmentFactory(teacher=user, school_class=school_class)
    version = ModelVersionFactory(school=school)
    for i in range(7):
        PredictionFactory(
            student=StudentFactory(school=school, school_class=school_class, name=f"Nama {i}"),
            model_version=version,
            p_kurang=0.5 + i / 20,
        )
    page = _client(user).get("/").content.decode()
    assert page.count('data-testid="top-kurang-row"') == 5
    assert "Nama 6" in page and "Nama 1" not in page
    assert "Alpa 6 hari pada semester" in page


def test_term_labels_match_between_model_and_helper():
    assert term_label("2024-1") == str(TermFactory(year=2024, semester=1))
