"""The pseudonymised research export: one row per student and term, k-anonymous.

An operator reads every student's grades and attendance (pages, API), so anything the export
publishes about a row that the operator can compute for a student is a quasi-identifier: the
major, grade level and gender, and per term the mean score and the sakit/izin/alpa days. With
exact means and day counts nearly every row was unique, and the pseudonym (the same across a
student's terms) links the rows into a record that is more unique still. So the export
publishes the mean as a band and the sakit + izin and the alpa days as ranges, one coarseness
for every row (`LEVELS`, the finest that keeps the most students), and keeps a student only
when at least k = SMALL_CELL_THRESHOLD students of the export share the student's whole
record (static fields and every term's bands, `record_key`): every row then matches at least
k students to anyone who can compute those values. The number of scores and the school days
(a class's calendar) are not published."""

from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Avg, OuterRef, Subquery

from predictions.models import Prediction
from smk_dashboard.core.formats import term_label
from smk_dashboard.pages.suppression import withheld_groups
from students.models import AttendanceSummary, ConsentStatus, GradeRecord, School, Student

from .pseudonyms import pseudonym

NOT_PREDICTED = "tidak diprediksi"
NO_RECAP = "tanpa rekap"


RESEARCH_COLUMNS = [
    "pseudonym",
    "major_field",
    "grade_level",
    "gender",
    "term",
    "term_label",
    "mean_score_band",
    "sakit_izin_days",
    "alpa_days",
    "latest_category",
]
QUASI_IDENTIFIERS = ("major_field", "grade_level", "gender")
# Per term, what an operator could compute from grades and attendance: published coarsened.
TERM_IDENTIFIERS = ("term", "mean_score_band", "sakit_izin_days", "alpa_days")
# Coarsening levels, finest first: score bands (lower edges), then the day ranges of sakit +
# izin and of alpa (upper edges of all but the last); None: not published at that level.
LEVELS = (
    {"score": (0, 60, 70, 80, 90), "sakit_izin": (0, 2, 5), "alpa": (0, 2, 5)},
    {"score": (0, 70, 85), "sakit_izin": (2,), "alpa": (0, 3)},
    {"score": (0, 70), "sakit_izin": None, "alpa": None},
)


def score_band(mean: float, edges) -> str:
    """A term's mean score as a band: 73.4 with edges (0, 60, 70, 80, 90) -> "70-79"."""
    low = max(e for e in edges if e <= mean)
    higher = [e for e in edges if e > low]
    return f"{low}-{higher[0] - 1}" if higher else f"{low}-100"


def day_range(days: int | None, edges) -> str:
    """Days as a range with upper edges (0, 2, 5): "0", "1-2", "3-5", ">5"; NO_RECAP when
    the term has no recap; "" when this level does not publish it."""
    if edges is None:
        return ""
    if days is None:
        return NO_RECAP
    low = 0
    for high in edges:
        if days <= high:
            return str(low) if low == high else f"{low}-{high}"
        low = high + 1
    return f">{edges[-1]}"


def record_key(rows: list[dict]) -> tuple:
    """One student's published record as a reader could compute it: the static fields and,
    per term, the bands. Rows of the same student share the pseudonym, so this (not one row)
    is what must be shared by k students."""
    first = rows[0]
    return (
        *(first[q] for q in QUASI_IDENTIFIERS),
        tuple(sorted(tuple(r[t] for t in TERM_IDENTIFIERS) for r in rows)),
    )


def _coarsened(terms: list[dict], level: dict) -> list[dict]:
    return [
        t["row"]
        | {
            "mean_score_band": score_band(t["mean"], level["score"]),
            "sakit_izin_days": day_range(t["sakit_izin"], level["sakit_izin"]),
            "alpa_days": day_range(t["alpa"], level["alpa"]),
        }
        for t in terms
    ]


def k_anonymous(per_student: dict, k: int) -> tuple[list[dict], int]:
    """(rows, students withheld): every student's terms coarsened at one level for all
    (global recoding: the finest of LEVELS that publishes the most students), and the
    students whose whole record fewer than k students share withheld."""
    best = None
    for level in LEVELS:
        records = {sid: _coarsened(terms, level) for sid, terms in per_student.items()}
        sizes = Counter(record_key(rows) for rows in records.values())
        kept = [rows for rows in records.values() if sizes[record_key(rows)] >= k]
        if best is None or len(kept) > len(best):
            best = kept
    best = best or []
    return [row for rows in best for row in rows], len(per_student) - len(best)


def research_export_rows(*, school: School) -> tuple[list[dict], int]:
    """One row per student and term: no names, no NISN (a keyed hash instead), no birth date
    or socio-economic fields; the mean score as a band and the absence days as ranges. Rows
    whose (major field, grade level, gender) group holds fewer than SMALL_CELL_THRESHOLD
    students are suppressed, with complementary groups (`suppression.withheld_groups`), and so
    are students whose whole record fewer than SMALL_CELL_THRESHOLD students share (module
    docstring). Students whose guardian withdrew consent (UU PDP art. 25) are left out
    entirely. Returns (rows, students suppressed)."""
    latest = Prediction.objects.current().filter(student=OuterRef("pk"))
    students = list(
        Student.objects.filter(school=school)
        .exclude(privacy__consent=ConsentStatus.WITHDRAWN)
        .annotate(latest_category=Subquery(latest.values("category")[:1]))
        .values(
            "pk",
            "nisn",
            "gender",
            "major__field",
            "school_class__grade_level",
            "latest_category",
            "privacy__objects_to_automated_decisions",
        )
    )
    groups = Counter(
        (s["major__field"], s["school_class__grade_level"], s["gender"]) for s in students
    )
    # A small group is withheld, and so is the other gender of its class level: otherwise the
    # class size (school report) minus the group shown gives the small one away. Axis 2 of
    # (major field, grade level, gender) is summed out in what is published elsewhere.
    withheld = withheld_groups(groups, summed_axes=(2,), threshold=settings.SMALL_CELL_THRESHOLD)
    kept = {
        s["pk"]: s
        for s in students
        if (s["major__field"], s["school_class__grade_level"], s["gender"]) not in withheld
    }
    grade_means = (
        GradeRecord.objects.filter(student_id__in=kept)
        .values("student_id", "term__code")
        .annotate(mean=Avg("score"))
        .order_by("student_id", "term__code")
    )
    attendance = {
        (a["student_id"], a["term__code"]): a
        for a in AttendanceSummary.objects.filter(student_id__in=kept).values(
            "student_id", "term__code", "sakit", "izin", "alpa", "school_days"
        )
    }
    per_student: dict = defaultdict(list)
    for g in grade_means:
        s = kept[g["student_id"]]
        att = attendance.get((g["student_id"], g["term__code"]))
        objected = s["privacy__objects_to_automated_decisions"]
        per_student[g["student_id"]].append(
            {
                "mean": float(g["mean"]),
                "sakit_izin": None if att is None else att["sakit"] + att["izin"],
                "alpa": None if att is None else att["alpa"],
                "row": {
                    "pseudonym": pseudonym(
                        f"{school.npsn}:{s['nisn'] or 'id' + str(s['pk'])}", purpose="research"
                    ),
                    "major_field": s["major__field"] or "",
                    "grade_level": s["school_class__grade_level"] or "",
                    "gender": s["gender"],
                    "term": g["term__code"],
                    "term_label": term_label(g["term__code"]),
                    "latest_category": NOT_PREDICTED if objected else (s["latest_category"] or ""),
                },
            }
        )
    rows, rare = k_anonymous(per_student, settings.SMALL_CELL_THRESHOLD)
    return rows, len(students) - len(kept) + rare
