"""The risk list is cached (issue 14: fast under load) and still never shows a stale or foreign
page: its key follows the school's data, the user's scope, the filters and the language."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interventions.cases.services import intervention_create
from interventions.models import Programme, Status
from predictions import services as prediction_services
from predictions.models import Prediction, ScoringPurpose, ScoringRun, ScoringStatus
from smk_dashboard.core.models import AuditEvent
from students.models import Role, Student
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
)

pytestmark = pytest.mark.django_db
URL = "/students/risk/"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def names(response) -> list[str]:
    """Student names in the table rows of the page (read from the HTML: a cached page has no
    template context)."""
    html = response.content.decode()
    table = html[html.index('data-testid="risk-table"') :]
    return re.findall(r'<tr data-testid="risk-row">\s*<td><a href="[^"]+">([^<]+)</a>', table)


@pytest.fixture
def school_with_list(school):
    version = ModelVersionFactory(school=school, is_active=True)
    x1, x2 = (
        SchoolClassFactory(school=school, name="X TKJ 1"),
        SchoolClassFactory(school=school, name="X TKJ 2"),
    )
    ani = StudentFactory(school=school, school_class=x1, name="Ani")
    budi = StudentFactory(school=school, school_class=x2, name="Budi")
    PredictionFactory(student=ani, model_version=version, category="kurang")
    PredictionFactory(student=budi, model_version=version, category="sedang")
    return {"version": version, "x1": x1, "x2": x2, "ani": ani, "budi": budi}


def test_a_second_request_is_served_from_the_cache_without_the_list_queries(
    make_user, school, school_with_list
):
    c = client_for(make_user(Role.BK, school=school))
    with CaptureQueriesContext(connection) as first:
        assert names(c.get(URL)) == ["Ani", "Budi"]
    with CaptureQueriesContext(connection) as second:
        again = c.get(URL)
    assert names(again) == ["Ani", "Budi"]
    assert "risk" not in (again.context or {})  # the list was not built again
    assert len(second.captured_queries) < len(first.captured_queries) - 5
    assert not any("predictions_prediction" in q["sql"] for q in second.captured_queries)


def test_a_new_scoring_shows_the_new_list_at_once(make_user, school, school_with_list):
    c = client_for(make_user(Role.BK, school=school))
    assert names(c.get(URL, {"category": "kurang"})) == ["Ani"]
    scoring = ScoringRun.objects.create(
        school=school,
        model_version=school_with_list["version"],
        purpose=ScoringPurpose.REFRESH,
        status=ScoringStatus.RUNNING,
    )
    assert names(c.get(URL, {"category": "kurang"})) == ["Ani"]  # cached again
    old = Prediction.objects.get(student=school_with_list["ani"])
    # The same version and term is replaced (no model signal for either write).
    Prediction.objects.filter(model_version=school_with_list["version"]).delete()
    Prediction.objects.bulk_create(
        [
            Prediction(
                student=s,
                term=old.term,
                based_on_term=old.based_on_term,
                model_version=school_with_list["version"],
                scoring=scoring,
                category=cat,
                p_kurang=p,
                p_sedang=0.1,
                p_baik=0.9 - p,
                factors=[],
                is_current=False,
            )
            for s, cat, p in (
                (school_with_list["ani"], "baik", 0.05),
                (school_with_list["budi"], "kurang", 0.8),
            )
        ]
    )
    prediction_services.scoring_publish(scoring=scoring)
    assert names(c.get(URL, {"category": "kurang"})) == ["Budi"]


def test_a_narrower_scope_never_gets_the_page_cached_for_a_wider_one(
    make_user, school, school_with_list
):
    bk = make_user(Role.BK, school=school)
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=school_with_list["x1"])
    other_guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=other_guru, school_class=school_with_list["x2"])
    walikelas = make_user(Role.WALIKELAS, school=school)
    school_with_list["x2"].homeroom_teacher = walikelas
    school_with_list["x2"].save()
    assert names(client_for(bk).get(URL)) == ["Ani", "Budi"]
    assert names(client_for(guru).get(URL)) == ["Ani"]
    # Same role and school, another class: their own list, not the first guru's.
    assert names(client_for(other_guru).get(URL)) == ["Budi"]
    assert names(client_for(walikelas).get(URL)) == ["Budi"]
    # A new teaching assignment widens the guru's list at once.
    TeachingAssignmentFactory(teacher=guru, school_class=school_with_list["x2"])
    assert names(client_for(guru).get(URL)) == ["Ani", "Budi"]


def test_another_school_never_gets_this_schools_cached_page(
    make_user, school, other_school, school_with_list
):
    assert names(client_for(make_user(Role.BK, school=school)).get(URL)) == ["Ani", "Budi"]
    # the other school has no model: its list is the indicator flags (issue 26), never ours
    other = client_for(make_user(Role.BK, school=other_school)).get(URL).content.decode()
    assert 'data-testid="indicator-flags"' in other
    assert ">Ani<" not in other and ">Budi<" not in other


def test_an_intervention_or_a_student_change_shows_at_once(make_user, school, school_with_list):
    bk = make_user(Role.BK, school=school)
    c = client_for(bk)
    assert 'data-testid="row-new-intervention"' in c.get(URL).content.decode()
    programme = Programme.objects.create(school=school, name="Konseling individual", tier=2)
    intervention = intervention_create(
        user=bk,
        student=school_with_list["ani"],
        programme=programme,
        reason="Alpa berulang",
        start_date=dt.date(2026, 2, 2),
    )
    page = c.get(URL).content.decode()
    assert str(Status(intervention.status).label) in page
    assert page.count('data-testid="row-new-intervention"') == 1  # Budi only
    # A roster import writes students in bulk; a single save (admin, form) also counts.
    Student.objects.filter(pk=school_with_list["budi"].pk).update(name="Budi Santoso")
    school_with_list["budi"].refresh_from_db()
    school_with_list["budi"].save()
    assert "Budi Santoso" in c.get(URL).content.decode()


def test_filters_pages_and_language_each_have_their_own_page(make_user, school, school_with_list):
    c = client_for(make_user(Role.BK, school=school))
    assert names(c.get(URL)) == ["Ani", "Budi"]
    assert names(c.get(URL, {"category": "sedang"})) == ["Budi"]
    assert names(c.get(URL, {"sort": "-name"})) == ["Budi", "Ani"]
    c.cookies["django_language"] = "en"
    english = c.get(URL).content.decode()
    assert re.search(r'<h1 class="h3">([^<]+)</h1>', english).group(1) != "Daftar perhatian"
    c.cookies["django_language"] = "id"
    assert "Daftar perhatian" in c.get(URL).content.decode()


def test_a_cached_page_carries_the_requesting_users_csrf_token_and_name(
    make_user, school, school_with_list
):
    first = make_user(Role.BK, school=school, username="bk_pagi")
    second = make_user(Role.BK, school=school, username="bk_siang")
    client_for(first).get(URL)
    c = Client(enforce_csrf_checks=True)
    c.force_login(second)
    page = c.get(URL)
    html = page.content.decode()
    assert "bk_siang" in html and "bk_pagi" not in html
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert tokens
    secret = c.cookies["csrftoken"].value
    assert all(_does_token_match(t, secret) for t in tokens)


def test_every_cached_page_shown_is_still_in_the_audit_trail(make_user, school, school_with_list):
    c = client_for(make_user(Role.BK, school=school))
    c.get(URL)
    c.get(URL)
    events = AuditEvent.objects.filter(action="student.list").order_by("id")
    assert [e.detail["student_ids"] for e in events] == [
        [school_with_list["ani"].id, school_with_list["budi"].id]
    ] * 2


def test_the_page_works_when_the_cache_is_unreachable(
    make_user, school, school_with_list, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    c = client_for(make_user(Role.BK, school=school))
    assert names(c.get(URL)) == ["Ani", "Budi"]
    assert names(c.get(URL)) == ["Ani", "Budi"]


def test_a_signed_in_user_is_loaded_with_their_school_in_one_query(make_user, school):
    """The page cache's hit path: the navbar's school name and the audit entry's school come
    with the user (smk_dashboard.signin.backends.SchoolUserBackend), not from a query each."""
    make_user(Role.BK, school=school, username="bk_login")
    c = Client()
    response = c.post("/accounts/login/", {"username": "bk_login", "password": "rahasia-uji-123"})
    assert response.status_code == 302, response.content
    with CaptureQueriesContext(connection) as queries:
        assert c.get(URL).status_code == 200
    assert not any('FROM "students_school"' in q["sql"] for q in queries.captured_queries)


def test_an_objection_to_automated_decisions_removes_the_student_at_once(
    make_user, school, school_with_list
):
    from smk_dashboard.pages.privacy.services import student_consent_record

    c = client_for(make_user(Role.BK, school=school))
    assert names(c.get(URL)) == ["Ani", "Budi"]
    student_consent_record(
        actor=make_user(Role.OPERATOR, school=school),
        student=school_with_list["ani"],
        consent="given",
        objects_to_automated_decisions=True,
    )
    assert names(c.get(URL)) == ["Budi"]


def test_a_users_second_request_is_their_whole_page_with_a_fresh_csrf_token(
    make_user, school, school_with_list
):
    user = make_user(Role.BK, school=school, username="bk_ulang")
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    first = c.get(URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = c.get(URL).content.decode()
    # The user and the audit entry; the session comes from the cache
    # (smk_dashboard.signin.sessions).
    assert len(queries.captured_queries) <= 2, [q["sql"] for q in queries.captured_queries]
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert names(c.get(URL)) == ["Ani", "Budi"] and "bk_ulang" in second
    secret = c.cookies["csrftoken"].value
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)
    assert tokens and all(_does_token_match(t, secret) for t in tokens)
    assert tokens != re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)
    assert "csrf-token-of-this-answer" not in second


def test_a_waiting_message_is_shown_not_a_stored_page(make_user, school, school_with_list):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    c = client_for(make_user(Role.BK, school=school))
    c.get(URL)
    c.get(URL)  # this user's page is stored now
    storage = CookieStorage(HttpRequest())
    c.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Rujukan diterima")])
    assert "Rujukan diterima" in c.get(URL).content.decode()
    assert "Rujukan diterima" not in c.get(URL).content.decode()


def test_a_renamed_user_gets_their_new_name_on_the_stored_page(make_user, school, school_with_list):
    user = make_user(Role.BK, school=school, username="bk_lama")
    c = client_for(user)
    c.get(URL)
    assert "bk_lama" in c.get(URL).content.decode()
    user.username = "bk_baru"
    user.save()
    page = c.get(URL).content.decode()
    assert "bk_baru" in page and "bk_lama" not in page


def test_a_stale_fragment_is_rendered_by_one_request_while_the_others_wait(school):
    """Many users asking for a list that just went stale: one renders, the others get its
    result instead of rendering the same list at once."""
    import threading

    from django.core.cache import cache

    from smk_dashboard.core import page_cache

    version = page_cache.school_version(school.id)
    key = page_cache.fragment_key("risk", school.id, {"test": 1})
    assert cache.add(f"{key}:rendering:{version}", 1, timeout=10)  # someone else renders it
    timer = threading.Timer(
        0.2, lambda: page_cache.fragment_set(key, {"html": "theirs"}, version=version, ttl=60)
    )
    timer.start()
    renders = []
    value = page_cache.render_once(key, school.id, version, lambda: renders.append(1) or "mine")
    timer.join()
    assert value == {"html": "theirs"} and renders == []
    # Nobody finishes within the wait: render here rather than fail.
    other = page_cache.fragment_key("risk", school.id, {"test": 2})
    assert cache.add(f"{other}:rendering:{version}", 1, timeout=10)
    assert page_cache.render_once(other, school.id, version, lambda: "mine", wait=0.1) == "mine"


def test_with_the_cache_time_at_zero_every_answer_renders_the_list(
    make_user, school, school_with_list, settings
):
    settings.RISK_PAGE_CACHE_SECONDS = 0
    c = client_for(make_user(Role.BK, school=school))
    for _ in range(2):
        response = c.get(URL)
        assert response.context["risk"].rows and names(response) == ["Ani", "Budi"]
