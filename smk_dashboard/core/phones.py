"""Indonesian phone numbers, one way: stored as "+62…" (E.164), shown as "0812-3456-7890",
and turned into a WhatsApp click-to-chat link (https://wa.me/62…?text=…).

People write them every way: "0812 3456 7890", "+62 812-3456-7890", "62812...", "(021)
7654321", "812 3456 7890" (Excel dropped the leading zero). Anything that is not a plausible
Indonesian number after that folding is refused with a message a teacher understands."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.utils.translation import gettext as _

# Subscriber part after the country code: 7 to 12 digits (landlines "21 7654321" are 9-10,
# mobiles "812 3456 7890" 9-12), starting with a non-zero area or mobile prefix.
_NATIONAL = re.compile(r"^[1-9]\d{6,11}$")
_ALLOWED = re.compile(r"^[\d\s().\-+/]+$")


def phone_normalize(value: str | None) -> str:
    """ "+62…" for a plausible Indonesian number, "" for blank; ValueError (Indonesian
    message) for anything else. Only ASCII digits count: full-width digits are refused."""
    text = (value or "").strip()
    if not text or text in {"-", "--"}:
        return ""
    if len(text) > 30 or not _ALLOWED.match(text) or not text.isascii():
        raise ValueError(
            _("Nomor telepon “%(value)s” tidak sah: tulis angka saja, mis. 0812-3456-7890.")
            % {"value": text[:30]}
        )
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if plus or digits.startswith("62"):
        if not digits.startswith("62"):
            raise ValueError(_("Nomor “%(value)s” bukan nomor Indonesia (+62).") % {"value": text})
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits  # "812…": the leading zero lost in a spreadsheet
    if national.startswith("0"):
        national = national[1:]  # "+62 0812…" is written often enough
    if not _NATIONAL.match(national):
        raise ValueError(
            _(
                "Nomor telepon “%(value)s” tidak sah: nomor Indonesia punya 9–13 "
                "angka, mis. 0812-3456-7890."
            )
            % {"value": text}
        )
    return f"+62{national}"


# Landline area codes of two digits (Jakarta, Bandung, Semarang, Surabaya, Medan); the rest
# have three ("0274" Yogyakarta).
_SHORT_AREAS = ("21", "22", "24", "31", "61")


def phone_display(stored: str | None) -> str:
    """ "+6281234567890" → "0812-3456-7890" (a mobile in fours), "+62217654321" →
    "021-7654321" (a landline after its area code); "" stays ""."""
    if not stored:
        return ""
    national = stored.removeprefix("+62")
    if national.startswith("8"):
        head, rest = "0" + national[:3], national[3:]
        return "-".join([head, *(rest[i : i + 4] for i in range(0, len(rest), 4))])
    area = 2 if national[:2] in _SHORT_AREAS else 3
    return f"0{national[:area]}-{national[area:]}"


def phone_is_mobile(stored: str | None) -> bool:
    """Indonesian mobile numbers start with 8 after the country code (WhatsApp lives there)."""
    return bool(stored) and stored.startswith("+628")


def whatsapp_link(stored: str, text: str) -> str:
    """The click-to-chat address for a stored number with a prefilled message."""
    return f"https://wa.me/{stored.removeprefix('+')}?text={quote(text, safe='')}"
