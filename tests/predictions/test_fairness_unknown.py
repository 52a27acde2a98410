"""Students whose gender is not known yet (a ledger brought them) count as their own group
in the fairness figures, never dropped (issue 23)."""

import numpy as np
import pandas as pd

from predictions.training import UNKNOWN_GROUP, fairness_table


def test_unknown_gender_is_its_own_group_and_no_student_is_dropped():
    codes = np.array([0, 0, 1, 2, 0, 1])  # 0 = kurang
    proba = np.eye(3)[[0, 1, 1, 2, 0, 0]]
    groups = pd.Series(["L", "P", "", None, "L", ""])
    rows = {r["group"]: r for r in fairness_table(codes, proba, groups)}
    assert list(rows) == ["L", "P", UNKNOWN_GROUP]  # the unknown group last
    assert sum(r["n"] for r in rows.values()) == len(codes)
    unknown = rows[UNKNOWN_GROUP]
    assert (unknown["n"], unknown["n_kurang"]) == (3, 0)
    assert unknown["fpr_kurang"] == 1 / 3  # the last one was flagged kurang
    assert rows["L"]["recall_kurang"] == 1.0
