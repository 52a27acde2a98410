"""Matching parsed rows to what the database already holds (reads only): students by school +
NISN then NIS, classes, majors and subjects by name or code, the user's scope. Rows that cannot
be matched, or that the user may not touch, get an Indonesian error. One query per table,
never one per row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from students.models import (
    Major,
    Role,
    School,
    SchoolClass,
    Student,
    Subject,
    TeachingAssignment,
    User,
)

from .rows import ParsedRow, ParseResult
from .values import normalize_key

IN_CHUNK = 500


@dataclass
class Scope:
    """What the importing user may write. class_ids None = the whole school."""

    class_ids: set[int] | None = None
    teaches: set[tuple[int, int, str]] | None = None  # guru: (class id, subject id, term code)
    can_create: bool = True

    @classmethod
    def for_user(cls, user: User | None, school: School) -> Scope:
        if user is None or user.is_superuser or user.role == Role.OPERATOR:
            return cls()
        if user.role == Role.WALIKELAS:
            ids = set(
                SchoolClass.objects.filter(school=school, homeroom_teacher=user).values_list(
                    "id", flat=True
                )
            )
            return cls(class_ids=ids, can_create=False)
        if user.role == Role.GURU:
            rows = TeachingAssignment.objects.filter(
                teacher=user, school_class__school=school
            ).values_list("school_class_id", "subject_id", "term__code")
            teaches = set(rows)
            return cls(class_ids={c for c, _s, _t in teaches}, teaches=teaches, can_create=False)
        return cls(class_ids=set(), teaches=set(), can_create=False)


@dataclass
class SchoolIndex:
    school: School
    # nisn -> (id, nisn, nis, class id, major id, name, gender); blanks are never keys
    by_nisn: dict[str, tuple] = field(default_factory=dict)
    by_nis: dict[str, tuple] = field(default_factory=dict)
    by_id: dict[int, tuple] = field(default_factory=dict)
    class_names: dict[int, str] = field(default_factory=dict)  # id -> name
    classes: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (id, major id)
    majors: dict[str, int] = field(default_factory=dict)
    major_codes: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)

    @classmethod
    def load(cls, school: School, *, year: int | None = None) -> SchoolIndex:
        index = cls(school=school)
        for row in Student.objects.filter(school=school).values_list(
            "id", "nisn", "nis", "school_class_id", "major_id", "name", "gender"
        ):
            index.by_id[row[0]] = row
            if row[1]:
                index.by_nisn[row[1]] = row
            if row[2]:
                index.by_nis[row[2]] = row
        # A class name may repeat across school years: the term's year wins, then the latest.
        for cid, name, major_id, cyear in (
            SchoolClass.objects.filter(school=school)
            .values_list("id", "name", "major_id", "academic_year")
            .order_by("academic_year", "id")
        ):
            index.class_names[cid] = name
            key = normalize_key(name)
            if year is None or cyear == year or key not in index.classes:
                index.classes[key] = (cid, major_id)
        for mid, code, name in Major.objects.filter(school=school).values_list(
            "id", "code", "name"
        ):
            index.majors[normalize_key(name)] = mid
            index.major_codes[normalize_key(code)] = mid
        for sid, code, name, major_id in Subject.objects.filter(school=school).values_list(
            "id", "code", "name", "major_id"
        ):
            for key in {normalize_key(name), normalize_key(code)}:
                index.subjects.setdefault(key, []).append((sid, major_id))
        return index

    def student(self, parsed: ParsedRow) -> tuple | None:
        """The student a row was matched to by identity.identify (None: new or unknown)."""
        sid = parsed.data.get("_student")
        return self.by_id.get(sid) if sid else None

    def major_id(self, text: str) -> int | None:
        key = normalize_key(text)
        return self.majors.get(key) or self.major_codes.get(key)

    def subject_id(self, text: str, major_id: int | None) -> int | None:
        options = self.subjects.get(normalize_key(text), [])
        for sid, subject_major in options:
            if subject_major == major_id:
                return sid
        for sid, subject_major in options:
            if subject_major is None:
                return sid
        return options[0][0] if options else None

    def guess_major_from_class(self, class_name: str) -> int | None:
        """ "XI TKJ 2" -> the major whose code is TKJ."""
        for token in re.split(r"[\s\-_/]+", normalize_key(class_name)):
            if token in self.major_codes:
                return self.major_codes[token]
        return None


def check_npsn(result: ParseResult, school: School) -> None:
    for parsed in result.rows:
        npsn = parsed.data.get("npsn")
        if npsn and npsn != school.npsn:
            parsed.add_error(
                _("Baris ini milik sekolah lain (NPSN %(n)s), bukan %(s)s.")
                % {"n": npsn, "s": school.npsn}
            )


def unknown_student_errors(result: ParseResult, index: SchoolIndex) -> None:
    """Grades and attendance need students that are already in this school's roster."""
    # One message whether or not the NISN is enrolled at another school: an upload must
    # never reveal that (issue 12).
    for parsed in (p for p in result.rows if not p.data.get("_student") and not p.errors):
        who = parsed.data.get("nisn") or parsed.data.get("nis")
        parsed.add_error(
            _("Siswa %(v)s belum terdaftar di sekolah ini: impor daftar siswa dulu.") % {"v": who}
        )


def out_of_scope_error(parsed: ParsedRow) -> None:
    parsed.add_error(_("Siswa ini bukan siswa kelas yang Anda ampu."))
