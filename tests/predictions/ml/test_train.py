import numpy as np
import pytest

from predictions.ml.train import InsufficientDataError, check_enough_data, train_and_select


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
    assert set(result.metrics) == set(result.models) == {"lr", "gbdt"}
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
