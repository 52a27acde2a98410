"""Dapodik rows → a roster file with the headers the roster import knows, so the pull runs
through the same reading, identity rules, conflict handling and preview as an upload.

Parents' names (`nama_ayah`, `nama_ibu`, `nama_wali`) are never copied: no page needs them.
Their education, occupation and income are the socio-economic fields, which the school only
pulls when it chose to (DapodikConnection.include_parents); they then reach the roles of the
socio-economic field group only (smk_dashboard/core/fields.py)."""

from __future__ import annotations

import csv
import io

from .client import DapodikData

COLUMNS = [
    ("NISN", "nisn"),
    ("NIPD", "nipd"),
    ("Nama", "nama"),
    ("JK", "jenis_kelamin"),
    ("Tanggal Lahir", "tanggal_lahir"),
    ("Rombel", "nama_rombel"),
]
PARENT_COLUMNS = [
    ("Pendidikan Ayah", "jenjang_pendidikan_ayah_id_str"),
    ("Pendidikan Ibu", "jenjang_pendidikan_ibu_id_str"),
    ("Pekerjaan Ayah", "pekerjaan_ayah_id_str"),
    ("Pekerjaan Ibu", "pekerjaan_ibu_id_str"),
    ("Penghasilan Ayah", "penghasilan_ayah_id_str"),
    ("Penghasilan Ibu", "penghasilan_ibu_id_str"),
    ("Penghasilan Wali", "penghasilan_wali_id_str"),
]


def _major(rombel: dict) -> str:
    return str(rombel.get("nama_jurusan") or rombel.get("jurusan_id_str") or "").strip()


def roster_csv(data: DapodikData, *, include_parents: bool) -> bytes:
    """One CSV row per peserta didik: NISN, NIPD, name, gender, birth date, rombel, its
    tingkat and kompetensi keahlian (from the rombel), and the parents' socio-economic
    columns when asked. UTF-8 with BOM, as spreadsheet programs write it."""
    by_id = {str(r.get("rombongan_belajar_id", "")): r for r in data.rombel}
    columns = COLUMNS + (PARENT_COLUMNS if include_parents else [])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _key in columns] + ["Tingkat", "Kompetensi Keahlian"])
    for row in sorted(data.students, key=lambda r: (str(r.get("nama_rombel")), r.get("nama"))):
        rombel = by_id.get(str(row.get("rombongan_belajar_id", "")), {})
        tingkat = row.get("tingkat_pendidikan_id") or rombel.get("tingkat_pendidikan_id") or ""
        cells = [_text(row.get(key)) for _h, key in columns]
        writer.writerow([*cells, _text(tingkat), _major(rombel)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # NISN / NIPD as text: a CSV cell "0081234567" keeps its zero, and a leading = + - @
    # can never become a formula in whoever opens the kept file
    return "'" + text if text[:1] in "=+-@" else text
