import numpy as np
import pandas as pd
import pytest

from predictions.ml.evaluate import sequence_data_from_frame
from predictions.ml.features import (
    OPTIONAL_FEATURES,
    STEP_FEATURES,
    build_scoring_samples,
    build_training_samples,
    next_term,
    term_table,
)
from predictions.ml.tabular import tabular_frame


def _tiny_school():
    """Two students, three terms; student 2 skips term 2023-2."""
    rows = []
    for sid, term, umum, kejuruan in [
        (1, "2023-1", 80, 90),
        (1, "2023-2", 70, 60),
        (1, "2024-1", 90, 90),
        (2, "2023-1", 60, 70),
        (2, "2024-1", 88, 86),
    ]:
        rows += [
            {"student_id": sid, "term": term, "group": "umum", "subject": "MTK", "score": umum},
            {
                "student_id": sid,
                "term": term,
                "group": "kejuruan",
                "subject": "PK",
                "score": kejuruan,
            },
        ]
    grades = pd.DataFrame(rows)
    attendance = pd.DataFrame(
        {
            "student_id": [1, 1],
            "term": ["2023-1", "2023-2"],
            "sakit": [1, 0],
            "izin": [1, 2],
            "alpa": [2, 9],
            "school_days": [100, 100],
        }
    )
    ratings = pd.DataFrame(
        {"student_id": [1], "term": ["2023-2"], "motivation": [2.0], "social_skills": [4.0]}
    )
    students = pd.DataFrame(
        {
            "student_id": [1, 2],
            "gender": ["L", "P"],
            "major": ["TKJ", "AKL"],
            "major_field": ["teknik", "bisnis"],
            "kip": [True, False],
            "parent_education": [3, np.nan],
            "income_bracket": [1, 2],
            "distance_km": [4.5, np.nan],
        }
    )
    return grades, attendance, ratings, students


def test_next_term_steps_semesters_and_years():
    assert next_term("2023-1") == "2023-2"
    assert next_term("2023-2") == "2024-1"
    with pytest.raises(ValueError, match="YYYY-S"):
        next_term("2023/1")


def test_term_table_computes_hand_checked_features():
    grades, attendance, ratings, _ = _tiny_school()
    table = term_table(grades, attendance, ratings, kkm=75).set_index(["student_id", "term"])
    row = table.loc[(1, "2023-2")]
    assert row["avg"] == pytest.approx(65.0)
    assert row["avg_umum"] == 70 and row["avg_kejuruan"] == 60
    assert row["avg_change"] == pytest.approx(65.0 - 85.0)
    assert row["n_below_kkm"] == 2
    assert row["attendance_rate"] == pytest.approx(1 - 11 / 100)
    assert row["alpa"] == 9 and row["motivation"] == 2.0
    # no attendance / ratings rows for that term -> missing, not zero
    assert np.isnan(table.loc[(2, "2024-1"), "attendance_rate"])
    assert np.isnan(table.loc[(1, "2023-1"), "motivation"])


def test_an_unfinished_term_is_never_a_label():
    data = build_training_samples(*_tiny_school(), kkm=75, baik=85, unlabelled_terms={"2024-1"})
    # 2024-1 (a partial ledger) no longer labels 2023-2; 2023-2 still labels 2023-1
    assert list(zip(data.groups, data.terms, data.y, strict=True)) == [(1, "2023-1", "kurang")]


def test_training_samples_label_the_next_term_only_when_it_has_grades():
    data = build_training_samples(*_tiny_school(), kkm=75, baik=85)
    # student 1: 2023-1 -> label of 2023-2 (65: kurang), 2023-2 -> label of 2024-1 (90: baik)
    # student 2: 2023-1 has no 2023-2 grades -> no sample; 2024-1 has no next term.
    assert list(zip(data.groups, data.terms, data.y, strict=True)) == [
        (1, "2023-1", "kurang"),
        (1, "2023-2", "baik"),
    ]
    assert data.seq.shape == (2, 2, len(STEP_FEATURES))
    assert data.lengths.tolist() == [1, 2]
    assert np.all(data.seq[0, 1] == 0)  # right padding
    assert data.static.loc[0, "kip"] == 1.0 and data.static.loc[0, "major"] == "TKJ"


def test_features_of_term_t_do_not_see_term_t_plus_1():
    grades, attendance, ratings, students = _tiny_school()
    before = build_training_samples(grades, attendance, ratings, students)
    changed = grades.copy()
    later = changed["term"] == "2023-2"
    changed.loc[later, "score"] = 10.0
    att = attendance.copy()
    att.loc[att["term"] == "2023-2", "alpa"] = 50
    rat = ratings.assign(motivation=5.0)
    after = build_training_samples(changed, att, rat, students)
    first = (before.groups == 1) & (before.terms == "2023-1")
    np.testing.assert_array_equal(before.seq[first], after.seq[first])
    assert before.y[first][0] == "kurang" and after.y[first][0] == "kurang"
    # ...while the change does reach the label of 2023-1 when it flips the category
    changed.loc[later, "score"] = 95.0
    flipped = build_training_samples(changed, attendance, ratings, students)
    assert flipped.y[first][0] == "baik"
    np.testing.assert_array_equal(before.seq[first], flipped.seq[first])


def test_scoring_samples_take_each_students_latest_term():
    data = build_scoring_samples(*_tiny_school())
    assert data.y is None
    assert dict(zip(data.groups, data.terms, strict=True)) == {1: "2024-1", 2: "2024-1"}
    assert data.lengths.tolist() == [3, 2]
    as_of = build_scoring_samples(*_tiny_school(), as_of="2023-2")
    assert dict(zip(as_of.groups, as_of.terms, strict=True)) == {1: "2023-2", 2: "2023-1"}


def test_max_steps_keeps_the_most_recent_terms():
    data = build_scoring_samples(*_tiny_school(), max_steps=2)
    assert data.seq.shape[1] == 2
    first = data.groups == 1
    assert data.seq[first][0, :, 0].tolist() == [65.0, 90.0]


def test_tabular_frame_hand_checked_stats():
    data = build_scoring_samples(*_tiny_school())
    tab = tabular_frame(data).set_index(pd.Index(data.groups))
    assert tab.loc[1, "avg_last"] == 90 and tab.loc[1, "avg_prev"] == 65
    assert tab.loc[1, "avg_mean"] == pytest.approx((85 + 65 + 90) / 3)
    assert tab.loc[1, "avg_delta"] == 25
    assert tab.loc[1, "avg_slope"] == pytest.approx(2.5)  # least squares of 85, 65, 90
    assert tab.loc[1, "history_length"] == 3
    assert tab.loc[1, "alpa_last"] != tab.loc[1, "alpa_last"]  # NaN: no 2024-1 attendance
    assert tab.loc[1, "alpa_mean"] == pytest.approx(5.5)


def test_sequence_from_frame_with_empty_sequence_and_missing_column_message():
    frame = pd.DataFrame({"a": [1, 2], "G1": ["5", "x"], "c": ["u", None]})
    data = sequence_data_from_frame(frame, sequence=[{"grade": "G1"}], categorical=["c"])
    assert data.seq.shape == (2, 1, 1) and np.isnan(data.seq[1, 0, 0])
    empty = sequence_data_from_frame(frame, sequence=[], numeric=["a"])
    assert empty.seq.shape == (2, 0, 0) and empty.lengths.tolist() == [0, 0]
    with pytest.raises(ValueError, match="Kolom 'G9' tidak ada di CSV"):
        sequence_data_from_frame(frame, sequence=[{"grade": "G9"}])


# --------------------------------------------------------------------------- optional features


def _conduct_and_pkl():
    conduct = pd.DataFrame(
        {
            "student_id": [1, 1, 1, 2],
            "term": ["2023-2", "2023-2", "2024-1", "2024-1"],
            "points": [20, 5, -20, 50],
        }
    )
    pkl = pd.DataFrame(
        {
            "student_id": [1],
            "term": ["2024-1"],
            "days_present": [45],
            "days_total": [60],
            "rating_attitude": [70.0],
            "rating_skills": [82.5],
        }
    )
    return conduct, pkl


def test_conduct_points_are_summed_per_term_zero_without_entries_unknown_before_recording():
    grades, attendance, ratings, _students = _tiny_school()
    conduct, pkl = _conduct_and_pkl()
    table = term_table(grades, attendance, ratings, conduct=conduct, pkl=pkl).set_index(
        ["student_id", "term"]
    )
    assert table.loc[(1, "2023-2"), "conduct_points"] == 25
    assert table.loc[(1, "2024-1"), "conduct_points"] == -20  # an achievement lowers the net
    assert table.loc[(2, "2024-1"), "conduct_points"] == 50
    # The school's first recorded term is 2023-2: 2023-1 is unknown, not "no points".
    assert np.isnan(table.loc[(1, "2023-1"), "conduct_points"])
    assert np.isnan(table.loc[(2, "2023-1"), "conduct_points"])


def test_pkl_gives_attendance_rate_and_mentor_ratings_only_in_its_term():
    grades, attendance, ratings, _students = _tiny_school()
    conduct, pkl = _conduct_and_pkl()
    table = term_table(grades, attendance, ratings, pkl=pkl).set_index(["student_id", "term"])
    assert "conduct_points" not in table.columns
    row = table.loc[(1, "2024-1")]
    assert row["pkl_attendance_rate"] == pytest.approx(0.75)
    assert (row["pkl_attitude"], row["pkl_skills"]) == (70.0, 82.5)
    assert table.loc[[(1, "2023-2"), (2, "2024-1")], "pkl_skills"].isna().all()


def test_optional_features_join_the_sequence_only_when_the_school_has_records():
    grades, attendance, ratings, students = _tiny_school()
    conduct, pkl = _conduct_and_pkl()
    base = build_training_samples(grades, attendance, ratings, students)
    assert base.feature_names == list(STEP_FEATURES)
    empty = build_training_samples(
        grades, attendance, ratings, students, conduct=conduct.iloc[:0], pkl=pkl.iloc[:0]
    )
    assert empty.feature_names == list(STEP_FEATURES)
    full = build_training_samples(grades, attendance, ratings, students, conduct=conduct, pkl=pkl)
    assert full.feature_names == [*STEP_FEATURES, *OPTIONAL_FEATURES]
    np.testing.assert_array_equal(full.seq[:, :, : len(STEP_FEATURES)], base.seq)
    # student 1, sample for term 2023-2 (label from 2024-1): nothing from 2024-1 leaks in
    f = full.feature_names.index("conduct_points")
    i = int(np.flatnonzero((full.groups == 1) & (full.terms == "2023-2"))[0])
    assert full.seq[i, full.lengths[i] - 1, f] == 25


def test_scoring_builds_exactly_the_features_a_model_was_trained_on():
    grades, attendance, ratings, students = _tiny_school()
    conduct, pkl = _conduct_and_pkl()
    old = build_scoring_samples(
        grades, attendance, ratings, students, conduct=conduct, pkl=pkl,
        feature_names=list(STEP_FEATURES),
    )  # fmt: skip
    assert old.feature_names == list(STEP_FEATURES)
    # a model trained with points, scored where no point has been recorded since: NaN
    names = [*STEP_FEATURES, "conduct_points"]
    later = build_scoring_samples(grades, attendance, ratings, students, feature_names=names)
    assert later.feature_names == names and np.isnan(later.seq[later.mask][:, -1]).all()
    with pytest.raises(ValueError, match="tidak dikenal"):
        build_scoring_samples(grades, attendance, ratings, students, feature_names=["shoe_size"])
