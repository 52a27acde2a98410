"""The school report as PDF (fpdf2, pure Python): the same tables as the page, no charts."""

from __future__ import annotations

from fpdf import FPDF

from .metrics import LABELS


def _latin1(text) -> str:
    # The PDF core fonts speak Latin-1; dashes and quotes outside it are replaced.
    text = "" if text is None else str(text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


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
        0, 8, _latin1(f"Laporan sekolah - {report['school'].name}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        6,
        _latin1(f"Dibuat {generated}. Angka agregat; tanpa nama siswa."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for title, header, rows in report_tables(report):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        if not rows:
            pdf.cell(0, 6, "belum tersedia", new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
            table.row([_latin1(h) for h in header])
            for row in rows:
                table.row([_latin1(v) for v in row])
    return bytes(pdf.output())
