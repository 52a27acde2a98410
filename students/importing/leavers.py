"""A complete roster (a Dapodik pull lists every peserta didik the school has now): active
students it no longer lists have left. They are marked `keluar`, never deleted, so their
grades, attendance, predictions and BK history stay; a later pull that lists them again
makes them active again. An uploaded roster is never complete (one class, one sheet), so
only the Dapodik route uses this."""

from __future__ import annotations

from django.utils import timezone

from students.models import School, Student, StudentStatus


def _present(rows) -> tuple[set[int], set[str], set[str]]:
    ids, nisns, nises = set(), set(), set()
    for parsed in rows:
        data = parsed.data
        if data.get("_student"):
            ids.add(int(data["_student"]))
        if data.get("nisn"):
            nisns.add(data["nisn"])
        if data.get("nis"):
            nises.add(data["nis"])
    return ids, nisns, nises


def roster_leavers(rows, school: School) -> list[Student]:
    """Active students of the school that none of `rows` (every row of the pull, rejected
    ones included: a row Dapodik sent is a student still there) names by id, NISN or NIS."""
    ids, nisns, nises = _present(rows)
    active = Student.objects.filter(school=school, status=StudentStatus.AKTIF)
    return [
        s
        for s in active.only("id", "name", "nisn", "nis", "school_class_id").order_by("name")
        if s.id not in ids and not (s.nisn and s.nisn in nisns) and not (s.nis and s.nis in nises)
    ]


def roster_leavers_mark(rows, school: School) -> dict:
    """Mark the leavers `keluar` and bring back listed students marked `keluar` before.
    Returns {"left": [...names], "returned": n}; the caller holds the transaction."""
    leavers = roster_leavers(rows, school)
    now = timezone.now()
    Student.objects.filter(pk__in=[s.pk for s in leavers]).update(
        status=StudentStatus.KELUAR, updated_at=now
    )
    ids, _nisns, _nises = _present(rows)
    returned = (
        Student.objects.filter(school=school, pk__in=ids, status=StudentStatus.KELUAR)
        .exclude(pk__in=[s.pk for s in leavers])
        .update(status=StudentStatus.AKTIF, updated_at=now)
    )
    return {"left": [s.name for s in leavers], "returned": returned}
