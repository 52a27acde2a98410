"""`write` upserts the valid rows of an analysed file (the caller holds the transaction):
it creates the majors, classes, subjects and terms the plan lists, then hands the rows to
the writer of their kind (roster, grades, attendance, pkl, or a registered RowWriter).
Writers compare set-based: one query loads what exists, bulk_create / bulk_update write."""

from __future__ import annotations

import re

from smk_dashboard.core.page_cache import school_pages_changed
from students.importers.parsing import ParseResult
from students.models import (
    AcademicTerm,
    ImportBatch,
    Major,
    School,
    SchoolClass,
    Subject,
    SubjectGroup,
)

from .attendance import write_daily, write_recap
from .grades import term_status_mark_partial, write_grades
from .leavers import roster_leavers_mark
from .pkl import write_pkl
from .plan import ROW_WRITERS, Counter, Plan
from .roster import write_roster

FIELD_WORDS = [
    ("kesehatan", r"perawat|farmasi|kesehatan|analis|kebidanan|medis|gizi"),
    ("bisnis", r"akuntansi|bisnis|perkantoran|pemasaran|manajemen|keuangan|administrasi|logistik"),
    ("pariwisata", r"pariwisata|perhotelan|boga|busana|kecantikan|kuliner|hotel"),
    ("seni", r"seni|desain|multimedia|animasi|broadcasting|kriya|musik|film"),
    ("teknik", r"teknik|teknologi|otomotif|mesin|listrik|jaringan|komputer|rekayasa|las|bangunan"),
]


def _unique_code(base: str, taken: set[str], length: int) -> str:
    base = (base or "X")[:length]
    code, n = base, 1
    while code.lower() in taken:
        n += 1
        code = f"{base[: length - len(str(n)) - 1]}-{n}"
    taken.add(code.lower())
    return code


def _initials(name: str) -> str:
    words = [w for w in re.split(r"\W+", name) if w and w.lower() not in ("dan", "&", "di")]
    return "".join(w[0] for w in words).upper()


def _grade_level(name: str) -> int:
    token = name.strip().split(" ")[0].upper()
    return {"X": 10, "XI": 11, "XII": 12, "10": 10, "11": 11, "12": 12}.get(token, 10)


def _major_field(name: str) -> str:
    low = name.lower()
    return next((f for f, words in FIELD_WORDS if re.search(words, low)), "lainnya")


def _create_missing(plan: Plan, school: School) -> dict[str, int]:
    refs: dict[str, int] = {}
    codes = {c.lower() for c in Major.objects.filter(school=school).values_list("code", flat=True)}
    for key, name in plan.new_majors.items():
        code, major_field = plan.major_meta.get(key, (_initials(name), _major_field(name)))
        code = _unique_code(code, codes, 20)
        major = Major.objects.create(school=school, code=code, name=name, field=major_field)
        refs["new:" + key] = major.id
    for key, (name, major, grade_level) in plan.new_classes.items():
        major_id = refs.get(major, major) if isinstance(major, str) else major
        school_class = SchoolClass.objects.create(
            school=school,
            name=name,
            grade_level=grade_level or _grade_level(name),
            major_id=major_id,
            academic_year=plan.year,
        )
        refs["new:" + key] = school_class.id
    codes = {
        c.lower() for c in Subject.objects.filter(school=school).values_list("code", flat=True)
    }
    for key, name in plan.new_subjects.items():
        code = _unique_code(_initials(name) or name.upper(), codes, 30)
        subject = Subject.objects.create(
            school=school, code=code, name=name[:200], group=SubjectGroup.UMUM
        )
        refs["new:" + key] = subject.id
    return refs


def _terms(codes: set[str]) -> dict[str, AcademicTerm]:
    terms = {t.code: t for t in AcademicTerm.objects.filter(code__in=codes)}
    for code in sorted(codes - set(terms)):
        year, semester = int(code[:4]), int(code[-1])
        terms[code] = AcademicTerm.objects.get_or_create(
            code=code, defaults={"year": year, "semester": semester}
        )[0]
    return terms


def write(
    analysis, *, school: School, batch: ImportBatch | None = None, complete_roster: bool = False
) -> dict:
    """Write every row without errors. Returns row counts (created, updated, unchanged), the
    record counts behind them, and the term (when the file has exactly one). ``batch``: the
    import being written (None in a dry run); rows that record who did it use its user.
    ``complete_roster``: the roster lists every current student (a Dapodik pull), so active
    students it does not list are marked as leavers (leavers.py); the result then has
    `left` (their names) and `returned`."""
    plan: Plan = analysis.plan
    result: ParseResult = analysis.result
    refs = _create_missing(plan, school)
    terms = _terms(plan.terms)
    # held: an update that changes a name or NISN the operator did not tick (outcomes.py)
    rows = [p for p in result.rows if not p.errors and not p.data.get("_held")]
    counter = Counter()
    leavers = None
    if result.kind == "roster":
        if complete_roster:  # before the write: students it creates are not leavers
            leavers = roster_leavers_mark([*result.rows, *result.rejected], school)
        write_roster(rows, school, refs, counter)
    elif result.kind == "grades":
        write_grades(rows, school, refs, terms, counter)
        recap = [p for p in rows if "sakit" in p.data]
        if recap:  # the ledger's S / I / A columns: the term's attendance recap
            write_recap(recap, school, terms, Counter())
        if plan.partial:
            for term in terms.values():
                term_status_mark_partial(school=school, term=term)
    elif result.kind == "pkl":
        write_pkl(rows, terms, counter)
    elif result.kind in ROW_WRITERS:
        ROW_WRITERS[result.kind].write(rows, school, counter, batch)
    elif result.layout == "recap":
        write_recap(rows, school, terms, counter)
    else:
        write_daily(rows, school, terms, counter)
    school_pages_changed(school.id)  # bulk writes send no signal
    out = counter.as_dict()
    if leavers is not None:
        out |= leavers
    out["term"] = next(iter(terms.values())) if len(terms) == 1 else None
    return out
