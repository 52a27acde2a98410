"""Issue 26, item 4: probabilities stay honest at any base rate. Class-balanced training makes
the raw P(kurang) track a balanced world; on a data set where about half the students end in
kurang it sat about 0.13 below the observed rate. After the out-of-fold calibration the
pooled ECE of P(kurang) of the champion and of the ensemble stays at or below 0.05 when
kurang is 10 %, 30 % or 55 % of the students (resampled from the shared public data)."""

import json

import pytest

from tests.predictions.ml.base_rates import (
    RATES,
    at_base_rate,
    both_subjects,
    kurang_ece,
    uci_dir,
)

BAR = 0.05


@pytest.fixture(scope="module")
def uci():
    directory = uci_dir()
    if directory is None:
        pytest.skip("the shared UCI Student Performance files are not on this machine")
    return both_subjects(directory)


@pytest.mark.slow
@pytest.mark.parametrize("rate", RATES)
def test_kurang_probabilities_are_calibrated_at_this_base_rate(uci, rate):
    data = at_base_rate(uci, rate)
    figures = kurang_ece(data)
    print(json.dumps(figures))  # the figures of docs/model-card.md, with -s
    assert figures["rate"] == pytest.approx(rate, abs=0.01)
    for name in {figures["champion"], "ensemble"}:
        assert figures[name]["after"] <= BAR, (name, figures)


def test_the_resampled_sets_have_the_base_rate_and_no_row_twice(uci):
    for rate in RATES:
        data = at_base_rate(uci, rate)
        share = (data.y == "kurang").mean()
        assert share == pytest.approx(rate, abs=0.01)
        assert len(data) >= 300
