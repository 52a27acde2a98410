import pytest

from students.models import Role


def test_model_version_detail_has_metrics_and_confusion_matrix(world, api_client_for):
    client = api_client_for(world.one.users[Role.KEPSEK])
    listed = client.get("/api/v1/model-versions/").json()
    assert [v["id"] for v in listed["results"]] == [world.one.version.pk]
    assert listed["results"][0]["macro_f1"] == pytest.approx(0.61)
    body = client.get(f"/api/v1/model-versions/{world.one.version.pk}/").json()
    assert body["confusion_matrix"] == [[7, 2, 1], [3, 20, 4], [0, 5, 18]]
    assert body["labels"] == ["kurang", "sedang", "baik"]


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.BK, Role.OPERATOR])
def test_model_versions_of_another_school_answer_404(world, api_client_for, role):
    client = api_client_for(world.two.users[role])
    assert client.get(f"/api/v1/model-versions/{world.one.version.pk}/").status_code == 404
    ids = [v["id"] for v in client.get("/api/v1/model-versions/").json()["results"]]
    assert ids == [world.two.version.pk]


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS])
def test_teachers_may_not_read_model_quality(world, api_client_for, role):
    client = api_client_for(world.one.users[role])
    assert client.get("/api/v1/model-versions/").status_code == 403


def test_predictions_by_student_and_by_class(world, api_client_for):
    client = api_client_for(world.one.users[Role.WALIKELAS])
    student = world.one.student
    body = client.get(f"/api/v1/students/{student.pk}/predictions/").json()
    assert body["results"][0]["category"] == "kurang"
    assert body["results"][0]["factors"][0]["feature"] == "alpa"
    by_class = client.get(f"/api/v1/classes/{world.one.school_class.pk}/predictions/").json()
    assert [r["id"] for r in by_class["results"]][0] == student.pk
    assert {r["id"] for r in by_class["results"]} == {s.pk for s in world.one.students}


def test_a_walikelas_cannot_read_a_class_they_do_not_lead(world, api_client_for):
    client = api_client_for(world.one.users[Role.WALIKELAS])
    url = f"/api/v1/classes/{world.one.other_class.pk}/predictions/"
    assert client.get(url).status_code == 404
