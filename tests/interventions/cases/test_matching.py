"""The matched comparison's statistics (interventions.cases.matching): no database, numbers in,
numbers out; expected values computed by hand."""

import math

import pytest

from interventions.cases.matching import (
    Unit,
    headline_share,
    match_pairs,
    matched_effect,
    paired_estimate,
)


def test_each_treated_student_gets_the_nearest_comparison_of_the_same_term_once():
    treated = [Unit("a", "T1", 0.80), Unit("b", "T1", 0.78), Unit("c", "T2", 0.50)]
    pool = [
        Unit("x", "T1", 0.79),  # nearest to both a and b: goes to a (riskier, matched first)
        Unit("y", "T1", 0.76),
        Unit("z", "T2", 0.90),  # other term's match would be out of the caliper anyway
        Unit("w", "T1", 0.50),  # same risk as c but another term: never paired with c
    ]
    pairs = match_pairs(treated, pool, caliper=0.05)
    assert [(a.key, b.key) for a, b in pairs] == [("a", "x"), ("b", "y")]


def test_a_treated_student_with_nobody_within_the_caliper_stays_unmatched():
    pairs = match_pairs([Unit("a", 1, 0.9)], [Unit("x", 1, 0.8)], caliper=0.05)
    assert pairs == []
    assert match_pairs([Unit("a", 1, 0.9)], [Unit("x", 1, 0.85)], caliper=0.05)


def test_ties_are_broken_the_same_way_on_every_run():
    pool = [Unit("q", 1, 0.52), Unit("p", 1, 0.48)]
    pairs = match_pairs([Unit("a", 1, 0.50)], pool, caliper=0.05)
    assert pairs[0][1].key == "p"


def test_paired_estimate_is_the_mean_difference_with_a_t_interval():
    # differences 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.302653
    est = paired_estimate([(11, 10), (12, 10), (13, 10)], min_pairs=3)
    assert est.n == 3 and est.difference == pytest.approx(2.0)
    assert est.treated == pytest.approx(12.0) and est.comparison == pytest.approx(10.0)
    half = 4.302653 / math.sqrt(3)
    assert est.low == pytest.approx(2 - half, abs=1e-5)
    assert est.high == pytest.approx(2 + half, abs=1e-5)
    assert est.enough and est.direction == "unclear"  # the interval holds 0


def test_direction_reads_the_whole_interval():
    up = paired_estimate([(10 + d, 0) for d in (1.0, 1.1, 0.9, 1.0)], min_pairs=2)
    down = paired_estimate([(0, 10 + d) for d in (1.0, 1.1, 0.9, 1.0)], min_pairs=2)
    assert (up.direction, down.direction) == ("better", "worse")


def test_fewer_pairs_than_the_minimum_are_too_few_to_tell():
    est = paired_estimate([(5.0, 1.0)] * 9, min_pairs=10)
    assert not est.enough and est.direction == "too_few"
    assert paired_estimate([]).difference is None
    assert paired_estimate([(2.0, 1.0)]).low is None  # one pair: no interval


def test_outcomes_are_estimated_over_the_pairs_where_both_have_them():
    treated = [
        Unit(i, 1, 0.5 + i / 100, grade=70 + i, attendance=None, better=1.0) for i in range(3)
    ]
    pool = [
        Unit(f"c{i}", 1, 0.5 + i / 100, grade=60 + i, attendance=90.0, better=0.0) for i in range(3)
    ]
    effect = matched_effect(treated, pool, min_pairs=2)
    assert (effect.treated, effect.matched, effect.pool) == (3, 3, 3)
    assert effect.grade.n == 3 and effect.grade.difference == pytest.approx(10.0)
    assert effect.attendance.n == 0 and not effect.attendance.enough
    assert effect.better.difference == pytest.approx(1.0)


def test_a_share_of_fewer_than_ten_students_is_not_headlined():
    assert headline_share(1, 1) is None
    assert headline_share(9, 9) is None
    assert headline_share(5, 10) == 0.5
