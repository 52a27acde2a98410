import json

import numpy as np
import pandas as pd
import pytest

from predictions.ml.crossval import evaluate_models, fold_indices, temporal_check
from predictions.ml.evaluate import SpecError, evaluate_dataset, main
from predictions.ml.labels import LABELS
from predictions.ml.metrics import fold_metrics, select_champion
from predictions.ml.models import encode_labels


def test_fold_metrics_match_hand_computed_values():
    # true: kurang, kurang, sedang, baik; predicted: kurang, sedang, sedang, sedang
    codes = np.array([0, 0, 1, 2])
    proba = np.array([[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.2, 0.7, 0.1], [0.1, 0.5, 0.4]])
    m = fold_metrics(codes, proba)
    assert m["accuracy"] == pytest.approx(0.5)
    assert m["recall_kurang"] == pytest.approx(0.5)
    assert m["precision_kurang"] == pytest.approx(1.0)  # the one flagged student is kurang
    nobody_flagged = fold_metrics(codes, np.array([[0.1, 0.8, 0.1]] * 4))
    assert np.isnan(nobody_flagged["precision_kurang"])  # undefined, not 0
    # precision: kurang 1/1, sedang 1/3, baik 0 (no predictions) -> mean 4/9
    assert m["macro_precision"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert m["macro_recall"] == pytest.approx((0.5 + 1 + 0) / 3)
    f1 = [2 * 1 * 0.5 / 1.5, 2 * (1 / 3) * 1 / (4 / 3), 0.0]
    assert m["macro_f1"] == pytest.approx(np.mean(f1))
    assert m["confusion_matrix"].tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    brier = (
        (0.2**2 + 0.1**2 + 0.1**2)
        + (0.7**2 + 0.6**2 + 0.1**2)
        + (0.2**2 + 0.3**2 + 0.1**2)
        + (0.1**2 + 0.5**2 + 0.6**2)
    ) / 4
    assert m["brier"] == pytest.approx(brier)
    assert m["reliability"]["count"].sum() == 4
    assert m["reliability"]["sum_obs"][8] == 1  # P(kurang)=0.8 falls in bin [0.8, 0.9)


def test_grouped_folds_never_split_a_group():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(60), 3)
    codes = rng.integers(0, 3, len(groups))
    for train, test in fold_indices(codes, folds=5, repeats=2, groups=groups):
        assert not set(groups[train]) & set(groups[test])


def test_all_models_are_scored_on_the_same_folds_and_summaries_have_the_report_keys(planted):
    seen = []
    res = evaluate_models(planted, models=["lr", "rf"], folds=3, progress=seen.append)
    assert set(res) == {"lr", "rf"}
    for m in res.values():
        assert {"accuracy", "macro_f1", "macro_precision", "macro_recall", "recall_kurang"} <= set(
            m
        )
        assert set(m["macro_f1"]) == {"mean", "std"}
        assert 0 < m["precision_kurang"]["mean"] <= 1 and m["precision_kurang"]["std"] >= 0
        assert np.sum(m["confusion_matrix"]) == len(planted)  # every sample tested once
        assert m["fit_seconds"] > 0
    assert seen[-1] == pytest.approx(100.0) and seen == sorted(seen)


def test_champion_is_best_macro_f1_and_ties_go_to_recall_kurang():
    def entry(f1, rec):
        return {"macro_f1": {"mean": f1, "std": 0}, "recall_kurang": {"mean": rec, "std": 0}}

    assert select_champion({"a": entry(0.8, 0.5), "b": entry(0.7, 0.9)}) == "a"
    assert select_champion({"a": entry(0.8, 0.5), "b": entry(0.8, 0.9)}) == "b"


def test_temporal_check_tests_on_the_latest_term(school_data):
    res = temporal_check(school_data, models=["lr"])
    assert res["test_term"] == max(school_data.terms)
    assert res["n_test"] == int(np.sum(school_data.terms == res["test_term"]))
    assert res["n_train"] + res["n_test"] == len(school_data)


@pytest.fixture
def tiny_spec(tmp_path):
    rng = np.random.default_rng(0)
    n = 90
    status = rng.choice(["Dropout", "Enrolled", "Graduate"], n)
    signal = {"Dropout": 0.0, "Enrolled": 5.0, "Graduate": 10.0}
    frame = pd.DataFrame(
        {
            "sid": np.repeat(np.arange(45), 2),
            "score": [signal[s] + rng.normal() for s in status],
            "city": rng.choice(["A", "B"], n),
            "Status": status,
        }
    )
    frame.loc[3, "score"] = np.nan
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "tiny.csv", sep=";", index=False)
    spec = {
        "name": "tiny",
        "csv": {"path": "data/tiny.csv", "sep": ";", "encoding": "utf-8"},
        "id_column": "sid",
        "target": {
            "column": "Status",
            "map": {"Dropout": "kurang", "Enrolled": "sedang", "Graduate": "baik"},
        },
        "sequence": [],
        "static": {"categorical": ["city"], "numeric": ["score"]},
        "cv": {"folds": 3, "repeats": 1, "seed": 42},
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(spec))
    return path, frame


def test_evaluate_dataset_report_has_the_contract_shape(tiny_spec):
    path, frame = tiny_spec
    report = evaluate_dataset(path, models=["rnn", "cnn", "lr"])
    assert list(report) == ["name", "n", "class_counts", "models", "labels", "best"]
    assert report["name"] == "tiny" and report["n"] == len(frame)
    assert report["labels"] == ["kurang", "sedang", "baik"]
    counts = frame["Status"].value_counts()
    assert report["class_counts"] == {
        "kurang": counts["Dropout"],
        "sedang": counts["Enrolled"],
        "baik": counts["Graduate"],
    }
    assert set(report["models"]) == {"rnn", "cnn", "lr"}
    for m in report["models"].values():
        for key in ("accuracy", "macro_f1", "macro_precision", "macro_recall", "recall_kurang"):
            assert set(m[key]) == {"mean", "std"}
        assert np.array(m["confusion_matrix"]).shape == (3, 3)
        assert np.sum(m["confusion_matrix"]) == len(frame)
        assert isinstance(m["fit_seconds"], float)
        assert m["macro_f1"]["mean"] > 0.6  # static signal alone is enough
    assert report["best"] in report["models"]
    json.dumps(report, allow_nan=False)


def test_bad_spec_gives_an_indonesian_message(tiny_spec, capsys):
    path, _ = tiny_spec
    spec = json.loads(path.read_text())
    spec["sequence"] = [{"grade": "G9"}]
    path.write_text(json.dumps(spec))
    with pytest.raises(SpecError, match="Kolom 'G9' tidak ada di CSV"):
        evaluate_dataset(path, models=["lr"])
    assert main([str(path), "--models", "lr"]) == 1
    assert "Kolom 'G9' tidak ada di CSV" in capsys.readouterr().err


def test_cli_writes_the_report(tiny_spec, tmp_path, capsys):
    path, _ = tiny_spec
    out = tmp_path / "report.json"
    assert main([str(path), "--models", "lr,gbdt", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text()) == printed
    assert set(printed["models"]) == {"lr", "gbdt"}


def test_the_ensemble_and_calibrated_figures_are_scored_on_the_same_folds(planted):
    from predictions.ml.crossval import evaluate_models

    oof = {}
    report = evaluate_models(planted, models=["lr", "gbdt", "ensemble"], folds=3, oof=oof)
    ens = report["ensemble"]
    assert ens["members"] == ["lr", "gbdt"] and sum(ens["weights"].values()) == pytest.approx(1)
    # Same folds: every model's confusion matrix covers each sample exactly once.
    for entry in report.values():
        assert sum(map(sum, entry["confusion_matrix"])) == len(planted)
        assert sum(map(sum, entry["calibrated"]["confusion_matrix"])) == len(planted)
        assert len(entry["calibrated"]["method_per_fold"]) == 3
        assert 0 <= entry["ece"]["mean"] <= 1 and set(entry["ece_pooled"]) == set(LABELS)
    w = np.array([ens["weights"]["lr"], ens["weights"]["gbdt"]])
    assert w.min() >= 0 and ens["pool"] in ("mean", "log")
    # Per test fold, the vote is a convex mix of the members' out-of-fold probabilities
    # (linear pool) or of their log-odds (logarithmic pool), as that fold's pool says.
    codes = encode_labels(planted.y)
    for (_, test), pool in zip(fold_indices(codes, folds=3), ens["pool_per_fold"], strict=True):
        members = [oof["lr"][test], oof["gbdt"][test]]
        if pool == "log":  # log(p_a / p_b) for classes a = 0, 1 against b = 2
            members = [np.log(p[:, :2] / p[:, 2:]) for p in members]
            got = np.log(oof["ensemble"][test][:, :2] / oof["ensemble"][test][:, 2:])
        else:
            got = oof["ensemble"][test]
        low = np.minimum(*members) - 1e-6
        high = np.maximum(*members) + 1e-6
        assert ((got >= low) & (got <= high)).all()
