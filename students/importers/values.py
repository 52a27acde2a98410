"""Turning one spreadsheet cell into one clean value. Every parser raises `ValueError` with an
Indonesian message that ends up, unchanged, in the row's error list."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

EXCEL_EPOCH = dt.date(1899, 12, 30)  # the 1900 date system, including Lotus' leap-year bug
MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_NAMES = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?e\+?\d+$", re.IGNORECASE)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    """Text as typed: numbers without a spurious `.0`, spaces collapsed, Excel's leading
    apostrophe (its "store as text" marker) dropped. Text starting with = + - @ stays text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _SPACES.sub(" ", str(value)).strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


def normalize_key(value: Any) -> str:
    """Key for comparing headers and names: lower case, punctuation and spaces folded."""
    return _NON_ALNUM.sub(" ", clean_text(value).lower()).strip()


def parse_nisn(value: Any) -> str:
    """A 10-digit NISN. Excel keeps a NISN typed into a number cell as a number and drops its
    leading zeros (0081234567 -> 81234567): they are restored. Anything else is an error."""
    if isinstance(value, float):
        if math.isnan(value) or not value.is_integer() or value < 0:
            raise ValueError(_("NISN tidak valid: %(v)s (harus 10 digit angka).") % {"v": value})
        value = int(value)
    text = clean_text(value).replace(" ", "").replace(".", "").replace("-", "")
    if not text:
        raise ValueError(_("NISN kosong."))
    if _SCIENTIFIC.match(clean_text(value)):
        raise ValueError(
            _(
                "NISN tertulis dalam format ilmiah (%(v)s) sehingga digitnya hilang: "
                "format kolom NISN sebagai Teks lalu ketik ulang."
            )
            % {"v": clean_text(value)}
        )
    if not text.isdigit() or len(text) > 10 or int(text) == 0:
        raise ValueError(_("NISN tidak valid: %(v)s (harus 10 digit angka).") % {"v": text})
    return text.zfill(10)


def parse_nis(value: Any) -> str:
    text = clean_text(value).replace(" ", "")
    if len(text) > 20:
        raise ValueError(_("NIS terlalu panjang: %(v)s (maksimal 20 karakter).") % {"v": text})
    return text


GENDERS = {
    "l": "L", "lk": "L", "laki laki": "L", "laki": "L", "pria": "L", "putra": "L", "male": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "putri": "P", "female": "P",
}  # fmt: skip


def parse_gender(value: Any) -> str:
    key = normalize_key(value)
    if key in GENDERS:
        return GENDERS[key]
    raise ValueError(
        _("Jenis kelamin tidak dikenali: %(v)s (pakai L atau P).") % {"v": clean_text(value)}
    )


GRADE_LEVELS = {"x": 10, "10": 10, "xi": 11, "11": 11, "xii": 12, "12": 12, "xiii": 13, "13": 13}


def parse_grade_level(value: Any) -> int:
    """Tingkat: X / XI / XII (or 10 / 11 / 12, "Kelas X")."""
    key = normalize_key(value).removeprefix("kelas ").removeprefix("tingkat ")
    if key in GRADE_LEVELS:
        return min(GRADE_LEVELS[key], 12)
    raise ValueError(_("Tingkat %(v)s tidak dikenali (pakai X, XI atau XII).") % {"v": value})


def excel_serial_to_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValueError(_("Tanggal tidak dikenali: %(v)s.") % {"v": serial})
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T].*)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$")


def parse_date(value: Any) -> dt.date:
    """Dates as e-Rapor, Dapodik and people write them: real date cells, Excel serial numbers,
    dd/mm/yyyy (also with - or .), yyyy-mm-dd and "17 Mei 2008"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(float(value))
    text = clean_text(value)
    try:
        if m := _DMY.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YMD.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _D_MONTH_Y.match(text.lower())) and m[2] in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
        if text.isdigit() and len(text) == 5:
            return excel_serial_to_date(float(text))
    except ValueError:
        pass
    raise ValueError(_("Tanggal tidak dikenali: %(v)s (pakai dd/mm/yyyy).") % {"v": text})


TWO_PLACES = Decimal("0.01")


def parse_score(value: Any) -> Decimal | None:
    """A score 0–100 with at most two decimals; a blank cell is "not graded" (None), not 0."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Nilai %(v)s bukan angka.") % {"v": clean_text(value)})
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_("Nilai %(v)s bukan angka.") % {"v": value})
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = clean_text(value).replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # Indonesian decimal comma: 85,5
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Nilai %(v)s bukan angka.") % {"v": clean_text(value)})
        if not number.is_finite():
            raise ValueError(_("Nilai %(v)s bukan angka.") % {"v": clean_text(value)})
    if number < 0 or number > 100:
        raise ValueError(
            _("Nilai %(v)s di luar rentang 0–100.") % {"v": clean_text(value) or number}
        )
    return number.quantize(TWO_PLACES)


def parse_count(value: Any) -> int:
    """A number of days (sakit, izin, alpa): blank is 0, otherwise a whole number 0–366."""
    if is_blank(value) or clean_text(value) == "-":
        return 0
    text = clean_text(value)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(_("Jumlah hari %(v)s bukan angka.") % {"v": text})
    if not number.is_integer() or not 0 <= number <= 366:
        raise ValueError(_("Jumlah hari %(v)s harus bilangan bulat 0–366.") % {"v": text})
    return int(number)


ATTENDANCE_CODES = {
    "h": "H", "hadir": "H",
    "s": "S", "sakit": "S",
    "i": "I", "izin": "I", "ijin": "I",
    "a": "A", "alpa": "A", "alpha": "A", "alfa": "A", "tanpa keterangan": "A",
}  # fmt: skip


FAST_CODES = {"H": "H", "S": "S", "I": "I", "A": "A", "h": "H", "s": "S", "i": "I", "a": "A"}


def parse_attendance_code(value: Any) -> str | None:
    """H/S/I/A (any case, or the full word); a blank cell or a dash means not recorded."""
    if isinstance(value, str) and value in FAST_CODES:
        return FAST_CODES[value]  # the million-cell path: no normalising needed
    if is_blank(value) or clean_text(value) == "-":
        return None
    key = normalize_key(value)
    if key in ATTENDANCE_CODES:
        return ATTENDANCE_CODES[key]
    raise ValueError(
        _("Kode presensi %(v)s tidak dikenal (pakai H, S, I atau A).") % {"v": clean_text(value)}
    )


TRUE_WORDS = {"ya", "y", "1", "true", "benar", "penerima", "iya", "kip", "pip", "yes"}
FALSE_WORDS = {"tidak", "t", "0", "false", "bukan", "no", "n", "", "tidak menerima"}


def parse_bool(value: Any) -> bool:
    key = normalize_key(value)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(_("Isian %(v)s tidak dikenali (pakai Ya atau Tidak).") % {"v": value})


_DISTANCE = re.compile(r"(\d+(?:[.,]\d+)?)")


def parse_distance(value: Any) -> str:
    """Distance to school in km, stored as text with one decimal ("2.5"). Dapodik's
    "Kurang dari 1 km" becomes 0.5; "Lebih dari 1 km" becomes 1.0."""
    text = clean_text(value).lower()
    match = _DISTANCE.search(text)
    if not match:
        raise ValueError(_("Jarak %(v)s bukan angka (km).") % {"v": clean_text(value)})
    km = float(match[1].replace(",", "."))
    if "kurang" in text:
        km = km / 2
    if km < 0 or km > 1000:
        raise ValueError(_("Jarak %(v)s tidak masuk akal.") % {"v": clean_text(value)})
    return f"{km:.1f}"


EDUCATION_WORDS = [
    # (words, Education label) — labels as students.models.Education prints them
    (("tidak sekolah", "tidak tamat sd", "tidak pernah sekolah", "putus sd"), "Tidak sekolah"),
    (("s2", "s3", "magister", "doktor"), "S2/S3"),
    (("s1", "d4", "sarjana"), "D4/S1"),
    (("d1", "d2", "d3", "diploma"), "D1–D3"),
    (("sma", "smk", "slta", "ma", "smu", "paket c", "stm"), "SMA/SMK"),
    (("smp", "sltp", "mts", "paket b"), "SMP"),
    (("sd", "mi", "paket a", "sederajat"), "SD"),
]


def parse_education(value: Any) -> str:
    """Parents' education folded onto the categories the dashboard uses; unknown text is kept
    as typed so nothing is lost."""
    key = normalize_key(value)
    tokens = set(key.split())
    for words, label in EDUCATION_WORDS:
        for word in words:
            if (" " in word and word in key) or word in tokens:
                return label
    return clean_text(value)


INCOME_LABELS = [
    "Tidak berpenghasilan",
    "Kurang dari Rp 500.000",
    "Rp 500.000 – Rp 999.999",
    "Rp 1.000.000 – Rp 1.999.999",
    "Rp 2.000.000 – Rp 4.999.999",
    "Rp 5.000.000 atau lebih",
]
_MONEY = re.compile(r"\d[\d.,]*")


def parse_income(value: Any) -> str:
    """Dapodik income brackets ("Rp. 1,000,000 - Rp. 1,999,999", "Kurang dari Rp. 500,000",
    "Tidak Berpenghasilan") or a plain amount, folded onto the IncomeBracket labels."""
    text = clean_text(value).lower()
    if "tidak" in text:
        return INCOME_LABELS[0]
    match = _MONEY.search(text)
    if not match:
        return clean_text(value)
    amount = int(re.sub(r"[.,]", "", match[0]) or 0)
    if "kurang" in text or amount < 500_000:
        return INCOME_LABELS[1]
    for limit, label in ((1_000_000, 2), (2_000_000, 3), (5_000_000, 4)):
        if amount < limit:
            return INCOME_LABELS[label]
    return INCOME_LABELS[5]


_TERM_CODE = re.compile(r"^(\d{4})-([12])$")
_YEAR_PAIR = re.compile(r"(\d{4})\s*[/\-]\s*(\d{4})")
_SEMESTER_WORD = re.compile(r"\b(ganjil|genap|gasal)\b")
_SEMESTER_NUMBER = re.compile(r"\bsemester\s*:?\s*([12])\b")


_MONTH_AND_YEAR = re.compile(r"\b([a-z]{3,9})\s+(\d{4})\b")


def parse_term(value: Any, *, default_year: int | None = None) -> str:
    """A term code YYYY-S from "2024-1", "Ganjil 2024/2025", "2024/2025 Ganjil",
    "Semester 2 2024/2025", a month ("Juli 2024" = ganjil 2024/2025, "Januari 2025" = genap
    2024/2025) or, with a known school year, a bare "1"/"Ganjil"."""
    text = clean_text(value).lower()
    if m := _TERM_CODE.match(text):
        return text
    semester = None
    if m := _SEMESTER_WORD.search(text):
        semester = 2 if m[1] == "genap" else 1
    elif m := _SEMESTER_NUMBER.search(text):
        semester = int(m[1])
    elif text in ("1", "2"):
        semester = int(text)
    year = None
    if m := _YEAR_PAIR.search(text):
        if int(m[2]) != int(m[1]) + 1:
            raise ValueError(_("Tahun pelajaran %(v)s tidak valid.") % {"v": m[0]})
        year = int(m[1])
    if semester is None and (m := _MONTH_AND_YEAR.search(text)) and m[1] in MONTHS:
        return term_of_date(dt.date(int(m[2]), MONTHS[m[1]], 1))
    year = year or default_year
    if semester is None or year is None:
        raise ValueError(
            _("Semester %(v)s tidak dikenali (pakai mis. 2024-1 atau Ganjil 2024/2025).")
            % {"v": clean_text(value)}
        )
    return f"{year}-{semester}"


def school_year_of(text: str) -> int | None:
    """The first year of a school year written "2025/2026" or "2025-2026", else None."""
    m = _YEAR_PAIR.search(clean_text(text))
    if m and int(m[2]) == int(m[1]) + 1:
        return int(m[1])
    return None


def semester_of_months(months: set[int]) -> int | None:
    """Juli–Desember is the ganjil semester (1), Januari–Juni the genap one (2)."""
    if months and all(m >= 7 for m in months):
        return 1
    if months and all(m <= 6 for m in months):
        return 2
    return None


def term_of_date(day: dt.date) -> str:
    """The semester a school day belongs to: July–December ganjil, January–June genap."""
    if day.month >= 7:
        return f"{day.year}-1"
    return f"{day.year - 1}-2"
