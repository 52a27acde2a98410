"""The pooled district model's evaluation (issue 26, item 3): features that mean the same in
every school (scores relative to the school's KKM, no major names), and leave-one-school-out
figures that never test a school on a model that saw it."""

import numpy as np
import pytest

from predictions.ml.features import build_training_samples
from predictions.ml.pooled import (
    SHARED_FEATURES,
    PooledModel,
    concat,
    leave_one_school_out,
    measure_leave_one_out,
    measure_on_school,
    pooled_fit,
    shared_view,
)
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


def test_a_pooled_model_scores_a_school_in_its_own_scores_and_is_measured_there():
    sources = {"A": school(1), "B": school(2, shift=5.0)}
    target, kkm = school(3, shift=-5.0)  # a school that grades lower, with its own KKM
    estimator, train = pooled_fit(sources, model="lr")
    assert len(train) == sum(len(d) for d, _ in sources.values())
    model = PooledModel(estimator, kkm=kkm)
    proba = model.predict_proba(target)  # the school's ordinary samples, not a shared view
    np.testing.assert_allclose(proba, estimator.predict_proba(shared_view(target, kkm=kkm)))
    measured = measure_on_school(model, target, parts=4)
    assert measured["folds"] == 4
    assert np.array(measured["confusion_matrix"]).sum() == len(target)
    assert measured["macro_f1"]["mean"] > 0.5 and measured["macro_f1"]["std"] >= 0


def test_leave_one_out_gives_one_fold_per_source_school():
    sources = {"A": school(1), "B": school(2, shift=5.0), "C": school(4)}
    measured = measure_leave_one_out(sources, model="lr")
    assert measured["folds"] == 3
    assert np.array(measured["confusion_matrix"]).sum() == sum(len(d) for d, _ in sources.values())
    with pytest.raises(ValueError, match="dua sekolah"):
        measure_leave_one_out({"A": sources["A"]})
