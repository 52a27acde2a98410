"""The school report as PDF (fpdf2, pure Python): the same tables as the page, no charts."""

from __future__ import annotations

from fpdf import FPDF

from smk_dashboard.core.categories import LABELS
from smk_dashboard.core.pdf import pdf_text


def _pct(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table in the school report: PDF and XLSX share them."""
    head = ["Kelompok", "Perlu perhatian", "Sedang", "Baik", "Jumlah"]
    tables = []
    for key, title in (
        ("by_grade_level", "Kategori prediksi per tingkat"),
        ("by_major", "Kategori prediksi per kompetensi keahlian"),
        ("by_class", "Kategori prediksi per rombel"),
    ):
        tables.append(
            (title, head, [[r["group"], *(r[c] for c in LABELS), r["n"]] for r in report[key]])
        )
    term_head = ["Semester", "Perlu perhatian", "Sedang", "Baik", "Jumlah"]
    tables.append(
        (
            "Tren prediksi per semester",
            term_head,
            [[r["term"], *(r[c] for c in LABELS), r["n"]] for r in report["trend"]],
        )
    )
    tables.append(
        (
            "Hasil nyata per semester (rata-rata rapor)",
            term_head,
            [[r["term"], *(r[c] for c in LABELS), r["n"]] for r in report["observed_trend"]],
        )
    )
    hot = sorted(
        (r for r in report["attendance"] if r["alpa_rate"] is not None),
        key=lambda r: (r["term"], r["alpa_rate"]),
        reverse=True,
    )
    tables.append(
        (
            "Titik rawan kehadiran (rombel x semester, alpa tertinggi)",
            ["Rombel", "Semester", "Siswa", "Alpa", "Tidak hadir"],
            [
                [
                    r["group"],
                    r["term"],
                    r["students"],
                    _pct(r["alpa_rate"]),
                    _pct(r["absence_rate"]),
                ]
                for r in hot[:30]
            ],
        )
    )
    cov = report["coverage"]
    tables.append(
        (
            "Cakupan intervensi siswa perlu perhatian",
            ["Perlu perhatian", "Dengan intervensi", "Cakupan", "Hasil"],
            [
                [
                    cov["n_kurang"],
                    cov["with_intervention"],
                    _pct(cov["coverage"]),
                    ", ".join(f"{k}: {v}" for k, v in sorted(cov["outcomes"].items())) or "-",
                ]
            ],
        )
    )
    return tables


def school_report_pdf(report: dict, *, generated: str) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0, 8, pdf_text(f"Laporan sekolah - {report['school'].name}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        6,
        pdf_text(f"Dibuat {generated}. Angka agregat; tanpa nama siswa."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for title, header, rows in report_tables(report):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        if not rows:
            pdf.cell(0, 6, "belum tersedia", new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
            table.row([pdf_text(h) for h in header])
            for row in rows:
                table.row([pdf_text(v) for v in row])
    return bytes(pdf.output())
