"""Builders for the spreadsheet fixtures of the import tests: each writes rows (lists of
cells, None = blank) into a real file of the asked format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import xlsxwriter


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, merges=()) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
        for first_row, first_col, last_row, last_col, text in merges:
            ws.merge_range(first_row, first_col, last_row, last_col, text)
    book.close()
    return path


def write_openpyxl(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_xls(path: Path, rows: list[list], sheet: str = "Data") -> Path:
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write(r, c, dt.datetime.combine(value, dt.time()), date_style)
            else:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[list]) -> Path:
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    frame.to_excel(path, engine="odf", index=False)
    return path


def write_csv(path: Path, rows: list[list], *, sep: str = ";", encoding: str = "utf-8") -> Path:
    lines = [sep.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def zip_bomb(path: Path, *, megabytes: int) -> Path:
    """A valid-looking xlsx whose sheet inflates to `megabytes` of zeros."""
    source = io.BytesIO()
    book = xlsxwriter.Workbook(source, {"in_memory": True})
    book.add_worksheet("Data").write_row(0, 0, ["NISN", "Nama"])
    book.close()
    source.seek(0)
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        with bomb.open("xl/padding.bin", "w") as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(block)
    return path


ROSTER_HEADER = ["No", "NISN", "NIS", "Nama Peserta Didik", "L/P", "Tanggal Lahir", "Kelas"]


def roster_rows(students: list[tuple], *, title: bool = True) -> list[list]:
    """students: (nisn, nis, name, gender, birth date, class)."""
    rows = [["DAFTAR PESERTA DIDIK SMK UJI"], [None]] if title else []
    rows.append(list(ROSTER_HEADER))
    rows += [[i + 1, *s] for i, s in enumerate(students)]
    return rows
