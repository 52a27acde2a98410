"""Spreadsheet import: sniffing and safe reading, header detection, column mapping, value
normalisation and one parser per kind (roster, grades, attendance). No database writes here:
students/importing/ does those."""

from .errors import FileRejected
from .escaping import escape_formula
from .parsing import KINDS, ParsedRow, ParseResult, parse_file
from .sniff import sniff_format

__all__ = [
    "KINDS",
    "FileRejected",
    "ParseResult",
    "ParsedRow",
    "escape_formula",
    "parse_file",
    "sniff_format",
]
