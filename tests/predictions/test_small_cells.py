"""Complementary suppression (issue 15, item 4): no hidden count of the district report can be
found by subtracting published numbers."""

import pytest

from smk_dashboard.pages.reports import district_report
from smk_dashboard.pages.small_cells import COMPLEMENTARY, PRIMARY, complementary_suppression
from students.models import School

CATS = ["kurang", "sedang", "baik"]


def row(school: str, group: str, kurang: int, sedang: int, baik: int) -> dict:
    return {
        "school": school,
        "group": group,
        "kurang": kurang,
        "sedang": sedang,
        "baik": baik,
        "n": kurang + sedang + baik,
    }


def recoverable(tables: list[list[dict]], published: list[list[dict]], totals=None) -> dict:
    """What a reader computes exactly. Each row's cells add up to its total; each school's rows
    add up, in every table, to the school's totals, which are unknowns shared by the tables and
    known where `totals` publishes them (None: only primary suppression was applied to them, so
    every school total of 5 or more is known). A relation with one unknown left gives it away;
    repeat until nothing more falls out. Returns {cell: value} of hidden counts found."""
    keys = [*CATS, "n"]
    known = {}
    relations = []  # ({cell: coefficient}, constant): sum(coef * cell) == constant
    schools: dict = {}
    for t, (rows, shown) in enumerate(zip(tables, published, strict=True)):
        for i, (r, p) in enumerate(zip(rows, shown, strict=True)):
            known.update({(t, i, k): p[k] for k in keys if not isinstance(p[k], str)})
            relations.append(({**{(t, i, k): 1 for k in CATS}, (t, i, "n"): -1}, 0))
            schools.setdefault(r["school"], {}).setdefault(t, []).append(i)
    for school, members in schools.items():
        first = next(iter(members))
        sums = {k: sum(tables[first][i][k] for i in members[first]) for k in keys}
        for k in keys:
            shown = (totals or {}).get(school, {}).get(k) if totals else None
            if totals is None:
                if sums[k] >= 5:
                    known["S", school, k] = sums[k]
            elif not isinstance(shown, str):
                known["S", school, k] = sums[k]
            for t, rows in members.items():
                relations.append(({**{(t, i, k): 1 for i in rows}, ("S", school, k): -1}, 0))
        relations.append(({**{("S", school, k): 1 for k in CATS}, ("S", school, "n"): -1}, 0))
    found = {}
    progress = True
    while progress:
        progress = False
        for terms, constant in relations:
            unknown = [cell for cell in terms if cell not in known]
            if len(unknown) == 1:
                cell = unknown[0]
                rest = sum(c * known[t] for t, c in terms.items() if t != cell)
                known[cell] = found[cell] = (constant - rest) // terms[cell]
                progress = True
    return {cell: v for cell, v in found.items() if cell[0] != "S"}


# A district table as it leaks today: school A's grade XI has 3 kurang. Row: 3 = 40 - 17 - 20.
LEAKY = [
    row("SMK A", "X", 10, 20, 30),
    row("SMK A", "XI", 3, 17, 20),
    row("SMK A", "XII", 8, 25, 27),
    row("SMK B", "X", 12, 30, 40),
    row("SMK B", "XII", 9, 28, 33),
]


def primary_only(rows: list[dict]) -> list[dict]:
    """What the report did before: hide counts under 5, nothing else."""
    return [r | {k: PRIMARY if r[k] < 5 else r[k] for k in [*CATS, "n"]} for r in rows]


def protect(*tables):
    return complementary_suppression(list(tables), cells=CATS, total="n", block_key="school")


def test_hiding_only_small_cells_leaks_them_by_subtraction():
    found = recoverable([LEAKY], [primary_only(LEAKY)])
    assert found == {(0, 1, "kurang"): 3}


def test_complementary_suppression_leaves_nothing_to_subtract():
    (published,), totals = protect(LEAKY)
    assert published[1]["kurang"] == PRIMARY
    assert recoverable([LEAKY], [published], totals) == {}
    # The row and the school's column each hold a second hidden count.
    assert sum(isinstance(published[1][k], str) for k in CATS) >= 2
    kurang_a = [published[i]["kurang"] for i in range(3)]
    assert sum(isinstance(v, str) for v in kurang_a) >= 2
    # SMK B has no small cell and is published whole.
    assert published[3] == LEAKY[3] and published[4] == LEAKY[4]


def test_a_complementary_cell_is_marked_differently_from_a_small_one():
    (published,), _totals = protect(LEAKY)
    marks = {v for r in published for v in r.values() if v in (PRIMARY, COMPLEMENTARY)}
    assert marks == {PRIMARY, COMPLEMENTARY}
    # Only cells that really are under 5 say "<5".
    for original, shown in zip(LEAKY, published, strict=True):
        for k in [*CATS, "n"]:
            if shown[k] == PRIMARY:
                assert original[k] < 5


# One school, one grade level: its grade row is the school total, which the major table also
# adds up to. Hiding sedang in the grade row alone would leak it from the major table.
ONE_GRADE = [row("SMK C", "XII", 3, 20, 30)]
MAJORS = [row("SMK C", "TKJ", 1, 12, 14), row("SMK C", "AKL", 2, 8, 16)]


def test_tables_of_one_school_are_protected_together():
    assert recoverable([ONE_GRADE, MAJORS], [primary_only(ONE_GRADE), primary_only(MAJORS)])
    (grades, majors), totals = protect(ONE_GRADE, MAJORS)
    assert recoverable([ONE_GRADE, MAJORS], [grades, majors], totals) == {}


def random_table(rng, groups) -> list[dict]:
    return [
        row(f"SMK {s}", g, rng.randint(0, 12), rng.randint(0, 12), rng.randint(0, 30))
        for s in "ABC"
        for g in groups[: rng.randint(1, len(groups))]
    ]


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_is_ever_recoverable_in_random_tables(seed):
    import random

    rng = random.Random(seed)
    grades = random_table(rng, ("X", "XI", "XII"))
    # The major table of the same schools, with the same school totals: split each school's
    # total over two majors.
    majors = []
    for school in sorted({r["school"] for r in grades}):
        sums = {k: sum(r[k] for r in grades if r["school"] == school) for k in CATS}
        first = {k: rng.randint(0, sums[k]) for k in CATS}
        majors.append(row(school, "TKJ", *(first[k] for k in CATS)))
        majors.append(row(school, "AKL", *(sums[k] - first[k] for k in CATS)))
    (g_shown, m_shown), totals = protect(grades, majors)
    assert recoverable([grades, majors], [g_shown, m_shown], totals) == {}
    for rows, shown in ((grades, g_shown), (majors, m_shown)):
        for original, cell in zip(rows, shown, strict=True):
            for k in [*CATS, "n"]:
                assert cell[k] == original[k] or isinstance(cell[k], str)
                if original[k] < 5:
                    assert cell[k] == PRIMARY


@pytest.mark.parametrize("seed", range(20))
def test_a_school_total_row_is_hidden_as_row_by_row_protection_would_hide_it(seed):
    """The trend table is protected row by row; its current-term row may equal a school's
    totals, so those must come out of the joint protection with the same hidden cells."""
    import random

    rng = random.Random(seed)
    grades = random_table(rng, ("X", "XI", "XII"))
    _tables, totals = protect(grades)
    for school, shown in totals.items():
        sums = {k: sum(r[k] for r in grades if r["school"] == school) for k in [*CATS]}
        alone = complementary_suppression(
            [[row(school, "2025-1", *(sums[k] for k in CATS))]], cells=CATS, total="n"
        )[0][0][0]
        assert shown == {k: alone[k] for k in [*CATS, "n"]}


@pytest.mark.django_db
def test_the_district_report_applies_it_to_the_category_tables(monkeypatch):
    from smk_dashboard.pages import reports

    tables = {"grade_level": ONE_GRADE, "major": MAJORS}
    monkeypatch.setattr(
        reports,
        "category_distribution",
        lambda *, schools, by, per_school: [dict(r) for r in tables[by]],
    )
    monkeypatch.setattr(reports, "category_trend", lambda **kw: [])
    monkeypatch.setattr(reports, "observed_trend", lambda **kw: [])
    report = district_report(schools=School.objects.none())
    shown = [report["by_grade_level"], report["by_major"]]
    assert recoverable([ONE_GRADE, MAJORS], shown, protect(ONE_GRADE, MAJORS)[1]) == {}
    assert report["by_grade_level"][0]["kurang"] == PRIMARY
