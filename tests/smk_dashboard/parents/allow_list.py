"""Issue 24's pages and endpoints (parents reachable, the API for points, contacts, letters and
PKL) in the permission walker (tests/smk_dashboard/test_url_permissions.py merges ALLOW into
its allow-list and `seed` into its objects)."""

from students.models import Role, Student

ANON = "anon"
STAFF = [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.SUDIN]


def page(allowed, ok=200, other=403) -> dict:
    return {ANON: 302, **{r: ok if r in allowed else other for r in STAFF}}


def api(allowed, ok=200, other=403) -> dict:
    return {ANON: 401, **{r: ok if r in allowed else other for r in STAFF}}


VIEWERS = {Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK}
RECORDS = VIEWERS | {Role.OPERATOR}
LOG = {Role.BK, Role.WALIKELAS, Role.KEPSEK}
STUDENT = {"pk": "student"}
# Routes whose answers name students, beyond those with a student in the URL (the audit
# walker requests each).
STUDENT_LISTS: set[str] = {"api/v1/letters/<int:pk>/pdf/"}

ALLOW: dict[str, dict] = {
    # bk corrects parents' names and numbers from the profile (the operator: privacy page)
    "students/<int:student_id>/parents/": {
        "expect": page({Role.BK}),
        "kwargs": {"student_id": "student"},
    },
    # the WhatsApp message: bk and the student's walikelas
    "interventions/contacts/students/<int:student_id>/whatsapp/": {
        "expect": page({Role.BK, Role.WALIKELAS}),
        "kwargs": {"student_id": "student"},
    },
    # the API (issue 24, item 11): as the pages
    "api/v1/points/catalogue/": {"expect": api(VIEWERS)},
    "api/v1/points/catalogue/behaviours/": {  # POST only
        "expect": {ANON: 401, **dict.fromkeys(STAFF, 405)}
    },
    "api/v1/students/<int:pk>/points/": {"expect": api(VIEWERS), "kwargs": STUDENT},
    "api/v1/points/<int:pk>/void/": {  # POST only
        "expect": {ANON: 401, **dict.fromkeys(STAFF, 405)},
        "kwargs": {"pk": "point_entry"},
    },
    "api/v1/students/<int:pk>/contacts/": {"expect": api(LOG), "kwargs": STUDENT},
    "api/v1/students/<int:pk>/letters/": {"expect": api(LOG), "kwargs": STUDENT},
    "api/v1/letters/<int:pk>/pdf/": {"expect": api(LOG), "kwargs": {"pk": "letter"}},
    "api/v1/students/<int:pk>/pkl/": {"expect": api(RECORDS), "kwargs": STUDENT},
    "api/v1/students/<int:pk>/parents/": {
        "expect": api({Role.BK, Role.WALIKELAS}),
        "kwargs": STUDENT,
    },
}


def seed(one, users) -> dict:
    """The seeded student's parents are on file, with a mobile number (WhatsApp reachable)."""
    Student.objects.filter(pk=one.student.pk).update(
        father_name="Slamet", parent_phone="+6281234567890"
    )
    return {}
