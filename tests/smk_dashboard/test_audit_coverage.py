"""Every read of student data leaves an audit row (issue 15, item 3). The walker goes over
the URL patterns of the permission allow-list: each route whose URL names a student, a
class or an intervention, and each list of students, is requested with GET by every role
the allow-list lets in, and at least one AuditEvent must appear for that request."""

import pytest
from django.test import Client

from predictions.models import TrainingRun
from smk_dashboard.core.models import AuditEvent
from students.models import ImportBatch, Role
from tests.smk_dashboard.parents import allow_list as issue24
from tests.smk_dashboard.test_url_permissions import (
    ANON,
    _intervention_objects,
    all_patterns,
    build_url,
    expectation,
    seeded,  # noqa: F401  (fixture)
)

# URL parameters that point at one student's data.
STUDENT_OBJECTS = {"student", "school_class", "intervention", "session", "bk_referral"}
# Lists whose rows are named students.
STUDENT_LISTS = {
    "",  # the home pages: top of the risk list, follow-ups, referrals, to-dos (issue 25)
    "api/v1/students/",
    "api/v1/interventions/",
    "api/v1/todos/",
    "students/risk/",
    "interventions/",
    "interventions/caseload/",
    "privacy/requests/",
    *issue24.STUDENT_LISTS,
}


def student_data_routes() -> list[tuple[str, dict]]:
    routes = []
    for route, _args in all_patterns():
        rule = expectation(route)
        if rule is None or rule.get("admin"):
            continue
        if route in STUDENT_LISTS or STUDENT_OBJECTS & set(rule.get("kwargs", {}).values()):
            routes.append((route, rule))
    return routes


def test_the_walker_finds_the_student_data_routes():
    found = {route for route, _rule in student_data_routes()}
    assert {
        "api/v1/students/<int:pk>/grades/",
        "api/v1/students/<int:pk>/attendance/",
        "api/v1/students/<int:pk>/attendance-summary/",
        "api/v1/students/<int:pk>/predictions/",
        "api/v1/classes/<int:pk>/predictions/",
        "api/v1/students/",
        "students/<int:student_id>/",
        "students/risk/",
    } <= found


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
def test_every_student_data_read_writes_an_audit_row(seeded, role):  # noqa: F811
    one, users = seeded
    objects = {
        "student": one.student.pk,
        "school_class": one.school_class.pk,
        "version": one.version.pk,
        "run": TrainingRun.objects.create(school=one.school).pk,
        "prediction": one.student.predictions.first().pk,
        "batch": ImportBatch.objects.create(
            school=one.school,
            created_by=users[Role.OPERATOR],
            kind="roster",
            file_name="siswa.xlsx",
            sha256="0" * 64,
        ).pk,
        **_intervention_objects(one, users[Role.BK]),
        **issue24.seed(one, users),
    }
    client = Client()
    client.force_login(users[role])
    checked, silent = [], []
    for route, rule in student_data_routes():
        expected = rule["expect"][role]
        if 200 not in (expected if isinstance(expected, set) else {expected}):
            continue
        kwargs = {a: objects[name] for a, name in rule.get("kwargs", {}).items()}
        url = build_url(route, kwargs)
        before = AuditEvent.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        checked.append(route)
        if AuditEvent.objects.count() == before:
            silent.append(url)
    assert checked, "no route checked"
    assert not silent, f"{role}: no audit row for " + ", ".join(silent)


def test_a_list_names_the_students_on_the_page_in_one_row(seeded):  # noqa: F811
    one, users = seeded
    client = Client()
    client.force_login(users[Role.BK])
    before = AuditEvent.objects.count()
    client.get("/api/v1/students/", {"page_size": 2})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "student.list"
    assert len(event.detail["student_ids"]) == 2
    assert ANON  # the shared allow-list is the source of truth for who may open what
