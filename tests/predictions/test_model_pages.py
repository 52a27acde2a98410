"""The model quality page (/predictions/models/): who may open it, the versions it lists,
the metrics table and figures, group results and the run details. The verdict and the
teachers' answers are in test_model_verdict.py."""

import json

import pytest
from django.test import Client

from predictions.charts import confusion_figure
from predictions.metrics import run_details
from students.models import Role
from tests.predictions.factories import (
    ModelVersionFactory,
)

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
    errors, correct = figs["cm-rnn"]["data"]
    # Top row on screen = first true class; each cell shows its count and its row share.
    assert list(reversed(correct["text"]))[0][0] == f"{cm[0][0]}<br>({cm[0][0] / sum(cm[0]):.0%})"
    for i, row in enumerate(reversed(correct["z"])):
        assert [v is not None for v in row] == [j == i for j in range(3)]
    for i, row in enumerate(reversed(errors["z"])):
        assert [v is not None for v in row] == [j != i for j in range(3)]
    assert figs["rel-rnn"]["data"][1]["x"] == [0.1, 0.5, 0.9]
    assert figs["fair-gender"]["data"][0]["y"] == ["Laki-laki", "Perempuan"]
    assert figs["fair-major"]["data"][0]["y"] == ["Teknik Komputer"]
    assert "Teknik Komputer" in html
    assert "Apa arti angka-angka ini?" in html
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
    assert "Analisis per kelompok belum tersedia" in response.content.decode()


def test_the_active_model_is_shown_and_every_model_waits_behind_lihat_semua_model(
    make_user, school
):
    ModelVersionFactory(school=school, algorithm="rnn")
    html = client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()
    details = html.index('<details class="mb-3" data-testid="all-models">')
    assert html.index('data-testid="model-verdict"') < details
    assert html.index('data-testid="chart-verdict-matrix"') < details
    assert html.index('data-testid="metrics-table"') > details
    assert html.index('data-testid="versions"') > details
    assert "Lihat semua model" in html


def test_principal_words_on_screen_and_technical_names_in_tooltips(make_user, school):
    ModelVersionFactory(school=school, algorithm="rnn")
    html = client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()
    for plain, technical in [
        ("Tebakan model vs kenyataan", "matriks kebingungan (confusion matrix)"),
        ("Apakah angka peluangnya jujur?", "kurva keandalan (reliability curve)"),
        ("Kesalahan peluang (lebih kecil lebih baik)", "skor Brier"),
        ("Siswa perlu perhatian yang ditemukan", "recall kelas kurang"),
        (
            "Ikut ditandai",
            "ikut ditandai padahal baik-baik saja: false positive rate (FPR) kelas kurang",
        ),
    ]:
        assert f'title="{technical}">{plain}<' in html
    assert "Per jenis kelamin" in html
    for old in ["Matriks kebingungan", "Kurva keandalan", "Skor Brier", "Per gender", "(FPR)<"]:
        assert old not in html


def test_group_results_are_shown_only_for_the_model_they_were_measured_on(make_user, school):
    champion = ModelVersionFactory(school=school, algorithm="rnn")
    champion.metrics["champion"] = "rnn"
    champion.save()
    other = ModelVersionFactory(school=school, algorithm="lr", is_active=False)
    other.metrics["champion"] = "rnn"
    other.save()
    client = client_for(make_user(Role.KEPSEK, school=school))
    assert client.get(URL).context["fairness"]
    response = client.get(URL, {"version": other.id})
    assert response.context["fairness"] == {}
    assert "Analisis per kelompok belum tersedia" in response.content.decode()


def test_confusion_matrix_colours_correct_cells_darkest_and_keeps_the_labels_whole():
    cm = [[40, 10, 0], [12, 200, 38], [8, 42, 150]]
    errors, correct = confusion_figure(cm)["data"]
    # The darkest colour of each scale sits at its top; correct cells are shaded on the row
    # share (0..1), errors on 0..0.5, so 80% right is darker than 20% wrong.
    assert correct["colorscale"][-1][1] == "#0f5132" and errors["colorscale"][0][1] == "#fbfbfb"
    k_correct = list(reversed(correct["z"]))[0][0]
    k_missed = list(reversed(errors["z"]))[0][1]
    assert k_correct / correct["zmax"] > k_missed / errors["zmax"]
    assert list(reversed(errors["z"]))[0][2] == 0.0  # zero: the lightest end of the scale
    layout = confusion_figure(cm)["layout"]
    assert layout["yaxis"]["automargin"] and layout["xaxis"]["automargin"]
    assert "Perlu perhatian" in correct["x"] and "Perlu perhatian" in correct["y"]


def test_confusion_matrix_handles_an_empty_row():
    errors, correct = confusion_figure([[2, 2, 0], [0, 0, 0], [1, 0, 3]])["data"]
    text = list(reversed(correct["text"]))
    assert text[0] == ["2<br>(50%)", "2<br>(50%)", "0<br>(0%)"]
    assert text[1] == ["0<br>(0%)", "0<br>(0%)", "0<br>(0%)"]
    assert list(reversed(correct["z"]))[2][2] == 0.75


# ------------------------------------------------------------- fairness by KIP, run details


def test_fairness_by_kip_status_is_shown_with_readable_group_names(make_user, school):
    version = ModelVersionFactory(school=school)
    version.metrics["fairness"]["kip"] = [
        {"group": "0", "n": 90, "n_kurang": 10, "recall_kurang": 0.8, "fpr_kurang": 0.05},
        {"group": "1", "n": 30, "n_kurang": 6, "recall_kurang": 0.5, "fpr_kurang": 0.1},
    ]
    version.save()
    html = client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()
    block = html.split('data-testid="fairness-kip"')[1].split("</table>")[0]
    assert "Per penerima KIP/PIP" in block
    assert "<td>Penerima KIP/PIP</td><td>30</td><td>6</td><td>50%</td>" in block
    assert "<td>Bukan penerima</td><td>90</td>" in block


def test_calibration_ensemble_network_plan_and_device_in_plain_words(make_user, school):
    version = ModelVersionFactory(school=school, algorithm="rnn")
    version.metrics["all_models"]["cnn"]["network"] = "cnn_tabular_mlp"
    version.metrics["all_models"]["lr"]["pruned"] = {"after_folds": 2, "behind_best": 0.05}
    version.metrics["cv_plan"] = {
        "folds_requested": 5,
        "folds": 3,
        "big_school_rule": True,
        "pruned": {"lr": {"after_folds": 2, "behind_best": 0.05}},
    }
    version.metrics["device"] = "gpu:NVIDIA H200"
    version.save()
    html = client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()
    text = " ".join(html.split())
    table = text.split('data-testid="calibration-table"')[1].split("</table>")[0]
    cells = [c.split("</td>")[0] for c in table.split("<td>")[1:]]
    assert cells == ["0,072", "0,031", "0,091", "0,064", "0,210", "0,190"]
    assert 'title="temperature scaling">' in text and "diredam atau dipertajam merata" in text
    assert "Diuji 3 kali" in text and "aturan sekolah besar: 3 lipatan, bukan 5" in text
    assert 'title="gpu:NVIDIA H200">Dilatih dengan kartu grafis (GPU).' in text
    assert 'title="cnn_tabular_mlp: MLP dua lapis">data tetap saja, jaringan berlapis' in text
    assert "Regresi logistik dihentikan lebih awal" in text
    ensemble = text.split('data-testid="run-ensemble"')[1].split("</li>")[0]
    assert "RNN (GRU) 40%, CNN 1D 30%, Random Forest 20%, Regresi logistik 10%" in ensemble


def test_versions_without_the_new_keys_show_no_run_details(make_user, school):
    version = ModelVersionFactory(school=school)
    for key in ("calibration", "cv_plan", "device"):
        del version.metrics[key]
    for entry in version.metrics["all_models"].values():
        entry.pop("network", None)
    del version.metrics["all_models"]["ensemble"]
    version.save()
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    assert response.status_code == 200
    assert 'data-testid="run-details"' not in response.content.decode()
    details = run_details(version.metrics)
    assert details == {
        "calibration": None,
        "ensemble": None,
        "pruned": [],
        "networks": [],
        "plan": None,
        "device": None,
    }
