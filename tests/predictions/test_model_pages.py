import json

import pytest
from django.test import Client

from predictions import metrics as m
from predictions.charts import confusion_figure
from predictions.metrics import model_verdict, run_details
from predictions.selectors import counselling_capacity, teacher_precision
from students.models import Role
from tests.predictions.factories import (
    ModelVersionFactory,
    PredictionFactory,
    PredictionFeedbackFactory,
    cv_entry,
    full_metrics,
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
    errors, correct = figs["cm-rnn"]["data"]
    # Top row on screen = first true class; each cell shows its count and its row share.
    assert list(reversed(correct["text"]))[0][0] == f"{cm[0][0]}<br>({cm[0][0] / sum(cm[0]):.0%})"
    for i, row in enumerate(reversed(correct["z"])):
        assert [v is not None for v in row] == [j == i for j in range(3)]
    for i, row in enumerate(reversed(errors["z"])):
        assert [v is not None for v in row] == [j != i for j in range(3)]
    assert figs["rel-rnn"]["data"][1]["x"] == [0.1, 0.5, 0.9]
    assert figs["fair-gender"]["data"][0]["y"] == ["L", "P"]
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


def feedback(school, version, answers: list[bool]) -> None:
    for agrees in answers:
        PredictionFeedbackFactory(
            prediction=PredictionFactory(
                student=StudentFactory(school=school), model_version=version
            ),
            agrees=agrees,
        )


def test_teacher_answers_are_counted_and_the_share_waits_for_ten_answers(make_user, school):
    version = ModelVersionFactory(school=school)
    feedback(school, version, [True, True, True, False])
    client = client_for(make_user(Role.KEPSEK, school=school))
    response = client.get(URL)
    assert response.context["verification"]["rate"] == 0.75
    html = " ".join(response.content.decode().split())
    assert '3 dari 4 jawaban guru menyatakan prediksi "sesuai"' in html.replace("&quot;", '"')
    assert 'data-testid="verification-share"' not in html and "75% sesuai" not in html
    assert "setelah ada sedikitnya 10 jawaban" in html
    feedback(school, version, [True, True, True, False, False, True])
    html = " ".join(client.get(URL).content.decode().split())
    assert 'data-testid="verification-share">70% sesuai' in html


# ------------------------------------------------------------------------------- the verdict


def metrics_with(cm, *, f1: float = 0.80, baselines: dict | None = None) -> dict:
    """A version's metrics whose own (rnn) out-of-fold confusion matrix is `cm`, macro-F1 `f1`,
    with the simple baselines at the given macro-F1 (default: all 0.80)."""
    out = full_metrics("rnn")
    own = cv_entry(cm=cm)
    own["macro_f1"] = {"mean": f1, "std": 0.02}
    out["cv"] = own
    out["all_models"] = {"rnn": own}
    for key, value in (baselines or {"lr": 0.80, "rf": 0.79, "gbdt": 0.78}).items():
        entry = cv_entry()
        entry["macro_f1"] = {"mean": value, "std": 0.02}
        out["all_models"][key] = entry
    return out


def cm_for(*, at_risk: int, found: int, fine: int, flagged: int) -> list[list[int]]:
    """rows = true kurang, sedang, baik; the fine students split evenly over sedang and baik."""
    half, rest = fine // 2, fine - fine // 2
    return [
        [found, at_risk - found, 0],
        [flagged // 2, half - flagged // 2, 0],
        [flagged - flagged // 2, 0, rest - (flagged - flagged // 2)],
    ]


def test_the_verdict_says_how_many_of_ten_are_found_and_of_a_hundred_are_flagged(make_user, school):
    cm = [[40, 10, 0], [12, 200, 38], [8, 42, 150]]  # 40 of 50 found, 20 of 450 flagged
    ModelVersionFactory(school=school, algorithm="rnn", metrics=metrics_with(cm, f1=0.81))
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    verdict = response.context["verdict"]
    assert verdict["counts"] == {"at_risk": 50, "found": 40, "fine": 450, "flagged": 20}
    assert (verdict["found_per_10"], verdict["flagged_per_100"]) == (8, 4)
    assert verdict["level"] == m.USABLE and verdict["reasons"] == []
    text = " ".join(response.content.decode().split())
    assert (
        "Dari 10 siswa yang nantinya benar-benar perlu perhatian, model menemukan 8. "
        "Dari 100 siswa yang baik-baik saja, 4 ikut ditandai. "
        "Model ini setara dengan pembanding sederhana (Regresi logistik)."
    ) in text
    assert "Saran: dapat dipakai bersama penilaian guru." in text
    assert "40 dari 50 siswa yang perlu perhatian ditemukan, 20 dari 450 siswa lain" in text


def test_the_verdict_reads_in_english_on_request(make_user, school):
    cm = [[40, 10, 0], [12, 200, 38], [8, 42, 150]]
    ModelVersionFactory(school=school, algorithm="rnn", metrics=metrics_with(cm, f1=0.85))
    client = client_for(make_user(Role.KEPSEK, school=school))
    text = " ".join(client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode().split())
    assert "Of 10 students who will truly need attention, the model finds 8." in text
    assert "Of 100 students who are doing fine, 4 are flagged too." in text
    assert "This model is better than the simple comparison model (Logistic regression)." in text
    assert "Advice: can be used alongside teachers' judgement." in text
    assert "Dari 10 siswa" not in text


@pytest.mark.parametrize(
    ("counts", "expected_level", "expected_reasons"),
    [
        # recall 0.70 and 15 of 100 flagged are still usable; just below / above is not
        ({"at_risk": 100, "found": 70, "fine": 200, "flagged": 30}, m.USABLE, []),
        ({"at_risk": 100, "found": 69, "fine": 200, "flagged": 30}, m.CAREFUL, ["recall_low"]),
        (
            {"at_risk": 100, "found": 80, "fine": 200, "flagged": 32},
            m.CAREFUL,
            ["false_flags_high"],
        ),
        ({"at_risk": 100, "found": 49, "fine": 200, "flagged": 10}, m.NOT_YET, ["recall_very_low"]),
        (
            {"at_risk": 100, "found": 80, "fine": 200, "flagged": 62},
            m.NOT_YET,
            ["false_flags_very_high"],
        ),
        # 19 at-risk students in the tests: too few to be sure, whatever the model found
        ({"at_risk": 19, "found": 19, "fine": 200, "flagged": 0}, m.CAREFUL, ["few_at_risk"]),
        ({"at_risk": 0, "found": 0, "fine": 200, "flagged": 0}, m.NOT_YET, ["no_at_risk"]),
    ],
)
def test_recommendation_thresholds_on_found_and_flagged(counts, expected_level, expected_reasons):
    verdict = model_verdict(metrics_with(cm_for(**counts)), "rnn")
    assert m.kurang_counts(cm_for(**counts)) == counts
    assert verdict["level"] == expected_level
    assert verdict["reasons"] == expected_reasons


@pytest.mark.parametrize(
    ("own_f1", "comparison", "level"),
    [
        (0.83, "better", m.USABLE),
        (0.781, "same", m.USABLE),
        (0.819, "same", m.USABLE),
        (0.78, "worse", m.CAREFUL),
    ],
)
def test_comparison_with_the_best_simple_baseline(own_f1, comparison, level):
    """The best simple baseline here is lr at 0.80; within 0.02 macro-F1 counts as setara."""
    cm = cm_for(at_risk=100, found=80, fine=200, flagged=10)
    verdict = model_verdict(metrics_with(cm, f1=own_f1), "rnn")
    assert verdict["baseline"]["key"] == "lr"
    assert verdict["baseline"]["comparison"] == comparison
    assert verdict["level"] == level
    assert ("worse_than_baseline" in verdict["reasons"]) == (comparison == "worse")


def test_a_simple_model_is_compared_with_the_other_simple_models_only():
    metrics = metrics_with(cm_for(at_risk=100, found=80, fine=200, flagged=10))
    metrics["all_models"]["lr"]["macro_f1"]["mean"] = 0.95
    verdict = model_verdict(metrics, "lr")
    assert verdict["baseline"]["key"] == "rf"


def test_no_stored_results_means_do_not_use_yet(make_user, school):
    verdict = model_verdict({}, "rnn")
    assert (verdict["level"], verdict["reasons"], verdict["baseline"]) == (
        m.NOT_YET,
        ["no_results"],
        None,
    )
    ModelVersionFactory(school=school, metrics={})
    text = client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode()
    assert "Saran: jangan dipakai dulu." in text
    assert "Hasil pengujian model ini belum tersimpan" in text


def test_the_page_shows_the_verdict_on_a_weak_model_with_its_reasons(make_user, school):
    cm = cm_for(at_risk=100, found=60, fine=200, flagged=40)  # 6 of 10 found, 20 of 100 flagged
    ModelVersionFactory(school=school, algorithm="rnn", metrics=metrics_with(cm, f1=0.70))
    text = " ".join(
        client_for(make_user(Role.KEPSEK, school=school)).get(URL).content.decode().split()
    )
    assert "Saran: pakai dengan hati-hati." in text
    assert "Model menemukan kurang dari 7 dari 10 siswa yang perlu perhatian" in text
    assert "Lebih dari 15 dari 100 siswa yang baik-baik saja ikut ditandai" in text
    assert "Model ini kalah dari pembanding sederhana (Regresi logistik)." in text


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


# ------------------------------------------------- teachers' answers as a second measure


def kurang_answers(school, version, answers: list[tuple[float, bool]]) -> None:
    """One current kurang prediction of `version` per (P(kurang), teacher says sesuai)."""
    for p, agrees in answers:
        PredictionFeedbackFactory(
            prediction=PredictionFactory(
                student=StudentFactory(school=school),
                model_version=version,
                category="kurang",
                p_kurang=p,
                p_sedang=round((1 - p) / 2, 6),
            ),
            agrees=agrees,
        )


def test_counselling_capacity_is_students_per_counsellor_times_bk_accounts(make_user, school):
    assert counselling_capacity(school=school)["k"] == 20  # no BK account: one counted
    make_user(Role.BK, school=school)
    make_user(Role.BK, school=school)
    make_user(Role.GURU, school=school)
    make_user(Role.BK, school=school, is_active=False)
    assert counselling_capacity(school=school) == {
        "per": 20,
        "counsellors": 2,
        "counted": 2,
        "k": 40,
    }
    school.students_per_counsellor = 3
    school.save()
    assert counselling_capacity(school=school)["k"] == 6


def test_precision_of_kurang_and_at_k_count_teacher_answers_on_kurang_predictions(school):
    version = ModelVersionFactory(school=school)
    # Ranked by P(kurang): the two highest are confirmed, the third is not.
    kurang_answers(school, version, [(0.6, False), (0.9, True), (0.8, True)])
    PredictionFeedbackFactory(
        prediction=PredictionFactory(
            student=StudentFactory(school=school), model_version=version, category="baik"
        ),
        agrees=False,
    )
    out = teacher_precision(version=version, k=2)
    assert out["kurang"] == {"n": 3, "agrees": 2, "rate": 2 / 3}
    assert out["at_k"] == {"n": 2, "agrees": 2, "rate": 1.0, "k": 2}
    assert teacher_precision(version=version, k=1)["at_k"]["n"] == 1


def test_teacher_precision_waits_for_ten_answers_then_shows_beside_the_cv_figure(make_user, school):
    version = ModelVersionFactory(school=school)
    kurang_answers(school, version, [(0.9, True)] * 4)
    client = client_for(make_user(Role.KEPSEK, school=school))
    html = " ".join(client.get(URL).content.decode().split())
    # CV precision of kurang from the confusion matrix: 40 / (40 + 6 + 1) = 85%, ± 2 (std).
    assert "85% ± 2" in html
    assert "4 dari 4 jawaban; terlalu sedikit" in html
    assert 'data-testid="live-differs"' not in html
    kurang_answers(school, version, [(0.8, True)] * 4 + [(0.7, False)] * 2)
    response = client.get(URL)
    live = response.context["live"]
    assert live["kurang"]["enough"] and live["kurang"]["rate"] == 0.8
    html = " ".join(response.content.decode().split())
    assert '80%</span> <span class="text-muted">(8 dari 10 jawaban)' in html
    # 0.80 is 0.05 from the CV's 0.85, more than the folds' spread of 0.02: a warning.
    assert live["kurang"]["differs"] and 'data-testid="live-differs"' in html


def test_no_warning_when_teachers_agree_with_the_cv_within_the_fold_spread(make_user, school):
    version = ModelVersionFactory(school=school)
    version.metrics["cv"]["macro_precision"] = {"mean": 0.8, "std": 0.1}
    version.save()
    kurang_answers(school, version, [(0.9, True)] * 8 + [(0.5, False)] * 2)
    response = client_for(make_user(Role.BK, school=school)).get(URL)
    assert response.context["live"]["kurang"]["rate"] == 0.8
    assert not response.context["live"]["kurang"]["differs"]
    assert 'data-testid="live-differs"' not in response.content.decode()


def test_the_per_fold_precision_of_kurang_from_training_is_the_cv_figure_when_stored(
    make_user, school
):
    """Runs trained since the engine stores precision_kurang per fold use it (mean and fold
    spread) instead of the confusion-matrix precision with the macro-precision spread."""
    version = ModelVersionFactory(school=school)
    version.metrics["cv"]["precision_kurang"] = {"mean": 0.7, "std": 0.15}
    version.save()
    kurang_answers(school, version, [(0.9, True)] * 6 + [(0.5, False)] * 4)
    response = client_for(make_user(Role.KEPSEK, school=school)).get(URL)
    html = " ".join(response.content.decode().split())
    assert "70% ± 15" in html and "85% ± 2" not in html
    # 0.60 against 0.70 ± 0.15: within the spread, so no warning (the stand-in would warn).
    assert response.context["live"]["kurang"]["rate"] == 0.6
    assert not response.context["live"]["kurang"]["differs"]


def test_precision_at_k_uses_the_school_capacity(make_user, school):
    school.students_per_counsellor = 10
    school.save()
    version = ModelVersionFactory(school=school)
    kurang_answers(school, version, [(0.95, True)] * 10 + [(0.5, False)] * 5)
    response = client_for(make_user(Role.BK, school=school)).get(URL)
    at_k = response.context["live"]["at_k"]
    assert (at_k["k"], at_k["n"], at_k["agrees"], at_k["enough"]) == (10, 10, 10, True)
    assert "10 siswa teratas (sesuai kapasitas BK)" in response.content.decode()
    assert response.context["live"]["kurang"]["n"] == 15


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
