import numpy as np
import pytest

from predictions.ml.calibration import (
    CalibratedModel,
    TemperatureCalibrator,
    brier_score,
    choose_calibrator,
    choose_vote_pool,
    ece_per_class,
    fit_vote_weights,
    vote,
)
from predictions.ml.explain import bound_probabilities, score


def _overconfident(n: int = 3000, seed: int = 0):
    """True probabilities from a softmax; the 'model' reports them sharpened (T = 1/3)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.2, size=(n, 3))
    true = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    codes = np.array([rng.choice(3, p=p) for p in true])
    sharp = np.exp(3 * logits)
    return sharp / sharp.sum(axis=1, keepdims=True), codes


def test_ece_is_zero_for_perfect_bins_and_large_for_confident_mistakes():
    codes = np.array([0, 0, 1, 1])
    right = np.eye(3)[codes]
    assert ece_per_class(codes, right).tolist() == [0.0, 0.0, 0.0]
    wrong = np.eye(3)[[1, 1, 0, 0]]
    assert ece_per_class(codes, wrong)[0] == pytest.approx(1.0)


def test_temperature_scaling_repairs_an_overconfident_model_without_changing_its_choice():
    proba, codes = _overconfident()
    cal = TemperatureCalibrator().fit(proba, codes)
    assert cal.temperature_ == pytest.approx(3.0, rel=0.2)
    fixed = cal.transform(proba)
    assert np.array_equal(fixed.argmax(axis=1), proba.argmax(axis=1))
    assert ece_per_class(codes, fixed)[0] < ece_per_class(codes, proba)[0] / 2
    assert brier_score(codes, fixed) < brier_score(codes, proba)


def test_the_inner_cv_prefers_a_map_over_none_for_miscalibrated_and_none_for_calibrated():
    proba, codes = _overconfident()
    method, _, scores = choose_calibrator(proba, codes, candidates=("none", "temperature"))
    assert method == "temperature" and scores["temperature"] < scores["none"]
    honest = TemperatureCalibrator().fit(proba, codes).transform(proba)
    method, _, _ = choose_calibrator(honest, codes, candidates=("none", "sigmoid", "isotonic"))
    assert method in ("none", "sigmoid")  # isotonic's steps cost more than they fix here


def test_a_calibrated_model_passes_its_base_probabilities_through_the_map():
    proba, codes = _overconfident(300)

    class Fixed:
        def predict_proba(self, data):
            return proba

    cal = TemperatureCalibrator().fit(proba, codes)
    wrapped = CalibratedModel(base=Fixed(), calibrator=cal)
    np.testing.assert_allclose(wrapped.predict_proba(None), cal.transform(proba))
    assert wrapped.predict(None).shape == (300,)


def test_vote_weights_favour_the_informative_member():
    proba, codes = _overconfident(2000, seed=1)
    honest = TemperatureCalibrator().fit(proba, codes).transform(proba)
    noise = np.full_like(honest, 1 / 3)
    w = fit_vote_weights([honest, noise], codes)
    assert w.sum() == pytest.approx(1.0) and w[0] > 0.8


def test_no_shown_probability_is_exactly_zero_or_one():
    certain = np.array([[1.0, 0.0, 0.0], [0.0, 0.2, 0.8]])
    shown = bound_probabilities(certain)
    assert (shown > 0).all() and (shown < 1).all()
    assert round(100 * shown.max()) < 100 and round(100 * shown.min()) > 0
    np.testing.assert_allclose(shown.sum(axis=1), 1.0)
    assert np.array_equal(shown.argmax(axis=1), certain.argmax(axis=1))

    class Certain:
        def predict_proba(self, data):
            return certain

    assert (score(Certain(), [0, 1]) == shown).all()


def _softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_vote_pool_is_chosen_by_held_out_log_loss():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 3, 3000)
    onehot = np.eye(3)[codes]
    fold_of = np.arange(len(codes)) % 5
    # Two members with independent evidence: multiplying them (log pool) is sharper and right.
    a = _softmax(onehot + rng.normal(0, 1, (len(codes), 3)))
    b = _softmax(onehot + rng.normal(0, 1, (len(codes), 3)))
    pool, scores = choose_vote_pool([a, b], codes, fold_of)
    assert pool == "log" and scores["log"] < scores["mean"]
    # A member confidently wrong on a fifth of the rows: the linear pool absorbs its mistakes.
    wrong = rng.random(len(codes)) < 0.2
    b[wrong] = _softmax(-8 * onehot[wrong])
    pool, scores = choose_vote_pool([a, b], codes, fold_of)
    assert pool == "mean" and scores["mean"] < scores["log"]


def test_the_log_pool_lets_a_sure_member_veto_a_class():
    sure_not_kurang = np.array([[0.001, 0.6, 0.399]])
    keen_on_kurang = np.array([[0.9, 0.05, 0.05]])
    mean = vote([sure_not_kurang, keen_on_kurang], [0.5, 0.5], "mean")
    log = vote([sure_not_kurang, keen_on_kurang], [0.5, 0.5], "log")
    assert mean.argmax() == 0 and log.argmax() == 1
    np.testing.assert_allclose([mean.sum(), log.sum()], 1.0)
    with pytest.raises(ValueError):
        vote([keen_on_kurang], [1.0], "median")
