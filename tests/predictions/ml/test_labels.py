import numpy as np
import pandas as pd
import pytest

from predictions.ml.labels import LABELS, bin_target, category_from_average, map_target


def test_labels_are_ordered_with_at_risk_first():
    assert LABELS == ("kurang", "sedang", "baik")


def test_category_boundaries_are_half_open():
    assert category_from_average(74.99) == "kurang"
    assert category_from_average(75.0) == "sedang"
    assert category_from_average(84.99) == "sedang"
    assert category_from_average(85.0) == "baik"
    assert category_from_average(float("nan")) is None


def test_category_respects_school_thresholds_and_keeps_series_index():
    s = pd.Series([69.0, 70.0, np.nan, 90.0], index=[10, 11, 12, 13])
    out = category_from_average(s, kkm=70, baik=90)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out[10] == "kurang" and out[11] == "sedang" and out[13] == "baik"
    assert pd.isna(out[12])


def test_category_refuses_kkm_above_baik():
    with pytest.raises(ValueError, match="KKM"):
        category_from_average(80, kkm=90, baik=85)


def test_bin_target_uses_half_open_bins_with_unbounded_ends():
    bins = {"kurang": [None, 10], "sedang": [10, 14], "baik": [14, None]}
    out = bin_target(pd.Series([0, 9.99, 10, 13.9, 14, 20, None, "x"]), bins)
    expected = ["kurang", "kurang", "sedang", "sedang", "baik", "baik", None, None]
    assert [None if pd.isna(v) else v for v in out] == expected


def test_bin_target_leaves_gaps_missing_and_refuses_overlaps():
    out = bin_target(pd.Series([5, 12]), {"kurang": [None, 10], "baik": [14, None]})
    assert out[0] == "kurang" and pd.isna(out[1])
    with pytest.raises(ValueError, match="tumpang tindih"):
        bin_target(pd.Series([5]), {"kurang": [None, 10], "sedang": [8, 14]})


def test_map_target_matches_numbers_read_as_floats():
    raw = pd.Series(["Dropout", "Graduate", "Enrolled", "Other", None])
    mapping = {"Dropout": "kurang", "Enrolled": "sedang", "Graduate": "baik"}
    assert map_target(raw, mapping).tolist()[:3] == ["kurang", "baik", "sedang"]
    assert map_target(raw, mapping)[3:].isna().all()
    assert map_target(pd.Series([0.0, 1.0]), {"0": "kurang", "1": "baik"}).tolist() == [
        "kurang",
        "baik",
    ]
