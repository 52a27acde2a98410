"""Hostile and oversized spreadsheets for the upload-safety tests and
benchmarks/upload_bounds.py, written byte by byte (no spreadsheet library would write them)."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import xlsxwriter

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def write_raw_xlsx(
    path: Path, cells: list[tuple[str, float]], *, dimension: str | None = None, name="Data"
) -> Path:
    """A minimal valid xlsx whose one sheet holds exactly `cells` ((reference, number))."""
    rows: dict[int, list[tuple[str, float]]] = {}
    for ref, value in cells:
        rows.setdefault(int(re.sub("[A-Z]", "", ref)), []).append((ref, value))
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{ref}"><v>{v}</v></c>' for ref, v in row) + "</row>"
        for r, row in sorted(rows.items())
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def sparse_xlsx(path: Path) -> Path:
    """Issue 12's 1.6 KB file: cells A1 and XFD200000, so a dense reader asks for
    200,000 x 16,384 cells (105 GB)."""
    return write_raw_xlsx(path, [("A1", 1), ("XFD200000", 2)], dimension="A1:XFD200000")


def write_raw_ods(path: Path, rows_xml: str | dict[str, str], *, name="Data") -> Path:
    """An ODS with one sheet (`rows_xml`) or several ({name: rows_xml})."""
    tables = rows_xml if isinstance(rows_xml, dict) else {name: rows_xml}
    body = "".join(
        f'<table:table table:name="{n}">{xml}</table:table>' for n, xml in tables.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_cell(value) -> str:
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_rows(rows: list[list]) -> str:
    return "".join(
        "<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )


# What LibreOffice writes after the last used row of every sheet: a million empty rows.
LIBREOFFICE_TAIL = (
    '<table:table-row table:number-rows-repeated="1048570">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def repeated_ods(path: Path) -> Path:
    """One filled cell repeated over 200,000 rows x 16,384 columns: under 1 KB on disk."""
    return write_raw_ods(
        path,
        '<table:table-row table:number-rows-repeated="200000">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
    )


def dense_xlsx(path: Path, *, target_bytes: int = 2 * 1024 * 1024, seed: int = 12) -> Path:
    """A grade ledger with every cell filled (NISN, name, 60 subject scores per row), as
    many rows as make the file about `target_bytes` (2 MB: 8,192 rows, 508,000
    cells)."""
    rng = random.Random(seed)
    subjects = [f"Mapel {i:02d}" for i in range(60)]
    rows = int(target_bytes / 256)  # about 248 bytes per row on this layout
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Leger")
    ws.write_string(0, 0, "Semester : Ganjil 2024/2025")
    for c, header in enumerate(["NISN", "Nama", *subjects]):
        ws.write_string(1, c, header)
    for r in range(rows):
        ws.write_string(r + 2, 0, f"{80_000_000 + r:010d}")
        ws.write_string(r + 2, 1, f"Siswa {r:05d}")
        for c in range(len(subjects)):
            ws.write_number(r + 2, c + 2, rng.randint(40, 100))
    book.close()
    return path


def attendance_at_the_cell_limit(path: Path, *, rows: int = 14_800, days: int = 200) -> Path:
    """A daily attendance grid ("H" in every cell) just under the default cell limit of
    3,000,000: 14,801 rows x 202 columns = 2,989,802 cells, 7.2 MB. The biggest sheet the
    importer accepts, for measuring the worker's memory at the limit."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Juli 2024")
    ws.write_row(0, 0, ["NISN", "Nama", *[str(d + 1) for d in range(days)]])
    for r in range(rows):
        ws.write_string(r + 1, 0, f"{80_000_000 + r:010d}")
        ws.write_string(r + 1, 1, f"Siswa {r:05d}")
        for c in range(days):
            ws.write_string(r + 1, c + 2, "H")
    book.close()
    return path
