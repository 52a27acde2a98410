"""The words schools write in their column headers, in one place: which header means which
field for each kind of import, which columns are deliberately left out and why (a parent's
name is never the student's), and the rules for headers written a hundred ways ("Rombel /
Kelas", "KLS", "Kls.", "Kelas/Rombel"). Every key is normalised first (values.normalize_key:
lower case, punctuation and spaces folded), so "Kls." is "kls" and "Rombel / Kelas" is
"rombel kelas".

The layout families these words come from, each with a test in
tests/students/test_header_vocabulary.py: the Dapodik "Daftar Peserta Didik" export (66
columns, Data Ayah / Ibu / Wali groups), the e-Rapor roster and leger, the wali kelas
monthly attendance recap, hand-made class lists and the per-KD SMA-style ledger."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMMON_ALIASES = {
    "nisn": ["nisn", "no nisn", "nomor nisn"],
    "nis": [
        "nis", "nipd", "no induk", "nomor induk", "no induk siswa", "nis lokal", "nis nisn", "nim",
        "nis lokal nisn",
    ],
    "name": [
        "nama", "nama siswa", "nama peserta didik", "nama lengkap", "nama pd",
        "nama lengkap siswa", "nama murid",
    ],
    "school_class": [
        "kelas", "rombel", "rombongan belajar", "rombel saat ini", "nama rombel",
        "kelas rombel", "rombel kelas", "kls", "nama kelas", "kelas saat ini",
        "kelas jurusan", "kelas kompetensi keahlian",
    ],
    "npsn": ["npsn"],
}  # fmt: skip
# Columns left out on purpose, by reason: shown in the preview as "tidak dipakai: <reason>"
IGNORED = {
    _("nomor urut"): ["no", "no urut", "nomor", "no absen", "urut", "urt", "nomor urut"],
    _("jumlah atau rata-rata, dihitung ulang oleh aplikasi"): [
        "jumlah", "total", "rata rata", "rerata", "jml", "nilai rata rata", "persentase",
        "prosentase", "ranking", "peringkat", "rank",
    ],
    _("catatan, bukan data"): [
        "kesalahan", "keterangan", "ket", "catatan", "ttd", "tanda tangan", "paraf",
    ],
    _("nilai sikap atau deskripsi, bukan angka"): [
        "sikap", "predikat", "deskripsi", "ekstrakurikuler", "prestasi",
    ],
    _("data pribadi yang tidak diperlukan"): [
        "nik", "tempat lahir", "alamat", "agama", "agm", "rt", "rw", "dusun", "kelurahan",
        "desa", "kelurahan desa", "kecamatan", "kode pos", "jenis tinggal", "tempat tinggal",
        "alat transportasi", "telepon", "hp", "no hp", "telp", "e mail", "email",
        "no kk", "no registrasi akta lahir", "kebutuhan khusus", "berat badan", "tinggi badan",
        "lingkar kepala", "lintang", "bujur", "anak ke berapa", "jml saudara kandung",
        "sekolah asal",
    ],
    _("nomor dokumen atau bantuan lain"): [
        "no pest", "no peserta", "nomor peserta", "no peserta ujian", "skhun",
        "no peserta ujian nasional", "no seri ijazah", "penerima kps", "no kps", "nomor kip",
        "nama di kip", "nomor kks", "bank", "nomor rekening bank", "rekening atas nama",
        "alasan layak pip", "layak pip usulan dari sekolah",
    ],
    _("kode sistem, bukan data siswa"): ["anggota rombel id", "peserta didik id", "id"],
    _("tidak diperlukan untuk impor ini"): ["status", "tahun lulus"],
}  # fmt: skip
PARENT_REASON = _("data orang tua")
GUARDIAN_TEACHER_REASON = _("data wali kelas, bukan data siswa")
UNKNOWN_REASON = _("tidak dikenali")
ROSTER_ALIASES = {
    "gender": ["l p", "jk", "jenis kelamin", "kelamin", "gender", "lp"],
    "birth_date": ["tanggal lahir", "tgl lahir", "tanggal kelahiran", "tgl lhr"],
    "major": [
        "jurusan", "kompetensi keahlian", "program keahlian", "konsentrasi keahlian",
        "kompetensi", "program studi keahlian",
    ],
    "father_education": [
        "pendidikan ayah", "pendidikan terakhir ayah", "data ayah jenjang pendidikan",
        "jenjang pendidikan ayah", "jenjang pendidikan a",
    ],
    "mother_education": [
        "pendidikan ibu", "pendidikan terakhir ibu", "data ibu jenjang pendidikan",
        "jenjang pendidikan ibu", "jenjang pendidikan i", "jenjang pendidikan",
    ],
    "father_occupation": ["pekerjaan ayah", "data ayah pekerjaan", "pekerjaan a"],
    "mother_occupation": ["pekerjaan ibu", "data ibu pekerjaan", "pekerjaan i"],
    "income_bracket": [
        "penghasilan orang tua", "penghasilan ortu", "penghasilan orangtua", "penghasilan",
        "penghasilan orang tua wali", "data ayah penghasilan", "penghasilan ayah", "penghasilan a",
    ],
    "mother_income": ["data ibu penghasilan", "penghasilan ibu", "penghasilan i"],
    "guardian_income": ["data wali penghasilan", "penghasilan wali", "penghasilan w"],
    "kip_recipient": [
        "penerima kip pip", "penerima kip", "penerima pip", "kip", "pip", "kip pip",
        "layak pip", "kip pip ya tidak",
    ],
    # who to call (issue 24): Dapodik's "Data Ayah / Nama" and its home "Telepon"; the
    # student's own "HP" stays out (it is the child's number, not the parents')
    "father_name": ["data ayah nama", "nama ayah", "nama ayah kandung", "nama bapak"],
    "mother_name": ["data ibu nama", "nama ibu", "nama ibu kandung"],
    "guardian_name": ["data wali nama", "nama wali", "nama wali murid", "nama wali siswa"],
    "parent_phone": [
        "telepon", "telp", "no telp", "no telepon", "nomor telepon", "no telp rumah",
        "telp rumah", "telepon rumah", "no telepon rumah", "nomor telepon rumah",
        "no hp orang tua", "hp orang tua", "nomor hp orang tua", "no hp ortu", "hp ortu",
        "telepon orang tua", "no telp orang tua", "no telp ortu", "no wa orang tua",
        "whatsapp orang tua", "no hp orang tua wali", "telepon orang tua wali",
    ],
    "guardian_phone": [
        "no hp wali", "hp wali", "nomor hp wali", "telepon wali", "no telp wali", "no wa wali",
        "data wali telepon", "data wali no hp",
    ],
    "grade_level": ["tingkat", "tingkat kelas", "kelas tingkat"],
    # a register of every student ever enrolled (buku induk / klaper): who is still here
    "entry_year": [
        "tahun masuk", "tanggal masuk", "tgl masuk", "thn masuk", "diterima tanggal",
        "tanggal diterima", "tgl diterima", "diterima tgl", "masuk tahun", "tahun diterima",
        "diterima di sekolah ini tanggal", "tahun angkatan", "angkatan",
    ],
    "leave_year": [
        "tahun keluar", "tanggal keluar", "tgl keluar", "thn keluar", "tahun lulus",
        "tanggal lulus", "tgl lulus", "lulus tahun", "keluar tahun", "tanggal mutasi",
        "tgl mutasi", "tahun mutasi", "mutasi", "keluar", "meninggalkan sekolah tanggal",
        "tanggal meninggalkan sekolah",
    ],
    "status_note": [
        "status", "status siswa", "status pd", "status peserta didik", "keadaan",
        "keterangan keluar", "alasan keluar",
    ],
    "distance_km": [
        "jarak ke sekolah", "jarak rumah ke sekolah", "jarak rumah ke sekolah km",
        "jarak ke sekolah km", "jarak km", "jarak",
    ],
}  # fmt: skip
GRADE_ALIASES = {
    "subject": ["mapel", "mata pelajaran", "nama mapel", "nama mata pelajaran", "kode mapel"],
    "term": ["semester", "periode", "tahun semester", "kode semester"],
    "score": ["nilai", "nilai akhir", "skor", "nilai rapor", "na", "nilai raport"],
    "component": ["komponen", "aspek", "jenis nilai", "ranah"],
    "gender": ["l p", "jk", "jenis kelamin", "lp"],
    # a class ledger often ends with the term's attendance recap: imported with the scores
    "sakit": ["sakit", "jumlah sakit", "ketidakhadiran sakit", "absensi sakit"],
    "izin": ["izin", "ijin", "jumlah izin", "ketidakhadiran izin", "absensi izin"],
    "alpa": [
        "alpa", "alpha", "alfa", "tanpa keterangan", "jumlah alpa", "ketidakhadiran alpa",
        "absensi alpa", "ketidakhadiran tanpa keterangan",
    ],
}  # fmt: skip
ATTENDANCE_ALIASES = {
    "sakit": ["sakit", "s", "jumlah sakit"],
    "izin": ["izin", "ijin", "i", "jumlah izin"],
    "alpa": ["alpa", "alpha", "alfa", "a", "tanpa keterangan", "tk", "jumlah alpa"],
    "school_days": ["hari efektif", "jumlah hari efektif", "hari sekolah", "jumlah hari"],
    "gender": ["l p", "jk", "jenis kelamin", "lp"],
}  # fmt: skip
PKL_ALIASES = {
    "company": [
        "tempat pkl", "nama perusahaan", "perusahaan", "du di", "dudi", "nama du di",
        "nama dudi", "tempat prakerin", "instansi", "mitra industri",
    ],
    "mentor": [
        "pembimbing industri", "pembimbing du di", "pembimbing dudi", "instruktur", "mentor",
    ],
    "days_present": ["hari hadir", "kehadiran pkl", "jumlah hadir", "hadir"],
    "days_total": ["hari pkl", "jumlah hari pkl", "hari kerja", "lama pkl hari"],
    "rating_attitude": ["nilai sikap", "sikap kerja", "nilai sikap kerja"],
    "rating_skills": ["nilai keterampilan", "keterampilan kerja", "nilai kompetensi"],
    "term": ["semester", "periode"],
}  # fmt: skip
POINTS_ALIASES = {
    "date": ["tanggal", "tgl", "tanggal kejadian", "hari tanggal"],
    "behaviour": ["perilaku", "jenis pelanggaran", "pelanggaran", "jenis perilaku", "butir"],
    "points": ["poin", "skor", "bobot", "bobot poin"],
    "description": ["uraian", "uraian kejadian", "kronologi"],
}  # fmt: skip
KIND_ALIASES = {
    "roster": ROSTER_ALIASES,
    "grades": GRADE_ALIASES,
    "attendance": ATTENDANCE_ALIASES,
    "pkl": PKL_ALIASES,
    "points": POINTS_ALIASES,
}
COMPONENT_WORDS = {
    "pengetahuan": "pengetahuan", "p": "pengetahuan", "peng": "pengetahuan",
    "kognitif": "pengetahuan", "ki 3": "pengetahuan", "ki3": "pengetahuan",
    "keterampilan": "keterampilan", "ketrampilan": "keterampilan", "k": "keterampilan",
    "ketr": "keterampilan", "psikomotor": "keterampilan", "ki 4": "keterampilan",
    "ki4": "keterampilan", "praktik": "keterampilan",
    "akhir": "akhir", "nilai akhir": "akhir", "na": "akhir", "nr": "akhir", "rapor": "akhir",
}  # fmt: skip
FIELD_LABELS = {
    "nisn": _("NISN"),
    "nis": _("NIS / NIPD"),
    "name": _("Nama siswa"),
    "school_class": _("Kelas / rombel"),
    "npsn": _("NPSN sekolah"),
    "gender": _("Jenis kelamin"),
    "birth_date": _("Tanggal lahir"),
    "major": _("Kompetensi keahlian"),
    "father_education": _("Pendidikan ayah"),
    "mother_education": _("Pendidikan ibu"),
    "father_occupation": _("Pekerjaan ayah"),
    "mother_occupation": _("Pekerjaan ibu"),
    "income_bracket": _("Penghasilan orang tua"),
    "mother_income": _("Penghasilan ibu"),
    "guardian_income": _("Penghasilan wali"),
    "kip_recipient": _("Penerima KIP/PIP"),
    "distance_km": _("Jarak ke sekolah (km)"),
    "father_name": _("Nama ayah"),
    "mother_name": _("Nama ibu"),
    "guardian_name": _("Nama wali"),
    "parent_phone": _("Telepon orang tua"),
    "guardian_phone": _("Telepon wali"),
    "subject": _("Mata pelajaran"),
    "term": _("Semester"),
    "score": _("Nilai"),
    "component": _("Komponen nilai"),
    "sakit": _("Sakit"),
    "izin": _("Izin"),
    "alpa": _("Alpa"),
    "school_days": _("Hari efektif"),
    "company": _("Tempat PKL (DU/DI)"),
    "mentor": _("Pembimbing industri"),
    "days_present": _("Hari hadir PKL"),
    "days_total": _("Hari PKL"),
    "rating_attitude": _("Nilai sikap PKL"),
    "rating_skills": _("Nilai keterampilan PKL"),
    "date": _("Tanggal"),
    "behaviour": _("Perilaku (katalog poin)"),
    "points": _("Poin"),
    "description": _("Uraian"),
    "ignore": _("(abaikan kolom ini)"),
    "grade": _("Nilai mata pelajaran"),
    "day": _("Tanggal (presensi harian)"),
    "grade_level": _("Tingkat (X, XI, XII)"),
    "entry_year": _("Tahun / tanggal masuk"),
    "leave_year": _("Tahun / tanggal keluar atau lulus"),
    "status_note": _("Status siswa (aktif, lulus, mutasi)"),
}

# A header made only of these words names the class: "Rombel / Kelas", "Kls.", "Nama Rombel
# Saat Ini", "Kelas (Rombel)". Anything else in it ("Wali Kelas", "Tingkat Kelas", "Jumlah
# Kelas") and it is not the class column.
CLASS_WORDS = {"kelas", "kls", "rombel", "rombongan"}
CLASS_FILLER = {"belajar", "nama", "saat", "ini", "sekarang", "siswa", "peserta", "didik"}
# A header with one of these words is about a parent or the guardian ("Nama Ayah", "Nama Ibu
# Kandung", "Data Wali / Nama", "Nama Orang Tua/Wali"): never the student's name.
PARENT_WORDS = {"ayah", "ibu", "bapak", "wali", "ortu", "orangtua", "ayahanda", "ibunda"}
PARENT_PHRASES = ("orang tua",)


def is_parent_header(key: str) -> bool:
    """True for a parent's or guardian's column ("nama ayah", "data wali", "nama orang tua
    wali"); "wali kelas" (the homeroom teacher) is not a parent."""
    tokens = set(key.split())
    if "wali" in tokens and "kelas" in tokens:
        return False
    return bool(tokens & PARENT_WORDS) or any(p in key for p in PARENT_PHRASES)


def is_class_header(key: str) -> bool:
    tokens = set(key.split())
    return bool(tokens & CLASS_WORDS) and tokens <= CLASS_WORDS | CLASS_FILLER


def aliases_for(kind: str) -> dict[str, str]:
    """normalised header -> field, for one kind of import."""
    table: dict[str, str] = {}
    for fld, words in (*COMMON_ALIASES.items(), *KIND_ALIASES[kind].items()):
        for word in words:
            table.setdefault(word, fld)
    for words in IGNORED.values():
        for word in words:
            table.setdefault(word, "ignore")
    return table


def field_of(key: str, aliases: dict[str, str]) -> str:
    """The field a normalised header names ("" when none): the alias tables first, then the
    rules above. A parent's column is "ignore" whatever it says after "Nama"."""
    if not key:
        return ""
    if key in aliases:
        return aliases[key]
    tokens = set(key.split())
    if "wali" in tokens and "kelas" in tokens:
        return "ignore"
    if is_parent_header(key):
        return "ignore"
    if is_class_header(key):
        return "school_class"
    return ""


_IGNORED_REASONS = {word: reason for reason, words in IGNORED.items() for word in words}


def ignore_reason(key: str) -> str:
    """Why a column recognised as "ignore" is left out, in words for the preview. A column
    under a group heading ("BULAN / JULI / JML") is judged by its own last words."""
    tokens = key.split()
    if "wali" in tokens and "kelas" in tokens:
        return str(GUARDIAN_TEACHER_REASON)
    if is_parent_header(key):
        return str(PARENT_REASON)
    for start in range(len(tokens)):
        reason = _IGNORED_REASONS.get(" ".join(tokens[start:]))
        if reason:
            return str(reason)
    return str(UNKNOWN_REASON)


def mappable_fields(kind: str) -> list[str]:
    fields = ["nisn", "nis", "name", "school_class"]
    fields += [f for f in KIND_ALIASES[kind] if f not in fields]
    return [*fields, "ignore"]


# The fields each parser reads; a column recognised as another field is shown as not used
READ_FIELDS = {
    "roster": {"nisn", "nis", "name", "school_class", "npsn", *ROSTER_ALIASES},
    "grades": {"nisn", "nis", "name", "npsn", "subject", "term", "score", "component",
               "sakit", "izin", "alpa"},
    "attendance": {"nisn", "nis", "name", "npsn", "sakit", "izin", "alpa", "school_days"},
    "pkl": {"nisn", "nis", "name", "npsn", *PKL_ALIASES},
    "points": {"nisn", "nis", "name", "npsn", *POINTS_ALIASES},
}  # fmt: skip
