"""The promotion rule (issue 23, item 7) against hand-computed numbers, and its words."""

import math

import pytest
from django.utils import translation

from predictions.promotion import (
    AUTO,
    FIRST,
    WAIT,
    found_per,
    promotion_check,
    promotion_sentences,
)


def metrics(f1, f1_std=0.02, recall=0.8, recall_std=0.02, folds=5, found=None) -> dict:
    """A version's metrics as training stores them; `found` = (found, at_risk) of kurang."""
    cv = {
        "macro_f1": {"mean": f1, "std": f1_std},
        "recall_kurang": {"mean": recall, "std": recall_std},
        "folds": folds,
    }
    if found is not None:
        hit, at_risk = found
        cv["confusion_matrix"] = [[hit, at_risk - hit, 0], [5, 100, 10], [0, 10, 90]]
    return {"folds": folds, "cv": cv}


def test_a_schools_first_model_is_used_at_once():
    check = promotion_check(candidate=metrics(0.5), active=None)
    assert check["decision"] == FIRST and check["reasons"] == ["no_active"]


def test_the_ensemble_of_the_issue_waits_its_gap_is_within_chance():
    # 0.790 ± 0.02 against 0.793 ± 0.02 over 5 folds each:
    # d = −0.003; se = √(0.02²/5 + 0.02²/5) = √0.00016 = 0.012649; margin = 2·se = 0.0253
    check = promotion_check(candidate=metrics(0.790), active=metrics(0.793))
    assert check["decision"] == WAIT
    assert check["macro_f1"] == {
        "candidate": 0.790,
        "active": 0.793,
        "diff": -0.003,
        "margin": 0.0253,
    }
    assert check["reasons"] == ["f1_lower_within_chance"]


def test_a_clearly_worse_model_waits():
    # d = 0.75 − 0.80 = −0.05; margin = 2·√(0.01²/5·2) = 2·0.0063246 = 0.0126
    check = promotion_check(candidate=metrics(0.75, f1_std=0.01), active=metrics(0.80, f1_std=0.01))
    assert (check["decision"], check["reasons"]) == (WAIT, ["f1_lower"])
    assert check["macro_f1"]["margin"] == 0.0126


def test_an_equal_or_better_model_is_used_on_its_own():
    assert promotion_check(candidate=metrics(0.793), active=metrics(0.793))["decision"] == AUTO
    better = promotion_check(candidate=metrics(0.81), active=metrics(0.793))
    assert (better["decision"], better["reasons"], better["macro_f1"]["diff"]) == (AUTO, [], 0.017)


def test_a_better_f1_that_finds_clearly_fewer_kurang_students_waits():
    # recall 0.60 against 0.80, margin 0.0253: the drop of 0.20 is far outside chance
    check = promotion_check(candidate=metrics(0.82, recall=0.60), active=metrics(0.80))
    assert (check["decision"], check["reasons"]) == (WAIT, ["recall_lower"])
    assert check["recall_kurang"]["diff"] == -0.2


def test_a_recall_drop_within_chance_does_not_stop_a_better_model():
    check = promotion_check(candidate=metrics(0.82, recall=0.78), active=metrics(0.80))
    assert check["decision"] == AUTO and check["recall_kurang"]["diff"] == -0.02


def test_the_margin_uses_each_models_own_fold_count_and_spread():
    # se = √(0.03²/3 + 0.04²/4) = √(0.0003 + 0.0004) = √0.0007 = 0.0264575; 2·se = 0.0529
    check = promotion_check(
        candidate=metrics(0.70, f1_std=0.03, folds=3), active=metrics(0.72, f1_std=0.04, folds=4)
    )
    assert check["macro_f1"]["margin"] == round(2 * math.sqrt(0.0007), 4) == 0.0529
    assert check["reasons"] == ["f1_lower_within_chance"]


def test_an_active_model_without_cross_validation_figures_makes_the_new_one_wait():
    check = promotion_check(candidate=metrics(0.8), active={"cv": {}})
    assert (check["decision"], check["reasons"]) == (WAIT, ["active_unmeasured"])


def test_found_per_ten_counts_the_out_of_fold_confusion_matrix():
    assert found_per(metrics(0.8, found=(40, 50))) == 8
    assert found_per(metrics(0.8, found=(35, 50))) == 7
    assert found_per(metrics(0.8, recall=0.74)) == 7  # no matrix: the mean recall


def test_the_operator_reads_why_in_plain_words():
    check = promotion_check(
        candidate=metrics(0.790, found=(35, 50)), active=metrics(0.793, found=(40, 50))
    )
    with translation.override("id"):
        words = promotion_sentences(check)
    assert words[0].startswith("Model baru belum dipakai")
    assert "F1 makro 0,793 → 0,790 (selisih −0,003)" in words[1]
    assert "rentang kebetulan antar-lipatan (±0,025)" in words[1]
    assert words[2] == (
        "Model baru sedikit kurang tepat menemukan siswa yang perlu perhatian: "
        "8 dari 10 → 7 dari 10."
    )


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (
            metrics(0.85, found=(45, 50)),
            "lebih banyak menemukan siswa yang perlu perhatian: 8 dari 10 → 9 dari 10.",
        ),
        (metrics(0.85, found=(40, 50)), "sama banyak: 8 dari 10."),
    ],
)
def test_an_automatic_switch_says_so_and_how_many_of_ten_it_finds(candidate, expected):
    check = promotion_check(candidate=candidate, active=metrics(0.80, found=(40, 50)))
    with translation.override("id"):
        words = promotion_sentences(check)
    assert check["decision"] == AUTO
    assert words[0] == (
        "Model baru tidak lebih buruk dari model aktif (ketepatan keseluruhan 0,800 → 0,850), "
        "jadi langsung dipakai."
    )
    assert words[1].endswith(expected)


def test_a_recall_drop_finer_than_tenths_is_said_per_hundred():
    check = promotion_check(
        candidate=metrics(0.82, recall=0.76, recall_std=0.005, found=(38, 50)),
        active=metrics(0.80, recall=0.80, recall_std=0.005, found=(40, 50)),
    )
    assert check["reasons"] == ["recall_lower"]
    with translation.override("id"):
        words = promotion_sentences(check)
    assert words[-1] == (
        "Model baru kurang tepat menemukan siswa yang perlu perhatian: 80 dari 100 → 76 dari 100."
    )


def test_a_run_from_before_the_rule_has_no_words():
    assert promotion_sentences(None) == [] and promotion_sentences({}) == []


def test_the_reasons_read_in_english_on_request():
    check = promotion_check(
        candidate=metrics(0.790, found=(35, 50)), active=metrics(0.793, found=(40, 50))
    )
    with translation.override("en"):
        words = promotion_sentences(check)
    assert words[-1] == (
        "The new model is slightly worse at finding students who need attention: 8 of 10 → 7 of 10."
    )
    assert "macro F1 0.793 → 0.790 (difference −0.003)" in words[1]
