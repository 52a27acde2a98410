"""`resolve` matches parsed rows to students, classes, majors, subjects and terms (reads
only): rows that cannot be written get an error, and the plan lists what must be created
first. Comparisons are set-based: one query loads what exists, Python compares."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from students.importers.identity import identify
from students.importers.majors import UNASSIGNED_CODE, UNASSIGNED_NAME, known_major
from students.importers.matching import (
    SchoolIndex,
    Scope,
    check_npsn,
    out_of_scope_error,
    unknown_student_errors,
)
from students.importers.parsing import ParseResult
from students.importers.values import normalize_key, term_of_date

from .outcomes import roster_outcome
from .plan import ROW_WRITERS, Plan


def _school_year(result: ParseResult) -> int:
    if result.term_code:
        return int(result.term_code[:4])
    today = timezone.localdate()
    return today.year if today.month >= 7 else today.year - 1


def resolve(
    result: ParseResult,
    index: SchoolIndex,
    scope: Scope,
    *,
    create_missing: bool,
    choices: dict[str, str] | None = None,
    accept_identity_changes: bool = False,
) -> Plan:
    """Match every row; rows that cannot be written get an error. `choices`: the operator's
    answers to identity conflicts (identity.py); `accept_identity_changes`: the operator
    ticked the updates that change a student's name or NISN (without it those rows are held
    back). Returns the plan of what must be created first (majors, classes, subjects,
    terms)."""
    plan = Plan(result.kind, create_missing and scope.can_create, _school_year(result))
    check_npsn(result, index.school)
    identify(result, index, scope, choices or {})
    if result.kind == "roster":
        _resolve_roster(result, index, scope, plan)
        for parsed in result.rows:
            roster_outcome(parsed, index, accept=accept_identity_changes)
        return plan
    if result.kind == "grades":
        _coverage(result, index, plan)
    unknown_student_errors(result, index)
    days: set[dt.date] = set()
    for parsed in result.rows:
        student = index.student(parsed)
        if student is None:
            continue
        if scope.class_ids is not None and student[3] not in scope.class_ids:
            out_of_scope_error(parsed)
            continue
        if result.kind == "grades":
            _resolve_grade_cells(parsed, student, index, scope, plan)
            if "sakit" in parsed.data:
                plan.terms.add(parsed.data["term"])
        elif result.kind == "pkl":
            if parsed.data.get("term"):
                plan.terms.add(parsed.data["term"])
        elif result.kind in ROW_WRITERS:
            continue
        elif result.layout == "recap":
            plan.terms.add(parsed.data["term"])
        else:
            days.update(day for day, _code in parsed.cells)
    plan.terms.update({term_of_date(day) for day in days})  # ~200 school days, 1M cells
    if result.kind in ROW_WRITERS:
        matched = [p for p in result.rows if p.data.get("_student") and not p.errors]
        ROW_WRITERS[result.kind].resolve(matched, index.school)
    return plan


def _coverage(result: ParseResult, index: SchoolIndex, plan: Plan) -> None:
    """How many of the subjects of the students' majors the ledger holds ("3 dari 10 mapel")."""
    majors = set()
    for parsed in result.rows:
        student = index.student(parsed)
        if student is not None:
            majors.add(student[4])
    in_file = {normalize_key(s) for s in result.subjects}
    if not in_file or not majors:
        return
    expected = set()
    for options in index.subjects.values():
        for sid, subject_major in options:
            if subject_major is None or subject_major in majors:
                expected.add(sid)
    found = {sid for key in in_file for sid, _m in index.subjects.get(key, [])}
    plan.subjects_in_file = len(in_file)
    new = [key for key in in_file if key not in index.subjects]  # created by this import
    plan.subjects_expected = len(found | expected) + len(new)
    if plan.partial:
        result.warnings.append(
            _(
                "File ini hanya memuat %(n)s dari %(m)s mapel. Nilainya disimpan, tetapi "
                "semesternya belum dianggap lengkap (tidak dipakai sebagai hasil akhir) sampai "
                "operator menandainya lengkap."
            )
            % {"n": plan.subjects_in_file, "m": plan.subjects_expected}
        )


def _resolve_grade_cells(parsed, student, index: SchoolIndex, scope: Scope, plan: Plan) -> None:
    resolved = []
    for subject, component, term, score in parsed.cells:
        sid = index.subject_id(subject, student[4])
        if sid is None:
            key = normalize_key(subject)
            plan.unknown["subjects"].add(subject)
            if not plan.create:
                parsed.add_error(
                    _("Mata pelajaran %(v)s belum terdaftar di sekolah ini.") % {"v": subject}
                )
                continue
            plan.new_subjects.setdefault(key, subject)
            sid = "new:" + key
        if scope.teaches is not None and (student[3], sid, term) not in scope.teaches:
            parsed.add_error(
                _("Anda tidak mengajar %(s)s di kelas siswa ini pada semester %(t)s.")
                % {"s": subject, "t": term}
            )
            continue
        plan.terms.add(term)
        resolved.append((sid, component, term, score))
    parsed.data["_cells"] = resolved


def _resolve_roster(result: ParseResult, index: SchoolIndex, scope: Scope, plan: Plan) -> None:
    for parsed in result.rows:
        data = parsed.data
        student = index.student(parsed)
        # A new student needs a name and a NISN or NIS; gender and NISN may come later
        # ("data belum lengkap" on the operator's setup page).
        major = _resolve_major(parsed, index, plan)
        school_class = _resolve_class(parsed, index, plan, major)
        if isinstance(school_class, int) and major is None:
            major = index.classes[normalize_key(data["school_class"])][1]
        elif isinstance(school_class, str) and major is None:  # a new class: its major
            major = plan.new_classes[school_class.removeprefix("new:")][1]
        data["_class"], data["_major"] = school_class, major
        if scope.class_ids is not None:
            current = student[3] if student else None
            target = school_class if data["school_class"] else current
            if target not in scope.class_ids or (current and current not in scope.class_ids):
                out_of_scope_error(parsed)


def _resolve_major(parsed, index: SchoolIndex, plan: Plan):
    name = parsed.data["major"]
    if not name:
        return None
    major = index.major_id(name)
    if major is not None:
        return major
    plan.unknown["majors"].add(name)
    if not plan.create:
        parsed.add_error(_("Kompetensi keahlian %(v)s belum terdaftar.") % {"v": name})
        return None
    key = normalize_key(name)
    plan.new_majors.setdefault(key, name)
    return "new:" + key


def _resolve_class(parsed, index: SchoolIndex, plan: Plan, major):
    name = parsed.data["school_class"]
    if not name:
        return None
    key = normalize_key(name)
    if key in index.classes:
        return index.classes[key][0]
    plan.unknown["classes"].add(name)
    if not plan.create:
        parsed.add_error(_("Kelas %(v)s belum terdaftar.") % {"v": name})
        return None
    major = major or index.guess_major_from_class(name) or _inferred_major(name, index, plan)
    plan.new_classes.setdefault(key, (name, major, parsed.data.get("grade_level")))
    return "new:" + key


def _inferred_major(class_name: str, index: SchoolIndex, plan: Plan):
    """A roster without a major column is never refused: the major comes from the rombel
    name's kompetensi keahlian abbreviation ("XII RPL 2"), else the class goes under the
    "unassigned" major, to be fixed later on the majors page."""
    known = known_major(class_name)
    code, name, major_field = known or (UNASSIGNED_CODE, UNASSIGNED_NAME, "lainnya")
    existing = index.major_codes.get(normalize_key(code)) or index.major_id(name)
    if existing is not None:
        return existing
    key = normalize_key(name)
    plan.new_majors.setdefault(key, name)
    plan.major_meta.setdefault(key, (code, major_field))
    plan.unknown["majors"].add(name)  # shown in the preview: "akan dibuat"
    return "new:" + key
