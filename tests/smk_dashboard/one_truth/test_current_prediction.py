"""Every page, the API, the exports and the reports read one definition of a student's current
prediction (`Prediction.objects.current()`), so they agree on who needs attention."""

import csv
import io

import pytest
from django.test import Client

from interventions.cases.reports import kurang_coverage
from interventions.cases.selectors import kurang_without_intervention
from predictions.models import ModelVersion, Prediction
from smk_dashboard.pages.home import home_summary
from smk_dashboard.pages.reports.selectors import school_report
from smk_dashboard.pages.risk.selectors import RiskFilters, student_risk_list
from students.models import Role
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
def promoted_and_scored():
    """v1 scored the school (Ani and Budi kurang); v2 was promoted and scored (Budi and Citra
    kurang). Afterwards a late job of v1 wrote a newer kurang prediction for Dewi: newest by
    time, but from a model that is no longer active."""
    school = SchoolFactory()
    school_class = SchoolClassFactory(school=school)
    names = ["Ani", "Budi", "Citra", "Dewi", "Eko"]
    students = {n: StudentFactory(school=school, school_class=school_class, name=n) for n in names}
    v1 = ModelVersionFactory(school=school, algorithm="rf", is_active=True)
    v1_kurang = {"Ani", "Budi"}
    for name, student in students.items():
        PredictionFactory(
            student=student, model_version=v1, category="kurang" if name in v1_kurang else "baik"
        )
    # Promotion of v2 and its scoring, as one step.
    v2 = ModelVersionFactory(school=school, algorithm="gbdt")
    ModelVersion.objects.filter(pk=v1.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=v2.pk).update(is_active=True)
    v2_kurang = {"Budi", "Citra"}
    for name, student in students.items():
        PredictionFactory(
            student=student, model_version=v2, category="kurang" if name in v2_kurang else "sedang"
        )
    late = PredictionFactory(
        student=students["Dewi"],
        model_version=v1,
        category="kurang",
        term=TermFactory(year=2026, semester=1),
    )
    Prediction.objects.filter(pk=late.pk).update(is_current=False)
    Prediction.objects.filter(model_version=v2).update(is_current=True)
    bk = UserFactory(role=Role.BK, school=school)
    return school, bk, {students[n].pk for n in v2_kurang}


def test_the_risk_list_api_home_caseload_export_and_report_agree_on_who_is_kurang(
    promoted_and_scored,
):
    school, bk, expected = promoted_and_scored
    risk = student_risk_list(user=bk, filters=RiskFilters(category="kurang"))
    assert {row.student.pk for row in risk.rows} == expected

    client = Client()
    client.force_login(bk)
    api = client.get("/api/v1/students/", {"category": "kurang"}).json()
    assert {row["id"] for row in api["results"]} == expected

    assert home_summary(user=bk)["kurang"] == len(expected)
    assert {row["student"].pk for row in kurang_without_intervention(user=bk)} == expected

    export = client.get("/students/risk/", {"category": "kurang", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == len(expected)

    report = school_report(school=school)
    assert sum(row["kurang"] for row in report["by_class"]) == len(expected)
    assert kurang_coverage(school=school)["kurang"] == len(expected)


def test_before_the_new_model_has_scored_nobody_shows_the_old_models_flags(promoted_and_scored):
    school, bk, _expected = promoted_and_scored
    v3 = ModelVersionFactory(school=school, algorithm="lr")
    ModelVersion.objects.filter(school=school).update(is_active=False)
    ModelVersion.objects.filter(pk=v3.pk).update(is_active=True)
    client = Client()
    client.force_login(bk)
    assert client.get("/api/v1/students/", {"category": "kurang"}).json()["count"] == 0
    assert student_risk_list(user=bk, filters=RiskFilters(category="kurang")).rows == []
    assert home_summary(user=bk)["kurang"] == 0
