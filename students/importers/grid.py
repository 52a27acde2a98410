"""Turning a workbook into plain rows of cell values, inside a child process with a memory cap.

A spreadsheet reader builds a dense grid from the first to the last used cell, so a 1.6 KB
xlsx with cells A1 and XFD200000 asks for 3.3 billion cells (105 GB); the Rust reader then
aborts the whole process (SIGABRT), which no `except MemoryError` can catch. So:

1. before any grid is built, the extent of every sheet is measured from the file itself: the
   cell references of xlsx sheet XML (streamed out of the zip, never trusting `<dimension>`),
   the `number-rows-repeated` / `number-columns-repeated` attributes of ODS, and the cell
   records of each xls (BIFF) worksheet stream (at most 65,536 x 256 cells by format, still a
   0.5 GB grid); a sheet or a file over the cell limit is refused with its name and size;
2. the whole read runs in a separate Python process (this file, run as a script) whose
   address space is capped with RLIMIT_AS, so even a case nobody foresaw ends that child, not
   the Celery worker or the web server.

No Django here: the child starts in about 30 ms and imports only the readers. Errors are
`GridError(code, params)`; students/importers/reading.py turns them into Indonesian messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import struct
import sys
import zipfile
from pathlib import PurePosixPath
from typing import Any

XLSX_MAX_COLUMNS = 16_384
CSV_FIELD_LIMIT = csv.field_size_limit()
CHUNK = 4 * 1024 * 1024
# The `r="AB12"` reference of every cell that names its position (rows name theirs with digits
# only), read as the reader's XML parser reads an attribute: any whitespace before the name
# and around `=`, single or double quotes, letters in either case, however many of them (a
# reference past XFD is still a column the reader would make room for). One pattern at C speed;
# a cell-tag pattern only counts the cells.
CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,7})([0-9]{1,12})["']""")
ROW_NUMBER = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\sr\s*=\s*["']([0-9]{1,12})["']""")
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class GridError(Exception):
    """The file cannot be read; `code` names why and `params` fill the message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


# --- measuring sheets before reading them ---------------------------------------------------


def column_number(letters: bytes | str) -> int:
    """ "A" -> 1, "XFD" -> 16384 (lower case read as upper case, as the reader does)."""
    number = 0
    for ch in (letters if isinstance(letters, str) else letters.decode("ascii")).upper():
        number = number * 26 + (ord(ch) - 64)
    return number


# Rare spellings of a cell tag: a namespace prefix, or a tab or line break after the name.
_UNUSUAL_CELL_TAGS = (b":c ", b":c>", b":c/", b"<c\t", b"<c\n", b"<c\r", b":c\t", b":c\n", b":c\r")


def _count_cells(data: bytes) -> int:
    if any(tag in data for tag in _UNUSUAL_CELL_TAGS):
        return len(CELL_TAG.findall(data))
    return data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")


def _xml_extent(stream) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest cell a sheet's XML names, streamed in chunks."""
    max_row = max_col = cells = referenced = 0
    row_tags, row_numbers = 0, 0
    rest = b""
    while True:
        chunk = stream.read(CHUNK)
        data = rest + chunk
        if chunk:
            cut = data.rfind(b">") + 1
            data, rest = data[:cut], data[cut:]
        if data:
            refs = CELL_REF.findall(data)
            referenced += len(refs)
            if refs:
                max_col = max(max_col, max(column_number(c) for c in {c for c, _r in refs}))
                max_row = max(max_row, max(int(r) for r in {r for _c, r in refs}))
            cells += _count_cells(data)
            if cells > referenced:  # only then do rows without cell references matter
                row_tags += len(ROW_TAG.findall(data))
                numbers = ROW_NUMBER.findall(data)
                if numbers:
                    row_numbers = max(row_numbers, max(int(r) for r in set(numbers)))
        if not chunk:
            break
    if cells > referenced:
        # Cells written without a reference follow the previous one, so they cannot leave
        # gaps: their rows and columns are about as many as there really are. (A crafted mix
        # that still spans far more is stopped by the child's memory cap.)
        max_row = max(max_row, row_numbers, row_tags)
        max_col = max(max_col, -(-cells // max(max_row, 1)))
    return max_row, max_col


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> member path, from xl/workbook.xml and its relationships."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    paths = {}
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        path = targets.get(sheet.get(f"{NS_REL}id"))
        if path:
            paths[sheet.get("name")] = path
    return paths


def xlsx_extents(path: str) -> dict[str, tuple[int, int]]:
    """Sheet name -> (rows, columns) of every worksheet of an xlsx; worksheets whose name
    could not be found are keyed by their member path."""
    with zipfile.ZipFile(path) as archive:
        paths = _xlsx_sheet_paths(archive)
        members = set(archive.namelist())
        by_path = {p: n for n, p in paths.items()}
        extents = {}
        for member in sorted(members):
            sheet_xml = member.startswith("xl/worksheets/") and member.endswith(".xml")
            if not sheet_xml and member not in by_path:
                continue
            with archive.open(member) as stream:
                extents[by_path.get(member, member)] = _xml_extent(stream)
        return extents


def ods_extents(path: str) -> dict[str, tuple[int, int]]:
    """Sheet name -> (rows, columns) of an ODS: repeated rows and cells counted as the reader
    expands them, up to the last row and column that hold something (LibreOffice ends every
    sheet with a million repeated empty rows, which readers skip)."""
    from defusedxml import ElementTree

    table, row, cell = (f"{{{NS_TABLE}}}{n}" for n in ("table", "table-row", "table-cell"))
    covered = f"{{{NS_TABLE}}}covered-table-cell"
    rows_repeated = f"{{{NS_TABLE}}}number-rows-repeated"
    cols_repeated = f"{{{NS_TABLE}}}number-columns-repeated"
    value_type = f"{{{NS_OFFICE}}}value-type"
    extents: dict[str, tuple[int, int]] = {}
    name, row_at, max_row, max_col = "", 0, 0, 0
    col_at, row_has_content, depth_in_cell = 0, False, 0
    cell_has_content = False
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == table:
                    name, row_at, max_row, max_col = elem.get(f"{{{NS_TABLE}}}name") or "", 0, 0, 0
                elif tag == row:
                    col_at, row_has_content = 0, False
                elif tag in (cell, covered):
                    depth_in_cell += 1
                    cell_has_content = elem.get(value_type) is not None
                elif depth_in_cell:
                    cell_has_content = True  # text:p and friends
                continue
            if tag in (cell, covered):
                depth_in_cell -= 1
                repeat = _repeat(elem.get(cols_repeated))
                if cell_has_content:
                    max_col = max(max_col, col_at + repeat)
                    row_has_content = True
                col_at += repeat
                cell_has_content = False
                elem.clear()
            elif tag == row:
                repeat = _repeat(elem.get(rows_repeated))
                if row_has_content:
                    max_row = row_at + repeat
                row_at += repeat
                elem.clear()
            elif tag == table:
                extents[name] = (max_row, max_col)
                elem.clear()
    return extents


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


# BIFF (xls) records that put a value in a cell: FORMULA, LABELSST, NUMBER, RK, BOOLERR, LABEL,
# RSTRING (row, column first) and MULRK (row, first column, ..., last column at the end).
# BLANK and MULBLANK (formatting only) are left out: the reader skips them too.
XLS_CELL_RECORDS = frozenset({0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6})
XLS_MULRK, XLS_BOF, XLS_EOF, XLS_BOUNDSHEET, XLS_FILEPASS = 0x00BD, 0x0809, 0x000A, 0x0085, 0x002F
RECORD = struct.Struct("<HH")
ROW_COL = struct.Struct("<HH")


def xls_extents(path: str) -> dict[str, tuple[int, int]]:
    """Sheet name -> (rows, columns) of every worksheet of an xls, from A1 to the farthest
    cell record (the `DIMENSIONS` record is not trusted). The reader builds every sheet's grid
    when the file is opened, so this runs first; an xls sheet holds at most 65,536 x 256
    cells, which is still a 0.5 GB grid."""
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            stream = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if stream is None:
                raise GridError("corrupt")
            data = ole.openstream(stream).read()
    except OSError:
        raise GridError("corrupt")
    sheets: list[tuple[str, int]] = []
    biff8, pos = True, 0
    while pos + 4 <= len(data):  # the workbook globals, up to their EOF
        kind, size = RECORD.unpack_from(data, pos)
        body = data[pos + 4 : pos + 4 + size]
        if kind == XLS_BOF and pos == 0:
            biff8 = len(body) >= 2 and RECORD.unpack_from(body + b"\0\0")[0] >= 0x0600
        elif kind == XLS_FILEPASS:
            raise GridError("encrypted")
        elif kind == XLS_BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # a worksheet
            (offset,) = struct.unpack_from("<I", body)
            sheets.append((_xls_sheet_name(body[6:], biff8), offset))
        elif kind == XLS_EOF:
            break
        pos += 4 + size
    return {name: _xls_sheet_extent(data, offset) for name, offset in sheets}


def _xls_sheet_name(raw: bytes, biff8: bool) -> str:
    length = raw[0] if raw else 0
    if not biff8:
        return raw[1 : 1 + length].decode("cp1252", "replace")
    wide = len(raw) > 1 and raw[1] & 1
    text = raw[2 : 2 + length * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def _xls_sheet_extent(data: bytes, pos: int) -> tuple[int, int]:
    max_row = max_col = 0
    first = True
    while pos + 4 <= len(data):
        kind, size = RECORD.unpack_from(data, pos)
        body = pos + 4
        if first and kind != XLS_BOF:
            raise GridError("corrupt")
        first = False
        if kind in XLS_CELL_RECORDS and size >= 4:
            row, col = ROW_COL.unpack_from(data, body)
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        elif kind == XLS_MULRK and size >= 6:
            (row,) = struct.unpack_from("<H", data, body)
            (last,) = struct.unpack_from("<H", data, body + size - 2)
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
        elif kind == XLS_EOF:
            break
        pos = body + size
    return max_row, max_col


def check_extents(extents: dict[str, tuple[int, int]], names: list[str], max_cells: int) -> None:
    """Refuse when one sheet, or all the sheets to be read together, span more cells than
    `max_cells`. Names missing from `extents` are judged by the largest unnamed extent."""
    unnamed = [e for key, e in extents.items() if key not in names and "/" in key]
    fallback = max(unnamed, key=lambda e: e[0] * e[1], default=(0, 0))
    total = 0
    for name in names:
        rows, cols = extents.get(name, fallback)
        cells = rows * cols
        total += cells
        if cells > max_cells:
            raise GridError(
                "too_many_cells", sheet=name, rows=rows, cols=cols, cells=cells, limit=max_cells
            )
    if total > max_cells:
        raise GridError("too_many_cells_total", cells=total, limit=max_cells)


# --- reading ---------------------------------------------------------------------------------


def read_book(path: str, fmt: str, *, max_rows: int, max_cells: int) -> list[tuple[str, list]]:
    import python_calamine as calamine

    try:
        if fmt in ("ods", "xls"):  # these readers build every sheet when the file is opened
            extents = ods_extents(path) if fmt == "ods" else xls_extents(path)
            check_extents(extents, list(extents), max_cells)
        book = calamine.CalamineWorkbook.from_path(path)
        metas = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        visible = [m for m in metas if m.visible == calamine.SheetVisibleEnum.Visible]
        names = [m.name for m in visible or metas]
        if fmt == "xlsx":
            check_extents(xlsx_extents(path), names, max_cells)
        sheets, total_rows, total_cells = [], 0, 0
        for name in names:
            sheet = book.get_sheet_by_name(name)
            total_rows += sheet.height
            if total_rows > max_rows:
                raise GridError("too_many_rows", n=total_rows, limit=max_rows)
            cells = sheet.height * sheet.width  # measured above; checked again as the reader saw it
            total_cells += cells
            if cells > max_cells:
                raise GridError(
                    "too_many_cells",
                    sheet=name,
                    rows=sheet.height,
                    cols=sheet.width,
                    cells=cells,
                    limit=max_cells,
                )
            if total_cells > max_cells:
                raise GridError("too_many_cells_total", cells=total_cells, limit=max_cells)
            rows = [
                [None if cell == "" else cell for cell in row]
                for row in sheet.to_python(skip_empty_area=False)
            ]
            sheets.append((name, rows))
        return sheets
    except calamine.PasswordError:
        raise GridError("encrypted")
    except GridError:
        raise
    except MemoryError:
        raise GridError("memory")
    except (calamine.CalamineError, ValueError, OSError, KeyError, zipfile.BadZipFile):
        raise GridError("corrupt")
    except Exception as exc:  # the XML of a sheet, or anything a reader raises
        if type(exc).__name__ in ("ParseError", "DefusedXmlException", "EntitiesForbidden"):
            raise GridError("corrupt")
        raise


def decode_text(data: bytes) -> str:
    """UTF-8 (Excel adds a BOM) first; otherwise Windows-1252, what Excel on Windows writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t"):
        try:
            reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
            widths = [len(r) for r in reader]
        except csv.Error:
            raise GridError("csv_field_too_long", limit=CSV_FIELD_LIMIT, row=None)
        if not widths:
            continue
        widest = max(widths)
        score = (widest, sum(1 for w in widths if w == widest))
        if score > best_score:
            best, best_score = delimiter, score
    if best_score[0] < 2:
        raise GridError("not_spreadsheet")
    return best


def read_csv(path: str, *, max_rows: int, max_cells: int) -> list[tuple[str, list]]:
    with open(path, "rb") as fh:
        text = decode_text(fh.read())
    delimiter = detect_delimiter(text)
    rows: list[list[Any]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([cell if cell.strip() else None for cell in row])
            cells += len(row)
            if len(rows) > max_rows:
                raise GridError("too_many_rows", n=len(text.splitlines()), limit=max_rows)
            if cells > max_cells:
                raise GridError("too_many_cells_total", cells=cells, limit=max_cells)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise GridError("csv_field_too_long", limit=CSV_FIELD_LIMIT, row=reader.line_num)
        raise GridError("not_spreadsheet")
    name = PurePosixPath(path).stem
    return [(name, rows)]


def read(path: str, fmt: str, *, max_rows: int, max_cells: int) -> list[tuple[str, list]]:
    if fmt == "csv":
        return read_csv(path, max_rows=max_rows, max_cells=max_cells)
    return read_book(path, fmt, max_rows=max_rows, max_cells=max_cells)


def _tagged(value: Any) -> dict:
    """Cell values JSON has no type for, as one-key objects that `untag` turns back."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$seconds": value.total_seconds()}
    raise TypeError(f"cell value of type {type(value).__name__}")


_UNTAG = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$seconds": lambda s: dt.timedelta(seconds=s),
}


def untag(obj: dict) -> Any:
    """`json.loads` object hook: the values `_tagged` wrote, back as date/time objects."""
    if len(obj) == 1:
        ((key, value),) = obj.items()
        if key in _UNTAG:
            return _UNTAG[key](value)
    return obj


def main(argv: list[str]) -> int:
    """Child entry point: `grid.py PATH FORMAT MAX_ROWS MAX_CELLS MEMORY_BYTES`. Caps its
    own address space first, then writes one JSON document to stdout: ["ok", sheets] or
    ["error", code, params] (dates tagged by `_tagged`; JSON, not pickle, so that a child
    subverted by a crafted file cannot make its parent run code)."""
    import resource

    path, fmt, max_rows, max_cells, memory = argv
    if int(memory) > 0:
        resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    try:
        answer: tuple = ("ok", read(path, fmt, max_rows=int(max_rows), max_cells=int(max_cells)))
    except GridError as exc:
        answer = ("error", exc.code, exc.params)
    except MemoryError:
        answer = ("error", "memory", {})
    try:
        payload = json.dumps(answer, default=_tagged).encode()
    except MemoryError:
        payload = json.dumps(["error", "memory", {}]).encode()
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
