"""The operator's Dapodik page: settings saved (key encrypted, never shown back), "Tarik dari
Dapodik" opens the roster preview of the import pages (then confirmed like an upload), a
refusal is shown in Indonesian, and only the operator gets the page."""

import pytest
from django.test import Client
from django.urls import reverse

from students.importing.lifecycle import import_batch_analyse, import_batch_process
from students.models import DapodikConnection, ImportBatch, ImportStatus, Role, Student
from tests.students.factories import SchoolFactory, UserFactory

from .server import NPSN, TOKEN, FakeDapodik

URL = reverse("students:dapodik")


@pytest.fixture
def dapodik():
    with FakeDapodik() as server:
        yield server


@pytest.fixture
def operator(db):
    user = UserFactory(role=Role.OPERATOR, school=SchoolFactory(npsn=NPSN))
    client = Client()
    client.force_login(user)
    return client


def save(client, url, token=TOKEN):
    return client.post(URL, {"action": "save", "url": url, "npsn": NPSN, "token": token})


@pytest.mark.django_db
def test_operator_saves_the_connection_and_the_key_is_never_shown_back(operator, dapodik):
    assert save(operator, dapodik.url).status_code == 302
    assert DapodikConnection.objects.get().token == TOKEN
    page = operator.get(URL).content.decode()
    assert TOKEN not in page and "Tarik dari Dapodik" in page
    save(operator, dapodik.url, token="")  # blank: the stored key stays
    assert DapodikConnection.objects.get().token == TOKEN


@pytest.mark.django_db
def test_pull_opens_the_roster_preview_and_confirm_imports(operator, dapodik):
    save(operator, dapodik.url)
    response = operator.post(URL, {"action": "pull"})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("students:import_detail", args=[batch.pk])
    assert batch.source == "dapodik" and batch.create_missing
    import_batch_analyse(batch_id=batch.pk)  # the worker's part
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.rows == 12
    assert not Student.objects.exists()  # nothing written before the operator confirms
    detail = operator.get(response.url).content.decode()
    assert "12 baris data terbaca" in detail
    operator.post(reverse("students:import_confirm", args=[batch.pk]))
    import_batch_process(batch_id=batch.pk)
    assert Student.objects.count() == 12


@pytest.mark.django_db
def test_a_refused_key_is_shown_and_nothing_is_stored(operator, dapodik):
    save(operator, dapodik.url, token="salah")
    page = operator.post(URL, {"action": "pull"}, follow=True).content.decode()
    assert "menolak kunci" in page and not ImportBatch.objects.exists()
    assert "menolak" in DapodikConnection.objects.get().last_message


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
def test_other_roles_get_403(role):
    client = Client()
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "pull"}).status_code == 403
