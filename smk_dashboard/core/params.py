"""One parser for ids and whole numbers that arrive in a request (query string, form field,
JSON value): ASCII digits only, at most 18 of them, within the database's integer range.

Python's `int()` also reads "1_000", full-width digits ("１２"), Arabic-Indic digits ("٣"),
signs and spaces, and `str.isdigit()` says yes to "²" (which `int()` then refuses): each of
those reached a view as a number, or as a 500. Here anything but plain digits is no number.
"""

from __future__ import annotations

import re

# A database id is a signed 64-bit integer; 18 digits always fit, so no overflow downstream.
MAX_DIGITS = 18
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}", re.ASCII)


def parse_int(value, *, minimum: int = 0, maximum: int = 10**MAX_DIGITS - 1) -> int | None:
    """The whole number written in `value` (ASCII digits only), or None when it is anything
    else or outside [minimum, maximum]. An int passes through the same bounds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A primary key from a request: a positive whole number in ASCII digits, or None."""
    return parse_int(value, minimum=1)


def parse_ids(values) -> list[int] | None:
    """Every value a primary key, or None when one of them is not (the caller refuses the lot
    rather than acting on the part it could read)."""
    ids = [parse_id(v) for v in values]
    return None if any(i is None for i in ids) else ids
