"""Grow a seeded benchmark database from one school to several by copying that school's rows
in SQL (INSERT ... SELECT inside PostgreSQL), because seed_demo needs minutes per 10,000
students. Used for the 100,000-student load run (issue 8).

    createdb -h 127.0.0.1 -U postgres -T smk_pages_bench smk_load_100k
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smk_load_100k \
        python benchmarks/clone_schools.py --copies 9

Each copy is a new school (NPSN 20100002, 20100003, ...) with copies of the source school's
majors, classes, subjects, students, grade records, per-term attendance summaries,
non-academic ratings, model versions and predictions (current flags included), every foreign
key remapped to the copy. Left out on purpose, and said so in the results: the daily
attendance records (3.5 million rows per 10,000 students; the risk list, the API list and
login do not read them, and the profile pages measured are the source school's), users
(columns pointing at a user are set to NULL), import batches, training runs, interventions
and audit events. Student names and numbers repeat across schools (unique per school only).
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg

# table, where its rows of the source school are found, foreign keys to remap, columns to NULL
TABLES = [
    ("students_major", "school", {}, []),
    ("students_schoolclass", "school", {"major_id": "students_major"}, ["homeroom_teacher_id"]),
    ("students_subject", "school", {"major_id": "students_major"}, []),
    (
        "students_student",
        "school",
        {"school_class_id": "students_schoolclass", "major_id": "students_major"},
        [],
    ),
    ("predictions_modelversion", "school", {}, ["training_run_id", "promoted_by_id"]),
    ("students_graderecord", "student", {"subject_id": "students_subject"}, []),
    ("students_attendancesummary", "student", {}, []),
    ("students_nonacademicrating", "student", {}, ["rated_by_id"]),
    ("predictions_prediction", "student", {"model_version_id": "predictions_modelversion"}, []),
]
REFERENCED = {"students_major", "students_schoolclass", "students_subject", "students_student",
              "predictions_modelversion"}  # fmt: skip


def q(column: str) -> str:
    return '"' + column + '"'


def columns(cur, table: str) -> list[str]:
    cur.execute(
        "select column_name from information_schema.columns where table_name = %s "
        "order by ordinal_position",
        [table],
    )
    return [r[0] for r in cur.fetchall()]


def copy_school(cur, source_id: int, npsn: str) -> int:
    cols = [c for c in columns(cur, "students_school") if c not in ("id", "npsn", "name")]
    cur.execute(
        f"insert into students_school (npsn, name, {', '.join(map(q, cols))}) "  # noqa: S608
        f"select %s, name || ' (salinan ' || %s || ')', {', '.join(map(q, cols))} "
        f"from students_school where id = %s returning id",
        [npsn, npsn, source_id],
    )
    new_id = cur.fetchone()[0]
    for table, owner, fks, nulled in TABLES:
        cols = [c for c in columns(cur, table) if c != "id"]
        if owner == "school":
            where = "src.school_id = %(source)s"
        else:
            where = "src.student_id in (select old_id from map_students_student)"
        exprs = []
        for c in cols:
            if c == "school_id":
                exprs.append("%(new)s")
            elif c == "student_id" and owner == "student":
                exprs.append(
                    "(select new_id from map_students_student where old_id = src.student_id)"
                )
            elif c in fks:
                # identifiers from the TABLES constant above, never from input
                exprs.append(f"(select new_id from map_{fks[c]} where old_id = src.{c})")  # noqa: S608
            elif c in nulled:
                exprs.append("null")
            else:
                exprs.append(f"src.{q(c)}")
        params = {"source": source_id, "new": new_id}
        if table in REFERENCED:
            cur.execute(f"drop table if exists map_{table}")
            cur.execute(
                f"create temp table map_{table} as select src.id as old_id, "  # noqa: S608
                f"nextval(pg_get_serial_sequence('{table}', 'id')) as new_id "
                f"from {table} src where {where}",
                params,
            )
            cur.execute(f"alter table map_{table} add primary key (old_id)")
            cur.execute(
                f"insert into {table} (id, {', '.join(map(q, cols))}) "  # noqa: S608
                f"select (select new_id from map_{table} where old_id = src.id), "
                f"{', '.join(exprs)} from {table} src where {where}",
                params,
            )
        else:
            cur.execute(
                f"insert into {table} ({', '.join(map(q, cols))}) "  # noqa: S608
                f"select {', '.join(exprs)} from {table} src where {where}",
                params,
            )
    return new_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=9)
    parser.add_argument("--source-npsn", default="20100001")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select id from students_school where npsn = %s", [args.source_npsn])
        source_id = cur.fetchone()[0]
        for k in range(1, args.copies + 1):
            started = time.perf_counter()
            npsn = f"{int(args.source_npsn) + k:08d}"
            new_id = copy_school(cur, source_id, npsn)
            conn.commit()
            print(f"school {npsn} (id {new_id}) copied in {time.perf_counter() - started:.1f} s")
        cur.execute("analyze")
        for table in ("students_school", "students_student", "students_graderecord",
                      "predictions_prediction"):  # fmt: skip
            cur.execute(f"select count(*) from {table}")  # noqa: S608
            print(table, cur.fetchone()[0])


if __name__ == "__main__":
    main()
