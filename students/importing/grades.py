"""The grade ledger writer: one record per student, subject, term and component; a
partial ledger leaves its term unfinished."""

from __future__ import annotations

from students.models import AcademicTerm, GradeRecord, School, SchoolTermStatus

from .plan import FLUSH, Counter


def write_grades(rows, school: School, refs, terms, counter: Counter) -> None:
    term_ids = {code: t.id for code, t in terms.items()}
    existing = {
        (st, subj, term, comp): (pk, score)
        for pk, st, subj, term, comp, score in GradeRecord.objects.filter(
            student__school=school, term_id__in=term_ids.values()
        ).values_list("id", "student_id", "subject_id", "term_id", "component", "score")
    }
    creates, updates, same = [], [], 0
    for parsed in rows:
        student_id = parsed.data["_student"]
        new = changed = 0
        had = False
        for sid, component, term, score in parsed.data.get("_cells", []):
            subject_id = refs.get(sid, sid)
            key = (student_id, subject_id, term_ids[term], component)
            old = existing.get(key)
            if old is None:
                creates.append(
                    GradeRecord(
                        student_id=student_id,
                        subject_id=subject_id,
                        term_id=term_ids[term],
                        component=component,
                        score=score,
                    )
                )
                existing[key] = (None, score)
                new += 1
            elif old[1] != score:
                had = True
                updates.append(GradeRecord(id=old[0], score=score))
                changed += 1
            else:
                had = True
                same += 1
        counter.row(new, changed, had)
        if len(creates) >= FLUSH:
            GradeRecord.objects.bulk_create(creates, batch_size=2000)
            counter.records["created"] += len(creates)
            creates = []
    GradeRecord.objects.bulk_create(creates, batch_size=2000)
    GradeRecord.objects.bulk_update(updates, ["score"], batch_size=1000)
    counter.records["created"] += len(creates)
    counter.records.update(updated=len(updates), unchanged=same)


def term_status_mark_partial(*, school: School, term: AcademicTerm) -> None:
    """A partial ledger was imported: the term stays unfinished for this school until the
    operator marks it complete (students.services.term_mark_complete)."""
    SchoolTermStatus.objects.update_or_create(
        school=school,
        term=term,
        defaults={"complete": False, "marked_by": None, "marked_at": None},
    )
