"""Deterministic synthetic SMK data for the demo and the benchmarks (`seed_demo`).

The generator is a small causal story, so the signal is learnable but not trivial:
each student has a latent ability; a term's latent level follows an AR(1) process pulled
towards that ability, nudged by a personal trend (some students slip), by absences without
leave (alpa) in the previous term, and by socio-economic pressure. Scores, attendance and
non-academic ratings are noisy readings of the latent level. Teknik majors miss more days.
The offsets are set so that about 15% of term averages fall below the KKM of 75.

Conduct points and PKL (issue 17) come from a second random stream, so the grades, attendance
and ratings draws stay as they were; they feed back into the story with a modest effect:
- a conduct state (a personal propensity, higher for students who slip, lower for strong
  ones, plus term noise) drives violations (mostly terlambat, rarely berkelahi); a term of bad
  conduct lowers the next term's latent level a little (like alpa does);
- in the even semester of grade XI the students do their industry placement (PKL): a
  placement "drift" (hidden elsewhere) lowers attendance at the placement and the mentor's
  attitude rating, and lowers the next term's level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from interventions.conduct.models import PointEntry
from students.models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceSummary,
    Education,
    GradeComponent,
    GradeRecord,
    IncomeBracket,
    Major,
    NonAcademicRating,
    PklPlacement,
    Role,
    School,
    SchoolClass,
    Student,
    Subject,
    SubjectGroup,
    TeachingAssignment,
    User,
)

DEMO_DISTRICT = "Jakarta Barat"
FIRST_TERM_YEAR_LAST = 2025  # the demo's latest term is 2025-2 (genap 2025/2026)
MAJORS = [
    # code, name, field, share of students
    ("TKJ", "Teknik Komputer dan Jaringan", "teknik", 0.25),
    ("TKR", "Teknik Kendaraan Ringan", "teknik", 0.15),
    ("AKL", "Akuntansi dan Keuangan Lembaga", "bisnis", 0.15),
    ("MPLB", "Manajemen Perkantoran dan Layanan Bisnis", "bisnis", 0.15),
    ("KEP", "Asisten Keperawatan", "kesehatan", 0.15),
    ("FKK", "Farmasi Klinis dan Komunitas", "kesehatan", 0.15),
]
GENERAL_SUBJECTS = [
    ("PAI", "Pendidikan Agama dan Budi Pekerti"),
    ("PPKN", "Pendidikan Pancasila"),
    ("BIND", "Bahasa Indonesia"),
    ("MTK", "Matematika"),
    ("BING", "Bahasa Inggris"),
    ("SEJ", "Sejarah"),
    ("PJOK", "Pendidikan Jasmani, Olahraga dan Kesehatan"),
]
VOCATIONAL_SUBJECTS = {
    "TKJ": ["Komputer dan Jaringan Dasar", "Administrasi Sistem Jaringan", "Teknologi WAN"],
    "TKR": ["Gambar Teknik Otomotif", "Pemeliharaan Mesin Kendaraan", "Kelistrikan Otomotif"],
    "AKL": ["Akuntansi Dasar", "Praktikum Akuntansi Lembaga", "Perpajakan"],
    "MPLB": ["Korespondensi", "Kearsipan", "Layanan Bisnis"],
    "KEP": ["Anatomi Fisiologi", "Dasar Keperawatan", "Kebutuhan Dasar Manusia"],
    "FKK": ["Farmakognosi", "Kimia Farmasi", "Pelayanan Farmasi"],
}
FIRST_NAMES_L = [
    "Adi",
    "Agus",
    "Andi",
    "Arif",
    "Bagus",
    "Bayu",
    "Budi",
    "Dedi",
    "Dimas",
    "Eko",
    "Fajar",
    "Farhan",
    "Galih",
    "Hendra",
    "Ilham",
    "Joko",
    "Krisna",
    "Lukman",
    "Muhammad",
    "Naufal",
    "Putra",
    "Raka",
    "Rizky",
    "Satria",
    "Taufik",
    "Wahyu",
    "Yoga",
    "Yusuf",
    "Zaki",
    "Reza",
]
FIRST_NAMES_P = [
    "Aisyah",
    "Amelia",
    "Anisa",
    "Ayu",
    "Bunga",
    "Citra",
    "Dewi",
    "Dian",
    "Fitri",
    "Indah",
    "Intan",
    "Kartika",
    "Laras",
    "Maya",
    "Nabila",
    "Nadia",
    "Novi",
    "Putri",
    "Rahma",
    "Rani",
    "Ratna",
    "Salsabila",
    "Sari",
    "Siti",
    "Tiara",
    "Wulan",
    "Yuni",
    "Zahra",
    "Melati",
    "Nur",
]
LAST_NAMES = [
    "Pratama",
    "Saputra",
    "Wijaya",
    "Santoso",
    "Hidayat",
    "Nugroho",
    "Kusuma",
    "Siregar",
    "Lubis",
    "Simanjuntak",
    "Harahap",
    "Setiawan",
    "Permana",
    "Wibowo",
    "Gunawan",
    "Hakim",
    "Firmansyah",
    "Ramadhan",
    "Maulana",
    "Utami",
    "Lestari",
    "Rahayu",
    "Anggraini",
    "Puspita",
    "Sitompul",
    "Nasution",
    "Hasibuan",
    "Tanjung",
    "Purba",
    "Kurniawan",
]
OCCUPATIONS = [
    "Buruh",
    "Pedagang kecil",
    "Wiraswasta",
    "Karyawan swasta",
    "Sopir/ojek daring",
    "PNS/TNI/Polri",
    "Tidak bekerja",
    "Mengurus rumah tangga",
]


@dataclass(frozen=True)
class DemoConfig:
    schools: int = 2
    students: int = 500  # per school
    terms: int = 4
    seed: int = 42
    password: str = "smkdemo123"  # noqa: S105 — the printed demo password


def demo_npsn(index: int) -> str:
    return f"{20100000 + index:08d}"


def demo_username(base: str, school_index: int) -> str:
    return base if school_index == 1 else f"{base}_{school_index}"


def demo_terms(n: int) -> list[tuple[int, int]]:
    """The last `n` semesters ending at genap 2025/2026, oldest first: [(year, semester)]."""
    out = []
    year, sem = FIRST_TERM_YEAR_LAST, 2
    for _ in range(n):
        out.append((year, sem))
        year, sem = (year, 1) if sem == 2 else (year - 1, 2)
    return out[::-1]


def school_days(year: int, semester: int, rng: np.random.Generator) -> list[dt.date]:
    """Weekdays of a semester (mid-July to mid-December, or early January to mid-June),
    less a few holidays."""
    if semester == 1:
        start, end = dt.date(year, 7, 15), dt.date(year, 12, 13)
    else:
        start, end = dt.date(year + 1, 1, 6), dt.date(year + 1, 6, 13)
    days = [start + dt.timedelta(d) for d in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    holidays = set(rng.choice(len(days), size=6, replace=False).tolist())
    return [d for i, d in enumerate(days) if i not in holidays]


def delete_demo_schools(n: int) -> None:
    """Remove earlier demo schools 1..n and everything that hangs off them."""
    npsns = [demo_npsn(i) for i in range(1, n + 1)]
    schools = School.objects.filter(npsn__in=npsns)
    from interventions.models import Intervention, Programme
    from predictions.models import ModelVersion, Prediction, TrainingRun
    from students.models import ImportBatch

    with transaction.atomic():
        Intervention.objects.filter(student__school__in=schools).delete()
        Prediction.objects.filter(student__school__in=schools).delete()
        ModelVersion.objects.filter(school__in=schools).delete()
        TrainingRun.objects.filter(school__in=schools).delete()
        ImportBatch.objects.filter(school__in=schools).delete()
        Programme.objects.filter(school__in=schools).delete()
        for model in (GradeRecord, AttendanceRecord, AttendanceSummary, NonAcademicRating):
            model.objects.filter(student__school__in=schools).delete()
        Student.objects.filter(school__in=schools).delete()
        TeachingAssignment.objects.filter(school_class__school__in=schools).delete()
        Subject.objects.filter(school__in=schools).delete()
        SchoolClass.objects.filter(school__in=schools).delete()
        Major.objects.filter(school__in=schools).delete()
        User.objects.filter(school__in=schools).delete()
        User.objects.filter(username="sudin").delete()
        schools.delete()


def seed_demo(config: DemoConfig, *, only: Sequence[int] | None = None) -> dict:
    """Create `config.schools` demo schools with their staff accounts and history.

    Deterministic for a seed. Returns a summary: schools, students, grade and attendance rows.
    `only` seeds just those school numbers (1-based): each school draws from its own random
    stream, so school 2 seeded later is the same as school 2 seeded together with school 1.
    """
    np.random.default_rng(config.seed)
    password_hash = make_password(config.password)  # hashed once: PBKDF2 is slow on purpose
    term_keys = demo_terms(config.terms)
    summary = {"schools": [], "students": 0, "grades": 0, "attendance": 0}
    with transaction.atomic():
        terms = [
            AcademicTerm.objects.get_or_create(
                code=f"{y}-{s}", defaults={"year": y, "semester": s}
            )[0]
            for y, s in term_keys
        ]
        User.objects.update_or_create(
            username="sudin",
            defaults={
                "role": Role.SUDIN,
                "district": DEMO_DISTRICT,
                "password": password_hash,
                "first_name": "Suku Dinas",
                "last_name": "Pendidikan Wilayah I Jakarta Barat",
            },
        )
    for index in range(1, config.schools + 1):
        if only is not None and index not in only:
            continue
        child = np.random.default_rng([config.seed, index])
        counts = _seed_school(index, config, terms, child, password_hash)
        summary["schools"].append(demo_npsn(index))
        for key in ("students", "grades", "attendance"):
            summary[key] += counts[key]
    return summary


def _seed_school(
    index: int,
    config: DemoConfig,
    terms: list[AcademicTerm],
    rng: np.random.Generator,
    password_hash: str,
) -> dict:
    with transaction.atomic():
        school = School.objects.create(
            npsn=demo_npsn(index),
            name=f"SMK Negeri {index * 7 + 1} Jakarta (Demo)",
            city="Jakarta Barat",
            district=DEMO_DISTRICT,
        )
        users = {
            role: User.objects.create(
                username=demo_username(role, index),
                role=role,
                school=school,
                password=password_hash,
                first_name=title,
                last_name=f"Demo {index}",
            )
            for role, title in [
                (Role.OPERATOR, "Operator"),
                (Role.GURU, "Guru Matematika"),
                (Role.WALIKELAS, "Wali Kelas"),
                (Role.BK, "Guru BK"),
                (Role.KEPSEK, "Kepala Sekolah"),
            ]
        }
        majors = {
            code: Major.objects.create(school=school, code=code, name=name, field=field)
            for code, name, field, _share in MAJORS
        }
        general = [
            Subject.objects.create(school=school, code=code, name=name, group=SubjectGroup.UMUM)
            for code, name in GENERAL_SUBJECTS
        ]
        vocational = {
            code: [
                Subject.objects.create(
                    school=school,
                    code=f"{code}-{k + 1}",
                    name=name,
                    group=SubjectGroup.KEJURUAN,
                    major=majors[code],
                )
                for k, name in enumerate(names)
            ]
            for code, names in VOCATIONAL_SUBJECTS.items()
        }
        students, classes = _make_students(school, majors, config, rng)
        _make_staff_links(users, classes, general, terms)
        from interventions.conduct.models import Behaviour
        from interventions.conduct.services import point_catalogue_seed

        point_catalogue_seed(school=school)
        behaviours = {b.name: b for b in Behaviour.objects.filter(school=school)}
        conduct = _ConductStory(
            np.random.default_rng([config.seed, index, 17]), students, behaviours, users[Role.BK]
        )
        counts = _make_history(
            students, classes, general, vocational, terms, rng, users, conduct=conduct
        )
        from interventions.cases.demo import demo_interventions_seed
        from interventions.cases.programmes import programme_catalogue_seed

        programme_catalogue_seed(school=school)
        demo_interventions_seed(school=school, owner=users[Role.BK], seed=config.seed + index)
        from interventions.contacts.services import demo_counselling_seed

        demo_counselling_seed(
            school=school, walikelas=users[Role.WALIKELAS], seed=config.seed + index
        )
    return {"students": len(students), **counts}


def _make_students(school, majors, config, rng):
    n = config.students
    shares = np.array([m[3] for m in MAJORS])
    major_idx = rng.choice(len(MAJORS), size=n, p=shares / shares.sum())
    grade = rng.choice([10, 11, 12], size=n, p=[0.36, 0.33, 0.31])
    gender_p = {"teknik": 0.8, "bisnis": 0.3, "kesehatan": 0.2}
    classes: dict[tuple[int, str], list[SchoolClass]] = {}
    order = np.lexsort((np.arange(n), major_idx, grade))
    year = FIRST_TERM_YEAR_LAST
    roman = {10: "X", 11: "XI", 12: "XII"}
    rows = []
    serial = 0
    for g in (10, 11, 12):
        for mi, (code, _name, field, _share) in enumerate(MAJORS):
            members = [i for i in order if grade[i] == g and major_idx[i] == mi]
            n_classes = max(1, int(np.ceil(len(members) / 36)))
            group = [
                SchoolClass.objects.create(
                    school=school,
                    name=f"{roman[g]} {code} {k + 1}",
                    grade_level=g,
                    major=majors[code],
                    academic_year=year,
                )
                for k in range(n_classes)
            ]
            classes[(g, code)] = group
            for pos, _i in enumerate(members):
                serial += 1
                male = rng.random() < gender_p[field]
                first = rng.choice(FIRST_NAMES_L if male else FIRST_NAMES_P)
                name = f"{first} {rng.choice(LAST_NAMES)}"
                entry_year = year - (g - 10)
                income = int(rng.choice(6, p=[0.05, 0.15, 0.25, 0.3, 0.18, 0.07]))
                kip = bool(income <= 2 and rng.random() < 0.6)
                rows.append(
                    Student(
                        school=school,
                        nisn=f"{int(rng.integers(0, 10**8)) + (entry_year - 2000) * 10**8:010d}",
                        nis=f"{entry_year % 100:02d}{(entry_year + 1) % 100:02d}{serial:04d}",
                        name=name,
                        gender="L" if male else "P",
                        birth_date=dt.date(entry_year - 15, 1, 1)
                        + dt.timedelta(int(rng.integers(0, 540))),
                        major=majors[code],
                        school_class=group[pos % n_classes],
                        father_education=Education(
                            int(rng.choice(7, p=[0.03, 0.15, 0.25, 0.37, 0.08, 0.1, 0.02]))
                        ).label,  # noqa: E501
                        mother_education=Education(
                            int(rng.choice(7, p=[0.04, 0.18, 0.27, 0.34, 0.08, 0.08, 0.01]))
                        ).label,  # noqa: E501
                        father_occupation=str(rng.choice(OCCUPATIONS[:6])),
                        mother_occupation=str(rng.choice(OCCUPATIONS)),
                        income_bracket=IncomeBracket(income).label,
                        distance_km=f"{float(rng.gamma(2.0, 2.5)):.1f}",
                        kip_recipient=kip,
                    )
                )
    # NISNs must be unique within a school; resolve the rare clash deterministically.
    seen: set[str] = set()
    for s in rows:
        while s.nisn in seen:
            s.nisn = f"{(int(s.nisn) + 1) % 10**10:010d}"
        seen.add(s.nisn)
    students = Student.objects.bulk_create(rows, batch_size=1000)
    return students, classes


def _make_staff_links(users, classes, general, terms):
    math = next(s for s in general if s.code == "MTK")
    current_terms = [t for t in terms if t.year == FIRST_TERM_YEAR_LAST]
    taught = [classes[(11, "TKJ")][0], classes[(11, "AKL")][0], classes[(10, "TKJ")][0]]
    TeachingAssignment.objects.bulk_create(
        TeachingAssignment(teacher=users[Role.GURU], school_class=c, subject=math, term=t)
        for c in taught
        for t in current_terms
    )
    homeroom = classes[(11, "TKJ")][0]
    homeroom.homeroom_teacher = users[Role.WALIKELAS]
    homeroom.save(update_fields=["homeroom_teacher"])


# Violations by how often they happen, achievements likewise (names of the standard catalogue).
DEMO_VIOLATIONS = [
    ("Terlambat", 0.55),
    ("Tidak memakai seragam lengkap", 0.2),
    ("Bolos", 0.16),
    ("Merokok di lingkungan sekolah", 0.05),
    ("Berkelahi", 0.04),
]
DEMO_ACHIEVEMENTS = [("Aktif dalam kegiatan sekolah", 0.75), ("Juara lomba", 0.25)]
DEMO_COMPANIES = [
    "PT Telkom Indonesia",
    "PT Astra Honda Motor",
    "Bengkel Maju Jaya",
    "Kantor Akuntan Publik Sejahtera",
    "RSUD Cengkareng",
    "Apotek Kimia Farma",
    "PT Bank Rakyat Indonesia",
    "CV Mitra Jaringan",
]
DEMO_MENTORS = ["Bapak Hendra", "Ibu Sari", "Bapak Yusuf", "Ibu Ratna", "Bapak Agus", "Ibu Dewi"]


class _ConductStory:
    """Conduct points and PKL placements of the demo, from their own random stream.

    `effect(latent)` is what this term's conduct and placement do to next term's level.
    """

    CONDUCT_EFFECT = 0.15  # latent units per standard deviation of the conduct state
    PKL_EFFECT = 0.3  # latent units per standard deviation of the placement drift

    def __init__(self, rng, students, behaviours, recorder):
        self.rng, self.students, self.recorder = rng, students, recorder
        self.behaviours = behaviours
        n = len(students)
        self.propensity = rng.normal(0, 0.8, n)
        self.state = self.propensity.copy()
        self.effect_next = np.zeros(n)
        self.points: list = []
        self.placements: list = []

    def term(self, t, term, latent, active, slipping, grade_now, days) -> None:
        """Draw this term's conduct and placements for the active students; remember the
        effect on the next term."""
        rng, n = self.rng, len(self.students)
        self.state = (
            0.5 * self.state
            + 0.5 * (self.propensity + 0.9 * slipping)
            - 0.3 * latent
            + rng.normal(0, 0.6, n)
        )
        centred = self.state - self.state[active].mean() if active.any() else self.state
        violations = np.minimum(rng.poisson(0.3 * np.exp(0.9 * centred)), 10)
        achievements = np.minimum(rng.poisson(0.15 * np.exp(0.5 * latent)), 3)
        v_names, v_p = zip(*DEMO_VIOLATIONS, strict=True)
        a_names, a_p = zip(*DEMO_ACHIEVEMENTS, strict=True)
        # Grade XI's even semester is the placement term; the year's grade is known for 2025.
        grade_then = grade_now - (FIRST_TERM_YEAR_LAST - term.year)
        on_pkl = active & (grade_then == 11) & (term.semester == 2)
        drift = rng.normal(0, 1, n)
        self.effect_next = -self.CONDUCT_EFFECT * centred / max(float(centred[active].std()), 1e-9)
        self.effect_next -= self.PKL_EFFECT * drift * on_pkl
        for i in np.flatnonzero(active):
            for names, probs, count in (
                (v_names, v_p, violations[i]),
                (a_names, a_p, achievements[i]),
            ):
                for _k in range(int(count)):
                    behaviour = self.behaviours[str(rng.choice(names, p=probs))]
                    self.points.append(
                        PointEntry(
                            student=self.students[i],
                            behaviour=behaviour,
                            date=days[int(rng.integers(len(days)))],
                            points=behaviour.points,
                            recorded_by=self.recorder,
                        )
                    )
            if on_pkl[i]:
                total = int(rng.integers(60, 91))
                rate = np.clip(
                    0.95 + 0.02 * latent[i] - 0.07 * drift[i] + rng.normal(0, 0.03), 0.3, 1
                )
                attitude = np.clip(82 + 4 * latent[i] - 5 * drift[i] + rng.normal(0, 4), 40, 100)
                skills = np.clip(80 + 5 * latent[i] - 2.5 * drift[i] + rng.normal(0, 4), 40, 100)
                self.placements.append(
                    PklPlacement(
                        student=self.students[i],
                        term=term,
                        company=str(rng.choice(DEMO_COMPANIES)),
                        mentor=str(rng.choice(DEMO_MENTORS)),
                        days_present=int(round(rate * total)),
                        days_total=total,
                        rating_attitude=round(float(attitude), 1),
                        rating_skills=round(float(skills), 1),
                    )
                )

    def save(self) -> None:
        PointEntry.objects.bulk_create(self.points, batch_size=2000)
        PklPlacement.objects.bulk_create(self.placements, batch_size=2000)


def _make_history(  # noqa: C901
    students, classes, general, vocational, terms, rng, users, *, conduct: _ConductStory
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
