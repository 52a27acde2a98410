"""The pseudonymised research export: one row per student and term, small groups withheld."""

from collections import Counter

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Subquery

from predictions.models import Prediction
from smk_dashboard.core.formats import term_label
from smk_dashboard.pages.suppression import withheld_groups
from students.models import AttendanceSummary, ConsentStatus, GradeRecord, School, Student

from .pseudonyms import pseudonym

NOT_PREDICTED = "tidak diprediksi"


RESEARCH_COLUMNS = [
    "pseudonym",
    "major_field",
    "grade_level",
    "gender",
    "term",
    "term_label",
    "mean_score",
    "n_scores",
    "sakit",
    "izin",
    "alpa",
    "school_days",
    "latest_category",
]
QUASI_IDENTIFIERS = ("major_field", "grade_level", "gender")


def research_export_rows(*, school: School) -> tuple[list[dict], int]:
    """One row per student and term: no names, no NISN (a keyed hash instead), no birth date
    or socio-economic fields. Rows whose (major field, grade level, gender) group holds fewer
    than SMALL_CELL_THRESHOLD students are suppressed, with complementary groups
    (`suppression.withheld_groups`). Students whose guardian withdrew consent (UU PDP art. 25)
    are left out entirely. Returns (rows, students suppressed)."""
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
        .annotate(mean=Avg("score"), n=Count("id"))
        .order_by("student_id", "term__code")
    )
    attendance = {
        (a["student_id"], a["term__code"]): a
        for a in AttendanceSummary.objects.filter(student_id__in=kept).values(
            "student_id", "term__code", "sakit", "izin", "alpa", "school_days"
        )
    }
    rows = []
    for g in grade_means:
        s = kept[g["student_id"]]
        att = attendance.get((g["student_id"], g["term__code"]), {})
        objected = s["privacy__objects_to_automated_decisions"]
        rows.append(
            {
                "pseudonym": pseudonym(
                    f"{school.npsn}:{s['nisn'] or 'id' + str(s['pk'])}", purpose="research"
                ),
                "major_field": s["major__field"] or "",
                "grade_level": s["school_class__grade_level"] or "",
                "gender": s["gender"],
                "term": g["term__code"],
                "term_label": term_label(g["term__code"]),
                "mean_score": round(float(g["mean"]), 2),
                "n_scores": g["n"],
                "sakit": att.get("sakit", ""),
                "izin": att.get("izin", ""),
                "alpa": att.get("alpa", ""),
                "school_days": att.get("school_days") or "",
                "latest_category": NOT_PREDICTED if objected else (s["latest_category"] or ""),
            }
        )
    return rows, len(students) - len(kept)
