"""A reader of the published district tables who knows the legend ("<5" is 0 to 4, "*" is 5
or more), written apart from `smk_dashboard.pages.suppression` so that it does not share its
mistakes. Per school it writes down every sum the tables obey (a row sums to its Jumlah; the
grade-level and the major breakdowns each sum, per column, to the school's totals; the
latest term of the trend is those totals; the coverage table's kurang count is the kurang
total, split into students with and without an intervention, and the outcomes add up to
those with one), gives each published mark its legend bounds, and asks an integer program
for the smallest and largest value of every hidden cell."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

CATS = ["kurang", "sedang", "baik"]
COLUMNS = [*CATS, "n"]
THRESHOLD = 5


def legend(tables: dict, coverage: list) -> dict:
    """What the marks mean. Where the report uses two marks, "<5" is 0 to 4 and "*" is a count
    hidden beside it, 5 or more (a count under 5 would have been "<5"); with one mark, "*" is
    any count."""
    cells = [r[c] for rows in tables.values() for r in rows for c in COLUMNS]
    cells += [v for r in coverage for v in (r["n_kurang"], r["with_intervention"])]
    cells += [v for r in coverage for v in r["outcomes"].values()]
    two = "<5" in cells
    return {"<5": (0, THRESHOLD - 1), "*": (THRESHOLD if two else 0, np.inf)}


def _bounds(value, marks: dict) -> tuple[float, float]:
    if isinstance(value, int):
        return value, value
    assert value in marks, f"unexpected published value {value!r}"
    return marks[value]


def school_system(tables: dict, coverage: list, school: str, marks: dict):
    """(cells, equations, bounds) for one school: cells are ("table", i, column),
    ("T", column) and coverage cells; each equation is {cell: coefficient} == 0."""
    bounds: dict = {("T", c): (0, np.inf) for c in COLUMNS}
    equations: list[dict] = [{("T", c): 1 for c in CATS} | {("T", "n"): -1}]
    for name in ("by_grade_level", "by_major", "trend", "observed_trend"):
        mine = [i for i, r in enumerate(tables.get(name, [])) if r["school"] == school]
        for i in mine:
            r = tables[name][i]
            for c in COLUMNS:
                bounds[(name, i, c)] = _bounds(r[c], marks)
            equations.append({(name, i, c): 1 for c in CATS} | {(name, i, "n"): -1})
        if name in ("by_grade_level", "by_major") and mine:
            for c in COLUMNS:
                equations.append({(name, i, c): 1 for i in mine} | {("T", c): -1})
        if name == "trend" and mine:
            latest = max(mine, key=lambda i: tables[name][i]["group"])
            equations += [{(name, latest, c): 1, ("T", c): -1} for c in COLUMNS]
    for r in coverage:
        if r["school"] != school:
            continue
        bounds[("cov", "n")] = _bounds(r["n_kurang"], marks)
        bounds[("cov", "with")] = _bounds(r["with_intervention"], marks)
        bounds[("cov", "without")] = (0, np.inf)
        equations.append({("cov", "n"): 1, ("T", "kurang"): -1})
        equations.append({("cov", "with"): 1, ("cov", "without"): 1, ("cov", "n"): -1})
        if r["outcomes"]:
            for k, v in r["outcomes"].items():
                bounds[("out", k)] = _bounds(v, marks)
            equations.append({("out", k): 1 for k in r["outcomes"]} | {("cov", "with"): -1})
    return list(bounds), equations, bounds


def _optimum(c, a, lo, hi) -> tuple[float | None, np.ndarray | None]:
    """min of c.x over the integer points (value, point); (None, None) if unbounded below.
    The linear relaxation first: when its optimum is a whole-number point it is the integer
    optimum too; otherwise branch and bound (milp)."""
    relaxed = linprog(
        c, A_eq=a, b_eq=np.zeros(len(a)), bounds=list(zip(lo, hi, strict=True)), method="highs"
    )
    if relaxed.status == 3:
        return None, None
    assert relaxed.status == 0, relaxed.message
    if np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
        return float(relaxed.fun), np.round(relaxed.x)
    res = milp(
        c, constraints=LinearConstraint(a, 0, 0), integrality=np.ones(len(c)), bounds=Bounds(lo, hi)
    )
    assert res.status == 0, res.message
    return float(res.fun), np.round(res.x)


def attack(tables: dict, coverage: list) -> dict:
    """{(school, cell): (smallest, largest)} for every published hidden cell, from the
    published tables alone (largest None when unbounded). Whole-number fillings found along
    the way are kept: a cell already seen THRESHOLD - 1 apart across them gets that spread
    (a lower bound on its true width) without programs of its own."""
    schools = {r["school"] for rows in tables.values() for r in rows}
    marks = legend(tables, coverage)
    out = {}
    for school in sorted(schools):
        cells, equations, bounds = school_system(tables, coverage, school, marks)
        col = {k: i for i, k in enumerate(cells)}
        a = np.zeros((len(equations), len(cells)))
        for j, eq in enumerate(equations):
            for k, coef in eq.items():
                a[j, col[k]] += coef
        lo = np.array([bounds[k][0] for k in cells], dtype=float)
        hi = np.array([bounds[k][1] for k in cells], dtype=float)
        seen = []
        top = np.where(np.isinf(hi), 2 * np.nanmax(np.where(np.isinf(hi), 0, hi)) + 10, hi)
        for sense in (1.0, -1.0):  # everything down, everything up (capped)
            _, x = _optimum(np.full(len(cells), sense), a, lo, top)
            seen.append(x)
        for k in cells:
            i = col[k]
            if k[0] == "T" or k == ("cov", "without") or lo[i] == hi[i]:
                continue
            spread = (min(x[i] for x in seen), max(x[i] for x in seen))
            if spread[1] - spread[0] >= THRESHOLD - 1:
                out[(school, k)] = spread
                continue
            c = np.zeros(len(cells))
            c[i] = 1.0
            low, x = _optimum(c, a, lo, hi)
            seen.append(x)
            high, x = _optimum(-c, a, lo, hi)
            if x is not None:
                seen.append(x)
            out[(school, k)] = (low, None if high is None else -high)
    return out


def findings(intervals: dict) -> tuple[list, list]:
    """(cells recovered exactly, cells pinned to fewer than THRESHOLD values)."""
    exact = [k for k, (lo, hi) in intervals.items() if hi is not None and hi - lo < 0.5]
    narrow = [
        (k, lo, hi)
        for k, (lo, hi) in intervals.items()
        if hi is not None and hi - lo < THRESHOLD - 1 - 1e-6
    ]
    return exact, narrow


OUTCOMES = ["Membaik", "Tetap", "Memburuk"]


def _row(school, group, kurang, sedang, baik):
    return {"school": school, "group": group, "kurang": kurang, "sedang": sedang, "baik": baik}


def simulated_district(rng, schools: int) -> tuple[dict, list]:
    """District tables and coverage rows, counted from simulated students so that they add
    up exactly as the real report's do: small schools (8 to 90 students), one to three grade
    levels and majors, a kurang share from about 5 % to 50 %, a previous term, an observed
    trend and intervention outcomes."""
    tables = {"by_grade_level": [], "by_major": [], "trend": [], "observed_trend": []}
    coverage = []
    for j in range(schools):
        school = f"SMK {j}"
        weights = [rng.uniform(0.3, 3), rng.uniform(1, 4), rng.uniform(1, 4)]
        grades = rng.sample(["X", "XI", "XII"], rng.randint(1, 3))
        majors = rng.sample(["TKJ", "AKL", "KEP", "TBSM"], rng.randint(1, 3))
        students = [
            (rng.choice(grades), rng.choice(majors), rng.choices(CATS, weights=weights)[0])
            for _ in range(rng.randint(8, 90))
        ]
        for name, axis in (("by_grade_level", 0), ("by_major", 1)):
            for group in sorted({s[axis] for s in students}):
                counts = [sum(s[axis] == group and s[2] == c for s in students) for c in CATS]
                tables[name].append(_row(school, group, *counts))
        totals = [sum(s[2] == c for s in students) for c in CATS]
        before = [max(0, t + rng.randint(-3, 3)) for t in totals]
        tables["trend"] += [_row(school, "2025-1", *before), _row(school, "2025-2", *totals)]
        observed = [max(0, t + rng.randint(-4, 4)) for t in totals]
        tables["observed_trend"].append(_row(school, "2025-1", *observed))
        if totals[0]:
            helped = left = rng.randint(0, totals[0])
            outcomes = {}
            for outcome in OUTCOMES[:-1]:
                outcomes[outcome] = rng.randint(0, left)
                left -= outcomes[outcome]
            outcomes[OUTCOMES[-1]] = left
            coverage.append(
                {
                    "school": school,
                    "n_kurang": totals[0],
                    "with_intervention": helped,
                    "outcomes": {k: v for k, v in outcomes.items() if v},
                }
            )
    for rows in tables.values():
        for r in rows:
            r["n"] = r["kurang"] + r["sedang"] + r["baik"]
    return tables, coverage
