"""The student profile with its counselling part costs at most 15 queries (issue 27: it had
grown to 22), for bk and for the student's walikelas, and the count does not grow with the
student's rows: every table is read once and shared between the parts that show it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour, PointThreshold
from interventions.contacts import services as contact_services
from interventions.models import Outcome, Status
from students.models import AttendanceSummary, GradeRecord, StudentPrivacy
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import (
    ModelVersionFactory,
    PredictionFactory,
    PredictionFeedbackFactory,
)
from tests.students.factories import SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15


@pytest.fixture
def full_profile(school, student, walikelas, bk):
    """A student with something in every part of the page, strengths included."""
    terms = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    maths = SubjectFactory(school=school, name="Matematika")
    for term, score, alpa in zip(terms, (60, 75), (8, 2), strict=True):
        GradeRecord.objects.create(student=student, subject=maths, term=term, score=score)
        AttendanceSummary.objects.create(student=student, term=term, alpa=alpa)
    conduct_services.point_catalogue_seed(school=school)
    for name in ("Juara lomba", "Terlambat"):
        conduct_services.point_entry_record(
            user=walikelas,
            student=student,
            behaviour=Behaviour.objects.get(school=school, name=name),
            date=timezone.localdate(),
        )
    InterventionFactory(
        student=student, owner=bk, status=Status.COMPLETED, outcome=Outcome.IMPROVED
    )
    # Contact notes are confidential: reading them on the profile writes an audit row too.
    contact_services.parent_contact_record(
        user=walikelas,
        student=student,
        date=timezone.localdate(),
        channel="telepon",
        contact_person="Ibu Sari",
        summary="Dikabari soal nilai",
    )
    StudentPrivacy.objects.create(student=student, consent="given")
    version = ModelVersionFactory(school=school, is_active=True)
    prediction = PredictionFactory(student=student, model_version=version, term=terms[1])
    PredictionFeedbackFactory(prediction=prediction, user=walikelas, note="Sering sakit")
    return student


def _more_rows(student, walikelas, bk):
    for _ in range(3):
        InterventionFactory(student=student, owner=bk)
        conduct_services.point_entry_record(
            user=walikelas,
            student=student,
            behaviour=Behaviour.objects.get(school=student.school, name="Terlambat"),
            date=timezone.localdate(),
        )


@pytest.mark.parametrize("role", ["bk", "walikelas"])
def test_the_profile_costs_at_most_15_queries_and_does_not_grow_with_rows(
    request, full_profile, role, walikelas, bk, django_assert_max_num_queries
):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    url = f"/students/{full_profile.pk}/"
    assert client.get(url).status_code == 200  # the per-school cache is warm from here on

    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    count = len(first.captured_queries)
    assert count <= MAX_QUERIES, "\n".join(q["sql"][:120] for q in first.captured_queries)
    # The strengths come from the rows the page read for its other parts.
    assert "Matematika naik 15 poin" in html
    assert "Juara lomba" in html
    assert "Alpa turun dari 8 menjadi 2 hari" in html
    assert "selesai: membaik" in html
    assert "Ibu Sari" in html  # the contact, read with its audit row inside the 15

    _more_rows(full_profile, walikelas, bk)
    client.get(url)  # the new rows made the school's cached values stale: warm them again
    with django_assert_max_num_queries(count):
        assert client.get(url).status_code == 200


def test_a_new_threshold_shows_at_once_although_thresholds_are_cached(full_profile, school, bk):
    client = Client()
    client.force_login(bk)
    url = f"/students/{full_profile.pk}/"
    client.get(url)
    PointThreshold.objects.create(school=school, points=7, action="Teguran lisan oleh BK")
    assert "Teguran lisan oleh BK" in client.get(url).content.decode()
