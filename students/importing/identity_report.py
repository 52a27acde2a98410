"""The identity part of a batch's preview and summary: conflicts side by side, what each row
will do (new / updated / unchanged / conflict / rejected), the updates that change a name
or NISN (their own tick), the students that will be created with data missing, the former
students a register listed and the rows that repeated a student. JSON, kept on the batch."""

from __future__ import annotations

from collections import Counter

from students.importers.identity import file_side
from students.importers.parsing import ParseResult

from .outcomes import NEW, OUTCOMES, UPDATED

MAX_LISTED = 500  # per list; the totals count them all


def _where(parsed) -> dict:
    return {"key": parsed.key, "sheet": parsed.sheet, "row": parsed.number}


def _missing(data: dict) -> list[str]:
    return [f for f, ok in (("gender", data.get("gender")), ("nisn", data.get("nisn"))) if not ok]


def identity_preview(result: ParseResult) -> dict:
    rows = result.rows
    conflicts = [
        _where(p) | {"file": file_side(p)} | p.conflict for p in rows if p.conflict is not None
    ]
    out: dict = {
        "conflicts": conflicts[:MAX_LISTED],
        "conflicts_total": len(conflicts),
        "repeats": result.repeats,
        "skipped_rows": [_skipped(key) for key in result.skipped_rows[:MAX_LISTED]],
        "former": _former(result),
    }
    if result.kind != "roster":
        return out
    counts = Counter(p.data.get("_outcome") for p in rows)
    changed = [p for p in rows if p.data.get("_outcome") == UPDATED]
    identity = [p for p in changed if p.data.get("_identity_change")]
    others = [p for p in changed if not p.data.get("_identity_change")]
    new = [p for p in rows if p.data.get("_outcome") == NEW]
    incomplete = [p for p in new if _missing(p.data)]
    out |= {
        "outcomes": {name: counts.get(name, 0) for name in OUTCOMES},
        "updates": [_update(p) for p in others[:MAX_LISTED]],
        "identity_changes": [_update(p) for p in identity[:MAX_LISTED]],
        "identity_total": len(identity),
        "held": sum(1 for p in rows if p.data.get("_held")),
        "incomplete": [
            _where(p)
            | {
                "name": p.data.get("name", ""),
                "nisn": p.data.get("nisn", ""),
                "nis": p.data.get("nis", ""),
                "missing": _missing(p.data),
            }
            for p in incomplete[:MAX_LISTED]
        ],  # fmt: skip
        "incomplete_total": len(incomplete),
        "incomplete_missing": dict(Counter(f for p in incomplete for f in _missing(p.data))),
        "nis_dropped": sum(1 for p in new if p.data.get("_nis_dropped")),
    }
    return out


def _skipped(key: str) -> dict:
    sheet, _sep, row = key.rpartition("!")
    return {"key": key, "sheet": sheet, "row": row}


def _update(parsed) -> dict:
    data = parsed.data
    return _where(parsed) | {"name": data.get("name", ""), "changes": data["_changes"]}


def _former(result: ParseResult) -> dict:
    reasons = Counter(why for _sheet, _row, why in result.former)
    return {"count": len(result.former), "reasons": [[w, n] for w, n in reasons.most_common()]}


def summary_lists(identity: dict) -> dict:
    """The command line's `conflicts` and `incomplete` (CONTRACTS.md §2): rows never applied
    because their identifiers disagree with a stored student, and students created with
    missing gender or NISN. Only this school's students are ever named."""
    conflicts = [
        {
            "sheet": c["sheet"],
            "row": c["row"],
            "nisn": c["file"]["nisn"],
            "nis": c["file"]["nis"],
            "name": c["file"]["name"],
            "student_ids": [s["id"] for s in c["stored"] if s.get("id")],
            "reason": c["refused"] or c["reason"],
        }
        for c in identity.get("conflicts", [])
    ]
    incomplete = [
        {k: i[k] for k in ("sheet", "row", "name", "nisn", "nis", "missing")}
        for i in identity.get("incomplete", [])
    ]
    return {"conflicts": conflicts, "incomplete": incomplete}
