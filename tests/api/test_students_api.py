import pytest

from smk_dashboard.core.models import AuditEvent
from students.models import Role, StudentPrivacy

STUDENT_ENDPOINTS = [
    "/api/v1/students/{pk}/",
    "/api/v1/students/{pk}/grades/",
    "/api/v1/students/{pk}/attendance/",
    "/api/v1/students/{pk}/attendance-summary/",
    "/api/v1/students/{pk}/predictions/",
]


def test_api_root_lists_the_endpoints(world, api_client_for):
    body = api_client_for(world.one.users[Role.BK]).get("/api/v1/").json()
    assert body["students"].endswith("/api/v1/students/")
    assert body["schema"].endswith("/api/schema/")


def test_anonymous_callers_get_401(world, api_client_for):
    for url in ["/api/v1/", "/api/v1/students/", "/api/v1/model-versions/"]:
        assert api_client_for().get(url).status_code == 401, url


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
@pytest.mark.parametrize("template", STUDENT_ENDPOINTS)
def test_school_two_users_get_404_for_school_one_students(world, api_client_for, role, template):
    client = api_client_for(world.two.users[role])
    response = client.get(template.format(pk=world.one.student.pk))
    expected = 403 if role == Role.OPERATOR and template.endswith("predictions/") else 404
    assert response.status_code == expected


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
def test_school_two_users_get_404_for_a_school_one_class(world, api_client_for, role):
    client = api_client_for(world.two.users[role])
    assert (
        client.get(f"/api/v1/classes/{world.one.school_class.pk}/predictions/").status_code == 404
    )


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK])
def test_lists_never_show_another_schools_students(world, api_client_for, role):
    body = api_client_for(world.two.users[role]).get("/api/v1/students/").json()
    ids = {row["id"] for row in body["results"]}
    assert ids and not ids & {s.pk for s in [*world.one.students, world.one.outsider]}


def test_a_teacher_sees_only_the_class_they_teach(world, api_client_for):
    client = api_client_for(world.one.users[Role.GURU])
    ids = {row["id"] for row in client.get("/api/v1/students/").json()["results"]}
    assert ids == {s.pk for s in world.one.students}
    assert client.get(f"/api/v1/students/{world.one.outsider.pk}/").status_code == 404


def test_sudin_never_gets_student_names(world, api_client_for):
    client = api_client_for(world.sudin)
    assert client.get("/api/v1/students/").status_code == 403
    assert client.get(f"/api/v1/students/{world.one.student.pk}/").status_code == 403


def test_student_list_filters_by_category_class_and_query(world, api_client_for):
    client = api_client_for(world.one.users[Role.BK])
    kurang = client.get("/api/v1/students/", {"category": "kurang"}).json()
    assert {r["id"] for r in kurang["results"]} == {world.one.students[0].pk, world.one.outsider.pk}
    in_class = client.get("/api/v1/students/", {"class": world.one.other_class.pk}).json()
    assert [r["id"] for r in in_class["results"]] == [world.one.outsider.pk]
    named = client.get("/api/v1/students/", {"q": world.one.students[1].name}).json()
    assert [r["id"] for r in named["results"]] == [world.one.students[1].pk]
    risky = client.get("/api/v1/students/", {"sort": "risk"}).json()["results"]
    assert risky[0]["id"] == world.one.students[0].pk
    assert client.get("/api/v1/students/", {"category": "bogus"}).status_code == 400
    assert client.get("/api/v1/students/", {"class": "x"}).status_code == 400


def test_student_list_is_paginated_with_a_fixed_number_of_queries(
    world, api_client_for, django_assert_max_num_queries
):
    client = api_client_for(world.one.users[Role.KEPSEK])
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/students/", {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_an_objecting_student_is_shown_as_not_predicted(world, api_client_for):
    student = world.one.students[0]
    StudentPrivacy.objects.create(student=student, objects_to_automated_decisions=True)
    client = api_client_for(world.one.users[Role.BK])
    row = client.get(f"/api/v1/students/{student.pk}/").json()
    assert row["prediction_status"] == "tidak_diprediksi" and row["latest_category"] is None
    listed = client.get("/api/v1/students/", {"category": "tidak_diprediksi"}).json()
    assert [r["id"] for r in listed["results"]] == [student.pk]
    assert client.get(f"/api/v1/students/{student.pk}/predictions/").json()["count"] == 0


def test_student_detail_is_audited_and_hides_socio_economic_data_from_teachers(
    world, api_client_for
):
    student = world.one.student
    student.income_bracket = "Rp 1.000.000 – Rp 1.999.999"
    student.save()
    guru = world.one.users[Role.GURU]
    body = api_client_for(guru).get(f"/api/v1/students/{student.pk}/").json()
    assert body["name"] == student.name and body["income_bracket"] is None
    bk_body = api_client_for(world.one.users[Role.BK]).get(f"/api/v1/students/{student.pk}/").json()
    assert bk_body["income_bracket"] == "Rp 1.000.000 – Rp 1.999.999"
    event = AuditEvent.objects.filter(action="student.view", user=guru).get()
    assert event.target_id == str(student.pk) and event.school == world.one.school


def test_grades_and_attendance_of_a_student(world, api_client_for):
    client = api_client_for(world.one.users[Role.WALIKELAS])
    pk = world.one.student.pk
    grades = client.get(f"/api/v1/students/{pk}/grades/").json()
    assert grades["results"][0]["score"] == 60.0 and grades["results"][0]["term"] == "2024-1"
    days = client.get(f"/api/v1/students/{pk}/attendance/", {"status": "A"}).json()
    assert [d["date"] for d in days["results"]] == ["2024-08-02"]
    summary = client.get(f"/api/v1/students/{pk}/attendance-summary/").json()
    assert summary[0]["school_days"] == 100 and summary[0]["attendance_rate"] == pytest.approx(0.99)
