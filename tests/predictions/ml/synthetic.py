"""Synthetic school tables in the exact format `predictions.ml.features` expects.

Used by the tests and by benchmarks/ml_speed.py. The planted signal: each student has a
latent ability and a drift; alpa (unexcused absence) and low motivation pull the next
term's scores down. Roughly 15-25 % of next terms end in `kurang`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUBJECTS = {
    "umum": ["Matematika", "Bahasa Indonesia", "Bahasa Inggris", "PPKn"],
    "kejuruan": ["Dasar Kejuruan", "Praktik Kejuruan", "Produktif"],
}
MAJORS = {"TKJ": "teknik", "TKR": "teknik", "AKL": "bisnis", "KEP": "kesehatan"}


def make_school_frames(
    n_students: int = 200, n_terms: int = 4, *, seed: int = 0, first_year: int = 2022
) -> dict[str, pd.DataFrame]:
    """Return {'grades','attendance','ratings','students'} long frames."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n_students + 1)
    majors = rng.choice(list(MAJORS), size=n_students)
    students = pd.DataFrame(
        {
            "student_id": ids,
            "gender": rng.choice(["L", "P"], size=n_students),
            "major": majors,
            "major_field": [MAJORS[m] for m in majors],
            "kip": rng.random(n_students) < 0.3,
            "parent_education": rng.integers(0, 7, n_students).astype(float),
            "income_bracket": rng.integers(0, 6, n_students).astype(float),
            "distance_km": rng.gamma(2.0, 3.0, n_students),
        }
    )
    students.loc[rng.random(n_students) < 0.1, "income_bracket"] = np.nan
    ability = rng.normal(82.0, 6.0, n_students)
    drift = rng.normal(0.0, 1.5, n_students)
    habit = rng.gamma(1.0, 1.5, n_students) * np.where(majors == "TKR", 1.5, 1.0)
    terms = [f"{first_year + k // 2}-{k % 2 + 1}" for k in range(n_terms)]

    grade_rows, att_rows, rating_rows = [], [], []
    prev_alpa = rng.poisson(habit)
    prev_motivation = np.clip(rng.normal(3.5, 0.8, n_students), 1, 5)
    for k, term in enumerate(terms):
        # Last term's absence and motivation shape this term's scores: a learnable signal.
        level = ability + drift * k - 1.2 * prev_alpa + 2.0 * (prev_motivation - 3.5)
        for group, subjects in SUBJECTS.items():
            shift = rng.normal(0, 2.0, n_students) if group == "kejuruan" else 0.0
            for subject in subjects:
                score = np.clip(level + shift + rng.normal(0, 3.0, n_students), 0, 100)
                grade_rows.append(
                    pd.DataFrame(
                        {
                            "student_id": ids,
                            "term": term,
                            "group": group,
                            "subject": subject,
                            "score": score.round(1),
                        }
                    )
                )
        alpa = rng.poisson(habit)
        att_rows.append(
            pd.DataFrame(
                {
                    "student_id": ids,
                    "term": term,
                    "sakit": rng.poisson(1.5, n_students),
                    "izin": rng.poisson(1.0, n_students),
                    "alpa": alpa,
                    "school_days": 110,
                }
            )
        )
        motivation = np.clip(prev_motivation + rng.normal(0, 0.5, n_students), 1, 5)
        rating_rows.append(
            pd.DataFrame(
                {
                    "student_id": ids,
                    "term": term,
                    "motivation": motivation.round(),
                    "social_skills": np.clip(rng.normal(3.5, 0.8, n_students), 1, 5).round(),
                }
            )
        )
        prev_alpa, prev_motivation = alpa, motivation
    return {
        "grades": pd.concat(grade_rows, ignore_index=True),
        "attendance": pd.concat(att_rows, ignore_index=True),
        "ratings": pd.concat(rating_rows, ignore_index=True),
        "students": students,
    }
