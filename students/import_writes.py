"""The import's database half, used only by students/services.py: `resolve` matches parsed
rows to students, classes, majors, subjects and terms (reads), `write` upserts the valid rows
(writes; the caller holds the transaction). Comparisons are set-based: one query loads what
exists, Python compares, bulk_create / bulk_update write in batches."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.page_cache import school_pages_changed

from .importers.majors import UNASSIGNED_CODE, UNASSIGNED_NAME, known_major
from .importers.matching import (
    SchoolIndex,
    Scope,
    check_npsn,
    out_of_scope_error,
    unknown_student_errors,
)
from .importers.parsing import ParseResult
from .importers.values import normalize_key, term_of_date
from .models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceSummary,
    GradeRecord,
    ImportBatch,
    Major,
    PklPlacement,
    School,
    SchoolClass,
    SchoolTermStatus,
    Student,
    Subject,
    SubjectGroup,
)

FLUSH = 10_000
ROSTER_FIELDS = (
    "name", "nis", "gender", "birth_date", "school_class_id", "major_id", "father_education",
    "mother_education", "father_occupation", "mother_occupation", "income_bracket",
    "kip_recipient", "distance_km",
)  # fmt: skip
FIELD_WORDS = [
    ("kesehatan", r"perawat|farmasi|kesehatan|analis|kebidanan|medis|gizi"),
    ("bisnis", r"akuntansi|bisnis|perkantoran|pemasaran|manajemen|keuangan|administrasi|logistik"),
    ("pariwisata", r"pariwisata|perhotelan|boga|busana|kecantikan|kuliner|hotel"),
    ("seni", r"seni|desain|multimedia|animasi|broadcasting|kriya|musik|film"),
    ("teknik", r"teknik|teknologi|otomotif|mesin|listrik|jaringan|komputer|rekayasa|las|bangunan"),
]


@dataclass(frozen=True)
class RowWriter:
    """How a kind whose rows belong to a higher layer (interventions' conduct points) is
    checked and written. That layer registers itself in ROW_WRITERS (AppConfig.ready), so
    students never imports it. `resolve(rows, school)` adds row errors; `write(rows, school,
    counter, batch)` writes the valid rows and counts them; `batch` is the ImportBatch being
    written (its `created_by` is the importing user), None in a dry run."""

    resolve: Callable[[list, School], None]
    write: Callable[[list, School, Counter, ImportBatch | None], None]


ROW_WRITERS: dict[str, RowWriter] = {}


@dataclass
class Plan:
    kind: str
    create: bool
    year: int
    new_majors: dict[str, str] = field(default_factory=dict)  # key -> name
    major_meta: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (code, field)
    # key -> (name, major, grade level or None)
    new_classes: dict[str, tuple[str, object, int | None]] = field(default_factory=dict)
    new_subjects: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, set[str]] = field(
        default_factory=lambda: {"classes": set(), "majors": set(), "subjects": set()}
    )
    terms: set[str] = field(default_factory=set)
    # grades: subjects the file holds and subjects the students' majors have (0 = unknown)
    subjects_in_file: int = 0
    subjects_expected: int = 0

    @property
    def partial(self) -> bool:
        """The ledger covers only some subjects: its term is not a finished one."""
        return 0 < self.subjects_in_file < self.subjects_expected

    def unknown_lists(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in self.unknown.items()}


def _school_year(result: ParseResult) -> int:
    if result.term_code:
        return int(result.term_code[:4])
    today = timezone.localdate()
    return today.year if today.month >= 7 else today.year - 1


def resolve(result: ParseResult, index: SchoolIndex, scope: Scope, *, create_missing: bool) -> Plan:
    """Match every row; rows that cannot be written get an error. Returns the plan of what
    must be created first (majors, classes, subjects, terms)."""
    plan = Plan(result.kind, create_missing and scope.can_create, _school_year(result))
    check_npsn(result, index.school)
    if result.kind == "roster":
        _resolve_roster(result, index, scope, plan)
        return plan
    if result.kind == "grades":
        _coverage(result, index, plan)
    unknown_student_errors(result, index)
    days: set[dt.date] = set()
    for parsed in result.rows:
        student = index.student(parsed)
        if student is None:
            continue
        parsed.data["_student"] = student[0]
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
        matched = [p for p in result.rows if "_student" in p.data and not p.errors]
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
        student = index.by_nisn.get(data["nisn"]) if data["nisn"] else None
        if student is None and data["nis"]:
            student = index.by_nis.get(data["nis"])
        holder = index.by_nis.get(data["nis"]) if data["nis"] else None
        if student and holder and holder[0] != student[0]:
            parsed.add_error(_("NIS %(v)s sudah dipakai siswa lain.") % {"v": data["nis"]})
        if student is None:
            if not data["nisn"] and not parsed.errors:
                parsed.add_error(_("NISN wajib diisi untuk siswa baru."))
            if "gender" not in data:
                parsed.add_error(_("Jenis kelamin wajib diisi untuk siswa baru."))
        data["_student"] = student[0] if student else None
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


# --- writing -------------------------------------------------------------------------------


def _unique_code(base: str, taken: set[str], length: int) -> str:
    base = (base or "X")[:length]
    code, n = base, 1
    while code.lower() in taken:
        n += 1
        code = f"{base[: length - len(str(n)) - 1]}-{n}"
    taken.add(code.lower())
    return code


def _initials(name: str) -> str:
    words = [w for w in re.split(r"\W+", name) if w and w.lower() not in ("dan", "&", "di")]
    return "".join(w[0] for w in words).upper()


def _grade_level(name: str) -> int:
    token = name.strip().split(" ")[0].upper()
    return {"X": 10, "XI": 11, "XII": 12, "10": 10, "11": 11, "12": 12}.get(token, 10)


def _major_field(name: str) -> str:
    low = name.lower()
    return next((f for f, words in FIELD_WORDS if re.search(words, low)), "lainnya")


def _create_missing(plan: Plan, school: School) -> dict[str, int]:
    refs: dict[str, int] = {}
    codes = {c.lower() for c in Major.objects.filter(school=school).values_list("code", flat=True)}
    for key, name in plan.new_majors.items():
        code, major_field = plan.major_meta.get(key, (_initials(name), _major_field(name)))
        code = _unique_code(code, codes, 20)
        major = Major.objects.create(school=school, code=code, name=name, field=major_field)
        refs["new:" + key] = major.id
    for key, (name, major, grade_level) in plan.new_classes.items():
        major_id = refs.get(major, major) if isinstance(major, str) else major
        school_class = SchoolClass.objects.create(
            school=school,
            name=name,
            grade_level=grade_level or _grade_level(name),
            major_id=major_id,
            academic_year=plan.year,
        )
        refs["new:" + key] = school_class.id
    codes = {
        c.lower() for c in Subject.objects.filter(school=school).values_list("code", flat=True)
    }
    for key, name in plan.new_subjects.items():
        code = _unique_code(_initials(name) or name.upper(), codes, 30)
        subject = Subject.objects.create(
            school=school, code=code, name=name[:200], group=SubjectGroup.UMUM
        )
        refs["new:" + key] = subject.id
    return refs


def _terms(codes: set[str]) -> dict[str, AcademicTerm]:
    terms = {t.code: t for t in AcademicTerm.objects.filter(code__in=codes)}
    for code in sorted(codes - set(terms)):
        year, semester = int(code[:4]), int(code[-1])
        terms[code] = AcademicTerm.objects.get_or_create(
            code=code, defaults={"year": year, "semester": semester}
        )[0]
    return terms


@dataclass
class Counter:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    def row(self, new: int, changed: int, had_existing: bool) -> None:
        if changed or (new and had_existing):
            self.updated += 1
        elif new:
            self.created += 1
        else:
            self.unchanged += 1

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "records": self.records,
        }


def write(analysis, *, school: School, batch: ImportBatch | None = None) -> dict:
    """Write every row without errors. Returns row counts (created, updated, unchanged), the
    record counts behind them, and the term (when the file has exactly one). ``batch``: the
    import being written (None in a dry run); rows that record who did it use its user."""
    plan: Plan = analysis.plan
    result: ParseResult = analysis.result
    refs = _create_missing(plan, school)
    terms = _terms(plan.terms)
    rows = [p for p in result.rows if not p.errors]
    counter = Counter()
    if result.kind == "roster":
        _write_roster(rows, school, refs, counter)
    elif result.kind == "grades":
        _write_grades(rows, school, refs, terms, counter)
        recap = [p for p in rows if "sakit" in p.data]
        if recap:  # the ledger's S / I / A columns: the term's attendance recap
            _write_recap(recap, school, terms, Counter())
        if plan.partial:
            for term in terms.values():
                term_status_mark_partial(school=school, term=term)
    elif result.kind == "pkl":
        _write_pkl(rows, terms, counter)
    elif result.kind in ROW_WRITERS:
        ROW_WRITERS[result.kind].write(rows, school, counter, batch)
    elif result.layout == "recap":
        _write_recap(rows, school, terms, counter)
    else:
        _write_daily(rows, school, terms, counter)
    school_pages_changed(school.id)  # bulk writes send no signal
    out = counter.as_dict()
    out["term"] = next(iter(terms.values())) if len(terms) == 1 else None
    return out


def term_status_mark_partial(*, school: School, term: AcademicTerm) -> None:
    """A partial ledger was imported: the term stays unfinished for this school until the
    operator marks it complete (students.services.term_mark_complete)."""
    SchoolTermStatus.objects.update_or_create(
        school=school,
        term=term,
        defaults={"complete": False, "marked_by": None, "marked_at": None},
    )


def _write_roster(rows, school: School, refs, counter: Counter) -> None:
    existing = {s.id: s for s in Student.objects.filter(school=school)}
    new, changed, fields = [], [], set()
    now = timezone.now()
    for parsed in rows:
        data = parsed.data
        values = {name: data[name] for name in ROSTER_FIELDS if name in data}
        if not values.get("nis"):
            values.pop("nis", None)
        for ref, attr in (("_class", "school_class_id"), ("_major", "major_id")):
            if data[ref] is not None:
                values[attr] = refs.get(data[ref], data[ref])
        student = existing.get(data["_student"])
        if student is None:
            new.append(Student(school=school, nisn=data["nisn"], **values))
            counter.created += 1
            continue
        if data["nisn"] and data["nisn"] != student.nisn:
            values["nisn"] = data["nisn"]  # matched by NIS: the NISN is corrected
        diff = {k: v for k, v in values.items() if getattr(student, k) != v}
        if not diff:
            counter.unchanged += 1
            continue
        for k, v in diff.items():
            setattr(student, k, v)
        student.updated_at = now
        changed.append(student)
        fields.update(diff)
        counter.updated += 1
    if changed:
        Student.objects.bulk_update(changed, sorted(fields | {"updated_at"}), batch_size=500)
    Student.objects.bulk_create(new, batch_size=500)
    counter.records = {"created": len(new), "updated": len(changed), "unchanged": counter.unchanged}


PKL_FIELDS = (
    "company", "mentor", "days_present", "days_total", "rating_attitude", "rating_skills",
)  # fmt: skip


def _write_pkl(rows, terms, counter: Counter) -> None:
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


def _write_grades(rows, school: School, refs, terms, counter: Counter) -> None:
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


def _write_recap(rows, school: School, terms, counter: Counter) -> None:
    term_ids = {code: t.id for code, t in terms.items()}
    existing = {
        (st, term): obj
        for obj in AttendanceSummary.objects.filter(
            student__school=school, term_id__in=term_ids.values()
        )
        for st, term in [(obj.student_id, obj.term_id)]
    }
    creates, updates = [], []
    for parsed in rows:
        data = parsed.data
        values = {k: data[k] for k in ("sakit", "izin", "alpa", "school_days") if k in data}
        if values.get("school_days") == 0:
            values["school_days"] = None
        key = (data["_student"], term_ids[data["term"]])
        obj = existing.get(key)
        if obj is None:
            creates.append(AttendanceSummary(student_id=key[0], term_id=key[1], **values))
            counter.created += 1
            continue
        diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not diff:
            counter.unchanged += 1
            continue
        for k, v in diff.items():
            setattr(obj, k, v)
        updates.append(obj)
        counter.updated += 1
    AttendanceSummary.objects.bulk_create(creates, batch_size=1000)
    AttendanceSummary.objects.bulk_update(
        updates, ["sakit", "izin", "alpa", "school_days"], batch_size=1000
    )
    counter.records = {
        "created": len(creates),
        "updated": len(updates),
        "unchanged": counter.unchanged,
    }


CODES = "HSIA"


def _write_daily(rows, school: School, terms, counter: Counter) -> None:
    days = [day for parsed in rows for day, _code in parsed.cells]
    if not days:
        counter.unchanged = len(rows)
        return
    existing = _existing_days(school, min(days), max(days))
    del days
    creates, updates, same = [], [], 0
    touched: set[tuple[int, str]] = set()
    term_of: dict[dt.date, str] = {}  # a school year has ~200 days and a million cells
    n_created = 0
    for parsed in rows:
        student_id = parsed.data["_student"]
        new = changed = 0
        had = False
        for day, code in parsed.cells:
            key = (student_id << 20) | day.toordinal()
            old = existing.get(key)
            if old is None:
                creates.append((student_id, day, code))
                existing[key] = CODES.index(code)
                new += 1
            elif CODES[old & 3] != code:
                updates.append(AttendanceRecord(id=old >> 2, status=code))
                had = True
                changed += 1
            else:
                had = True
                same += 1
                continue
            term = term_of.get(day) or term_of.setdefault(day, term_of_date(day))
            touched.add((student_id, term))
        counter.row(new, changed, had)
        if len(creates) >= 5 * FLUSH:
            _insert_attendance(creates)
            n_created += len(creates)
            creates = []
    _insert_attendance(creates)
    AttendanceRecord.objects.bulk_update(updates, ["status"], batch_size=1000)
    counter.records = {"created": n_created + len(creates), "updated": len(updates)}
    counter.records["unchanged"] = same
    attendance_summaries_refresh(school=school, pairs=touched, terms=terms)


def _existing_days(school: School, first: dt.date, last: dt.date) -> dict[int, int]:
    """The school's stored days in [first, last] as packed integers, computed by the database:
    (student << 20 | date ordinal) -> (id << 2 | index of the status in CODES). A million
    existing days fit in ~100 MB, and no Python date or model object is built per row (the
    ORM's date converters alone took 1.3 s of a 1,000,000-day re-import on SQLite)."""
    qn = connection.ops.quote_name
    day_table, student_table = AttendanceRecord._meta.db_table, Student._meta.db_table
    if connection.vendor == "postgresql":
        ordinal = "(a.\"date\" - DATE '0001-01-01' + 1)"
        student_key, pk = "(a.student_id::bigint << 20)", "(a.id::bigint << 2)"
    else:  # SQLite: julianday('0001-01-01') is 1721425.5, whose ordinal is 1
        ordinal = 'CAST(julianday(a."date") - 1721424.5 AS INTEGER)'
        student_key, pk = "(a.student_id << 20)", "(a.id << 2)"
    status = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(CODES))
    # bandit B608: table names come from the models' meta, quoted; values are parameters.
    sql = (
        f"SELECT {student_key} | {ordinal}, {pk} | (CASE a.status {status} ELSE 0 END) "  # noqa: S608  # nosec B608
        f"FROM {qn(day_table)} a JOIN {qn(student_table)} s ON s.id = a.student_id "
        'WHERE s.school_id = %s AND a."date" BETWEEN %s AND %s'
    )
    adapt = connection.ops.adapt_datefield_value
    existing: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [school.pk, adapt(first), adapt(last)])
        while batch := cursor.fetchmany(50_000):
            existing.update(batch)
    return existing


def _insert_attendance(rows: list[tuple[int, dt.date, str]]) -> None:
    """INSERT ... executemany for new daily records. A million rows is the normal size of a
    school's year; building a model instance per row (bulk_create) costs most of a minute,
    the plain parameterised insert a few seconds. Same table, same columns, same transaction."""
    if not rows:
        return
    meta = AttendanceRecord._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(f).column) for f in ("student", "date", "status"))
    if connection.vendor == "postgresql":  # COPY: the fastest bulk path PostgreSQL has
        with connection.cursor() as cursor:
            copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                # COPY's text format written in blocks: ids, ISO dates and one of HSIA need
                # no escaping, and a million write_row calls cost 2.4 s of Python.
                for start in range(0, len(rows), 50_000):
                    chunk = rows[start : start + 50_000]
                    iso = {day: day.isoformat() for day in {day for _st, day, _code in chunk}}
                    copy.write("".join(f"{st}\t{iso[day]}\t{code}\n" for st, day, code in chunk))
        return
    # bandit B608: table and column names come from the model's meta, quoted; values are
    # parameters.
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608  # nosec B608
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            chunk = rows[start : start + 10_000]
            adapted = {day: adapt(day) for day in {day for _st, day, _code in chunk}}
            cursor.executemany(sql, [(st, adapted[day], code) for st, day, code in chunk])


def term_range(term: AcademicTerm) -> tuple[dt.date, dt.date]:
    if term.start_date and term.end_date:
        return term.start_date, term.end_date
    if term.semester == 1:
        return dt.date(term.year, 7, 1), dt.date(term.year, 12, 31)
    return dt.date(term.year + 1, 1, 1), dt.date(term.year + 1, 6, 30)


def attendance_summaries_refresh(*, school: School, pairs: set[tuple[int, str]], terms) -> int:
    """Recount sakit / izin / alpa and recorded days of the given (student, term) pairs from
    the daily records, so the per-term recap always agrees with the daily grid."""
    by_term: dict[str, list[int]] = defaultdict(list)
    for student_id, code in pairs:
        by_term[code].append(student_id)
    written = 0
    for code, student_ids in by_term.items():
        term = terms[code]
        start, end = term_range(term)
        counts = {}
        for i in range(0, len(student_ids), 500):
            chunk = student_ids[i : i + 500]
            counts.update(
                {
                    row["student_id"]: row
                    for row in AttendanceRecord.objects.filter(
                        student_id__in=chunk, date__range=(start, end)
                    )
                    .values("student_id")
                    .annotate(
                        s=Count("id", filter=Q(status="S")),
                        i=Count("id", filter=Q(status="I")),
                        a=Count("id", filter=Q(status="A")),
                        n=Count("id"),
                    )
                    .order_by()
                }
            )
        existing = {
            s.student_id: s
            for s in AttendanceSummary.objects.filter(student__school=school, term=term)
        }
        creates, updates = [], []
        for student_id, row in counts.items():
            values = {
                "sakit": row["s"],
                "izin": row["i"],
                "alpa": row["a"],
                "school_days": row["n"],
            }
            obj = existing.get(student_id)
            if obj is None:
                creates.append(AttendanceSummary(student_id=student_id, term=term, **values))
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                updates.append(obj)
        AttendanceSummary.objects.bulk_create(creates, batch_size=1000)
        AttendanceSummary.objects.bulk_update(
            updates, ["sakit", "izin", "alpa", "school_days"], batch_size=1000
        )
        written += len(creates) + len(updates)
    return written
