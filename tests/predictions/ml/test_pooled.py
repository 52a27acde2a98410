"""The pooled district model's evaluation (issue 26, item 3): features that mean the same in
every school (scores relative to the school's KKM, no major names), and leave-one-school-out
figures that never test a school on a model that saw it."""

import numpy as np
import pytest

from predictions.ml.features import build_training_samples
from predictions.ml.pooled import SHARED_FEATURES, concat, leave_one_school_out, shared_view
from tests.predictions.ml.synthetic import make_school_frames


def school(seed: int, shift: float = 0.0):
    f = make_school_frames(120, 4, seed=seed)
    f["grades"]["score"] = f["grades"]["score"] + shift  # a school that grades higher
    kkm = 75.0 + shift
    data = build_training_samples(
        f["grades"], f["attendance"], f["ratings"], f["students"], kkm=kkm, baik=85.0 + shift
    )
    return data, kkm


def test_shared_view_shifts_scores_by_kkm_and_drops_the_major_name():
    data, kkm = school(1, shift=5.0)
    view = shared_view(data, kkm=kkm)
    assert view.feature_names == list(SHARED_FEATURES) and "major" not in view.static
    avg = data.feature_names.index("avg")
    real = data.mask
    np.testing.assert_allclose(view.seq[:, :, 0][real], data.seq[:, :, avg][real] - kkm)
    assert np.isnan(view.seq[:, :, SHARED_FEATURES.index("conduct_points")][real]).all()


def test_concat_keeps_every_row_and_keeps_students_of_two_schools_apart():
    (a, ka), (b, kb) = school(1), school(2)
    both = concat([shared_view(a, kkm=ka), shared_view(b, kkm=kb)])
    assert len(both) == len(a) + len(b)
    assert len(set(both.groups)) == len(set(a.groups)) + len(set(b.groups))


def test_leave_one_school_out_scores_each_school_on_the_others():
    schools = {"A": school(1), "B": school(2, shift=5.0), "C": school(3)}
    report = leave_one_school_out(schools, model="lr", folds=3)
    assert set(report) == {"A", "B", "C"}
    for key, entry in report.items():
        assert entry["n_test"] == len(schools[key][0])
        assert entry["n_train"] == sum(len(d) for k, (d, _) in schools.items() if k != key)
        assert np.array(entry["pooled"]["confusion_matrix"]).sum() == entry["n_test"]
        assert entry["pooled"]["macro_f1"] > 0.5  # the planted signal carries across schools
        assert "mean" in entry["own"]["macro_f1"]
    with pytest.raises(ValueError, match="dua sekolah"):
        leave_one_school_out({"A": schools["A"]})
