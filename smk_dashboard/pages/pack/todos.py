"""The pack's block of to-dos and case-conference decisions (issue 24): owner (name and role),
due date, status; what must be done only where the reader may read it (a decision's text is
for its owner, whoever gave it and bk), never counselling notes. Its own selector and drawing
function, so the pack's other additions merge beside it."""

from __future__ import annotations

from fpdf import FPDF

from interventions.actions.models import ActionSource
from interventions.actions.selectors import student_todos
from students.models import Student, User

MAX_TODO_ROWS = 5
STATUS_WORDS = {"open": "belum selesai", "done": "selesai", "cancelled": "dibatalkan"}


def pack_todos(*, user: User, student: Student) -> list[dict]:
    """The student's open to-dos and case-conference decisions the reader may see, overdue
    first, at most MAX_TODO_ROWS."""
    rows = sorted(
        student_todos(user=user, student=student),
        key=lambda r: (r.status != "open", not r.overdue, r.due_date),
    )
    return [
        {
            # A contact's follow-up is confidential like its summary (issue 25, finding 7): a
            # printed handout names only its kind, whoever prints it.
            "what": (r.text if r.source != ActionSource.CONTACT else "") or r.source_label,
            "kind": r.source_label,
            "owner": r.owner.get_full_name() or r.owner.username,
            "role": r.owner.get_role_display(),
            "due": r.due_date,
            "status": "terlambat" if r.overdue else STATUS_WORDS.get(r.status, r.status),
        }
        for r in rows[:MAX_TODO_ROWS]
    ]


def draw_todos(pdf: FPDF, rows: list[dict], *, heading, line, bottom: float = 282) -> None:
    """Draw the block with the pack's own `heading` and `line` helpers; rows that would not fit
    above `bottom` are left off, so the page never breaks."""
    if pdf.get_y() > bottom - 11:
        return
    heading(pdf, "Tugas dan keputusan konferensi kasus")
    if not rows:
        line(pdf, "Tidak ada tugas terbuka atau keputusan konferensi kasus.")
        return
    for row in rows:
        if pdf.get_y() > bottom - 5:
            break
        line(
            pdf,
            f"{row['due']:%d-%m-%Y}  {row['what']} - {row['owner']} ({row['role']}), "
            f"{row['status']}",
        )
