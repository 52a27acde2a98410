"""Fixture files in the layouts schools really send (issue 12), built with openpyxl (merged
cells, hidden columns, formulas, title rows) or as CSV text. Every name and number is made up.

Each builder writes one file and returns its path; `PEOPLE` are the students the files speak of
(NISN, NIS, name, gender)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

PEOPLE = [
    ("0081230001", "2526001", "Adi Pratama Contoh", "L"),
    ("0091230002", "2526002", "Bunga Lestari Contoh", "P"),
    ("0081230003", "2526003", "Citra Dewi Contoh", "P"),
    ("1001230004", "2526004", "Dodi Saputra Contoh", "L"),
]


def _put(ws, row: int, values: list, start_col: int = 1) -> None:
    for offset, value in enumerate(values):
        if value is not None:
            ws.cell(row=row, column=start_col + offset, value=value)


# --- 1. Dapodik "Daftar Peserta Didik" ------------------------------------------------------

DAPODIK_SINGLE = [
    "No", "Nama", "NIPD", "JK", "NISN", "Tempat Lahir", "Tanggal Lahir", "NIK", "Agama",
    "Alamat", "RT", "RW", "Dusun", "Kelurahan", "Kecamatan", "Kode Pos", "Jenis Tinggal",
    "Alat Transportasi", "Telepon", "HP", "E-Mail", "SKHUN", "Penerima KPS", "No. KPS",
]  # fmt: skip
PARENT_SUBS = ["Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK"]
DAPODIK_TAIL = [
    "Rombel Saat Ini", "No Peserta Ujian Nasional", "No Seri Ijazah", "Penerima KIP",
    "Nomor KIP", "Nama di KIP", "Nomor KKS", "No Registrasi Akta Lahir", "Bank",
    "Nomor Rekening Bank", "Rekening Atas Nama", "Layak PIP (usulan dari sekolah)",
    "Alasan Layak PIP", "Kebutuhan Khusus", "Sekolah Asal", "Anak ke-berapa", "Lintang",
    "Bujur", "No KK", "Berat Badan", "Tinggi Badan", "Lingkar Kepala", "Jml. Saudara Kandung",
    "Jarak Rumah ke Sekolah (KM)",
]  # fmt: skip
DAPODIK_COLUMNS = len(DAPODIK_SINGLE) + 3 * len(PARENT_SUBS) + len(DAPODIK_TAIL)  # 66
DAPODIK_ROWS = [
    # nisn, nipd, name, jk, born, rombel, father edu, mother edu, income, kip, km
    ("0081230001", "2526001", "Adi Pratama Contoh", "L", "2009-03-14", "XII RPL 2",
     "SMA / sederajat", "SMP / sederajat", "Rp. 1,000,000 - Rp. 1,999,999", "Ya", 2.5),
    ("0091230002", "2526002", "Bunga Lestari Contoh", "P", "2009-07-01", "XII RPL 2", "S1",
     "SMA / sederajat", "Rp. 2,000,000 - Rp. 4,999,999", "Tidak", 1.0),
    ("0081230003", "2526003", "Citra Dewi Contoh", "P", "2010-01-20", "X Lasara", "SD / sederajat",
     "SD / sederajat", "Kurang dari Rp. 500,000", "Ya", 7.0),
    ("1001230004", "2526004", "Dodi Saputra Contoh", "L", "2010-11-05", "X TKJ 1",
     "SMP / sederajat", "Tidak sekolah", "Rp. 500,000 - Rp. 999,999", "Tidak", 0.5),
]  # fmt: skip


def dapodik_xlsx(path: Path) -> Path:
    """Rows 1–4 titles, header on rows 5–6 (single columns merged down, Data Ayah / Ibu / Wali
    merged across six sub-columns), data from row 7; NISN and NIPD as text, no major column.
    The 66 columns of the real "Daftar Peserta Didik" export, most of them left empty here."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Daftar Peserta Didik"
    ws["A1"] = "Daftar Peserta Didik"
    ws["A2"] = "SMK Negeri Contoh 1"
    ws["A3"] = "Kecamatan Contoh, Kabupaten Contoh, Provinsi Contoh"
    ws["A4"] = "Tanggal Unduh: 2025-08-04 10:11:12"
    col = 1
    positions = {}
    for header in DAPODIK_SINGLE:
        ws.cell(row=5, column=col, value=header)
        ws.merge_cells(start_row=5, start_column=col, end_row=6, end_column=col)
        positions[header] = col
        col += 1
    for group in ("Data Ayah", "Data Ibu", "Data Wali"):
        ws.cell(row=5, column=col, value=group)
        ws.merge_cells(start_row=5, start_column=col, end_row=5, end_column=col + 5)
        for k, sub in enumerate(PARENT_SUBS):
            ws.cell(row=6, column=col + k, value=sub)
            positions[f"{group}/{sub}"] = col + k
        col += 6
    for header in DAPODIK_TAIL:
        ws.cell(row=5, column=col, value=header)
        ws.merge_cells(start_row=5, start_column=col, end_row=6, end_column=col)
        positions[header] = col
        col += 1
    for i, (nisn, nipd, name, jk, born, rombel, fedu, medu, income, kip, km) in enumerate(
        DAPODIK_ROWS
    ):
        r = 7 + i
        values = {
            "No": i + 1, "Nama": name, "NIPD": nipd, "JK": jk, "NISN": nisn,
            "Tempat Lahir": "Kota Contoh", "Tanggal Lahir": born, "NIK": f"327301000000{i:04d}",
            "Agama": "Islam", "Alamat": "Jl. Contoh No. 1", "Penerima KPS": "Tidak",
            "Data Ayah/Nama": f"Ayah {i}", "Data Ayah/Jenjang Pendidikan": fedu,
            "Data Ayah/Pekerjaan": "Wiraswasta", "Data Ayah/Penghasilan": income,
            "Data Ibu/Nama": f"Ibu {i}", "Data Ibu/Jenjang Pendidikan": medu,
            "Data Ibu/Pekerjaan": "Tidak bekerja", "Data Ibu/Penghasilan": "Tidak Berpenghasilan",
            "Rombel Saat Ini": rombel, "Penerima KIP": kip,
            "Layak PIP (usulan dari sekolah)": "Tidak",
            "Jarak Rumah ke Sekolah (KM)": km,
        }  # fmt: skip
        if i == 0:  # the household's number, and Adi's own mobile (never imported as theirs)
            values["Telepon"] = "0812 3456 7890"
            values["HP"] = "0899 0000 1111"
        if i == 2:  # Citra lives with her aunt: no parents' data, the guardian's instead
            for sub in PARENT_SUBS[1:]:
                values.pop(f"Data Ayah/{sub}", None)
                values.pop(f"Data Ibu/{sub}", None)
            values["Data Wali/Nama"] = "Bibi Contoh"
            values["Data Wali/Penghasilan"] = "Rp. 1,000,000 - Rp. 1,999,999"
        if i == 3:  # Dodi's father earns nothing, his mother does
            values["Data Ayah/Penghasilan"] = "Tidak Berpenghasilan"
            values["Data Ibu/Penghasilan"] = "Rp. 2,000,000 - Rp. 4,999,999"
        for key, value in values.items():
            ws.cell(row=r, column=positions[key], value=value)
    book.save(path)
    return path


def dapodik_gsheets_csv(path: Path) -> Path:
    """The same export re-saved through Google Sheets: one hand-flattened header row
    ("Tahun Lahir A", mother's "Jenjang Pendidikan" without suffix), other column order,
    NISN without leading zeros, decimal commas, a newline inside a header cell."""
    header = [
        "No", "NISN", "Nama", "NIPD", "JK", "Rombel\nSaat Ini", "Tanggal Lahir", "Nama Ayah",
        "Tahun Lahir A", "Jenjang Pendidikan A", "Pekerjaan A", "Penghasilan A", "Nama Ibu",
        "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "Penerima KIP",
        "Jarak Rumah\nke Sekolah (KM)",
    ]  # fmt: skip
    rows = [["Daftar Peserta Didik"], ["SMK Negeri Contoh 1"], [], header]
    for i, (nisn, nipd, name, jk, born, rombel, fedu, medu, income, kip, km) in enumerate(
        DAPODIK_ROWS
    ):
        rows.append([
            i + 1, str(int(nisn)), name, nipd, jk, rombel, born, f"Ayah {i}", "1980", fedu,
            "Buruh", income, f"Ibu {i}", "1982", medu, "Tidak bekerja", "Tidak Berpenghasilan",
            kip, str(km).replace(".", ","),
        ])  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


# --- 2. hand-made class list -----------------------------------------------------------------


def handmade_list(path: Path, class_header: str = "KELAS", *, parents: bool = False) -> Path:
    """A class list typed by hand: the class column under whatever name its author chose
    ("KELAS", "Rombel / Kelas", "KLS", "Kls."); with `parents`, the parents' names too."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    extra = ["Nama Ayah Kandung", "Nama Ibu Kandung", "Nama Wali"] if parents else []
    _put(ws, 1, ["URUT", "NISN", "NIM", "Nama", "JK", "AGM", class_header, *extra])
    classes = ["XI  DKV", "XI  DKV", "Lasara", "Lasara"]
    for i, (nisn, nis, name, jk) in enumerate(PEOPLE):
        r = i + 2
        gender = "Laki-laki" if jk == "L" else "Perempuan"
        parent_names = [f"Bapak {i}", f"Ibu {i}", ""] if parents else []
        _put(ws, r, ["=ROW()-1", nisn, nis, name, gender, "Islam", classes[i], *parent_names])
    book.save(path)
    return path


# --- 3. e-Rapor SMK roster template ----------------------------------------------------------


def erapor_roster(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "peserta_didik"
    _put(ws, 1, [
        "nama", "no_induk", "nisn", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "agama",
        "tingkat", "rombel", "nama_ayah", "nama_ibu",
    ])  # fmt: skip
    for i, (nisn, nis, name, jk) in enumerate(PEOPLE):
        r = i + 2
        _put(ws, r, [name, nis, nisn, jk, "Kota Contoh", f"2009-0{i + 1}-1{i}", "Islam", "11",
                     "XI AKL 1", f"Ayah {i}", f"Ibu {i}"])  # fmt: skip
        ws.cell(row=r, column=2).number_format = "@"
        ws.cell(row=r, column=6).number_format = "@"
    book.save(path)
    return path


# --- 4. class grade ledger with attendance ---------------------------------------------------

LEDGER_SUBJECTS = ["PAPB", "PANCASILA", "B.INDO", "MTK", "IPAS", "INFORMATIKA", "DASAR AKL"]


def grade_ledger_with_attendance(
    path: Path,
    *,
    blank_attendance: bool = False,
    blank_subject: str = "",
    people: list[tuple] | None = None,
) -> Path:
    """A class ledger: a score column per subject, then SAKIT / IZIN / ALPA. With
    `blank_attendance` the S / I / A cells were never filled in; `blank_subject` names a
    subject column left empty for every student; `people` replaces PEOPLE."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "X AKL 1"
    _put(ws, 1, ["NO", "NAMA", "NISN", "NIS", *LEDGER_SUBJECTS, "SAKIT", "IZIN", "ALPA",
                 "EKSTRA", "KELAS"])  # fmt: skip
    for i, (nisn, nis, name, _jk) in enumerate(people or PEOPLE):
        r = i + 2
        scores = [80 + i + k for k in range(len(LEDGER_SUBJECTS))]
        sakit = 2 if i == 0 else None  # blank = 0
        recap = [None] * 3 if blank_attendance else [sakit, i, 1 if i == 3 else None]
        if blank_subject:
            scores[LEDGER_SUBJECTS.index(blank_subject)] = None
        _put(ws, r, [i + 1, name, int(nisn), nis, *scores, *recap, "AB"[i % 2], "X AKL 1"])
    book.save(path)
    return path


# --- 5. ledger per KD, subject over KD ------------------------------------------------------

KD_SUBJECTS = ["Matematika", "Bahasa Indonesia", "Informatika"]


def kd_ledger(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "LEGER"
    ws["A1"] = "LEGER NILAI PER KD"
    ws["D1"] = "#REF!"
    ws["A2"] = "Semester : Genap 2024/2025"
    ids = ["No", "No.Pest.", "Kelas", "Urt", "NIS", "Nama", "L/P", "Agm"]
    kkm_row, top, sub = 3, 4, 5
    ws.cell(row=kkm_row, column=6, value="KKM")
    col = len(ids) + 1
    for c, header in enumerate(ids, start=1):
        ws.cell(row=top, column=c, value=header)
        ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
    subject_cols = {}
    for subject in KD_SUBJECTS:
        ws.cell(row=top, column=col, value=subject)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 3)
        for k, kd in enumerate(["A", "B", "C", "NA"]):
            ws.cell(row=sub, column=col + k, value=kd)
            ws.cell(row=kkm_row, column=col + k, value=75)
        subject_cols[subject] = col
        col += 4
    classes = ["XI TKR 1", "XI TKR 1", "XI TKR 2", "XI TKR 2"]
    for i, (_nisn, nis, name, jk) in enumerate(PEOPLE):
        r = sub + 1 + i
        _put(ws, r, [i + 1, f"02-{i:03d}", classes[i], i % 2 + 1, nis, name, jk, "I"])
        for s, subject in enumerate(KD_SUBJECTS):
            first = subject_cols[subject]
            kds = [70 + i, 72 + s, 74]
            _put(ws, r, [*kds, f"=ROUND(AVERAGE({get_column_letter(first)}{r}:"
                         f"{get_column_letter(first + 2)}{r}),0)"], start_col=first)  # fmt: skip
    book.save(path)
    # formulas carry no cached value when written by openpyxl: write the NA values instead
    book = openpyxl.load_workbook(path)
    ws = book["LEGER"]
    for i in range(len(PEOPLE)):
        r = sub + 1 + i
        for s, subject in enumerate(KD_SUBJECTS):
            ws.cell(row=r, column=subject_cols[subject] + 3, value=kd_na(i, s))
    book.save(path)
    return path


def kd_na(i: int, s: int) -> int:
    return round((70 + i + 72 + s + 74) / 3)


# --- 6. e-Rapor-style leger with a label : value block ---------------------------------------

LEGER_SUBJECTS = ["Pendidikan Agama", "Matematika", "Bahasa Inggris"]


def erapor_leger(path: Path, npsn: str) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Leger"
    for r, (label, value) in enumerate(
        [("Sekolah", "SMK Negeri Contoh 1"), ("NPSN", npsn), ("Kelas", "XII RPL 2"),
         ("Tahun Pelajaran", "2025/2026 Ganjil")], start=1,
    ):  # fmt: skip
        _put(ws, r, [label, ":", value])
    _put(ws, 7, ["No", "NAMA PESERTA DIDIK", "NISN", *LEGER_SUBJECTS])
    for i, (nisn, _nis, name, _jk) in enumerate(PEOPLE[:2]):
        _put(ws, 8 + i, [i + 1, name, nisn, 81 + i, 77 + i, 90 - i])
    book.save(path)
    return path


# --- 7. wali kelas attendance recap ---------------------------------------------------------

RECAP_MONTHS = ["JULI", "AGUSTUS", "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"]


def recap_sia(i: int, m: int) -> tuple[int, int, int]:
    return (i + m) % 3, (i * m) % 2, 1 if (i == 1 and m == 2) else 0


def walikelas_recap(
    path: Path, blank_months: tuple[int, ...] = (), people: list[tuple] | None = None
) -> Path:
    """One sheet per rombel; three-row header with months over S / I / A / JML, totals and
    percentages as formulas, a RATA-RATA footer; NIS and NISN in one cell. The months in
    `blank_months` (0 = JULI) were never filled in: their S / I / A cells are empty and their
    JML a formula, as the printed form has it; range(6) is a form nobody filled."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    everyone = people or PEOPLE
    sheets = {"X KA 1": everyone[:2], "X KA 2": everyone[2:]}
    for sheet_name, people in sheets.items():
        ws = book.create_sheet(sheet_name)
        ws["A1"] = "REKAP KEHADIRAN SISWA"
        ws["A2"] = "TAHUN PELAJARAN 2025-2026"
        ws["A3"] = f"KELAS : {sheet_name}"
        ws["A4"] = "NAMA WALI KELAS : Ibu Wali Contoh"
        top, mid, sub = 6, 7, 8
        for c, header in enumerate(["NO", "NIS / NISN", "NAMA", "L/P"], start=1):
            ws.cell(row=top, column=c, value=header)
            ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
        first = 5
        ws.cell(row=top, column=first, value="BULAN")
        ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=first + 4 * 6 - 1)
        for m, month in enumerate(RECAP_MONTHS):
            c = first + 4 * m
            ws.cell(row=mid, column=c, value=month)
            ws.merge_cells(start_row=mid, start_column=c, end_row=mid, end_column=c + 3)
            for k, code in enumerate(["S", "I", "A", "JML"]):
                ws.cell(row=sub, column=c + k, value=code)
        total = first + 24
        ws.cell(row=top, column=total, value="JUMLAH")
        ws.merge_cells(start_row=top, start_column=total, end_row=mid, end_column=total + 2)
        for k, code in enumerate(["S", "I", "A"]):
            ws.cell(row=sub, column=total + k, value=code)
        ws.cell(row=top, column=total + 3, value="PERSENTASE")
        ws.merge_cells(start_row=top, start_column=total + 3, end_row=sub, end_column=total + 3)
        for n, (nisn, nis, name, jk) in enumerate(people):
            i = everyone.index((nisn, nis, name, jk))
            r = sub + 1 + n
            _put(ws, r, [n + 1, f"{nis} / {nisn}", name, jk])
            for m in range(6):
                s, iz, a = recap_sia(i, m)
                c = first + 4 * m
                if m in blank_months:
                    sia = ",".join(f"{get_column_letter(c + k)}{r}" for k in range(3))
                    _put(ws, r, [f"=SUM({sia})"], start_col=c + 3)
                    continue
                _put(ws, r, [s or None, iz or None, a or None, s + iz + a], start_col=c)
            letter = get_column_letter
            for k in range(3):
                cols = ",".join(f"{letter(first + 4 * m + k)}{r}" for m in range(6))
                ws.cell(row=r, column=total + k, value=f"=SUM({cols})")
            ws.cell(row=r, column=total + 3, value=f"={letter(total)}{r}/120")
        footer = sub + 1 + len(people)
        ws.cell(row=footer, column=1, value="RATA-RATA")
        ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=4)
        ws.cell(row=footer, column=first, value=f"=AVERAGE(E{sub + 1}:E{footer - 1})")
    book.save(path)
    return path


# --- 8. administration workbook with many sheets ---------------------------------------------


def admin_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data Lulusan"
    _put(ws, 1, ["DATA LULUSAN TAHUN 2024"])
    _put(ws, 3, ["No", "NISN", "Nama", "Tahun Lulus", "Melanjutkan ke"])
    _put(ws, 4, [1, "0071239999", "Lulusan Lama Contoh", 2024, "Bekerja"])
    master = book.create_sheet("Master Siswa")
    _put(master, 1, ["No", "NIS", "NISN", "Nama Siswa", "L/P", "Tempat Lahir", "Tanggal Lahir",
                     "Kelas"])  # fmt: skip
    for i, (nisn, nis, name, jk) in enumerate(PEOPLE):
        _put(master, i + 2, [i + 1, nis, nisn, name, jk, "Kota Contoh",
                             dt.datetime(2009, i + 1, 10), "X BDP 1"])  # fmt: skip
    klaper = book.create_sheet("Buku Klaper")
    _put(klaper, 1, ["BUKU KLAPER"])
    _put(klaper, 2, ["No Induk", "Nama", "L/P", "Tanggal Masuk", "Nama Orang Tua"])
    for i, (_nisn, nis, name, jk) in enumerate(PEOPLE):
        _put(klaper, i + 3, [nis, name, jk, "2025-07-14", f"Ortu {i}"])
    presence = book.create_sheet("Absen Harian")
    _put(presence, 1, ["DAFTAR HADIR"])
    _put(presence, 2, ["NO", "NIS", "NAMA", *range(1, 8)])
    for i in range(4):
        _put(presence, i + 3, [i + 1, "#N/A", "#N/A"])
    recap = book.create_sheet("Rekap")
    _put(recap, 1, ["Kelas", "L", "P", "Jumlah"])
    _put(recap, 2, ["X BDP 1", 2, 2, 4])
    book.save(path)
    return path


# --- 9. e-Rapor helper attendance template ---------------------------------------------------


def erapor_attendance(path: Path, blank_rows: tuple[int, ...] = ()) -> Path:
    """The e-Rapor helper's attendance sheet; the students in `blank_rows` (indexes into
    PEOPLE) have empty Sakit / Izin / Alpa cells while the others have numbers."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Absensi"
    ws["B1"] = "DATA KETIDAKHADIRAN PESERTA DIDIK"
    ws["B2"] = "TAHUN PELAJARAN 2025/2026"
    ws["B3"] = "Kelas : XI TKJ 1"
    _put(ws, 5, ["anggota_rombel_id", "No", "NISN", "Nama Peserta Didik", "Absensi"])
    for c in range(1, 5):
        ws.merge_cells(start_row=5, start_column=c, end_row=6, end_column=c)
    ws.merge_cells(start_row=5, start_column=5, end_row=5, end_column=7)
    _put(ws, 6, ["Sakit", "Izin", "Alpa"], start_col=5)
    ws.column_dimensions["A"].hidden = True
    for i, (nisn, _nis, name, _jk) in enumerate(PEOPLE):
        uuid = f"5f0c1e2a-0000-4000-8000-00000000000{i}"
        counts = [None] * 3 if i in blank_rows else [i, 1 if i == 2 else 0, None]
        _put(ws, 7 + i, [uuid, i + 1, nisn, name, *counts])
    book.save(path)
    return path


# --- 10. buku klaper: every student ever enrolled --------------------------------------------

KLAPER_ROWS = [
    # nis, nisn, name, jk, tahun masuk, tanggal keluar, keterangan
    ("2324001", "0071230011", "Eko Lulusan Contoh", "L", 2020, "2023-06-10", "Lulus"),
    ("2324002", "0071230012", "Fitri Mutasi Contoh", "P", 2022, None, "Mutasi keluar"),
    ("2324003", "0071230013", "Gilang Lama Contoh", "L", 2021, None, None),
    *[(nis, nisn, name, jk, 2023 + i % 3, None, "Aktif")
      for i, (nisn, nis, name, jk) in enumerate(PEOPLE)],
]  # fmt: skip


def klaper_register(path: Path) -> Path:
    """A buku klaper: one row per student ever enrolled, with the year of entry, the date of
    leaving and a note; no class column. Of its rows only PEOPLE are still at school in
    2025/2026 (entered 2023–2025); the others graduated, moved out or entered in 2021."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Klaper"
    ws["A1"] = "BUKU KLAPER SISWA"
    ws["A2"] = "SMK Negeri Contoh 1"
    _put(ws, 4, ["No", "No Induk", "NISN", "Nama Siswa", "L/P", "Tahun Masuk",
                 "Tanggal Keluar", "Status"])  # fmt: skip
    for i, row in enumerate(KLAPER_ROWS):
        _put(ws, 5 + i, [i + 1, *row])
    book.save(path)
    return path
