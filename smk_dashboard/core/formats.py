"""Numbers, shares and dates as people read them: Indonesian by default ("3,5%",
"1 Desember 2026"), English with the English switch ("3.5%", "1 December 2026").

A chance and a term are written one way everywhere a person reads them (pages, forms, PDF,
CSV/XLSX, e-mail, chart axes): ``risk_label(0.967)`` → "sangat tinggi, > 95%" and
``term_label("2026-1")`` → "Ganjil 2026/2027". Machine outputs (the API, research data) keep
the numbers and codes and add these labels beside them.

Also a template library (registered in settings as ``formats``): ``{{ rate|pct }}``,
``{{ n|share:total }}``, ``{{ day|long_date }}``, ``{{ p.p_kurang|risk_label }}``,
``{{ p.p_sedang|chance }}``, ``{{ code|term_label }}``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from .catalogue import shipped_label
from .categories import RISK_STEP, RiskBand, risk_band
from .stored_text import stored_message

register = template.Library()

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _english(lang: str | None = None) -> bool:
    return (lang or get_language() or "id").startswith("en")


def number(value, digits: int = 1, *, lang: str | None = None) -> str:
    """`value` with `digits` decimals and the language's decimal mark ("3,5" / "3.5")."""
    if value is None:
        return "-"
    text = f"{float(value):.{digits}f}"
    return text if _english(lang) else text.replace(".", ",")


def percent(rate, digits: int = 1, *, lang: str | None = None) -> str:
    """A rate in [0, 1] as a percentage ("3,5%"); "-" for None, "<5"/"*" unchanged."""
    if rate is None or rate == "":
        return "-"
    if isinstance(rate, str):
        return rate
    return f"{number(100 * float(rate), digits, lang=lang)}%"


def share_of(n, total, digits: int = 1, *, lang: str | None = None) -> str:
    """`n` of `total` as a percentage; "" when either is missing, suppressed or total is 0."""
    if not isinstance(n, int | float) or not isinstance(total, int | float) or not total:
        return ""
    return percent(n / total, digits, lang=lang)


def long_date(day, *, lang: str | None = None) -> str:
    """ "1 Desember 2026" (English: "1 December 2026"); a datetime gives its date."""
    if day is None or day == "":
        return "-"
    if isinstance(day, dt.datetime):
        day = day.date()
    months = MONTHS_EN if _english(lang) else MONTHS_ID
    return f"{day.day} {months[day.month - 1]} {day.year}"


def long_datetime(moment, *, lang: str | None = None) -> str:
    """ "1 Desember 2026 pukul 23.15" (English: "1 December 2026 at 23:15"), local time."""
    if moment is None or moment == "":
        return "-"
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    if _english(lang):
        return f"{long_date(moment, lang=lang)} at {moment:%H:%M}"
    return f"{long_date(moment, lang=lang)} pukul {moment:%H.%M}"


def chance(probability) -> str:
    """A model's probability as people read it: rounded to 5%, and never "0%" or "100%"
    (a model is never certain): below 5% is "< 5%", above 95% is "> 95%". "-" for None."""
    if probability is None or probability == "":
        return "-"
    exact = float(probability) * 100
    if exact < RISK_STEP:
        return f"< {RISK_STEP}%"
    if exact > 100 - RISK_STEP:
        return f"> {100 - RISK_STEP}%"
    return f"{round(exact / RISK_STEP) * RISK_STEP}%"


def risk_label(p_kurang) -> str:
    """THE way a chance of "perlu perhatian" is written: the band and the capped figure,
    "sangat tinggi, > 95%" (English "very high, > 95%"). "-" for None."""
    if p_kurang is None or p_kurang == "":
        return "-"
    return f"{RiskBand(risk_band(float(p_kurang))).label}, {chance(p_kurang)}"


def term_label(term) -> str:
    """THE way a term is written for people: '2026-1' → 'Ganjil 2026/2027', '2026-2' →
    'Genap 2026/2027' (English 'Odd semester 2026/2027'). Takes a code or anything with a `code`
    (an AcademicTerm); anything else is returned as it is, None as ""."""
    code = getattr(term, "code", term)
    try:
        year, semester = (int(part) for part in str(code).split("-"))
    except (TypeError, ValueError):
        return "" if code is None else str(code)
    if semester not in (1, 2) or not 1000 <= year <= 9999:
        return str(code)
    # context "term name": English "Odd semester 2026/2027", not a bare "Odd"
    name = pgettext("term name", "Ganjil") if semester == 1 else pgettext("term name", "Genap")
    return f"{name} {year}/{year + 1}"


@register.filter(name="risk_label")
def risk_label_filter(p_kurang) -> str:
    return risk_label(p_kurang)


@register.filter(name="chance")
def chance_filter(probability) -> str:
    return chance(probability)


@register.filter(name="term_label")
def term_label_filter(term) -> str:
    return term_label(term)


@register.filter(name="pct")
def pct_filter(rate, digits: int = 1) -> str:
    return percent(rate, int(digits))


@register.filter(name="share")
def share_filter(n, total) -> str:
    return share_of(n, total)


@register.filter(name="long_date")
def long_date_filter(day) -> str:
    return long_date(day)


@register.filter(name="long_datetime")
def long_datetime_filter(moment) -> str:
    return long_datetime(moment)


@register.filter(name="catalogue")
def catalogue_filter(name) -> str:
    """A catalogue name as read: shipped names translated, a school's own as typed."""
    return shipped_label(name)


@register.filter(name="stored_message")
def stored_message_filter(text) -> str:
    """Text stored in Indonesian (an import's errors) in the reader's language."""
    return stored_message(text)
