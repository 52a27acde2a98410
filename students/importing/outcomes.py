"""What a roster import will do to each row, for the preview: new, updated (old -> new for
name, NISN, NIS, class and gender), unchanged, conflict or rejected. An update that changes
a student's name, or a NISN the student already had, is an identity change: it is held
back (data["_held"]) unless the operator ticked those changes in the confirm form."""

from __future__ import annotations

from students.importers.matching import SchoolIndex
from students.importers.parsing import ParsedRow

NEW, UPDATED, UNCHANGED, CONFLICT, REJECTED = "new", "updated", "unchanged", "conflict", "rejected"
OUTCOMES = (NEW, UPDATED, UNCHANGED, CONFLICT, REJECTED)


def _changes(parsed: ParsedRow, student: tuple, index: SchoolIndex) -> list[list[str]]:
    """[field, stored value, value from the file] for each shown field the file changes."""
    data = parsed.data
    changes = []
    for name, old, new in (
        ("name", student[5], data.get("name") or ""),
        ("nisn", student[1], data.get("nisn") or ""),
        ("nis", student[2], data.get("nis") or ""),
        ("gender", student[6], data.get("gender") or ""),
    ):
        if new and new != old:
            changes.append([name, old, new])
    target = data.get("_class")
    if target is not None and target != student[3]:
        old = index.class_names.get(student[3], "")
        changes.append(["class", old, data.get("school_class") or ""])
    return changes


def roster_outcome(parsed: ParsedRow, index: SchoolIndex, *, accept: bool) -> None:
    """Sets data["_outcome"], data["_changes"] and, for name / NISN changes not accepted,
    data["_held"]."""
    data = parsed.data
    if parsed.conflict is not None:
        data["_outcome"] = CONFLICT
        return
    if parsed.errors:
        data["_outcome"] = REJECTED
        return
    student = index.student(parsed)
    if student is None:
        data["_outcome"] = NEW
        return
    changes = _changes(parsed, student, index)
    data["_changes"] = changes
    data["_outcome"] = UPDATED if changes else UNCHANGED
    identity = any(f == "name" or (f == "nisn" and old) for f, old, _new in changes)
    data["_identity_change"] = identity
    data["_held"] = identity and not accept
