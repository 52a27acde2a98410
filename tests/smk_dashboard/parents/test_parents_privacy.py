"""The data-subject export hands the parents' names and numbers over; anonymisation erases
them; the research export, the risk-list exports and the API's student detail never carry
them."""

import json

import pytest

from smk_dashboard.pages.privacy import research, services
from smk_dashboard.pages.privacy.selectors import student_data_export
from students.models import Student
from tests.predictions.factories import PredictionFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db
SECRETS = ("Slamet Riyadi", "Sri Wahyuni", "81234567890", "3456-7890")


def test_the_data_subject_export_holds_them(people):
    data = student_data_export(student=people["student"])["student"]
    assert data["father_name"] == "Slamet Riyadi"
    assert data["parent_phone"] == "+6281234567890"
    pdf = client_for(people["operator"]).get(
        f"/privacy/students/{people['student'].pk}/export.json"
    )
    assert "Sri Wahyuni" in pdf.content.decode()


def test_anonymisation_erases_them(people):
    services.student_anonymise(actor=people["operator"], student=people["student"])
    student = Student.objects.get(pk=people["student"].pk)
    assert student.father_name == student.mother_name == student.parent_phone == ""


def test_the_research_export_never_carries_them(people):
    rows, _suppressed = research.research_export_rows(school=people["student"].school)
    text = json.dumps(rows, default=str)
    assert not any(s in text for s in SECRETS)


@pytest.mark.parametrize("role", ["bk", "walikelas", "kepsek", "guru"])
def test_risk_list_exports_and_the_api_student_detail_never_carry_them(people, role):
    PredictionFactory(student=people["student"])  # on the risk list
    c = client_for(people[role])
    response = c.get("/students/risk/?export=csv")  # the XLSX is built from the same rows
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Budi Santoso" in body  # the student is in it, their parents are not
    assert not any(s.encode() in body for s in SECRETS)
    detail = c.get(f"/api/v1/students/{people['student'].pk}/").content.decode()
    assert not any(s in detail for s in SECRETS)
