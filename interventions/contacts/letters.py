"""Letters to parents: the default wording, the placeholders a template may use, numbering,
the date in Indonesian, and the A4 PDF (fpdf2, built-in fonts)."""

import datetime as dt
import re
import string

from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

from interventions.conduct.models import LetterKind
from smk_dashboard.core.pdf import pdf_text as _t

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# What a template may write in braces, and where the value comes from.
PLACEHOLDERS = {
    "nama": _("nama siswa"),
    "nisn": "NISN",
    "kelas": _("rombel"),
    "sekolah": _("nama sekolah"),
    "wali_kelas": _("nama wali kelas"),
    "total_poin": _("total poin saat ini"),
    "tanggal": _("tanggal surat"),
}

DEFAULTS = {
    LetterKind.SUMMONS: (
        "Panggilan orang tua/wali siswa",
        "Dengan hormat,\n\nBersama surat ini kami mengharap kehadiran Bapak/Ibu orang tua/wali "
        "dari siswa:\n\nNama: {nama}\nNISN: {nisn}\nKelas: {kelas}\n\nuntuk bertemu dengan guru "
        "BK dan wali kelas di sekolah, guna membicarakan perkembangan putra/putri Bapak/Ibu. "
        "Saat ini total poin pelanggaran siswa adalah {total_poin}.\n\nHari/tanggal: ..........\n"
        "Waktu: ..........\nTempat: Ruang BK {sekolah}\n\nAtas perhatian dan kehadiran "
        "Bapak/Ibu kami ucapkan terima kasih.",
    ),
    LetterKind.NOTICE: (
        "Pemberitahuan perkembangan siswa",
        "Dengan hormat,\n\nBersama surat ini kami memberitahukan kepada Bapak/Ibu orang tua/wali "
        "dari siswa:\n\nNama: {nama}\nNISN: {nisn}\nKelas: {kelas}\n\nbahwa sekolah akan "
        "mengadakan konferensi kasus untuk membahas langkah bersama bagi putra/putri Bapak/Ibu. "
        "Kami mengharapkan kerja sama Bapak/Ibu.\n\nAtas perhatian Bapak/Ibu kami ucapkan "
        "terima kasih.",
    ),
    LetterKind.REFERRAL: (
        "Rujukan layanan",
        "Dengan hormat,\n\nBersama surat ini kami merujuk siswa kami:\n\nNama: {nama}\n"
        "NISN: {nisn}\nKelas: {kelas}\n\nuntuk mendapatkan layanan lebih lanjut. Keterangan "
        "yang diperlukan dapat diperoleh dari guru BK {sekolah}.\n\nAtas kerja sama Bapak/Ibu "
        "kami ucapkan terima kasih.",
    ),
}
SIGNER_TITLE = "Kepala Sekolah"


def date_id(day: dt.date) -> str:
    """1 Desember 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def letter_number(*, sequence: int, npsn: str, day: dt.date) -> str:
    """005/BK/20100001/XII/2026: the school's running number in the year."""
    return f"{sequence:03d}/BK/{npsn}/{ROMAN[day.month - 1]}/{day.year}"


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that PLACEHOLDERS does not know (a template may not use them)."""
    try:
        names = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:
        return ["{"]
    return sorted(names - set(PLACEHOLDERS))


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict) -> str:
    """`text` with its placeholders filled; an unknown one is left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(_Values(values)[m.group(1)]), text)


def letter_pdf(letter) -> bytes:
    """The letter on one A4 page: letterhead, number and subject, body, place and date,
    signature block."""
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(_t(f"{letter.get_kind_display()} {letter.number}"))
    pdf.add_page()
    head = [line.strip() for line in letter.letterhead.splitlines() if line.strip()]
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 7, _t(head[0] if head else ""), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in head[1:]:
        pdf.cell(0, 5, _t(line), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 2
    pdf.set_line_width(0.8)
    pdf.line(22, y, 188, y)
    pdf.set_line_width(0.2)
    pdf.line(22, y + 1.2, 188, y + 1.2)
    pdf.set_y(y + 6)
    pdf.set_font("Helvetica", size=11)
    for label, value in (
        ("Nomor", letter.number),
        ("Lampiran", "-"),
        ("Perihal", letter.subject),
    ):
        pdf.cell(25, 6, _t(label))
        pdf.cell(0, 6, _t(f": {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, _t("Kepada Yth.\nBapak/Ibu orang tua/wali siswa\ndi tempat"))
    pdf.ln(4)
    pdf.multi_cell(0, 6, _t(letter.body), align="J")
    pdf.ln(8)
    city = letter.school.city or ""
    x = 120
    pdf.set_x(x)
    pdf.cell(
        0, 6, _t(f"{city}, {date_id(letter.date)}".lstrip(", ")), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_x(x)
    pdf.cell(0, 6, _t(letter.signer_title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_x(x)
    pdf.set_font("Helvetica", style="BU", size=11)
    pdf.cell(0, 6, _t(letter.signer_name or "...................................."))
    return bytes(pdf.output())
