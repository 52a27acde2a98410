"""Which (school, term) pairs are unfinished: a partial ledger (some subjects of a class) was
imported and the operator has not yet marked the term complete. Reads only; the writes are
`importing.grades.term_status_mark_partial` and `services.term_mark_complete`.

Consumers that need a finished term (training labels, "Hasil nyata" in reports) filter their
grade querysets with `exclude_unfinished_terms`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from .models import SchoolTermStatus


def incomplete_term_ids(*, school_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """(school id, term id) pairs whose grades are partial."""
    rows = SchoolTermStatus.objects.filter(complete=False)
    if school_ids is not None:
        rows = rows.filter(school_id__in=list(school_ids))
    return set(rows.values_list("school_id", "term_id"))


def incomplete_term_codes(*, school_id: int) -> set[str]:
    """Codes ("2025-1") of a school's unfinished terms."""
    return set(
        SchoolTermStatus.objects.filter(school_id=school_id, complete=False).values_list(
            "term__code", flat=True
        )
    )


def exclude_unfinished_terms(
    queryset: QuerySet, *, school: str = "student__school", term: str = "term"
) -> QuerySet:
    """The rows of `queryset` (grades, attendance) whose term is finished for their school.
    `school` and `term` are the lookups from the queryset's model to School and AcademicTerm."""
    unfinished = SchoolTermStatus.objects.filter(
        school=OuterRef(school), term=OuterRef(term), complete=False
    )
    return queryset.filter(~Exists(unfinished))
