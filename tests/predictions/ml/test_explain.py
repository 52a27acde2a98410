import numpy as np
import pytest

from predictions.ml.explain import Explainer, bound_probabilities, raw_score, score
from predictions.ml.features import build_scoring_samples
from predictions.ml.models import make_model


@pytest.fixture(scope="module")
def fitted(school_data):
    model = make_model("lr", seed=0).fit(school_data)
    return model, Explainer(top_k=3).fit(school_data)


def _planted_frames(school_frames):
    """Student 1 in the latest term: 12 days alpa, attendance 80 %, kejuruan down 15 points."""
    f = {k: v.copy() for k, v in school_frames.items()}
    latest = f["grades"]["term"].max()
    att = f["attendance"]
    row = (att["student_id"] == 1) & (att["term"] == latest)
    att.loc[row, ["sakit", "izin", "alpa", "school_days"]] = [5, 5, 12, 110]
    g = f["grades"]
    prev = sorted(g["term"].unique())[-2]
    for term, score_ in ((prev, 85.0), (latest, 70.0)):
        g.loc[
            (g["student_id"] == 1) & (g["term"] == term) & (g["group"] == "kejuruan"), "score"
        ] = score_
    return f


def test_score_is_batched_and_returns_probabilities(fitted, school_frames):
    model, _ = fitted
    data = build_scoring_samples(**{k: school_frames[k] for k in school_frames})
    proba = score(model, data, batch_size=50)
    assert proba.shape == (len(data), 3)
    np.testing.assert_allclose(raw_score(model, data, batch_size=50), model.predict_proba(data))
    # What is stored and shown: the model's probabilities, bounded away from 0 and 1.
    np.testing.assert_allclose(proba, bound_probabilities(model.predict_proba(data)))
    assert (proba > 0).all() and (proba < 1).all()


def test_planted_student_gets_readable_reasons_from_real_values(fitted, school_frames):
    model, explainer = fitted
    data = build_scoring_samples(**_planted_frames(school_frames))
    reasons = explainer.explain(model, data)
    assert len(reasons) == len(data)
    mine = reasons[int(np.flatnonzero(data.groups == 1)[0])]
    assert 1 <= len(mine) <= 3
    assert [r["weight"] for r in mine] == sorted((r["weight"] for r in mine), reverse=True)
    assert all(r["weight"] > 0 for r in mine)
    # 12 days alpa is far above anything in training: it must be the first reason
    assert mine[0]["code"] == "alpa"
    assert mine[0]["text"] == "Alpa 12 hari pada semester ini"


def test_every_sentence_uses_the_students_real_values(school_data, fitted, school_frames):
    model, _ = fitted
    everything = Explainer(top_k=10, min_weight=-np.inf).fit(school_data)
    data = build_scoring_samples(**_planted_frames(school_frames))
    mine = everything.explain(model, data)[int(np.flatnonzero(data.groups == 1)[0])]
    texts = {r["code"]: r["text"] for r in mine}
    assert len(texts) == len(everything.groups_)
    assert texts["nilai_kejuruan"] == "Rata-rata kejuruan turun 15 poin (85 → 70)"
    assert texts["kehadiran"] == "Kehadiran 80% (sakit 5, izin 5 hari)"
    assert texts["alpa"] == "Alpa 12 hari pada semester ini"


def test_occlusion_calls_the_model_once_per_group_not_per_student(fitted, school_frames):
    model, explainer = fitted
    data = build_scoring_samples(**school_frames)
    calls = []

    class Counting:
        def predict_proba(self, d):
            calls.append(len(d))
            return model.predict_proba(d)

    explainer.explain(Counting(), data)
    assert len(calls) == 1 + len(explainer.groups_)
    assert set(calls) == {len(data)}


def test_a_fitted_explainer_pickles_with_its_sentences(school_data, planted):
    import pickle

    for data in (school_data, planted):
        explainer = Explainer().fit(data)
        again = pickle.loads(pickle.dumps(explainer))  # noqa: S301 - our own bytes
        assert [g.code for g in again.groups_] == [g.code for g in explainer.groups_]
        assert again.step_reference_ == explainer.step_reference_


def _with_points_and_pkl(school_frames):
    """Conduct points follow next term's trouble; one PKL placement in the latest term."""
    import pandas as pd

    f = {k: v.copy() for k, v in school_frames.items()}
    terms = sorted(f["grades"]["term"].unique())
    ids = sorted(f["students"]["student_id"])
    rng = np.random.default_rng(5)
    f["conduct"] = pd.DataFrame(
        [(sid, t, float(rng.choice([0, 5, 20]))) for sid in ids for t in terms],
        columns=["student_id", "term", "points"],
    )
    f["pkl"] = pd.DataFrame(
        [(sid, terms[-1], 50, 60, 75.0, 80.0) for sid in ids[:40]],
        columns=["student_id", "term", "days_present", "days_total", "rating_attitude",
                 "rating_skills"],
    )  # fmt: skip
    return f


def test_points_and_pkl_have_indonesian_reasons_and_no_pkl_no_pkl_reason(school_frames):
    from predictions.ml.features import build_training_samples

    frames = _with_points_and_pkl(school_frames)
    train = build_training_samples(**frames)
    model = make_model("lr", seed=0).fit(train)
    everything = Explainer(top_k=20, min_weight=-np.inf).fit(train)
    codes = [g.code for g in everything.groups_]
    assert codes[-2:] == ["poin_perilaku", "pkl"]
    data = build_scoring_samples(**frames)
    reasons = everything.explain(model, data)
    with_pkl = int(np.flatnonzero(data.groups == 1)[0])
    texts = {r["code"]: r["text"] for r in reasons[with_pkl]}
    assert texts["pkl"] == "PKL: kehadiran 83%, nilai sikap dari pembimbing 75, keterampilan 80"
    points = data.seq[
        with_pkl, data.lengths[with_pkl] - 1, data.feature_names.index("conduct_points")
    ]
    assert texts["poin_perilaku"] in (
        f"Poin pelanggaran {int(points)} pada semester ini",
        "Tidak ada poin pelanggaran bersih pada semester ini",
    )
    # A student who had no placement is never "explained" by one: occluding a missing PKL
    # changes nothing, so its weight is exactly 0.
    without = int(np.flatnonzero(data.groups == 100)[0])
    weight = {r["code"]: r["weight"] for r in reasons[without]}
    assert weight["pkl"] == 0
