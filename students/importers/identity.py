"""Which stored student a row is (reads only). Identity is sacred: a row is matched by NISN
first; by NIS only where the file has no NISN, or the stored student has none yet; never
where the name clearly disagrees (names.names_agree). A row whose NISN and NIS point to two
students, or whose NIS belongs to a student with another NISN or name, is a conflict: it
gets an error (so it is never written, not even with "valid rows only") and a `conflict`
the preview shows side by side, until the operator chooses for it:

- "student:<id>": this row is that student (one of the students the conflict showed; refused
  while the row's NISN or NIS belongs to another student);
- "new": a new student (roster only; refused when the row's NISN is taken; a NIS that is
  taken is left off the new student);
- "skip": the row is left out (parsing.drop_skipped, before duplicates are counted).

The choices live on the batch mapping under IDENTITY_CHOICES and are applied on every
analysis, so the preview and the run agree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .matching import SchoolIndex, Scope
from .names import names_agree
from .rows import ParsedRow, ParseResult

IDENTITY_CHOICES = "_identity"  # mapping key: {row key: "skip" | "new" | "student:<id>"}
IDENTITY_ACCEPT = "_identity_ok"  # mapping key: the operator ticked the name / NISN changes
SKIP, NEW, STUDENT = "skip", "new", "student:"


def kept_identity_keys(mapping: dict) -> dict:
    """The identity answers of a mapping, kept when the user maps the columns again."""
    return {k: v for k, v in mapping.items() if k in (IDENTITY_CHOICES, IDENTITY_ACCEPT)}


def _match(data: dict, index: SchoolIndex) -> tuple[tuple | None, str, list[tuple]]:
    """(student, why it is a conflict or "", the stored students the conflict concerns)."""
    nisn, nis, name = data.get("nisn") or "", data.get("nis") or "", data.get("name") or ""
    by_nisn = index.by_nisn.get(nisn) if nisn else None
    by_nis = index.by_nis.get(nis) if nis else None
    if by_nisn and by_nis and by_nisn[0] != by_nis[0]:
        why = _("NISN %(nisn)s dan NIS %(nis)s di baris ini milik dua siswa yang berbeda.")
        return None, why % {"nisn": nisn, "nis": nis}, [by_nisn, by_nis]
    if by_nisn:
        if not names_agree(name, by_nisn[5]):
            why = _("NISN %(v)s terdaftar atas nama lain.") % {"v": nisn}
            return None, why, [by_nisn]
        return by_nisn, "", []
    if by_nis:
        if nisn and by_nis[1] and by_nis[1] != nisn:
            why = _("NIS %(v)s milik siswa dengan NISN lain.") % {"v": nis}
            return None, why, [by_nis]
        if not names_agree(name, by_nis[5]):
            return None, _("NIS %(v)s terdaftar atas nama lain.") % {"v": nis}, [by_nis]
        return by_nis, "", []
    return None, "", []


def _stored(student: tuple, index: SchoolIndex, scope: Scope) -> dict:
    """One stored student as the preview shows it; a student outside the user's classes is
    only "another student" (a walikelas never sees another class's child through a file)."""
    if scope.class_ids is not None and student[3] not in scope.class_ids:
        return {"id": None, "hidden": True}
    return {
        "id": student[0],
        "choice": STUDENT + str(student[0]),
        "name": student[5],
        "nisn": student[1],
        "nis": student[2],
        "class": index.class_names.get(student[3], ""),
        "gender": student[6],
    }


def file_side(parsed: ParsedRow) -> dict:
    data = parsed.data
    return {
        "name": data.get("name", ""),
        "nisn": data.get("nisn", ""),
        "nis": data.get("nis", ""),
        "class": data.get("school_class", ""),
        "gender": data.get("gender", ""),
    }


def _mark(parsed: ParsedRow, why: str, stored: list[dict], choices: list[str]) -> None:
    error = _(
        "Konflik identitas: %(why)s Baris ini tidak diimpor sampai Anda memilih di pratinjau."
    ) % {"why": why}
    parsed.conflict = {
        "reason": why, "stored": stored, "choices": choices, "refused": "", "error": error
    }  # fmt: skip
    parsed.add_error(error)


def _refuse(parsed: ParsedRow, choice: str, message: str) -> None:
    parsed.conflict["chosen"] = choice
    parsed.conflict["refused"] = message
    parsed.add_error(message)


def identify(
    result: ParseResult, index: SchoolIndex, scope: Scope, choices: dict[str, str]
) -> None:
    """Match every row: data["_student"] is the stored student's id (None: no student);
    conflicts are marked, and the operator's choices applied to them."""
    roster = result.kind == "roster"
    for parsed in result.rows:
        parsed.data["_student"] = None
        if parsed.conflict is not None:  # the same NISN under two names in the file
            continue
        student, why, candidates = _match(parsed.data, index)
        if not why:
            parsed.data["_student"] = student[0] if student else None
            continue
        stored = [_stored(s, index, scope) for s in candidates]
        options = [s["choice"] for s in stored if s["id"] is not None]
        options += [NEW, SKIP] if roster else [SKIP]
        _mark(parsed, why, stored, options)
        choice = choices.get(parsed.key, "")
        if choice:
            _apply_choice(parsed, choice, index, roster)


def _apply_choice(parsed: ParsedRow, choice: str, index: SchoolIndex, roster: bool) -> None:
    data = parsed.data
    nisn, nis = data.get("nisn") or "", data.get("nis") or ""
    holder_nisn = index.by_nisn.get(nisn) if nisn else None
    holder_nis = index.by_nis.get(nis) if nis else None
    if choice not in parsed.conflict["choices"]:
        _refuse(parsed, choice, _("Pilihan untuk baris ini tidak dikenal; pilih lagi."))
        return
    if choice.startswith(STUDENT):
        sid = int(choice.removeprefix(STUDENT))
        if (holder_nisn and holder_nisn[0] != sid) or (holder_nis and holder_nis[0] != sid):
            _refuse(
                parsed,
                choice,
                _(
                    "Tidak bisa: NISN atau NIS baris ini milik siswa lain. Perbaiki filenya, "
                    "atau lewati baris ini."
                ),
            )
            return
        data["_chosen"] = True
        data["_student"] = sid
    elif choice == NEW:
        if not roster:
            _refuse(parsed, choice, _("Siswa baru hanya dibuat lewat impor daftar siswa."))
            return
        if holder_nisn:
            _refuse(
                parsed,
                choice,
                _("Tidak bisa dibuat sebagai siswa baru: NISN %(v)s sudah dipakai siswa lain.")
                % {"v": nisn},
            )
            return
        if holder_nis:
            if not nisn:
                _refuse(
                    parsed,
                    choice,
                    _("Siswa baru perlu NISN atau NIS yang belum dipakai siswa lain."),
                )
                return
            data["nis"] = ""  # the NIS belongs to another child: the new one starts without
            data["_nis_dropped"] = nis
        data["_student"] = None
    parsed.errors = [e for e in parsed.errors if e != parsed.conflict["error"]]
    parsed.conflict = None


def file_conflicts(result: ParseResult) -> None:
    """Two rows of one file (or of two sheets of one workbook) with the same NISN, or the
    same NIS, under names that clearly disagree: both are conflicts, never imported until
    the operator skips one of them."""
    first_by: dict[tuple[str, str], ParsedRow] = {}
    for parsed in result.rows:
        for what in ("nisn", "nis"):
            value = parsed.data.get(what)
            if not value:
                continue
            first = first_by.setdefault((what, value), parsed)
            if first is parsed or names_agree(parsed.data.get("name", ""), first.data["name"]):
                continue
            label = "NISN" if what == "nisn" else "NIS"
            for row, other in ((parsed, first), (first, parsed)):
                if row.conflict is not None:
                    continue
                why = _(
                    "%(what)s %(v)s juga dipakai baris %(n)s (lembar %(s)s) dengan nama lain."
                ) % {"what": label, "v": value, "n": other.number, "s": other.sheet}
                _mark(row, why, [], [SKIP])
