"""A chance and a term are written one way on every surface a person reads (issue 23, item 9):
a prediction with p_kurang 0.967 reads "sangat tinggi, > 95%" on the risk list and its CSV and
XLSX, the home page, the profile, the caseload, the intervention form and detail, the pack PDF
and the privacy PDF, never "97%", "96%" or "0.967"; and a term reads "Ganjil 2026/2027" there
and in the school and district reports (pages, charts, PDF, XLSX), never "2026-1". The API keeps
its codes and numbers and adds the labels beside them."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from interventions.models import Status
from smk_dashboard.core.formats import chance, risk_label, term_label
from students.models import AttendanceSummary, DataSubjectRequest, GradeRecord, Role
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.smk_dashboard.pages.test_student_pack import pdf_text
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

P_KURANG = 0.967
RISK = "sangat tinggi, > 95%"
TERM, BASED_ON = "Ganjil 2026/2027", "Genap 2025/2026"
# Other spellings of the same chance, and the codes of the two terms (a date such as
# 2026-10-05 is not a term code, hence the look-ahead).
OTHER_CHANCES = ("97%", "96%", "0.967", "0,967", "96,7", "96.7")
TERM_CODE = re.compile(r"(?<![\d-])20(?:26-1|25-2)(?![\d])")


def test_one_helper_writes_the_band_and_the_capped_figure():
    assert risk_label(P_KURANG) == RISK
    assert risk_label(0.91) == "sangat tinggi, 90%"
    assert risk_label(0.52) == "tinggi, 50%"
    assert risk_label(0.02) == "rendah, < 5%"
    assert risk_label(None) == "-" and chance(None) == "-"
    assert term_label("2026-1") == TERM and term_label("2025-2") == BASED_ON
    assert term_label(TermFactory(year=2026, semester=1)) == TERM
    assert term_label("") == "" and term_label("XI TKJ 2") == "XI TKJ 2"


def test_the_english_switch_writes_the_same_chance_and_term_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert risk_label(P_KURANG) == "very high, > 95%"
        assert term_label("2026-1") == "Odd semester 2026/2027"


@pytest.fixture
def world():
    """Ani (p_kurang 0.967, no intervention yet) and Budi (the same chance, with an intervention
    his prediction triggered) in a school of the Jakarta Barat district; grades and an
    attendance recap of the term the predictions are based on."""
    school = SchoolFactory(district="Jakarta Barat")
    school_class = SchoolClassFactory(school=school)
    version = ModelVersionFactory(school=school, is_active=True)
    term, based_on = TermFactory(year=2026, semester=1), TermFactory(year=2025, semester=2)
    bk = UserFactory(role=Role.BK, school=school)
    students = {}
    for name in ("Ani Lestari", "Budi Santoso"):
        student = StudentFactory(school=school, school_class=school_class, name=name)
        PredictionFactory(
            student=student,
            model_version=version,
            term=term,
            based_on_term=based_on,
            category="kurang",
            p_kurang=P_KURANG,
            p_sedang=0.021,
        )
        subject = SubjectFactory(school=school)
        for t, score in ((TermFactory(year=2025, semester=1), 70), (based_on, 61)):
            GradeRecord.objects.create(student=student, subject=subject, term=t, score=score)
        AttendanceSummary.objects.create(student=student, term=based_on, sakit=1, izin=0, alpa=7)
        students[name.split()[0]] = student
    budi = students["Budi"]
    intervention = InterventionFactory(
        student=budi,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=timezone.localdate(),
        triggered_by=budi.predictions.get(),
    )
    return {
        "school": school,
        "ani": students["Ani"],
        "budi": budi,
        "intervention": intervention,
        "bk": bk,
        "kepsek": UserFactory(role=Role.KEPSEK, school=school),
        "sudin": UserFactory(role=Role.SUDIN, school=None, district="Jakarta Barat"),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _csv_text(response) -> str:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return "\n".join(" | ".join(row) for row in csv.reader(io.StringIO(body)))


def _surfaces_with_a_chance(w) -> dict[str, str]:
    """What a person reads on each surface that shows Ani's or Budi's chance."""
    bk, kepsek = _client(w["bk"]), _client(w["kepsek"])
    ani, budi = w["ani"], w["budi"]
    ani_prediction = ani.predictions.get()
    # The copy holds predictions once the parents' request is recorded (issue 25).
    DataSubjectRequest.objects.create(
        school=budi.school,
        student=budi,
        requester="Ayah",
        received_on=timezone.localdate(),
        purpose="Salinan data",
    )

    def page(client, url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    return {
        "risk list": page(bk, "/students/risk/"),
        "risk list CSV": _csv_text(bk.get("/students/risk/", {"export": "csv"})),
        "risk list XLSX": _xlsx_text(bk.get("/students/risk/", {"export": "xlsx"}).content),
        "bk home": page(bk, "/"),
        "profile": page(bk, f"/students/{ani.pk}/"),
        "caseload": page(bk, "/interventions/caseload/"),
        "intervention form": page(
            bk, f"/interventions/new/?student={ani.pk}&prediction={ani_prediction.pk}"
        ),
        "intervention detail": page(bk, f"/interventions/{w['intervention'].pk}/"),
        "pack PDF": pdf_text(bk.get(f"/students/{ani.pk}/summary.pdf").content),
        "privacy PDF": pdf_text(kepsek.get(f"/privacy/students/{budi.pk}/export.pdf").content),
    }


def test_every_surface_writes_the_chance_as_the_band_and_the_capped_figure(world):
    for surface, text in _surfaces_with_a_chance(world).items():
        assert RISK in text.replace("&gt;", ">"), surface
        for other in OTHER_CHANCES:
            assert other not in text, (surface, other)


def test_no_surface_a_person_reads_shows_a_term_code(world):
    surfaces = _surfaces_with_a_chance(world)
    kepsek, sudin = _client(world["kepsek"]), _client(world["sudin"])
    surfaces |= {
        "school report": kepsek.get("/reports/school/").content.decode(),
        "school report PDF": pdf_text(kepsek.get("/reports/school/?export=pdf").content),
        "school report XLSX": _xlsx_text(kepsek.get("/reports/school/?export=xlsx").content),
        "district report": sudin.get("/reports/district/").content.decode(),
        "district report PDF": pdf_text(sudin.get("/reports/district/?export=pdf").content),
        "district report XLSX": _xlsx_text(sudin.get("/reports/district/?export=xlsx").content),
    }
    for surface, text in surfaces.items():
        assert not TERM_CODE.findall(text), (surface, TERM_CODE.findall(text))
    for surface in ("risk list", "risk list CSV", "risk list XLSX", "profile", "pack PDF"):
        assert TERM in surfaces[surface], surface
    for surface in ("profile", "school report", "school report XLSX", "district report XLSX"):
        assert BASED_ON in surfaces[surface], surface
    # The profile's grade chart and the report's trend chart name their terms the same way.
    assert f'"{BASED_ON}"' in surfaces["profile"] and f'"{TERM}"' in surfaces["school report"]


def test_the_api_keeps_codes_and_numbers_and_adds_the_labels_beside_them(world):
    ani = world["ani"]
    client = _client(world["bk"])
    row = next(r for r in client.get("/api/v1/students/").json()["results"] if r["id"] == ani.pk)
    assert row["latest_p_kurang"] == P_KURANG and row["latest_risk_label"] == RISK
    assert row["latest_term"] == "2026-1" and row["latest_term_label"] == TERM
    prediction = client.get(f"/api/v1/students/{ani.pk}/predictions/").json()["results"][0]
    assert (prediction["p_kurang"], prediction["risk_label"]) == (P_KURANG, RISK)
    assert (prediction["term"], prediction["term_label"]) == ("2026-1", TERM)
    assert (prediction["based_on_term"], prediction["based_on_term_label"]) == ("2025-2", BASED_ON)
    summary = client.get(f"/api/v1/students/{ani.pk}/attendance-summary/").json()
    first = summary[0]
    assert (first["term"], first["term_label"]) == ("2025-2", BASED_ON)
    # The operator sees no predictions, labels included.
    operator = _client(UserFactory(role=Role.OPERATOR, school=world["school"]))
    hidden = operator.get(f"/api/v1/students/{ani.pk}/").json()
    assert hidden["latest_risk_label"] is None and hidden["latest_term_label"] is None


def test_the_api_schema_documents_the_labels():
    client = _client(UserFactory(role=Role.BK))
    schema = json.loads(client.get("/api/schema/?format=json").content)
    components = schema["components"]["schemas"]
    assert {"term_label", "based_on_term_label", "risk_label"} <= set(
        components["Prediction"]["properties"]
    )
    assert {"latest_term_label", "latest_risk_label"} <= set(
        components["StudentListItem"]["properties"]
    )
    assert "term_label" in components["AttendanceSummary"]["properties"]
