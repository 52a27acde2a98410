"""Reading a sniffed file into plain rows of cell values.

Workbooks (xlsx/xlsm, xls, ods) are read with calamine (Rust): it returns each formula's
cached value and has no formula engine, so nothing is ever evaluated, and it never runs or
even loads a VBA project. CSV is decoded as UTF-8 (with or without BOM) or Windows-1252, with
`;`, `,` or tab as separator, detected from the content.

The read itself runs in a child process with a memory cap (students/importers/grid.py): the
sheets are measured before any grid is built and a file over the cell limit is refused with
the sheet and its size; whatever else a crafted file does, it ends that child, never the
Celery worker that called this."""

from __future__ import annotations

import json
import logging
import subprocess  # nosec B404: runs our own reader (grid.py), never a command from input
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import grid
from .errors import FileRejected
from .sniff import encrypted_error, not_a_spreadsheet

logger = logging.getLogger(__name__)
GRID_SCRIPT = Path(grid.__file__).resolve()
DEFAULT_MAX_CELLS = 3_000_000
DEFAULT_READER_MEMORY = 1024 * 1024 * 1024
DEFAULT_READER_TIMEOUT = 300


@dataclass
class Sheet:
    name: str
    # rows[i] is spreadsheet row i + 1; cells are str, float, int, bool, date, datetime or None
    rows: list[list[Any]] = field(default_factory=list)


def max_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


def read_sheets(path: Path, fmt: str, *, max_rows: int) -> list[Sheet]:
    """All visible sheets of the file (all sheets if every one is hidden)."""
    sheets = [Sheet(name=name, rows=rows) for name, rows in _read_in_child(path, fmt, max_rows)]
    if fmt == "csv" and sheets:
        sheets[0].name = path.stem[:31] or "CSV"
    if not any(any(cell is not None for cell in row) for s in sheets for row in s.rows):
        raise FileRejected(_("File ini kosong: tidak ada satu sel pun yang terisi."), code="empty")
    return sheets


def _read_in_child(path: Path, fmt: str, max_rows: int) -> list[tuple[str, list]]:
    memory = getattr(settings, "IMPORT_READER_MEMORY_BYTES", DEFAULT_READER_MEMORY)
    timeout = getattr(settings, "IMPORT_READER_TIMEOUT", DEFAULT_READER_TIMEOUT)
    command = [sys.executable, str(GRID_SCRIPT), str(path), fmt, str(max_rows)]
    command += [str(max_cells()), str(memory)]
    try:
        # nosec B603: the command is this interpreter and grid.py, with the path as an argument
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # nosec B603
    except subprocess.TimeoutExpired:
        raise FileRejected(
            _("File ini terlalu lama dibaca (lebih dari %(s)s detik). Pecah file per kelas.")
            % {"s": timeout},
            code="too_slow",
        )
    answer = None
    if done.returncode == 0 and done.stdout:
        try:
            answer = json.loads(done.stdout, object_hook=grid.untag)
        except ValueError:
            answer = None
    if answer is None:
        logger.warning(
            "spreadsheet reader child ended with %s: %s",
            done.returncode,
            done.stderr[-2000:].decode("utf-8", "replace"),
        )
        # Killed by a signal (SIGABRT from a failed allocation, SIGKILL): out of memory.
        raise _rejected("memory" if done.returncode < 0 else "corrupt", {})
    if answer[0] == "ok":
        return answer[1]
    raise _rejected(answer[1], answer[2])


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _rejected(code: str, params: dict) -> FileRejected:
    if code == "encrypted":
        return encrypted_error()
    if code == "not_spreadsheet":
        return not_a_spreadsheet()
    if code == "too_many_rows":
        return _too_many_rows(params["n"], params["limit"])
    if code == "too_many_cells":
        return FileRejected(
            _(
                "File terlalu besar: lembar %(sheet)s berisi %(cells)s sel (%(rows)s baris × "
                "%(cols)s kolom, dihitung dari A1 sampai sel terisi yang paling jauh), melebihi "
                "batas %(limit)s sel. Hapus isi sel di luar tabel atau pecah file per kelas."
            )
            % {
                "sheet": params["sheet"],
                "cells": _number(params["cells"]),
                "rows": _number(params["rows"]),
                "cols": _number(params["cols"]),
                "limit": _number(params["limit"]),
            },
            code="too_many_cells",
        )
    if code == "too_many_cells_total":
        return FileRejected(
            _(
                "File terlalu besar: semua lembarnya berisi %(cells)s sel, melebihi batas "
                "%(limit)s sel. Pecah file per kelas."
            )
            % {"cells": _number(params["cells"]), "limit": _number(params["limit"])},
            code="too_many_cells",
        )
    if code == "memory":
        return FileRejected(
            _(
                "File terlalu besar untuk dibaca: membukanya memerlukan lebih dari %(mb)s MB "
                "memori. Hapus isi sel di luar tabel atau pecah file per kelas."
            )
            % {
                "mb": getattr(settings, "IMPORT_READER_MEMORY_BYTES", DEFAULT_READER_MEMORY)
                // (1024 * 1024)
            },
            code="too_much_memory",
        )
    if code == "csv_field_too_long":
        message = _(
            "Ada sel yang terlalu panjang (lebih dari %(limit)s karakter): biasanya tanda "
            'kutip (") yang tidak ditutup. Periksa file CSV-nya lalu unggah lagi.'
        ) % {"limit": _number(params["limit"])}
        if params.get("row"):
            message = _("Baris %(row)s: ") % {"row": params["row"]} + message
        return FileRejected(message, code="csv_field_too_long")
    return FileRejected(
        _("File rusak atau tidak lengkap dan tidak bisa dibuka. Simpan ulang lalu unggah."),
        code="corrupt",
    )


def _too_many_rows(count: int, limit: int) -> FileRejected:
    return FileRejected(
        _("File berisi %(n)s baris, melebihi batas %(limit)s baris. Pecah file per kelas.")
        % {"n": _number(count), "limit": _number(limit)},
        code="too_many_rows",
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (Excel adds a BOM) first; otherwise Windows-1252, what Excel on Windows writes."""
    return grid.decode_text(data)


def detect_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same, largest number of fields."""
    try:
        return grid.detect_delimiter(text)
    except grid.GridError as exc:
        raise _rejected(exc.code, exc.params)
