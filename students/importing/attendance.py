"""The attendance writers: the per-term recap, and the daily grid (a million cells is a
normal school year, hence the packed integers and the plain INSERT / COPY), which then
recounts the recaps of the students and terms it touched."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Q

from students.importers.values import term_of_date
from students.models import AcademicTerm, AttendanceRecord, AttendanceSummary, School, Student

from .plan import FLUSH, Counter


def write_recap(rows, school: School, terms, counter: Counter) -> None:
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


def write_daily(rows, school: School, terms, counter: Counter) -> None:
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
