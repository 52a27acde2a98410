import numpy as np
import pytest

from predictions.ml.labels import LABELS
from predictions.ml.models import make_model
from predictions.ml.tabular import _ClassifierMixin
from predictions.ml.train import InsufficientDataError, check_enough_data, train_and_select


class DummyClassifierOnData(_ClassifierMixin):
    """Always the training prior: a model that is clearly behind any real one."""

    def get_params(self, deep=False):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, data, y=None):
        y = np.asarray(data.y if y is None else y)
        self.prior_ = np.array([np.mean(y == label) for label in LABELS])
        return self

    def predict_proba(self, data):
        return np.tile(self.prior_, (len(data), 1))


def test_too_few_samples_is_refused_with_an_indonesian_message(planted):
    with pytest.raises(InsufficientDataError, match="Data belum cukup"):
        train_and_select(planted.subset(np.arange(40)), models=["lr"])


def test_a_rare_class_is_refused_even_with_many_samples():
    y = np.array(["sedang"] * 80 + ["baik"] * 16 + ["kurang"] * 4, dtype=object)
    with pytest.raises(InsufficientDataError, match="kurang: 4"):
        check_enough_data(y)
    assert check_enough_data(np.concatenate([y, ["kurang"]]))["kurang"] == 5


def test_train_and_select_refits_every_model_and_reports_progress(school_data):
    seen = []
    result = train_and_select(school_data, models=["lr", "gbdt"], folds=3, progress=seen.append)
    assert set(result.metrics) == set(result.models) == {"lr", "gbdt", "ensemble"}
    assert result.champion in result.models
    best = max(result.metrics, key=lambda m: result.metrics[m]["macro_f1"]["mean"])
    assert (
        result.metrics[result.champion]["macro_f1"]["mean"]
        == result.metrics[best]["macro_f1"]["mean"]
    )
    assert result.n_samples == len(school_data)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(100.0)
    proba = result.models["lr"].predict_proba(school_data)
    assert proba.shape == (len(school_data), 3)
    # The artifact votes with the pool the CV chose (linear or logarithmic).
    ens = result.models["ensemble"]
    ens = getattr(ens, "base", ens)  # the champion is wrapped in its calibration map
    assert ens.pool == result.metrics["ensemble"]["pool"] in ("mean", "log")


def test_the_champion_is_calibrated_on_out_of_fold_predictions(school_data):
    result = train_and_select(school_data, models=["lr", "rf"], folds=3, ensemble=False)
    champion = result.models[result.champion]
    assert type(champion).__name__ == "CalibratedModel"
    assert champion.method == result.calibration["method"]
    assert set(result.calibration["inner_brier"]) == {"none", "sigmoid", "isotonic"}
    assert result.calibration["before"]["ece_pooled"].keys() == {"kurang", "sedang", "baik"}
    proba = champion.predict_proba(school_data)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)


def test_a_big_school_gets_three_folds_and_clearly_worse_models_stop_after_two(
    school_data, monkeypatch
):
    from predictions.ml import train

    monkeypatch.setattr(train, "BIG_SAMPLES", 100)  # the tiny school counts as "big" here
    result = train.train_and_select(
        school_data,
        models={"gbdt": make_model("gbdt"), "dummy": DummyClassifierOnData()},
        folds=5,
    )
    assert result.plan["folds"] == 3 and result.plan["big_school_rule"]
    assert result.plan["pruned"]["dummy"]["after_folds"] == 2
    assert result.metrics["dummy"]["folds"] == 2 and result.metrics["gbdt"]["folds"] == 3
    assert result.champion == "gbdt" and "dummy" not in result.models
