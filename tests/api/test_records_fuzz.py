"""The schema fuzz (tests/api/test_schema_fuzz.py) over issue 24's endpoints as the people who
write there: bk (points, void, contacts, letters and their PDF, parents) and a guru recording
points, with the seeded student, entry and letter reachable, not only 403/404. The kepsek's
run in test_schema_fuzz.py covers them for reading roles."""

import datetime as dt

import pytest

from interventions.conduct.services import point_catalogue_seed, point_entry_record
from interventions.contacts.services import letter_create
from interventions.models import Behaviour
from smk_dashboard.core.api_tokens import api_token_issue
from students.models import Role, Student
from tests.api.test_schema_fuzz import (  # noqa: F401  (fixture)
    _keep_test_connection,
    fuzz,
    load_schema,
)

PATHS = r"points|contacts|letters|pkl|parents"


@pytest.fixture
def records(world):
    one = world.one
    bk = one.users[Role.BK]
    point_catalogue_seed(school=one.school)
    Student.objects.filter(pk=one.student.pk).update(parent_phone="+6281234567890")
    entry, _todos = point_entry_record(
        user=bk,
        student=one.student,
        behaviour=Behaviour.objects.get(school=one.school, name="Terlambat"),
        date=dt.date.today(),
    )
    letter = letter_create(
        user=bk,
        student=one.student,
        kind="panggilan",
        date=dt.date.today(),
        subject="Panggilan",
        body="Mohon hadir.",
    )
    return [
        (r"points/\{id\}/void", {"id": entry.pk}),
        (r"letters/\{id\}/pdf", {"id": letter.pk}),
        (r"students/\{id\}/", {"id": one.student.pk}),
    ]


@pytest.mark.parametrize("role", [Role.BK, Role.GURU])
def test_issue_24_endpoints_answer_as_the_schema_says(world, records, role, _keep_test_connection):  # noqa: F811
    token = api_token_issue(user=world.one.users[role])[0]
    schema = load_schema(token).include(path_regex=PATHS)
    exercised, failures = fuzz(schema, token, records)
    assert len(exercised) >= 11, exercised
    assert not failures, "\n\n".join(failures)
