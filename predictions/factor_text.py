"""Reasons ("faktor") as the reader's language shows them.

`predictions.ml.explain` stores one Indonesian sentence per factor, built from the student's
values, next to its code. At display time the sentence is translated by the factor's code:
the numbers are read back out of the Indonesian sentence and put into the English pattern.
Rows written before a wording fix are corrected here too ("kelompok penghasilan 0 dari 5"
is an income bracket of "Tidak berpenghasilan")."""

from __future__ import annotations

import re

from django.utils.translation import get_language

_NO_INCOME = re.compile(r"kelompok penghasilan 0 dari 5")

_N = r"(-?[\d.,]+|-)"


def _en_num(text: str) -> str:
    return text.replace(",", ".")


def _socio_en(m: re.Match) -> str:
    bits = []
    for part in (m.group("rest") or "").split(", "):
        if not part:
            continue
        if part == "penerima KIP":
            bits.append("KIP recipient")
        elif part == "orang tua tidak berpenghasilan":
            bits.append("parents without income")
        elif g := re.fullmatch(r"kelompok penghasilan (\S+) dari 5", part):
            bits.append(f"income bracket {g.group(1)} of 5")
        elif g := re.fullmatch(r"jarak rumah (\S+) km", part):
            bits.append(f"home {_en_num(g.group(1))} km away")
        else:
            bits.append(part)
    return "Socio-economic factors" + (": " + ", ".join(bits) if bits else "")


def _term(m: re.Match, group: str = "term") -> str:
    t = m.groupdict().get(group)
    if not t or t == "ini":
        return "this term"
    return "term " + t.replace("Ganjil", "Odd").replace("Genap", "Even")


# (pattern on the Indonesian sentence, English builder); matched in order, whole sentence.
_EN: list[tuple[re.Pattern, object]] = [
    (
        re.compile(rf"Rata-rata (?P<l>kejuruan|umum) (?P<v>turun|naik) {_N} poin \({_N} → {_N}\)"),
        lambda m: (
            f"{'Vocational' if m['l'] == 'kejuruan' else 'General'} average "
            f"{'fell' if m['v'] == 'turun' else 'rose'} {_en_num(m[3])} points "
            f"({_en_num(m[4])} → {_en_num(m[5])})"
        ),
    ),
    (
        re.compile(rf"Rata-rata (?P<l>kejuruan|umum) {_N}(, di bawah KKM {_N})?"),
        lambda m: (
            f"{'Vocational' if m['l'] == 'kejuruan' else 'General'} average {_en_num(m[2])}"
            + (f", below the pass mark (KKM) {_en_num(m[4])}" if m[3] else "")
        ),
    ),
    (
        re.compile(r"Rata-rata (?P<l>kejuruan|umum) belum ada"),
        lambda m: f"No {'vocational' if m['l'] == 'kejuruan' else 'general'} average yet",
    ),
    (
        re.compile(rf"Rata-rata semua mapel {_N}(; {_N} mapel di bawah KKM)?"),
        lambda m: (
            f"Average of all subjects {_en_num(m[1])}"
            + (f"; {m[3]} subjects below the pass mark (KKM)" if m[2] else "")
        ),
    ),
    (
        re.compile(rf"Alpa {_N} hari pada semester (?P<term>.+)"),
        lambda m: f"Absent without notice {m[1]} days in {_term(m)}",
    ),
    (
        re.compile(r"Data kehadiran semester (?P<term>.+) belum ada"),
        lambda m: f"No attendance data for {_term(m)} yet",
    ),
    (
        re.compile(rf"Kehadiran {_N}% \(sakit {_N}, izin {_N} hari\)"),
        lambda m: f"Attendance {_en_num(m[1])}% (sick {m[2]}, excused {m[3]} days)",
    ),
    (
        re.compile(rf"Motivasi {_N} dari 5, keterampilan sosial {_N} dari 5"),
        lambda m: f"Motivation {_en_num(m[1])} of 5, social skills {_en_num(m[2])} of 5",
    ),
    (
        re.compile(r"Penilaian motivasi dan sosial belum ada"),
        lambda m: "No motivation and social skills assessment yet",
    ),
    (re.compile(r"Faktor sosial-ekonomi(: (?P<rest>.*))?"), _socio_en),
    (
        re.compile(rf"Poin pelanggaran {_N} pada semester (?P<term>.+)"),
        lambda m: f"{m[1]} conduct violation points in {_term(m)}",
    ),
    (
        re.compile(r"Tidak ada poin pelanggaran bersih pada semester (?P<term>.+)"),
        lambda m: f"No net conduct violation points in {_term(m)}",
    ),
    (
        re.compile(r"Poin perilaku semester (?P<term>.+) belum dicatat"),
        lambda m: f"No conduct points recorded for {_term(m)} yet",
    ),
    (
        re.compile(
            rf"PKL: kehadiran (?P<rate>{_N}%|-), nilai sikap dari pembimbing {_N}, "
            rf"keterampilan {_N}"
        ),
        lambda m: (
            f"Industry placement (PKL): attendance {_en_num(m['rate'])}, "
            f"mentor's attitude rating {_en_num(m[3])}, skills {_en_num(m[4])}"
        ),
    ),
    (
        re.compile(r"Data PKL semester (?P<term>.+) belum ada"),
        lambda m: f"No industry placement (PKL) data for {_term(m)} yet",
    ),
]


def to_english(text: str) -> str:
    """The English form of a stored Indonesian reason; unknown sentences unchanged."""
    for pattern, build in _EN:
        if m := pattern.fullmatch(text):
            return build(m)
    return text


def display_text(text: str, *, lang: str | None = None) -> str:
    """A stored reason as shown in the current (or given) language."""
    text = _NO_INCOME.sub("orang tua tidak berpenghasilan", text)
    if (lang or get_language() or "id").startswith("en"):
        return to_english(text)
    return text
