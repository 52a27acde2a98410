"""A demo school's roster: majors, subjects, classes, students (names, families, KIP) and
the teachers' classes."""

import datetime as dt

import numpy as np

from students.models import (
    Education,
    IncomeBracket,
    Role,
    SchoolClass,
    Student,
    TeachingAssignment,
)

from .terms import FIRST_TERM_YEAR_LAST

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


def make_students(school, majors, config, rng):
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


def make_staff_links(users, classes, general, terms):
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
