"""Is a preview still true? Two questions the preview page asks before the operator confirms:

- `import_batch_stale`: did the school's students or classes change since the preview was
  analysed (another import confirmed, a student edited or removed, a class moved to another
  major)? The signal is `school_data_stamp`, a digest of what the database holds now, stored on
  the batch when the analysis finished. It is read from the database, never from the page
  cache (whose version token lives in Redis and may be evicted or unreachable), so it is the
  same in the web process and in the worker and survives a restart.
- `import_batch_earlier_copy`: was this very file (same sha256, same school, same kind)
  already confirmed? It never blocks: a school may upload the same ledger again on purpose.

Reads only; the writes that use them live in lifecycle.py and housekeeping.py."""

from __future__ import annotations

import hashlib
import json

from django.db.models import Count, Max

from students.models import ImportBatch, ImportStatus, SchoolClass, Student

# A batch in these states went (or is going) into the school's data.
CONFIRMED_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE)


def school_data_stamp(*, school_id: int) -> str:
    """A digest of what an import preview compares against: the last finished import of the
    school, its students (how many, the highest id, the last edit) and its classes (id, name,
    major). Any import, student edit, deletion, new class or class moved to another major
    changes it. Three small queries; the class list of a school is a few dozen rows."""
    imports = ImportBatch.objects.filter(school_id=school_id, status=ImportStatus.DONE).aggregate(
        n=Count("id"), last=Max("finished_at")
    )
    students = Student.objects.filter(school_id=school_id).aggregate(
        n=Count("id"), top=Max("id"), last=Max("updated_at")
    )
    classes = list(
        SchoolClass.objects.filter(school_id=school_id)
        .order_by("id")
        .values_list("id", "name", "major_id")
    )
    payload = json.dumps(
        [imports["n"], imports["last"], students["n"], students["top"], students["last"], classes],
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def import_batch_stale(*, batch: ImportBatch) -> bool:
    """Whether a batch awaiting confirmation was analysed against data that has changed since.
    A preview from before stamps existed (empty stamp) counts as stale: refreshing is cheap,
    confirming an unchecked preview is not."""
    if batch.status != ImportStatus.PREVIEW:
        return False
    return batch.data_stamp != school_data_stamp(school_id=batch.school_id)


def import_batch_changes_since(*, batch: ImportBatch) -> list[ImportBatch]:
    """The imports of the school finished after this preview was analysed (newest first, at
    most five): what the page names when it says the preview is out of date."""
    analysed = batch.started_at or batch.created_at
    return list(
        ImportBatch.objects.filter(
            school_id=batch.school_id, status=ImportStatus.DONE, finished_at__gt=analysed
        )
        .exclude(pk=batch.pk)
        .select_related("created_by")
        .order_by("-finished_at")[:5]
    )


def import_batch_earlier_copy(*, batch: ImportBatch) -> ImportBatch | None:
    """The latest other batch of the same school and kind with the same file contents that
    was confirmed (queued, running or done), or None."""
    return (
        ImportBatch.objects.filter(
            school_id=batch.school_id,
            kind=batch.kind,
            sha256=batch.sha256,
            status__in=CONFIRMED_STATUSES,
        )
        .exclude(pk=batch.pk)
        .select_related("created_by")
        .order_by("-queued_at", "-id")
        .first()
    )
