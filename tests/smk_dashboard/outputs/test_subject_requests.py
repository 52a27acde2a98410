"""The data-subject copy holds counselling content (predictions, interventions) only after a
request is recorded: who asked, when, why; the kepala sekolah sees every request (issue 25,
finding 9)."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from smk_dashboard.core.models import AuditEvent
from students.models import DataSubjectRequest

from .outputs import as_text
from .world import REASON, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(school):
    return build_world(school)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _copy(client, world) -> dict:
    return json.loads(client.get(f"/privacy/students/{world.student.pk}/export.json").content)


def test_finding_9_without_a_recorded_request_the_operator_copy_holds_no_counselling(world):
    operator = client_for(world.users["operator"])
    data = _copy(operator, world)
    assert data["predictions"] == [] and data["interventions"] == []
    assert data["counselling_withheld"]
    pdf = as_text(operator.get(f"/privacy/students/{world.student.pk}/export.pdf"))
    assert REASON[0] not in pdf and "Prediksi dan layanan BK tidak disertakan" in pdf
    assert data["student"]["name"] == "Sari Rahasia"  # the rest of the copy is there


def test_a_recorded_request_opens_the_copy_and_the_kepsek_sees_who_asked(world):
    operator = client_for(world.users["operator"])
    today = timezone.localdate()
    response = operator.post(
        f"/privacy/students/{world.student.pk}/request/",
        {"requester": "Ibu Wati (ibu kandung)", "received_on": today, "purpose": "Pindah sekolah"},
    )
    assert response.status_code == 302
    entry = DataSubjectRequest.objects.get(student=world.student)
    assert entry.recorded_by == world.users["operator"] and entry.received_on == today
    data = _copy(operator, world)
    assert data["interventions"][0]["reason"] == REASON[0] and data["predictions"]
    export = AuditEvent.objects.filter(action="export.student.json").latest("id")
    assert export.detail["request"] == entry.pk
    listing = client_for(world.users["kepsek"]).get("/privacy/requests/")
    text = as_text(listing)
    assert listing.status_code == 200
    assert "Ibu Wati (ibu kandung)" in text and "Pindah sekolah" in text and "Sari Rahasia" in text
    for name in ("guru", "walikelas", "bk"):
        assert client_for(world.users[name]).get("/privacy/requests/").status_code == 403, name


def test_an_old_request_does_not_open_the_copy(world):
    DataSubjectRequest.objects.create(
        school=world.school,
        student=world.student,
        requester="Ayah",
        received_on=timezone.localdate() - dt.timedelta(days=45),
        purpose="Beasiswa",
    )
    assert _copy(client_for(world.users["operator"]), world)["interventions"] == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requester": " ", "purpose": "x"}, "Isi siapa yang meminta salinan data"),
        ({"requester": "Ayah", "purpose": "x", "future": True}, "masa depan"),
    ],
)
def test_a_request_needs_who_and_a_date_not_in_the_future(world, data, message):
    day = timezone.localdate() + dt.timedelta(days=3 if data.pop("future", False) else 0)
    response = client_for(world.users["operator"]).post(
        f"/privacy/students/{world.student.pk}/request/", {**data, "received_on": day}
    )
    assert response.status_code == 400
    assert not DataSubjectRequest.objects.exists()
    assert message in response.content.decode()
