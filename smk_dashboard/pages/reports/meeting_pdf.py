"""Drawing the meeting page (`meeting.meeting_sections`) as the first page of the school PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from smk_dashboard.core.pdf import pdf_text

from .meeting import meeting_sections

_LEVEL_COLOURS = {"usable": (25, 135, 84), "careful": (255, 193, 7), "not_yet": (220, 53, 69)}


def meeting_page(pdf: FPDF, summary: dict) -> None:
    """Headed paragraphs, with a coloured bar beside the model verdict's level."""
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    heading = _("Ringkasan untuk rapat dewan guru")
    if summary["term"]:
        heading += f": {summary['term']}"
    pdf.cell(0, 8, pdf_text(heading), new_x="LMARGIN", new_y="NEXT")
    for title, paragraphs in meeting_sections(summary):
        pdf.ln(3)
        top = pdf.get_y()
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(0, 7, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for i, text in enumerate(paragraphs):
            bold = title == _("Bisakah model ini dipercaya?") and text == (
                summary["verdict"] or {}
            ).get("recommendation")
            pdf.set_font("Helvetica", "B" if bold or i == 0 else "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5.2, pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        colour = (13, 110, 253)
        if title == _("Bisakah model ini dipercaya?") and summary["verdict"]:
            colour = _LEVEL_COLOURS.get(summary["verdict"]["level"], colour)
        pdf.set_fill_color(*colour)
        pdf.rect(pdf.l_margin, top + 1, 1.5, pdf.get_y() - top - 2, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        pdf_text(
            _(
                "Rincian per tingkat, kompetensi keahlian, rombel dan semester ada di "
                "halaman berikutnya."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
