"""Allow-list entries of issue 24 (to-dos, notifications, the referral decline page), kept
beside test_url_permissions.py so that file stays readable; it merges them into ALLOW_LIST."""

import datetime as dt

from interventions.actions import services as action_services
from students.models import Role

ANON = "anon"
STAFF_ROLES = [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.SUDIN]
TODO_USERS = {Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK}
SIGNED_IN = set(STAFF_ROLES)


def _page(allowed, ok=200) -> dict:
    return {ANON: 302, **{r: ok if r in allowed else 403 for r in STAFF_ROLES}}


def _api(allowed, ok=200) -> dict:
    return {ANON: 401, **{r: ok if r in allowed else 403 for r in STAFF_ROLES}}


POST_ONLY = {ANON: 302, **dict.fromkeys(STAFF_ROLES, 405)}
API_POST_ONLY = {ANON: 401, **dict.fromkeys(STAFF_ROLES, 405)}
TODO = {"pk": "action_item"}

ALLOW_LIST_ISSUE_24: dict[str, dict] = {
    # The "Pemberitahuan" page: everyone signed in has their own; marking read is POST only.
    "notifications/": {"expect": _page(SIGNED_IN)},
    "notifications/read/": {"expect": POST_ONLY},
    "notifications/preferences/": {"expect": POST_ONLY},
    # To-dos: one click each, POST only, for the staff who can hold one.
    "interventions/todos/<int:pk>/done/": {"expect": _page(TODO_USERS, ok=405), "kwargs": TODO},
    "interventions/todos/<int:pk>/reopen/": {"expect": _page(TODO_USERS, ok=405), "kwargs": TODO},
    "interventions/todos/<int:pk>/reassign/": {
        "expect": _page(TODO_USERS, ok=405),
        "kwargs": TODO,
    },
    "interventions/todos/<int:pk>/reschedule/": {
        "expect": _page(TODO_USERS, ok=405),
        "kwargs": TODO,
    },
    # Declining a referral to bk: a confirmation page with the reason to choose (bk).
    "interventions/referrals/<int:pk>/decline/": {
        "expect": _page({Role.BK}),
        "kwargs": {"pk": "bk_referral"},
    },
    "api/v1/todos/": {"expect": _api(TODO_USERS)},
    "api/v1/todos/<int:pk>/done/": {"expect": API_POST_ONLY, "kwargs": TODO},
    "api/v1/todos/<int:pk>/reassign/": {"expect": API_POST_ONLY, "kwargs": TODO},
    "api/v1/todos/<int:pk>/reschedule/": {"expect": API_POST_ONLY, "kwargs": TODO},
    "api/v1/notifications/": {"expect": _api(SIGNED_IN)},
    "api/v1/notifications/read/": {"expect": API_POST_ONLY},
}


def todo_objects(one, bk) -> dict:
    """A to-do the seeded school's bk gave its walikelas."""
    item = action_services.action_item_create(
        student=one.student,
        owner=one.users[Role.WALIKELAS],
        source="decision",
        text="Telepon ibu",
        due_date=dt.date.today(),
        created_by=bk,
    )
    return {"action_item": item.pk}
