"""Issue 24, item 11 (part): to-dos and notifications in /api/v1/, with the pages' rules: only
what the caller may see (404 otherwise), the decision's text only for those who may read it,
every change audited, pages of results; and the new operations fuzzed against their schema."""

import datetime as dt

import pytest

from interventions.actions import services
from interventions.actions.models import ActionItem
from smk_dashboard.core.api_tokens import api_token_issue
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.notifications import Notification
from students.models import Role
from tests.api.test_schema_fuzz import _keep_test_connection, fuzz, load_schema  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def todo(world):
    one = world.one
    return services.action_item_create(
        student=one.student,
        owner=one.users[Role.WALIKELAS],
        source="decision",
        text="Telepon ibu tentang presensi",
        due_date=TODAY + dt.timedelta(days=3),
        created_by=one.users[Role.BK],
    )


def test_the_owner_lists_marks_done_and_the_change_is_audited(world, todo, api_client_for):
    wali = world.one.users[Role.WALIKELAS]
    client = api_client_for(wali)
    page = client.get("/api/v1/todos/").json()
    assert page["count"] == 1
    [row] = page["results"]
    assert (row["id"], row["text"], row["owner"]["id"], row["status"], row["can_act"]) == (
        todo.pk, "Telepon ibu tentang presensi", wali.pk, "open", True,
    )  # fmt: skip
    done = client.post(f"/api/v1/todos/{todo.pk}/done/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert AuditEvent.objects.filter(action="todo.done", user=wali).exists()
    assert client.get("/api/v1/todos/").json()["count"] == 0
    assert client.get("/api/v1/todos/?status=done").json()["count"] == 1


def test_others_see_the_to_do_without_its_text_or_not_at_all(world, todo, api_client_for):
    kepsek = api_client_for(world.one.users[Role.KEPSEK])
    [row] = kepsek.get("/api/v1/todos/?scope=all").json()["results"]
    assert row["text"] is None and row["can_act"] is False
    assert kepsek.post(f"/api/v1/todos/{todo.pk}/done/").status_code == 400
    guru = api_client_for(world.one.users[Role.GURU])
    assert guru.get("/api/v1/todos/?scope=all").json()["count"] == 0
    assert guru.post(f"/api/v1/todos/{todo.pk}/done/").status_code == 404
    other_school = api_client_for(world.two.users[Role.BK])
    assert other_school.post(f"/api/v1/todos/{todo.pk}/reschedule/", {}).status_code == 404
    assert api_client_for(world.sudin).get("/api/v1/todos/").status_code == 403
    todo.refresh_from_db()
    assert todo.status == "open"


def test_reassign_and_reschedule_check_their_input(world, todo, api_client_for):
    bk = api_client_for(world.one.users[Role.BK])
    stranger = world.two.users[Role.GURU]
    bad = bk.post(f"/api/v1/todos/{todo.pk}/reassign/", {"owner": stranger.pk})
    assert bad.status_code == 400 and "staf sekolah ini" in bad.json()["detail"]
    guru = world.one.users[Role.GURU]
    moved = bk.post(f"/api/v1/todos/{todo.pk}/reassign/", {"owner": guru.pk})
    assert moved.status_code == 200 and moved.json()["owner"]["id"] == guru.pk
    past = bk.post(f"/api/v1/todos/{todo.pk}/reschedule/", {"due_date": "2000-01-01"})
    assert past.status_code == 400
    assert ActionItem.objects.get().owner == guru


def test_notifications_are_the_callers_own_and_are_marked_read(world, todo, api_client_for):
    wali = api_client_for(world.one.users[Role.WALIKELAS])
    page = wali.get("/api/v1/notifications/?unread=true").json()
    assert page["count"] == 1 and "Telepon" not in page["results"][0]["text"]
    assert (
        api_client_for(world.one.users[Role.GURU]).get("/api/v1/notifications/").json()["count"]
        == 0
    )
    other = Notification.objects.create(user=world.one.users[Role.GURU], kind="note", text="x")
    assert wali.post("/api/v1/notifications/read/", {"ids": [other.pk]}, format="json").json() == {
        "marked": 0
    }
    assert wali.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert wali.get("/api/v1/notifications/?unread=true").json()["count"] == 0


@pytest.mark.usefixtures("_keep_test_connection")
def test_todo_and_notification_operations_answer_as_the_schema_says(world, todo):
    token = api_token_issue(user=world.one.users[Role.BK])[0]
    schema = load_schema(token).include(path_regex=r"todos|notifications")
    exercised, failures = fuzz(schema, token, [(r"todos/\{", {"id": todo.pk})])
    assert len(exercised) == 6, exercised
    assert not failures, "\n\n".join(failures)
