"""Finding 8 (issue 25): numbers a client writes oddly (`1_000`, full-width digits, "²", a
number beyond any database id) in an id or integer parameter are a 400, an ignored filter or a
form error, never a 500. One parser reads them everywhere (smk_dashboard/core/params.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from smk_dashboard.core.params import parse_id
from smk_dashboard.pages.risk.selectors import RiskFilters
from students.models import Role
from tests.api.conftest import build_school

HOSTILE = ["1_000", "１２", "²", "٣", "9" * 40, "-1", "+1", " 1", "1.0", "0x10", "1e3", ""]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("007", 7),
        ("1_000", None),
        ("１２", None),
        ("²", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("9" * 40, None),
        (str(2**63), None),
        ("", None),
        (None, None),
        (12, 12),
    ],
)
def test_the_parser_takes_ascii_digits_within_bounds_only(raw, expected):
    assert parse_id(raw) == expected


@pytest.fixture
def world(db):
    return build_school("")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _requests(world):
    """(role, method, url, data builder) for every integer parameter the pages read."""
    student = world.student.pk
    return [
        (Role.BK, "get", reverse("students:risk"), lambda v: {"class": v}),
        (Role.BK, "get", reverse("students:risk"), lambda v: {"major": v}),
        (Role.BK, "get", reverse("students:risk"), lambda v: {"page": v}),
        (Role.BK, "get", reverse("interventions:create"), lambda v: {"student": v}),
        (
            Role.BK,
            "get",
            reverse("interventions:create"),
            lambda v: {"student": student, "prediction": v},
        ),
        (Role.BK, "get", reverse("interventions:create"), lambda v: {"referral": v}),
        (Role.BK, "post", reverse("interventions:create"), lambda v: {"student": v}),
        (
            Role.BK,
            "get",
            reverse("interventions:letter_create", args=[student]),
            lambda v: {"todo": v},
        ),
        (
            Role.BK,
            "post",
            reverse("interventions:follow_ups_reschedule"),
            lambda v: {"intervention": v, "date": "2026-12-01"},
        ),
        (
            Role.OPERATOR,
            "post",
            reverse("students:import_setup"),
            lambda v: {"action": "assign", "school_class": v, "major": "1"},
        ),
        (
            Role.OPERATOR,
            "post",
            reverse("students:import_setup"),
            lambda v: {"action": "assign_many", "groups": v, "major": "1"},
        ),
        (Role.KEPSEK, "get", reverse("audit:list"), lambda v: {"page": v}),
        (Role.KEPSEK, "get", reverse("predictions:models"), lambda v: {"version": v}),
        (Role.BK, "get", reverse("interventions:list"), lambda v: {"page": v}),
        (Role.BK, "get", reverse("api:student-list"), lambda v: {"class": v}),
        (Role.BK, "get", reverse("api:student-list"), lambda v: {"major": v}),
        (Role.BK, "get", reverse("api:student-list"), lambda v: {"page": v}),
    ]


def test_no_hostile_number_in_any_integer_parameter_is_a_server_error(world):
    clients = {}
    failures = []
    for role, method, url, build in _requests(world):
        client = clients.setdefault(role, _client(world.users[role]))
        for value in HOSTILE:
            response = getattr(client, method)(url, build(value))
            if response.status_code >= 500:
                failures.append((url, build(value), response.status_code))
    assert failures == []


def test_an_oddly_written_class_filter_is_ignored_not_read_as_a_number():
    filters = RiskFilters.from_query({"class": "１２", "major": "1_000", "page": "²"})
    assert (filters.school_class, filters.major, filters.page) == (None, None, 1)


def test_the_api_refuses_full_width_digits_in_an_id_filter(world):
    client = _client(world.users[Role.BK])
    response = client.get(reverse("api:student-list"), {"class": "１２"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/students/{n}/",
        "/students/{n}/summary.pdf",
        "/api/v1/students/{n}/",
        "/interventions/{n}/",
        "/interventions/letters/students/{n}/new/",
    ],
)
def test_an_id_in_the_path_beyond_any_database_integer_is_a_404(world, url):
    response = _client(world.users[Role.BK]).get(url.format(n="9" * 30))
    assert response.status_code == 404
