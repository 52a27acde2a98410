import json

import pytest
from django.test import Client

from predictions.charts import confusion_figure
from students.models import Role
from tests.predictions.factories import (
    ModelVersionFactory,
    PredictionFactory,
    PredictionFeedbackFactory,
)
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db
URL = "/predictions/models/"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def figures(html: str) -> dict:
    out = {}
    for chunk in html.split('<script id="')[1:]:
        fid, rest = chunk.split('"', 1)
        if 'type="application/json">' in rest.split(">", 1)[0] + ">":
            out[fid] = json.loads(rest.split(">", 1)[1].split("</script>")[0])
    return out


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.BK, Role.OPERATOR])
def test_model_page_opens_for_kepsek_bk_and_operator(make_user, school, role):
    assert client_for(make_user(role, school=school)).get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.SUDIN])
def test_model_page_is_403_for_other_roles(make_user, school, role):
    user = make_user(role, school=None if role == Role.SUDIN else school)
    assert client_for(user).get(URL).status_code == 403


def test_lists_the_active_model_and_every_version_of_the_own_school_only(
    make_user, school, other_school
):
    old = ModelVersionFactory(school=school, algorithm="rf", version=1, is_active=False)
    active = ModelVersionFactory(school=school, algorithm="rnn", version=2)
    ModelVersionFactory(school=other_school, algorithm="cnn", version=77)
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    assert [v.id for v in response.context["versions"]] == [active.id, old.id]
    assert response.context["active"] == active
    assert "CNN v77" not in response.content.decode()
    older = client_for(make_user(Role.KEPSEK, school=school)).get(URL, {"version": old.id})
    assert older.context["shown"] == old


def test_metrics_table_confusion_matrices_reliability_and_fairness_are_shown(make_user, school):
    version = ModelVersionFactory(school=school, algorithm="rnn")
    version.metrics["all_models"]["rnn"]["accuracy"] = {"mean": 0.812, "std": 0.017}
    version.save()
    html = client_for(make_user(Role.BK, school=school)).get(URL).content.decode()
    text = " ".join(html.split())
    assert "0,812 ± 0,017" in text
    assert "89%*" in text and "bukan pengukuran kami" in text
    figs = figures(html)
    cm = version.metrics["all_models"]["rnn"]["confusion_matrix"]
    assert figs["cm-rnn"]["data"][0]["z"] == list(reversed(cm))
    for row in figs["cmn-rnn"]["data"][0]["z"]:
        assert sum(row) == pytest.approx(1, abs=0.002)
    assert figs["rel-rnn"]["data"][1]["x"] == [0.1, 0.5, 0.9]
    assert figs["fair-gender"]["data"][0]["x"] == ["L", "P"]
    assert "Teknik Komputer" in html
    assert "Apa arti angka-angka ini bagi guru?" in html
    # majority baseline: most common true class share of the matrix
    totals = [sum(r) for r in cm]
    assert f"{max(totals) / sum(totals):.3f}".rstrip("0").replace(".", ",") in text


def test_versions_with_missing_metrics_degrade_to_belum_tersedia(make_user, school):
    ModelVersionFactory(school=school, metrics={})
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "belum tersedia" in html
    partial = ModelVersionFactory(
        school=school, is_active=False, metrics={"all_models": {"lr": {"accuracy": 0.7}}}
    )
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL, {"version": partial.id})
    assert response.status_code == 200
    assert "Analisis keadilan belum tersedia" in response.content.decode()


def test_teacher_verification_rate_is_shown(make_user, school):
    version = ModelVersionFactory(school=school)
    for agrees in (True, True, True, False):
        PredictionFeedbackFactory(
            prediction=PredictionFactory(
                student=StudentFactory(school=school), model_version=version
            ),
            agrees=agrees,
        )
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    assert response.context["verification"]["rate"] == 0.75
    assert "75%" in response.content.decode()


def test_row_normalised_confusion_matrix_handles_an_empty_row():
    fig = confusion_figure([[2, 2, 0], [0, 0, 0], [1, 0, 3]], normalise=True)
    assert list(reversed(fig["data"][0]["z"])) == [
        [0.5, 0.5, 0.0],
        [0.0, 0.0, 0.0],
        [0.25, 0.0, 0.75],
    ]
