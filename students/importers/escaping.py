"""Formula-injection guard for every export (CSV, xlsx) that writes user-supplied text.

A cell whose text starts with = + - @ (or a tab / carriage return) is run as a formula by
Excel, LibreOffice and Google Sheets when the file is opened. Imported text is stored as
text; when it leaves the system again it is prefixed with an apostrophe, which spreadsheet
programs show as text and never evaluate (OWASP "CSV injection")."""

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Return `value` safe to write into a spreadsheet cell: text that a spreadsheet would
    read as a formula gets a leading apostrophe; numbers, dates and other text pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # A negative number written as text ("-5") is data, not a formula; keep it readable.
        try:
            float(value.replace(",", "."))
        except ValueError:
            return "'" + value
    return value
