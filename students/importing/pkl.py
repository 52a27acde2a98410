"""The PKL writer: one industry placement per student and term."""

from __future__ import annotations

from students.models import PklPlacement

from .plan import Counter

PKL_FIELDS = (
    "company", "mentor", "days_present", "days_total", "rating_attitude", "rating_skills",
)  # fmt: skip


def write_pkl(rows, terms, counter: Counter) -> None:
    """One placement per student and term: created, updated where a value differs, or
    unchanged."""
    term_ids = {code: t.id for code, t in terms.items()}
    existing = {
        (p.student_id, p.term_id): p
        for p in PklPlacement.objects.filter(
            student_id__in=[r.data["_student"] for r in rows], term_id__in=term_ids.values()
        )
    }
    new, changed = [], []
    for parsed in rows:
        data = parsed.data
        key = (data["_student"], term_ids[data["term"]])
        values = {name: data.get(name) for name in PKL_FIELDS}
        placement = existing.get(key)
        if placement is None:
            new.append(PklPlacement(student_id=key[0], term_id=key[1], **values))
            counter.created += 1
            continue
        diff = {k: v for k, v in values.items() if getattr(placement, k) != v}
        if not diff:
            counter.unchanged += 1
            continue
        for k, v in diff.items():
            setattr(placement, k, v)
        changed.append(placement)
        counter.updated += 1
    PklPlacement.objects.bulk_create(new, batch_size=500)
    PklPlacement.objects.bulk_update(changed, [*PKL_FIELDS, "updated_at"], batch_size=500)
    counter.records = {"created": len(new), "updated": len(changed), "unchanged": counter.unchanged}
