"""XLSX sheet names: whole words within Excel's 31 characters.

A table title that fits is its own sheet name. Longer titles have a name chosen by hand below
(abbreviated deliberately, never cut mid-word); a title without one (a new table) loses its
parenthesis and then whole words from the end until it fits. Names are unique within a
workbook and free of the characters Excel refuses."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

EXCEL_LIMIT = 31
_REFUSED = re.compile(r"[\[\]:*?/\\]")


def _short_names() -> dict[str, str]:
    # Built per call: the keys and values follow the active language.
    return {
        _("Kategori prediksi per kompetensi keahlian"): _("Prediksi per komp. keahlian"),
        _("Hasil nyata per semester (rata-rata rapor)"): _("Hasil nyata per semester"),
        _("Titik rawan kehadiran (rombel x semester, alpa tertinggi)"): _("Titik rawan kehadiran"),
        _("Cakupan intervensi siswa perlu perhatian"): _("Cakupan intervensi"),
    }


def _whole_words(title: str, limit: int = EXCEL_LIMIT) -> str:
    text = _REFUSED.sub(" ", title)
    if len(text) > limit:
        text = re.sub(r"\s*\(.*?\)\s*", " ", text).strip()
    words = text.split()
    while len(" ".join(words)) > limit and len(words) > 1:
        words.pop()
    return " ".join(words)[:limit].strip() or "Sheet"


def sheet_names(titles: list[str]) -> list[str]:
    """One Excel sheet name per table title, in order."""
    chosen = _short_names()
    names: list[str] = []
    for title in titles:
        name = _whole_words(chosen.get(title, title))
        base, n = name, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f" {n}"
            name = _whole_words(base, EXCEL_LIMIT - len(suffix)) + suffix
            n += 1
        names.append(name)
    return names


def named_sheets(tables: list[tuple[str, list, list]]) -> list[tuple[str, list, list]]:
    """`(title, header, rows)` tables with their titles replaced by sheet names."""
    names = sheet_names([t for t, _h, _r in tables])
    return [(name, h, r) for name, (_t, h, r) in zip(names, tables, strict=True)]
