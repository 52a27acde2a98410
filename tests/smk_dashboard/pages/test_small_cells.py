"""Small-cell protection that holds (issue 15, item 4): a count under 5 in the district report
or the research export cannot be computed back by subtraction from what is shown."""

import csv
import io
import itertools
import random

import openpyxl
import pytest
from django.test import Client

from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.privacy.research import research_export_rows
from smk_dashboard.pages.reports.selectors import district_protected
from smk_dashboard.pages.suppression import (
    HIDDEN,
    SUPPRESSED,
    protected_cells,
    shown,
    sum_relation,
    withheld_groups,
)
from students.models import GradeRecord, Role
from tests.predictions.test_reports import populate
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
)

CATS = ["kurang", "sedang", "baik"]


def row(school, group, kurang, sedang, baik):
    return {
        "school": school,
        "group": group,
        "kurang": kurang,
        "sedang": sedang,
        "baik": baik,
        "n": kurang + sedang + baik,
    }


def subtraction_attack(tables: dict, coverage: list) -> list[str]:
    """What an attacker computes from the published district tables by subtraction alone,
    repeated until nothing new follows: a row sums to its Jumlah; per school, the grade-level
    and the major breakdowns each sum, per column, to the school total, which the coverage
    table's kurang count gives for kurang. Returns the "<5" cells recovered."""
    known, equations, small = {}, [], []
    for name in ("by_grade_level", "by_major"):
        for i, r in enumerate(tables[name]):
            for c in [*CATS, "n"]:
                key = (name, i, c)
                if isinstance(r[c], int):
                    known[key] = r[c]
                elif r[c] == SUPPRESSED:
                    small.append(key)
            equations.append(([(name, i, c) for c in CATS], (name, i, "n")))
    for school in {r["school"] for r in tables["by_grade_level"]}:
        for name in ("by_grade_level", "by_major"):
            members = [i for i, r in enumerate(tables[name]) if r["school"] == school]
            for c in [*CATS, "n"]:
                equations.append(([(name, i, c) for i in members], ("T", school, c)))
        equations.append(([("T", school, c) for c in CATS], ("T", school, "n")))
    for r in coverage:
        if isinstance(r["n_kurang"], int):
            known[("T", r["school"], "kurang")] = r["n_kurang"]
    progress = True
    while progress:
        progress = False
        for parts, total in equations:
            unknown = [k for k in [*parts, total] if k not in known]
            if len(unknown) != 1:
                continue
            (k,) = unknown
            if k == total:
                known[k] = sum(known[p] for p in parts)
            else:
                known[k] = known[total] - sum(known[p] for p in parts if p != k)
            progress = True
    return [f"{k} = {known[k]}" for k in small if k in known]


# One school, grade levels X and XI; majors A and B. Grade X has 2 baik: hidden as "<5", but
# X's row sums to its Jumlah, so 2 = 15 - 6 - 7 today.
LEAKY = {
    "by_grade_level": [row("SMK A", "X", 6, 7, 2), row("SMK A", "XI", 9, 12, 20)],
    "by_major": [row("SMK A", "Teknik", 8, 10, 11), row("SMK A", "Bisnis", 7, 9, 11)],
    "trend": [row("SMK A", "2025-2", 15, 19, 22)],
    "observed_trend": [row("SMK A", "2025-1", 14, 25, 17)],
}
LEAKY_COVERAGE = [
    {"school": "SMK A", "n_kurang": 15, "with_intervention": 12, "outcomes": {"Membaik": 12}}
]


def primary_only(tables):
    """Yesterday's protection: every count under 5 shown as "<5", nothing else."""
    return {
        name: [r | {c: SUPPRESSED if r[c] < 5 else r[c] for c in [*CATS, "n"]} for r in rows]
        for name, rows in tables.items()
    }


def test_primary_suppression_alone_leaks_by_subtraction():
    assert subtraction_attack(primary_only(LEAKY), LEAKY_COVERAGE)


def test_complementary_suppression_leaves_nothing_to_subtract():
    tables, coverage = district_protected(LEAKY, LEAKY_COVERAGE)
    assert subtraction_attack(tables, coverage) == []
    x = tables["by_grade_level"][0]
    assert x["baik"] == SUPPRESSED
    assert sum(v == HIDDEN for v in x.values()) >= 1
    # Nothing more hidden than needed in the untouched term rows.
    assert tables["observed_trend"][0]["n"] == 56


def test_a_small_count_is_not_computable_even_with_every_relation_at_once():
    """Exhaustive check on a small table: enumerate every integer filling of the hidden
    cells that fits the relations and the shown bounds; the small cell has several."""
    values = {("r1", "a"): 2, ("r1", "b"): 6, ("r2", "a"): 7, ("r2", "b"): 9}
    rows = [sum_relation([("r1", "a"), ("r1", "b")], "n1")]
    rows += [sum_relation([("r2", "a"), ("r2", "b")], "n2")]
    cols = [sum_relation([("r1", "a"), ("r2", "a")], "ta")]
    cols += [sum_relation([("r1", "b"), ("r2", "b")], "tb")]
    totals = {"n1": 8, "n2": 16, "ta": 9, "tb": 15}
    published = shown({**values, **totals}, rows + cols)
    hidden = [k for k, v in published.items() if not isinstance(v, int)]
    candidates = set()
    for filling in itertools.product(range(0, 25), repeat=len(hidden)):
        guess = {**published, **dict(zip(hidden, filling, strict=True))}
        if any(published[k] == SUPPRESSED and guess[k] >= 5 for k in hidden):
            continue
        if any(published[k] == HIDDEN and guess[k] < 5 for k in hidden):
            continue
        if all(sum(v * guess[k] for k, v in rel.items()) == 0 for rel in rows + cols):
            candidates.add(guess[("r1", "a")])
    assert published[("r1", "a")] == SUPPRESSED
    assert len(candidates) > 1


def test_virtual_cells_are_protected_and_never_shown():
    primary, complementary = protected_cells(
        {"n": 20, "with": 17, "without": 3},
        [sum_relation(["with", "without"], "n")],
        virtual={"without"},
    )
    assert primary == set() and complementary == {"with"}


def test_research_groups_withhold_a_partner_for_every_small_group():
    counts = {("teknik", 10, "L"): 12, ("teknik", 10, "P"): 3, ("teknik", 11, "L"): 9}
    counts |= {("teknik", 11, "P"): 8, ("bisnis", 10, "L"): 6, ("bisnis", 10, "P"): 7}
    withheld = withheld_groups(counts, summed_axes=(1, 2))
    assert ("teknik", 10, "P") in withheld
    assert ("teknik", 11, "L") not in withheld or ("teknik", 11, "P") in withheld
    # Every line of a known sum through a withheld group withholds at least one more.
    for key in withheld:
        for axis in (1, 2):
            line = [k for k in counts if k[:axis] + k[axis + 1 :] == key[:axis] + key[axis + 1 :]]
            if len(line) > 1:
                assert sum(k in withheld for k in line) >= 2, (key, axis)


@pytest.mark.django_db
def test_the_district_page_hides_a_second_cell_where_one_was_small(make_user):
    school = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    populate(school, {10: {"kurang": 6, "sedang": 7, "baik": 2}}, name_prefix="Besar")
    client = Client()
    client.force_login(make_user(Role.SUDIN, district="Jakarta Barat"))
    report = client.get("/reports/district/").context["report"]
    tables = {k: report[k] for k in ("by_grade_level", "by_major", "trend", "observed_trend")}
    assert subtraction_attack(tables, report["coverage"]) == []
    x = report["by_grade_level"][0]
    assert x["baik"] == SUPPRESSED and HIDDEN in (x["kurang"], x["sedang"], x["n"])


@pytest.mark.django_db
def test_the_research_export_withholds_a_second_group_beside_a_small_one(make_user):
    school = SchoolFactory()
    klass = SchoolClassFactory(school=school, grade_level=10)
    subject, term = SubjectFactory(school=school), TermFactory(year=2025, semester=1)
    for gender, n in (("L", 7), ("P", 2)):
        for _ in range(n):
            s = StudentFactory(school=school, school_class=klass, gender=gender)
            GradeRecord.objects.create(student=s, subject=subject, term=term, score=80)
    rows, suppressed = research_export_rows(school=school)
    # The 2 girls' group is small; without a partner, the class size (known from the school
    # report) minus the 7 boys shown would give it away.
    assert rows == [] and suppressed == 9
    client = Client()
    client.force_login(make_user(Role.KEPSEK, school=school))
    body = client.get("/privacy/research-export/").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1:] == []
    assert AuditEvent.objects.filter(action="export.research").exists()


@pytest.mark.django_db
def test_the_district_pdf_and_xlsx_hide_the_same_cells_as_the_page(make_user):
    school = SchoolFactory(name="SMK Besar", district="Jakarta Barat")
    populate(school, {10: {"kurang": 6, "sedang": 7, "baik": 2}}, name_prefix="Besar")
    client = Client()
    client.force_login(make_user(Role.SUDIN, district="Jakarta Barat"))
    page = client.get("/reports/district/").context["report"]["by_grade_level"][0]
    xlsx = client.get("/reports/district/", {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Kategori prediksi per tingkat"]
    # shown counts are numbers, hidden ones the same marks as on the page
    assert [c.value for c in sheet[2]][:6] == ["SMK Besar", "X", *(page[c] for c in [*CATS, "n"])]
    assert "<5" in [c.value for c in sheet[2]] and "*" in [c.value for c in sheet[2]]
    pdf = client.get("/reports/district/", {"export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "export.pdf",
        "export.xlsx",
    }
    assert "Besar 10" not in xlsx.content.decode("latin-1")


def _tables_from_students(students: list[tuple[str, str, str, str]]) -> tuple[dict, list]:
    """District tables counted from (school, grade level, major, category) tuples, so that
    the breakdowns add up exactly as the real report's do."""
    tables = {"by_grade_level": [], "by_major": [], "trend": [], "observed_trend": []}
    coverage = []
    for school in sorted({s[0] for s in students}):
        mine = [s for s in students if s[0] == school]
        for name, axis in (("by_grade_level", 1), ("by_major", 2)):
            for group in sorted({s[axis] for s in mine}):
                cats = [sum(1 for s in mine if s[axis] == group and s[3] == c) for c in CATS]
                tables[name].append(row(school, group, *cats))
        totals = [sum(1 for s in mine if s[3] == c) for c in CATS]
        tables["trend"].append(row(school, "2025-2", *totals))
        if totals[0]:
            coverage.append(
                {
                    "school": school,
                    "n_kurang": totals[0],
                    "with_intervention": totals[0] // 2,
                    "outcomes": {},
                }
            )
    return tables, coverage


@pytest.mark.parametrize("seed", range(15))
def test_no_small_cell_can_be_subtracted_out_of_random_districts(seed):
    rng = random.Random(seed)
    students = [
        (
            f"SMK {rng.randint(1, 3)}",
            rng.choice(["X", "XI", "XII"]),
            rng.choice(["TKJ", "AKL", "KEP", "TBSM"]),
            rng.choices(CATS, weights=[1, 3, 4])[0],
        )
        for _ in range(rng.randint(20, 160))
    ]
    tables, coverage = _tables_from_students(students)
    protected, protected_coverage = district_protected(tables, coverage)
    assert subtraction_attack(protected, protected_coverage) == []
