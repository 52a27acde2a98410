"""Every URL pattern of the project, requested with GET as anonymous and as every role, must
answer what the allow-list below says. A new page cannot be left open by mistake: a pattern
that is not listed fails `test_every_url_pattern_is_in_the_allow_list` until its developer
adds it here with the statuses each role should get."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from interventions.cases.programmes import programme_catalogue_seed
from interventions.conduct.services import point_catalogue_seed, point_entry_record
from interventions.contacts.services import letter_create
from interventions.models import Behaviour, BkReferral, Intervention, InterventionSession
from predictions.models import ScoringRun, TrainingRun
from students.models import ImportBatch, Role
from tests.api.conftest import build_school
from tests.smk_dashboard.parents import allow_list as parents_urls
from tests.smk_dashboard.url_allow_list_todos import ALLOW_LIST_ISSUE_24, todo_objects
from tests.students.factories import UserFactory

ANON = "anon"
ROLES = [ANON, Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.SUDIN]
STAFF_ROLES = [r for r in ROLES if r != ANON]


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def page(allowed, ok=200) -> dict:
    """A signed-in page: anonymous → login redirect, allowed roles → ok, the rest → 403."""
    return {ANON: 302, **{r: ok if r in allowed else 403 for r in STAFF_ROLES}}


def api(allowed, ok=200) -> dict:
    """An API endpoint: anonymous → 401, allowed roles → ok, the rest → 403."""
    return {ANON: 401, **{r: ok if r in allowed else 403 for r in STAFF_ROLES}}


API_STUDENTS = {Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK}
VIEWERS = {Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK}
MODEL_QUALITY = {Role.KEPSEK, Role.BK, Role.OPERATOR}
PRIVACY = {Role.OPERATOR, Role.KEPSEK}
SIGNED_IN = set(STAFF_ROLES)
INTERVENTION_VIEWERS = {Role.BK, Role.WALIKELAS, Role.KEPSEK}
IMPORTERS = {Role.OPERATOR, Role.WALIKELAS, Role.GURU}
POST_ONLY = {ANON: 302, **dict.fromkeys(STAFF_ROLES, 405)}
OPERATOR_BATCH = {**page({Role.OPERATOR}), Role.GURU: 404, Role.WALIKELAS: 404}
API_POST_ONLY = {ANON: 401, **dict.fromkeys(STAFF_ROLES, 405)}

# route (as Django joins it) → {"expect": {role: status or set of statuses}, "kwargs": {...}}
# kwargs name an object of the seeded school: student, school_class, version.
ALLOW_LIST: dict[str, dict] = {
    "": {"expect": page(SIGNED_IN)},
    "healthz": {"expect": everyone(200)},
    "readyz": {"expect": everyone({200, 503})},
    "accounts/login/": {"expect": everyone(200)},
    "accounts/logout/": {"expect": everyone(405)},  # POST only
    "accounts/2fa/": {"expect": page(SIGNED_IN)},
    # Without a device there is no code to ask for: on to enrolment (anonymous: to login).
    "accounts/2fa/verify/": {"expect": everyone(302)},
    "accounts/enrolment-codes/": {"expect": page({Role.OPERATOR, Role.KEPSEK})},  # issue 25
    "favicon.ico": {"expect": everyone(302)},
    "i18n/setlang/": {"expect": everyone(302)},
    "api/v1/": {"expect": api(SIGNED_IN)},
    "api/v1/auth/token/": {"expect": {ANON: 401, **dict.fromkeys(STAFF_ROLES, 405)}},
    "api/v1/auth/token/revoke/": {"expect": {ANON: 401, **dict.fromkeys(STAFF_ROLES, 405)}},
    "api/v1/students/": {"expect": api(API_STUDENTS)},
    "api/v1/students/<int:pk>/": {"expect": api(API_STUDENTS), "kwargs": {"pk": "student"}},
    "api/v1/students/<int:pk>/grades/": {
        "expect": api(API_STUDENTS),
        "kwargs": {"pk": "student"},
    },
    "api/v1/students/<int:pk>/attendance/": {
        "expect": api(API_STUDENTS),
        "kwargs": {"pk": "student"},
    },
    "api/v1/students/<int:pk>/attendance-summary/": {
        "expect": api(API_STUDENTS),
        "kwargs": {"pk": "student"},
    },
    "api/v1/students/<int:pk>/predictions/": {
        "expect": api(VIEWERS),
        "kwargs": {"pk": "student"},
    },
    "api/v1/classes/": {"expect": api(API_STUDENTS)},
    "api/v1/classes/<int:pk>/predictions/": {
        "expect": api(VIEWERS),
        "kwargs": {"pk": "school_class"},
    },
    "api/v1/model-versions/": {"expect": api(MODEL_QUALITY)},
    "api/v1/model-versions/<int:pk>/": {
        "expect": api(MODEL_QUALITY),
        "kwargs": {"pk": "version"},
    },
    # Writes of the API (POST only): the role check comes with the POST.
    "api/v1/model-versions/<int:pk>/promote/": {
        "expect": API_POST_ONLY,
        "kwargs": {"pk": "version"},
    },
    "api/v1/training-runs/": {"expect": API_POST_ONLY},
    "api/v1/training-runs/<int:pk>/": {"expect": api({Role.OPERATOR}), "kwargs": {"pk": "run"}},
    "api/v1/scoring-runs/<int:pk>/": {
        "expect": api({Role.OPERATOR}),
        "kwargs": {"pk": "scoring"},
    },
    "api/v1/scoring-runs/<int:pk>/confirm/": {
        "expect": API_POST_ONLY,
        "kwargs": {"pk": "scoring"},
    },
    "api/v1/imports/": {"expect": API_POST_ONLY},
    "api/v1/imports/<int:pk>/": {
        # Uploaded by the operator: teachers who may import get 404 (not theirs).
        "expect": {**api({Role.OPERATOR}), Role.GURU: 404, Role.WALIKELAS: 404},
        "kwargs": {"pk": "batch"},
    },
    "api/v1/imports/<int:pk>/confirm/": {"expect": API_POST_ONLY, "kwargs": {"pk": "batch"}},
    "api/v1/interventions/": {"expect": api(INTERVENTION_VIEWERS)},
    "api/v1/interventions/<int:pk>/": {
        "expect": api(INTERVENTION_VIEWERS),
        "kwargs": {"pk": "intervention"},
    },
    "api/v1/interventions/<int:pk>/start/": {
        "expect": API_POST_ONLY,
        "kwargs": {"pk": "intervention"},
    },
    "api/v1/interventions/<int:pk>/close/": {
        "expect": API_POST_ONLY,
        "kwargs": {"pk": "intervention"},
    },
    "api/v1/interventions/<int:pk>/sessions/": {
        "expect": api(INTERVENTION_VIEWERS),
        "kwargs": {"pk": "intervention"},
    },
    # One session with its notes: bk of the school (here also the owner) only.
    "api/v1/interventions/<int:pk>/sessions/<int:session_pk>/": {
        "expect": api({Role.BK}),
        "kwargs": {"pk": "intervention", "session_pk": "session"},
    },
    "api/schema/": {"expect": api(SIGNED_IN)},
    "api/docs/": {"expect": api(SIGNED_IN)},
    "audit/": {"expect": page(PRIVACY)},
    "privacy/": {"expect": page(PRIVACY)},
    "privacy/research-export/": {"expect": page(PRIVACY)},
    "privacy/requests/": {"expect": page(PRIVACY)},  # requests for a copy (issue 25)
    "privacy/students/<int:pk>/request/": {"expect": POST_ONLY, "kwargs": {"pk": "student"}},
    "privacy/students/<int:pk>/": {"expect": page(PRIVACY), "kwargs": {"pk": "student"}},
    "privacy/students/<int:pk>/consent/": {
        "expect": POST_ONLY,  # POST only
        "kwargs": {"pk": "student"},
    },
    "privacy/students/<int:pk>/export.json": {
        "expect": page(PRIVACY),
        "kwargs": {"pk": "student"},
    },
    "privacy/students/<int:pk>/export.pdf": {
        "expect": page(PRIVACY),
        "kwargs": {"pk": "student"},
    },
    "privacy/students/<int:pk>/rectify/": {
        "expect": page({Role.OPERATOR}),
        "kwargs": {"pk": "student"},
    },
    "privacy/students/<int:pk>/anonymise/": {
        "expect": page(PRIVACY),
        "kwargs": {"pk": "student"},
    },
    # Prometheus metrics: open to loopback (the test client's address) or a bearer token.
    "metrics": {"expect": everyone(200)},
    # Imports (issue 3): the batch below was uploaded by the operator, so teachers who may
    # import get 404 for it (not theirs), other roles 403.
    "students/imports/": {"expect": page(IMPORTERS)},
    "students/imports/setup/": {"expect": page({Role.OPERATOR})},
    "students/dapodik/": {"expect": page({Role.OPERATOR})},
    "students/indicators/": {"expect": page({Role.OPERATOR, Role.KEPSEK})},
    "students/imports/<int:pk>/": {"expect": OPERATOR_BATCH, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/mapping/": {"expect": POST_ONLY, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/confirm/": {"expect": POST_ONLY, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/identity/": {"expect": POST_ONLY, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/discard/": {"expect": POST_ONLY, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/refresh/": {"expect": POST_ONLY, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/status/": {"expect": OPERATOR_BATCH, "kwargs": {"pk": "batch"}},
    "students/imports/<int:pk>/errors.xlsx": {
        # This batch has no row errors, so there is no report to download.
        "expect": {**OPERATOR_BATCH, Role.OPERATOR: 404},
        "kwargs": {"pk": "batch"},
    },
    "students/imports/template/<str:kind>.xlsx": {
        "expect": page(IMPORTERS),
        "kwargs": {"kind": "kind"},
    },
    # Pages of issue 5.
    "students/risk/": {"expect": page(VIEWERS)},
    "students/<int:student_id>/": {"expect": page(VIEWERS), "kwargs": {"student_id": "student"}},
    # The one-page pack: bk, the student's walikelas, kepsek; 404 for every other role.
    "students/<int:student_id>/summary.pdf": {
        "expect": {
            ANON: 302,
            **{r: 200 if r in {Role.BK, Role.WALIKELAS, Role.KEPSEK} else 404 for r in STAFF_ROLES},
        },
        "kwargs": {"student_id": "student"},
    },
    "predictions/models/": {"expect": page(MODEL_QUALITY)},
    "predictions/<int:prediction_id>/feedback/": {
        "expect": everyone(405),  # POST only (checked before login; reveals nothing)
        "kwargs": {"prediction_id": "prediction"},
    },
    "reports/school/": {"expect": page({Role.KEPSEK, Role.OPERATOR})},
    "reports/district/": {"expect": page({Role.SUDIN})},
    # Training (operator only); promote is POST only.
    "predictions/training/": {"expect": page({Role.OPERATOR})},
    "predictions/training/<int:run_id>/": {
        "expect": page({Role.OPERATOR}),
        "kwargs": {"run_id": "run"},
    },
    "predictions/training/<int:run_id>/status/": {
        "expect": page({Role.OPERATOR}),
        "kwargs": {"run_id": "run"},
    },
    # Confirming a switch of the active model (operator only); the prediction state (JSON
    # counts of the user's own students) for every signed-in user.
    "predictions/scoring/<int:scoring_id>/": {
        "expect": page({Role.OPERATOR}),
        "kwargs": {"scoring_id": "scoring"},
    },
    "predictions/status/": {"expect": page(SIGNED_IN)},
    "predictions/versions/<int:version_id>/promote/": {
        "expect": POST_ONLY,
        "kwargs": {"version_id": "version"},
    },
    # Interventions: viewers see them; the owner (bk here) manages them and their sessions.
    "interventions/": {"expect": page(INTERVENTION_VIEWERS)},
    "interventions/new/": {"expect": page({Role.BK, Role.WALIKELAS})},
    "interventions/caseload/": {"expect": page(INTERVENTION_VIEWERS)},
    "interventions/caseload/reschedule/": {"expect": page(INTERVENTION_VIEWERS, ok=405)},
    "interventions/effectiveness/": {"expect": page({Role.BK, Role.KEPSEK, Role.OPERATOR})},
    "interventions/programmes/": {"expect": page({Role.BK, Role.OPERATOR})},
    "interventions/programmes/seed/": {
        "expect": {ANON: 302, **page({Role.BK, Role.OPERATOR}, ok=405)},
    },
    "interventions/programmes/<int:pk>/": {
        "expect": page({Role.BK, Role.OPERATOR}),
        "kwargs": {"pk": "programme"},
    },
    # Conduct points (issue 17): bk keeps the catalogue; teachers and bk record; bk and kepsek
    # void; a to-do is closed with a POST.
    "interventions/points/catalogue/": {"expect": page({Role.BK})},
    "interventions/points/catalogue/seed/": {"expect": page({Role.BK}, ok=405)},
    "interventions/points/behaviours/<int:pk>/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "behaviour"},
    },
    "interventions/points/thresholds/<int:pk>/delete/": {
        "expect": page({Role.BK}, ok=405),
        "kwargs": {"pk": "threshold"},
    },
    "interventions/points/students/<int:student_id>/new/": {
        "expect": page({Role.GURU, Role.WALIKELAS, Role.BK}),
        "kwargs": {"student_id": "student"},
    },
    "interventions/points/<int:pk>/void/": {
        "expect": page({Role.BK, Role.KEPSEK}),
        "kwargs": {"pk": "point_entry"},
    },
    "interventions/points/todos/<int:pk>/done/": {
        "expect": POST_ONLY,
        "kwargs": {"pk": "point_todo"},
    },
    # Parent contact and letters: bk and the student's walikelas write; kepsek may print.
    "interventions/contacts/students/<int:student_id>/new/": {
        "expect": page({Role.BK, Role.WALIKELAS}),
        "kwargs": {"student_id": "student"},
    },
    "interventions/letters/students/<int:student_id>/new/": {
        "expect": page({Role.BK, Role.WALIKELAS}),
        "kwargs": {"student_id": "student"},
    },
    "interventions/letters/<int:pk>.pdf": {
        "expect": page({Role.BK, Role.WALIKELAS, Role.KEPSEK}),
        "kwargs": {"pk": "letter"},
    },
    "interventions/letters/templates/": {"expect": page({Role.BK})},
    "interventions/letters/templates/<str:kind>/": {
        "expect": page({Role.BK}),
        "kwargs": {"kind": "letter_kind"},
    },
    # Referrals to bk (issue 14): guru and walikelas refer; bk declines (issue 24's list).
    "interventions/referrals/students/<int:student_id>/new/": {
        "expect": page({Role.GURU, Role.WALIKELAS}),
        "kwargs": {"student_id": "student"},
    },
    "interventions/<int:pk>/": {
        "expect": page(INTERVENTION_VIEWERS),
        "kwargs": {"pk": "intervention"},
    },
    "interventions/<int:pk>/start/": {
        "expect": page(INTERVENTION_VIEWERS, ok=405),
        "kwargs": {"pk": "intervention"},
    },
    "interventions/<int:pk>/sessions/new/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "intervention"},
    },
    "interventions/<int:pk>/sessions/<int:session_pk>/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "intervention", "session_pk": "session"},
    },
    # A referral out's status and outcome: managers who may read it (bk, the owner, here).
    "interventions/<int:pk>/sessions/<int:session_pk>/referral/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "intervention", "session_pk": "referral"},
    },
    "interventions/<int:pk>/close/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "intervention"},
    },
    "interventions/<int:pk>/delete/": {
        "expect": page({Role.BK}),
        "kwargs": {"pk": "intervention"},
    },
}
ALLOW_LIST.update(ALLOW_LIST_ISSUE_24)
ALLOW_LIST.update(parents_urls.ALLOW)  # tests/smk_dashboard/parents/allow_list.py
# Django admin: its own staff check. No role account is staff, so everything redirects to the
# admin login, except the login page itself.
ADMIN_PREFIX = "admin/"
ADMIN_OVERRIDES = {"admin/login/": everyone(200)}
ADMIN_DEFAULT = everyone(302)
# "pk": django-otp admin, a device's config and QR code pages.
ADMIN_KWARGS = {"app_label": "students", "object_id": "1", "pk": "1", "id": "1"}
ADMIN_KWARGS |= {"content_type_id": 1, "url": "nothing-here/"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """Yield (route, parameter names) for every pattern, nested ones included."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from walk(entry, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, list(entry.pattern.regex.groupindex)


def build_url(route: str, kwargs: dict) -> str:
    """Fill a joined route (path converters and regex groups alike) with concrete values."""
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "")


def all_patterns() -> list[tuple[str, list[str]]]:
    return list(walk(get_resolver()))


def expectation(route: str) -> dict | None:
    if route in ALLOW_LIST:
        return ALLOW_LIST[route]
    if route in ADMIN_OVERRIDES:
        return {"expect": ADMIN_OVERRIDES[route]}
    if route.startswith(ADMIN_PREFIX) or route.startswith("^" + ADMIN_PREFIX):
        return {"expect": ADMIN_DEFAULT, "kwargs": ADMIN_KWARGS, "admin": True}
    return None


def test_every_url_pattern_is_in_the_allow_list():
    unknown = [route for route, _args in all_patterns() if expectation(route) is None]
    assert not unknown, (
        "These URL patterns are not in the allow-list of "
        "tests/smk_dashboard/test_url_permissions.py. Add each one to ALLOW_LIST with the "
        "status every role (and anonymous) must get, e.g. page({Role.BK}) or "
        "api({Role.KEPSEK}), and `kwargs` naming the seeded object for its URL parameters:\n  "
        + "\n  ".join(unknown)
    )


@pytest.fixture
def seeded(db):
    one = build_school("")
    users = dict(one.users)
    users[Role.SUDIN] = UserFactory(role=Role.SUDIN, school=None, district="Jakarta Barat")
    return one, users


def _intervention_objects(one, bk) -> dict:
    programme = programme_catalogue_seed(school=one.school)[0]
    intervention = Intervention.objects.create(
        student=one.student,
        programme=programme,
        reason="uji",
        owner=bk,
        start_date=dt.date(2025, 1, 6),
    )
    session = InterventionSession.objects.create(
        intervention=intervention, date=dt.date(2025, 1, 7), notes="rahasia", created_by=bk
    )
    referral = InterventionSession.objects.create(
        intervention=intervention,
        date=dt.date(2025, 1, 8),
        created_by=bk,
        kind="referral",
        referral_to="Puskesmas",
        referral_reason="uji",
        referral_status="sent",
    )
    return {
        "programme": programme.pk,
        "intervention": intervention.pk,
        "session": session.pk,
        "referral": referral.pk,
        **_counselling_objects(one, bk),
    }


def _counselling_objects(one, bk) -> dict:
    """Rows of issue 17 (points, contacts, letters) for the seeded student."""
    point_catalogue_seed(school=one.school)
    behaviour = Behaviour.objects.filter(school=one.school, points__gte=50).first()
    entry, (todo,) = point_entry_record(
        user=bk, student=one.student, behaviour=behaviour, date=dt.date(2025, 1, 8)
    )
    letter = letter_create(
        user=bk,
        student=one.student,
        kind="panggilan",
        date=dt.date.today(),
        subject="Panggilan",
        body="Mohon hadir.",
        todo=todo,
    )
    bk_referral = BkReferral.objects.create(
        school=one.school, student=one.student, referred_by=bk, reason="uji"
    )
    return {
        "bk_referral": bk_referral.pk,
        "letter": letter.pk,
        "letter_kind": "panggilan",
        "behaviour": behaviour.pk,
        "threshold": todo.threshold_id,
        "point_entry": entry.pk,
        "point_todo": todo.pk,
        **todo_objects(one, bk),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_url_answers_each_role_as_the_allow_list_says(seeded, role):
    one, users = seeded
    objects = {
        "student": one.student.pk,
        "school_class": one.school_class.pk,
        "version": one.version.pk,
        "run": TrainingRun.objects.create(school=one.school).pk,
        "scoring": ScoringRun.objects.create(
            school=one.school, model_version=one.version, purpose="switch"
        ).pk,
        "prediction": one.student.predictions.first().pk,
        "batch": ImportBatch.objects.create(
            school=one.school,
            created_by=users[Role.OPERATOR],
            kind="roster",
            file_name="siswa.xlsx",
            sha256="0" * 64,
        ).pk,
        "kind": "roster",
        **_intervention_objects(one, users[Role.BK]),
        **parents_urls.seed(one, users),
    }
    client = Client()
    if role != ANON:
        client.force_login(users[role])
    mismatches = []
    for route, args in all_patterns():
        rule = expectation(route)
        if rule is None:
            continue  # reported by test_every_url_pattern_is_in_the_allow_list
        spec = rule.get("kwargs", {})
        if rule.get("admin"):
            kwargs = {a: spec[a] for a in args}
        else:
            missing = [a for a in args if a not in spec]
            if missing:
                mismatches.append(f"{route}: allow-list entry needs kwargs for {missing}")
                continue
            kwargs = {a: objects[spec[a]] for a in args}
        url = build_url(route, kwargs)
        expected = rule["expect"][role]
        expected = expected if isinstance(expected, set) else {expected}
        status = client.get(url).status_code
        if status not in expected:
            mismatches.append(
                f"{route} ({url}) as {role}: got {status}, allowed {sorted(expected)}"
            )
    assert not mismatches, "\n".join(mismatches)
