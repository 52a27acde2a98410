"""Issue 25, finding 12: home pages that list named students, and reads denied with a 404
(another school's student), leave an audit row; the kepsek of the reader's school sees it."""

import pytest
from django.test import Client

from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.api.conftest import build_school


@pytest.fixture
def two(db):
    return build_school(""), build_school("_2")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bk_home_page_records_the_students_it_names(two):
    one, _other = two
    bk = one.users[Role.BK]
    page = _client(bk).get("/")
    assert page.status_code == 200
    event = AuditEvent.objects.get(action="home.view", user=bk)
    named = [s for s in [*one.students, one.outsider] if s.name in page.content.decode()]
    assert named, "the bk home page lists students of the kurang category"
    assert {s.pk for s in named} <= set(event.detail["student_ids"])


@pytest.mark.parametrize(
    "url",
    [
        "/students/{pk}/",
        "/students/{pk}/summary.pdf",
        "/api/v1/students/{pk}/",
        "/interventions/new/?student={pk}",
    ],
)
def test_a_read_of_another_schools_student_is_a_404_and_audited(two, url):
    one, other = two
    bk = one.users[Role.BK]
    target = other.student.pk
    response = _client(bk).get(url.format(pk=target))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.not_found", user=bk)
    assert event.school == one.school
    assert str(target) in event.detail["ids"].values()
    kepsek_page = _client(one.users[Role.KEPSEK]).get("/audit/", {"action": "access"})
    assert bk.username in kepsek_page.content.decode()


def test_unknown_urls_are_not_audited(two):
    one, _other = two
    _client(one.users[Role.BK]).get("/tidak/ada/")
    assert not AuditEvent.objects.filter(action="access.not_found").exists()
