"""Drawing the pack's meeting additions (`meeting.with_meeting_items`): the open referral to
BK, the contacts with the parents and the letters sent, in the room left above the footer.
Lists are cut to what fits ("dan 2 lainnya"); the page never breaks."""

from __future__ import annotations

from fpdf import FPDF

from interventions.contacts.letters import date_id
from smk_dashboard.core.pdf import pdf_text as _t

BOTTOM = 284.0  # the footer line starts at 287
LINE = 4.4


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font("Helvetica", style="B", size=10.5)
    pdf.set_fill_color(235, 242, 238)
    pdf.cell(0, 6, _t(text), fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)


def _lines_needed(pdf: FPDF, text: str, width: float) -> int:
    return max(1, len(pdf.multi_cell(width, LINE, _t(text), dry_run=True, output="LINES")))


def _fits(pdf: FPDF, n_lines: int, reserve: float = 0.0) -> bool:
    return pdf.get_y() + n_lines * LINE + reserve <= BOTTOM


def _items(pdf: FPDF, texts: list[str], *, empty: str) -> None:
    """One entry per text, as many as fit, then "dan N lainnya"."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if not texts:
        if _fits(pdf, 1):
            pdf.multi_cell(0, LINE, _t(empty), new_x="LMARGIN", new_y="NEXT")
        return
    for i, text in enumerate(texts):
        rest = len(texts) - i - 1
        if not _fits(pdf, _lines_needed(pdf, text, width), LINE if rest else 0):
            pdf.set_text_color(120, 120, 120)
            pdf.multi_cell(
                0, LINE, _t(f"... dan {len(texts) - i} lainnya di aplikasi."), new_x="LMARGIN",
                new_y="NEXT",
            )  # fmt: skip
            pdf.set_text_color(0, 0, 0)
            return
        pdf.multi_cell(0, LINE, _t(text), new_x="LMARGIN", new_y="NEXT")


def _contact_text(c: dict) -> str:
    text = f"{date_id(c['date'])} - {c['channel']} dengan {c['person']}"
    if c["follow_up_date"]:
        text += f"; tindak lanjut {date_id(c['follow_up_date'])}"
    return text


def draw_meeting_items(pdf: FPDF, meeting: dict | None) -> None:
    """The referral, contacts and letters, below whatever the pack drew last."""
    if not meeting:
        return
    referral = meeting["referral"]
    if referral is not None and _fits(pdf, 3):
        _heading(pdf, "Rujukan ke BK (menunggu jawaban BK)")
        head = f"Dirujuk {date_id(referral['date'])} oleh {referral['by']}."
        if referral["reason"]:
            _items(pdf, [f"{head} Alasan: {referral['reason']}"], empty="")
        else:
            _items(
                pdf, [f"{head} Alasannya hanya dapat dibaca BK, wali kelas dan perujuk."], empty=""
            )
    contacts, letters = meeting["contacts"], meeting["letters"]
    if contacts is not None and _fits(pdf, 3):
        _heading(pdf, "Kontak dengan orang tua/wali (terbaru dulu)")
        _items(
            pdf, [_contact_text(c) for c in contacts], empty="Belum ada kontak dengan orang tua."
        )
        if contacts and _fits(pdf, 1):
            pdf.set_text_color(120, 120, 120)
            note = "Isi pembicaraan dan surat tidak dicetak: rahasia, dibaca di aplikasi."
            pdf.multi_cell(0, LINE, _t(note), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
    if letters is not None and _fits(pdf, 3):
        _heading(pdf, "Surat kepada orang tua/wali")
        _items(
            pdf,
            [f"{date_id(x['date'])} - {x['kind']}, nomor {x['number']}" for x in letters],
            empty="Belum ada surat.",
        )


def draw_meeting_notes(pdf: FPDF) -> None:
    """The room left on the page becomes a record of the meeting: ruled lines for what was
    agreed and places to sign for the parent or guardian and the teacher."""
    signatures = 22.0
    if pdf.get_y() + 6 + 3 * 7 + signatures > BOTTOM:
        return
    _heading(pdf, "Catatan pertemuan (diisi saat bertemu orang tua/wali)")
    pdf.set_draw_color(190, 190, 190)
    y = pdf.get_y() + 6
    while y + signatures <= BOTTOM:
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        y += 7
    pdf.set_draw_color(0, 0, 0)
    top = y - 2
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font("Helvetica", size=8.5)
    for i, who in enumerate(("Orang tua/wali", "Wali kelas / guru BK")):
        x = pdf.l_margin + i * half
        pdf.set_xy(x, top)
        pdf.cell(half, 4, _t(who), align="C")
        pdf.set_xy(x, top + 15)
        pdf.cell(half, 4, "(" + "." * 40 + ")", align="C")
