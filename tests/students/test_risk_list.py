import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interventions.models import Intervention, Programme
from smk_dashboard.pages.risk.selectors import RiskFilters, student_risk_list
from students.models import Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db
URL = "/students/risk/"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def rows(response) -> list[str]:
    return [r.student.name for r in response.context["risk"].rows]


@pytest.fixture
def version(school):
    return ModelVersionFactory(school=school, is_active=True)


def predict(student, version, category="kurang", p=None, **kw):
    p_kurang = p if p is not None else {"kurang": 0.7, "sedang": 0.2, "baik": 0.05}[category]
    return PredictionFactory(
        student=student, model_version=version, category=category, p_kurang=p_kurang, **kw
    )


def intervene(student, owner, **kw):
    programme, _ = Programme.objects.get_or_create(
        school=student.school, name="Konseling individual", defaults={"tier": 2}
    )
    return Intervention.objects.create(
        student=student,
        programme=programme,
        reason="Alpa berulang",
        owner=owner,
        start_date=dt.date(2026, 2, 2),
        **kw,
    )


def test_risk_list_requires_login(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUDIN])
def test_roles_without_student_pages_get_403(make_user, school, role):
    user = make_user(role, school=None if role == Role.SUDIN else school)
    assert client_for(user).get(URL).status_code == 403


def test_guru_sees_only_the_classes_they_teach_and_never_another_school(
    make_user, school, other_school, version
):
    taught, untaught = SchoolClassFactory(school=school), SchoolClassFactory(school=school)
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=taught)
    mine = StudentFactory(school=school, school_class=taught, name="Ani Diajar")
    predict(mine, version)
    predict(StudentFactory(school=school, school_class=untaught, name="Budi Lain"), version)
    foreign = StudentFactory(school=other_school, name="Citra Sekolah Lain")
    predict(foreign, ModelVersionFactory(school=other_school))
    assert rows(client_for(guru).get(URL)) == ["Ani Diajar"]
    bk = make_user(Role.BK, school=school)
    assert sorted(rows(client_for(bk).get(URL))) == ["Ani Diajar", "Budi Lain"]


def test_only_the_latest_prediction_of_the_active_version_is_listed_with_its_change(
    make_user, school, version
):
    old_version = ModelVersionFactory(school=school, is_active=False)
    worse = StudentFactory(school=school, name="Memburuk")
    predict(worse, old_version, "sedang", term=TermFactory(year=2025, semester=1))
    predict(worse, version, "kurang")
    better = StudentFactory(school=school, name="Membaik")
    predict(better, version, "kurang", term=TermFactory(year=2025, semester=1))
    predict(better, version, "baik")
    fresh = StudentFactory(school=school, name="Baru")
    predict(fresh, version, "sedang")
    only_old = StudentFactory(school=school, name="Hanya Versi Lama")
    predict(only_old, old_version, "kurang")

    response = client_for(make_user(Role.BK, school=school)).get(URL)
    risk = response.context["risk"]
    changes = {r.student.name: (r.prediction.category, r.change) for r in risk.rows}
    assert changes == {
        "Memburuk": ("kurang", "worse"),
        "Membaik": ("baik", "better"),
        "Baru": ("sedang", "new"),
    }
    assert risk.without_prediction == 1


def test_default_order_puts_the_highest_probability_of_kurang_first(make_user, school, version):
    for name, p in [("Rendah", 0.1), ("Tinggi", 0.9), ("Tengah", 0.5)]:
        predict(StudentFactory(school=school, name=name), version, "sedang", p=p)
    c = client_for(make_user(Role.KEPSEK, school=school))
    assert rows(c.get(URL)) == ["Tinggi", "Tengah", "Rendah"]
    assert rows(c.get(URL, {"sort": "name"})) == ["Rendah", "Tengah", "Tinggi"]


def test_filters_by_class_major_category_intervention_and_search(make_user, school, version):
    bk = make_user(Role.BK, school=school)
    class_a, class_b = SchoolClassFactory(school=school), SchoolClassFactory(school=school)
    a1 = StudentFactory(school=school, school_class=class_a, name="Dewi Lestari", nisn="0071234567")
    a2 = StudentFactory(school=school, school_class=class_a, name="Eko Prasetyo")
    b1 = StudentFactory(school=school, school_class=class_b, name="Fajar Nugroho")
    predict(a1, version, "kurang")
    predict(a2, version, "baik")
    predict(b1, version, "kurang")
    intervene(b1, owner=bk)
    c = client_for(bk)
    assert sorted(rows(c.get(URL, {"class": class_a.id}))) == ["Dewi Lestari", "Eko Prasetyo"]
    assert rows(c.get(URL, {"major": class_b.major_id})) == ["Fajar Nugroho"]
    assert sorted(rows(c.get(URL, {"category": "kurang"}))) == ["Dewi Lestari", "Fajar Nugroho"]
    assert rows(c.get(URL, {"intervention": "ya"})) == ["Fajar Nugroho"]
    assert sorted(rows(c.get(URL, {"intervention": "tidak"}))) == ["Dewi Lestari", "Eko Prasetyo"]
    assert rows(c.get(URL, {"q": "lestari"})) == ["Dewi Lestari"]
    assert rows(c.get(URL, {"q": "0071234"})) == ["Dewi Lestari"]
    assert rows(c.get(URL, {"category": "kurang", "class": class_a.id})) == ["Dewi Lestari"]
    # Unknown values are ignored rather than failing.
    assert c.get(URL, {"category": "gagal", "class": "x", "sort": "drop"}).status_code == 200


def test_each_row_shows_top_factors_and_the_last_intervention_status(make_user, school, version):
    bk = make_user(Role.BK, school=school)
    student = StudentFactory(school=school)
    predict(student, version)
    intervene(student, owner=bk, status="completed")
    response = client_for(bk).get(URL)
    html = response.content.decode()
    # The factory's data is of Ganjil 2025/2026, not the current term: the reason names it.
    assert "Alpa 6 hari pada semester Ganjil 2025/2026" in html
    assert "Selesai" in html
    row = response.context["risk"].rows[0]
    assert row.intervention["status"] == "completed"
    assert [f["code"] for f in row.top_factors] == ["alpa", "mtk"]


def test_probabilities_come_with_the_measured_accuracy_and_careful_words(
    make_user, school, version
):
    predict(StudentFactory(school=school), version)
    version.metrics["cv"]["accuracy"] = {"mean": 0.734, "std": 0.021}
    version.save()
    html = client_for(make_user(Role.BK, school=school)).get(URL).content.decode()
    assert "akurasi terukur 0,73 ± 0,02" in " ".join(html.split())
    assert "Perlu perhatian" in html
    assert "gagal" not in html.lower()


def test_pagination_splits_rows_into_pages_of_fifty(make_user, school, version):
    for i in range(53):
        predict(StudentFactory(school=school, name=f"Siswa {i:03d}"), version, "sedang")
    c = client_for(make_user(Role.BK, school=school))
    first = c.get(URL, {"sort": "name"})
    assert len(rows(first)) == 50
    assert rows(c.get(URL, {"sort": "name", "page": 2})) == [f"Siswa {i:03d}" for i in (50, 51, 52)]


def test_query_count_does_not_grow_with_the_number_of_rows(
    make_user, school, version, django_assert_num_queries
):
    bk = make_user(Role.BK, school=school)

    def add(n):
        for _ in range(n):
            s = StudentFactory(school=school)
            predict(s, version, term=TermFactory(year=2025, semester=1))
            predict(s, version, "sedang")
            intervene(s, owner=bk)

    add(2)
    filters = RiskFilters.from_query({})
    with CaptureQueriesContext(connection) as few:
        assert len(student_risk_list(user=bk, filters=filters).rows) == 2
    add(30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(student_risk_list(user=bk, filters=filters).rows) == 32
    c = client_for(bk)
    c.get(URL)
    with CaptureQueriesContext(connection) as page_small:
        c.get(URL, {"category": "sedang"})
    add(10)
    with django_assert_num_queries(len(page_small.captured_queries)):
        assert len(rows(c.get(URL, {"category": "sedang"}))) == 42


def test_home_counts_students_who_newly_need_attention(make_user, school, version):
    earlier = TermFactory(year=2025, semester=1)
    newly = StudentFactory(school=school)  # sedang before, kurang now
    predict(newly, version, "sedang", term=earlier)
    predict(newly, version, "kurang")
    still = StudentFactory(school=school)  # kurang before and now: not new
    predict(still, version, "kurang", term=earlier)
    predict(still, version, "kurang")
    first = StudentFactory(school=school)  # first prediction ever: new
    predict(first, version, "kurang")
    recovered = StudentFactory(school=school)  # kurang before, baik now
    predict(recovered, version, "kurang", term=earlier)
    predict(recovered, version, "baik")
    response = client_for(make_user(Role.BK, school=school)).get("/")
    assert (response.context["summary"]["kurang"], response.context["summary"]["new_kurang"]) == (
        3,
        2,
    )
    html = response.content.decode()
    assert 'data-testid="count-new-kurang">2<' in html
    assert 'href="/students/risk/?category=kurang"' in html


def test_counsellors_can_open_an_intervention_from_a_row_teachers_cannot(
    make_user, school, version
):
    student = StudentFactory(school=school)
    prediction = predict(student, version)
    link = f"/interventions/new/?student={student.id}&amp;prediction={prediction.id}"
    assert link in client_for(make_user(Role.BK, school=school)).get(URL).content.decode()
    assert link not in client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()


def test_phones_get_one_card_per_student_with_band_first_reason_and_action(
    make_user, school, version
):
    student = StudentFactory(school=school, name="Kartu Siswa")
    prediction = predict(
        student,
        version,
        "kurang",
        factors=[
            {"code": "alpa", "text": "Alpa 9 hari pada semester ini", "weight": 0.9},
            {
                "code": "sosial_ekonomi",
                "text": "Faktor sosial-ekonomi: kelompok penghasilan 0 dari 5",
                "weight": 0.2,
            },
        ],
    )
    html = client_for(make_user(Role.BK, school=school)).get(URL).content.decode()
    cards = html[
        html.index('data-testid="risk-cards"') : html.index(
            "</ul>", html.index('data-testid="risk-cards"')
        )
    ]
    assert 'class="list-unstyled d-md-none' in html and "d-none d-md-block" in html
    assert cards.count('data-testid="risk-card"') == 1
    assert "Kartu Siswa" in cards and "Alpa 9 hari" in cards
    assert "Faktor sosial-ekonomi" not in cards  # only the first reason
    assert f"{prediction.risk_label}</span>" in cards  # the band and its figure, "tinggi, 70%"
    assert "Buat intervensi" in cards


def test_reasons_are_english_with_the_english_switch(make_user, school, version):
    student = StudentFactory(school=school, name="Siswa Inggris")
    predict(
        student,
        version,
        "kurang",
        factors=[{"code": "alpa", "text": "Alpa 9 hari pada semester ini", "weight": 0.9}],
    )
    c = client_for(make_user(Role.BK, school=school))
    c.cookies["django_language"] = "en"
    html = c.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Absent without notice 9 days" in html and "Alpa 9 hari" not in html
