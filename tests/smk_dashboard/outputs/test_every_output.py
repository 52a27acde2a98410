"""One need-to-know filter for every output (issue 25): every page, export, PDF and API answer
that can show a student is read back as text, as every role of the school, and searched for
the student's socio-economic and counselling values where that role may not read them."""

import pytest
from django.test import Client

from tests.students.factories import UserFactory

from .outputs import as_text, read_everything
from .world import READERS, VALUES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(school):
    world = build_world(school)
    world.users["operator"].is_staff = True  # the operator given the Django admin
    world.users["operator"].save()
    world.users["root"] = UserFactory(
        role="", school=None, is_staff=True, is_superuser=True, username="root"
    )
    return world


# A superuser sees every field group, but no counselling notes and no "sangat rahasia" finding
# (the pages do not show them to a superuser either).
ROOT_READS = {"socio", "reason", "other_class"}


def _may_read(name: str, group: str) -> bool:
    return group in ROOT_READS if name == "root" else name in READERS[group]


def test_no_role_reads_a_value_of_a_group_it_may_not_see_in_any_output(world):
    leaks, seen = [], set()
    for name, user in world.users.items():
        answers = read_everything(user, world)
        # Every role opens something: the search below is never over empty answers only.
        assert sum(status == 200 for status, _text in answers.values()) >= 3, name
        for path, (status, text) in answers.items():
            for group, values in VALUES.items():
                for value in values:
                    if value not in text:
                        continue
                    if _may_read(name, group):
                        seen.add((group, path.split("?")[0]))
                    else:
                        leaks.append(f"{name} reads {group} {value!r} in {path} ({status})")
    assert leaks == []
    # The search can find what it looks for, in every kind of output that may hold it.
    s = world.student.pk
    for expected in (
        ("socio", "/students/risk/"),  # the bk's risk list and its CSV/XLSX
        ("socio", f"/privacy/students/{s}/export.json"),  # the copy holds the values
        ("socio", f"/privacy/students/{s}/export.pdf"),  # ... and in the PDF
        ("socio", f"/api/v1/students/{s}/predictions/"),
        ("reason", f"/interventions/{world.ids['intervention']}/"),
        ("reason", "/api/v1/interventions/"),
        ("notes", f"/students/{s}/"),  # the contact's summary and follow-up, for bk
        ("very_confidential", f"/interventions/{world.ids['intervention']}/"),
        ("other_class", f"/interventions/{world.ids['other_intervention']}/"),
    ):
        assert expected in seen, expected


def test_the_pack_pdf_is_read_and_shows_the_neutral_reason_to_everyone_who_prints_it(world):
    path = f"/students/{world.student.pk}/summary.pdf"
    for name in ("walikelas", "bk", "kepsek"):
        client = Client()
        client.force_login(world.users[name])
        response = client.get(path)
        assert response.status_code == 200, name
        text = as_text(response)
        assert "Sari Rahasia" in text and "Faktor di luar sekolah" in text, name
