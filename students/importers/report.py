"""Files the import page hands out: the error report (the original rows plus an error
column, ready to fix and upload again) and a blank template for each kind. Text is escaped
against formula injection and written as text, so a NISN keeps its leading zeros."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from .escaping import escape_formula
from .parsing import ParseResult

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def _write_cell(ws, r: int, c: int, value: Any, date_format) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(r, c, value, date_format)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    else:
        ws.write_string(r, c, escape_formula(str(value)))


SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A name Excel accepts for a sheet, unique in the workbook: without []:*?/\\ or control
    characters, no apostrophe at either end, at most 31 characters, and numbered when two
    source sheets (or a CSV file name) come out the same. `taken` holds the names in use,
    lower-cased (Excel compares them case-insensitively); the new one is added."""
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", str(name)).strip().strip("'").strip()
    base = _cut(base, SHEET_NAME_MAX) or _("Lembar")
    title, number = base, 1
    while title.lower() in taken:
        number += 1
        suffix = f" ({number})"
        title = _cut(base, SHEET_NAME_MAX - len(suffix)) + suffix
    taken.add(title.lower())
    return title


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units (how Excel counts), with no apostrophe or space at
    the end."""
    while len(text.encode("utf-16-le")) > limit * 2:
        text = text[:-1]
    return text.rstrip().rstrip("'").rstrip()


def error_report_xlsx(result: ParseResult) -> bytes:
    """One sheet per source sheet: its title and header rows as they were, then every
    rejected row as it was, with the reasons in a last column "Kesalahan"."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True, "font_color": "#b91c1c"})
    text = book.add_format({"num_format": "@"})
    rejected = result.rejected
    taken = {"history"}  # a name Excel reserves
    for table in result.tables:
        sheet = next(s for s in result.sheets if s.name == table.sheet)
        rows = [r for r in rejected if r.sheet == table.sheet]
        ws = book.add_worksheet(sheet_title(table.sheet, taken))
        width = max((len(r) for r in sheet.rows[: table.data_start]), default=0)
        width = max([width, *(len(r.raw) for r in rows)])
        nisn_col = table.fields.get("nisn")
        if nisn_col is not None:
            ws.set_column(nisn_col, nisn_col, 14, text)
        out_row = 0
        for out_row, row in enumerate(sheet.rows[: table.data_start]):
            for c, value in enumerate(row):
                _write_cell(ws, out_row, c, value, date_format)
        ws.write_string(table.header_rows[0], width, _("Kesalahan"), bold)
        out_row = table.data_start
        for parsed in rows:
            for c, value in enumerate(parsed.raw):
                if c == nisn_col and parsed.data.get("nisn"):
                    value = parsed.data["nisn"]  # leading zeros restored
                _write_cell(ws, out_row, c, value, date_format)
            ws.write_string(out_row, width, escape_formula("; ".join(parsed.errors)))
            out_row += 1
        ws.set_column(width, width, 60)
    book.close()
    return out.getvalue()


TEMPLATES = {
    "roster": {
        "title": ["DAFTAR PESERTA DIDIK", "Kelas : XI TKJ 1"],
        "header": [
            "No", "NISN", "NIS", "Nama Peserta Didik", "L/P", "Tanggal Lahir", "Kelas",
            "Kompetensi Keahlian", "Pendidikan Ayah", "Pendidikan Ibu", "Pekerjaan Ayah",
            "Pekerjaan Ibu", "Penghasilan Orang Tua", "Penerima KIP/PIP", "Jarak ke Sekolah (km)",
        ],
        "example": [
            1, "0081234567", "2425001", "Contoh Siswa", "P", dt.date(2008, 5, 17), "XI TKJ 1",
            "Teknik Komputer dan Jaringan", "SMA/SMK", "SMP", "Wiraswasta", "Ibu rumah tangga",
            "Rp 1.000.000 – Rp 1.999.999", "Ya", 2.5,
        ],
    },
    "grades": {
        "title": ["LEGER NILAI", "Semester : Ganjil 2024/2025"],
        "header": ["No", "NISN", "NIS", "Nama", "Matematika", "Bahasa Indonesia"],
        "example": [1, "0081234567", "2425001", "Contoh Siswa", 85, 78.5],
    },
    "attendance": {
        "title": ["REKAP KETIDAKHADIRAN", "Semester : Ganjil 2024/2025"],
        "header": ["No", "NISN", "NIS", "Nama", "Sakit", "Izin", "Alpa", "Hari Efektif"],
        "example": [1, "0081234567", "2425001", "Contoh Siswa", 2, 1, 0, 110],
    },
    "points": {
        "title": ["BUKU CATATAN POIN PELANGGARAN DAN PRESTASI"],
        "header": ["No", "NISN", "Nama", "Tanggal", "Perilaku", "Poin", "Uraian"],
        "example": [
            1, "0081234567", "Contoh Siswa", dt.date(2025, 3, 12), "Terlambat", 5,
            "Datang pukul 07.30",
        ],
    },
    "pkl": {
        "title": ["REKAP PKL (PRAKTIK KERJA LAPANGAN)", "Semester : Genap 2024/2025"],
        "header": [
            "No", "NISN", "NIS", "Nama", "Tempat PKL", "Pembimbing Industri", "Hari Hadir",
            "Hari PKL", "Nilai Sikap", "Nilai Keterampilan",
        ],
        "example": [
            1, "0081234567", "2425001", "Contoh Siswa", "PT Contoh Teknik", "Bapak Contoh",
            58, 60, 85, 80,
        ],
    },
}  # fmt: skip


def blank_template_xlsx(kind: str) -> bytes:
    """A ready-to-fill workbook: title rows, the header the importer recognises, one example
    row, the NISN column formatted as text, and a sheet of instructions."""
    spec = TEMPLATES[kind]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    bold = book.add_format({"bold": True, "bg_color": "#d1fae5", "border": 1})
    text = book.add_format({"num_format": "@"})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    ws = book.add_worksheet(_("Data"))
    for r, line in enumerate(spec["title"]):
        ws.write_string(r, 0, line)
    header_row = len(spec["title"]) + 1
    ws.write_row(header_row, 0, spec["header"], bold)
    ws.set_column(1, 2, 14, text)
    ws.set_column(3, 3, 28)
    ws.set_column(4, len(spec["header"]), 16)
    for c, value in enumerate(spec["example"]):
        _write_cell(ws, header_row + 1, c, value, date_format)
    ws.freeze_panes(header_row + 1, 0)
    help_sheet = book.add_worksheet(_("Petunjuk"))
    for r, line in enumerate(_template_help(kind)):
        help_sheet.write_string(r, 0, line)
    help_sheet.set_column(0, 0, 110)
    book.close()
    return out.getvalue()


def _template_help(kind: str) -> list[str]:
    lines = [
        _("Isi satu baris per siswa di bawah baris judul kolom; hapus baris contoh."),
        _("NISN 10 digit. Kolom NISN sudah berformat Teks agar angka nol di depan tidak hilang."),
        _("Baris judul di atas tabel boleh diubah; jangan ubah nama kolom."),
    ]
    if kind == "grades":
        lines += [
            _("Satu kolom per mata pelajaran, nilai 0–100. Sel kosong = belum dinilai."),
            _('Ganti "Semester : Ganjil 2024/2025" sesuai semesternya.'),
            _("Nilai Pengetahuan/Keterampilan: dua baris judul (mapel di atas, P / K di bawah)."),
        ]
    elif kind == "points":
        lines += [
            _("Satu baris per kejadian. Perilaku harus sama dengan nama di katalog poin sekolah."),
            _("Poin kosong = poin katalog; pelanggaran positif, prestasi negatif."),
        ]
    elif kind == "pkl":
        lines += [
            _("Satu baris per siswa per semester PKL; nilai sikap dan keterampilan 0–100."),
            _('Ganti "Semester : Genap 2024/2025" sesuai semesternya, atau isi kolom Semester.'),
        ]
    elif kind == "attendance":
        lines += [
            _("Rekap per semester: jumlah hari Sakit, Izin, Alpa."),
            _(
                "Presensi harian: kolom tanggal 1–31 (nama lembar = bulan, mis. Juli 2024), "
                "isi H, S, I atau A; sel kosong = tidak dicatat."
            ),
        ]
    else:
        lines += [
            _("L/P: L atau P. Tanggal lahir: dd/mm/yyyy."),
            _(
                "Kelas dan kompetensi keahlian harus sudah terdaftar, atau centang "
                '"buat yang belum ada" saat mengunggah.'
            ),
        ]
    return lines
