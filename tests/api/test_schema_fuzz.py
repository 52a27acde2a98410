"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis),
in-process against the WSGI application, as an authenticated kepsek: no 5xx, and every
answer matches the documented status codes, content type and response schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from smk_dashboard.wsgi import application
from students.models import Role

MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_token(world) -> str:
    return Token.objects.create(user=world.one.users[Role.KEPSEK]).key


@pytest.fixture
def _keep_test_connection():
    """The raw WSGI app closes the database connection after each request, which would end
    the test transaction; Django's own test client suspends that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_token, _keep_test_connection):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        application,
        headers={"Authorization": f"Token {api_token}"},
    )
    # Revoking would end the session the other examples use; tests/api/test_auth_api.py
    # covers revocation.
    return schema.exclude(path_regex=r"auth/token/revoke").exclude(
        method="DELETE", path_regex=r"auth/token/$"
    )


def test_every_api_operation_answers_as_its_schema_says(api_schema, api_token):
    # schemathesis' own pytest plugin (`from_fixture`) does not run under pytest 9, so each
    # operation's strategy is driven by Hypothesis directly; the checks are the same.
    headers = {"Authorization": f"Token {api_token}"}
    failures, exercised = [], []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        exercised.append(operation.label)

        @given(case=operation.as_strategy(GenerationMode.POSITIVE))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            cache.clear()  # throttling would answer 429 to a fast fuzzer, hiding real answers
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collect every operation's failure
            failures.append(f"{operation.label}: {exc}")
    assert len(exercised) >= 12, exercised
    assert not failures, "\n\n".join(failures)
