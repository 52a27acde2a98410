"""A demo school's history, term by term: grades, daily attendance, attendance summaries and
non-academic ratings, from the latent level of each student (the package's causal story)."""

from __future__ import annotations

import numpy as np
from django.db import connection

from students.models import (
    AttendanceRecord,
    AttendanceSummary,
    GradeComponent,
    GradeRecord,
    IncomeBracket,
    NonAcademicRating,
    Role,
    SubjectGroup,
)

from .conduct import ConductStory
from .terms import school_days


def make_history(  # noqa: C901
    students, classes, general, vocational, terms, rng, users, *, conduct: ConductStory
):
    n, n_terms = len(students), len(terms)
    field = np.array([s.major.field for s in students])
    codes = [s.major.code for s in students]
    grade = np.array([s.school_class.grade_level for s in students])
    income = np.array([[b.label for b in IncomeBracket].index(s.income_bracket) for s in students])
    ability = rng.normal(0, 1, n)
    slipping = rng.random(n) < 0.12  # about 12% of students slip a little every term
    trend = rng.normal(0, 0.1, n) - 0.3 * slipping + 0.3 * slipping.mean()
    pressure = 0.25 * (income <= 1) + 0.15 * (rng.random(n) < 0.1)
    pressure -= pressure.mean()
    absent_bias = np.where(field == "teknik", 0.45, 0.0)
    # Terms before a student entered grade X have no data: history lengths differ.
    first_term_index = np.maximum(0, n_terms - 2 * (grade - 9))
    latent = ability + rng.normal(0, 0.3, n)
    alpa_prev = np.zeros(n)
    buffers = {GradeRecord: [], AttendanceSummary: [], NonAcademicRating: []}
    written = {GradeRecord: 0, AttendanceRecord: 0}
    grades = buffers[GradeRecord]
    summaries, ratings = buffers[AttendanceSummary], buffers[NonAcademicRating]
    # Daily attendance is nine rows in ten of the demo (350,000 for two schools): written as
    # plain (student_id, date, status) tuples with one executemany, not as model instances
    # through bulk_create, whose per-object work was two thirds of the seeding time. The
    # table has no defaults, signals or encrypted fields that bulk_create would apply.
    attendance: list[tuple] = []
    meta, qn = AttendanceRecord._meta, connection.ops.quote_name
    # Only the model's own table and column names, quoted; the values are parameters.
    attendance_sql = "INSERT INTO {} ({}, {}, {}) VALUES (%s, %s, %s)".format(  # noqa: S608  # nosec B608
        qn(meta.db_table),
        *(qn(meta.get_field(name).column) for name in ("student", "date", "status")),
    )

    def flush(force: bool = False) -> None:
        # Written in slices so that 10,000 students (millions of attendance days) fit in memory.
        for model, rows in buffers.items():
            if rows and (force or len(rows) >= 50_000):
                model.objects.bulk_create(rows, batch_size=5000)
                written[model] = written.get(model, 0) + len(rows)
                rows.clear()
        if attendance and (force or len(attendance) >= 50_000):
            with connection.cursor() as cursor:
                cursor.executemany(attendance_sql, attendance)
            written[AttendanceRecord] += len(attendance)
            attendance.clear()

    for t, term in enumerate(terms):
        latent = (
            0.7 * latent
            + 0.3 * ability
            + trend
            - pressure * 0.3
            - 0.07 * (alpa_prev - 2.5)
            + conduct.effect_next
            + rng.normal(0, 0.42, n)
        )
        active = t >= first_term_index
        days = school_days(term.year, term.semester, rng)
        day_values = [connection.ops.adapt_datefield_value(d) for d in days]
        lam = np.exp(0.4 - 0.55 * latent + absent_bias)
        alpa = np.minimum(rng.poisson(lam), 25)
        sakit = np.minimum(rng.poisson(1.4, n), 15)
        izin = np.minimum(rng.poisson(0.9 + 0.3 * (latent < -0.8), n), 12)
        motivation = np.clip(np.rint(3.2 + 0.7 * latent + rng.normal(0, 0.7, n)), 1, 5)
        social = np.clip(np.rint(3.4 + 0.35 * latent + rng.normal(0, 0.8, n)), 1, 5)
        base = 81.0 + 5.5 * latent
        for i in np.flatnonzero(active):
            student = students[i]
            subjects = general + vocational[codes[i]]
            voc_aptitude = rng.normal(0, 1.5)
            for subj in subjects:
                offset = voc_aptitude if subj.group == SubjectGroup.KEJURUAN else 0.0
                score = float(np.clip(base[i] + offset + rng.normal(0, 3.5), 20, 100))
                grades.append(
                    GradeRecord(
                        student=student,
                        subject=subj,
                        term=term,
                        component=GradeComponent.AKHIR,
                        score=round(score, 2),
                    )
                )
            status = np.array(["H"] * len(days), dtype="<U1")
            picks = rng.permutation(len(days))
            s_, i_, a_ = int(sakit[i]), int(izin[i]), int(alpa[i])
            status[picks[:s_]] = "S"
            status[picks[s_ : s_ + i_]] = "I"
            status[picks[s_ + i_ : s_ + i_ + a_]] = "A"
            attendance.extend(
                zip([student.pk] * len(days), day_values, status.tolist(), strict=True)
            )
            summaries.append(
                AttendanceSummary(
                    student=student,
                    term=term,
                    sakit=s_,
                    izin=i_,
                    alpa=a_,
                    school_days=len(days),
                )
            )
            ratings.append(
                NonAcademicRating(
                    student=student,
                    term=term,
                    motivation=int(motivation[i]),
                    social_skills=int(social[i]),
                    rated_by=users[Role.WALIKELAS],
                )
            )
            flush()
        alpa_prev = np.where(active, alpa, 2.5)
        conduct.term(t, term, latent, active, slipping, grade, days)
    flush(force=True)
    conduct.save()
    return {"grades": written[GradeRecord], "attendance": written[AttendanceRecord]}
