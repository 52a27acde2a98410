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


def _cell(value) -> str:
    if isinstance(value, float):
        return _pct(value)
    return "-" if value is None else str(value)


def district_report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of the district report, with the cells as the page shows them:
    "<5" for a small count and "*" for a count hidden beside it (`suppression`)."""
    cats = ["Perlu perhatian", "Sedang", "Baik", "Jumlah"]
    tables = []
    for key, title, label in (
        ("by_grade_level", "Kategori prediksi per tingkat", "Tingkat"),
        ("by_major", "Kategori prediksi per kompetensi keahlian", "Kompetensi keahlian"),
        ("trend", "Tren prediksi per semester", "Semester"),
        ("observed_trend", "Hasil nyata per semester", "Semester"),
    ):
        rows = [
            [r["school"], r["group"], *(_cell(r[c]) for c in [*LABELS, "n"])] for r in report[key]
        ]
        tables.append((title, ["Sekolah", label, *cats], rows))
    tables.append(
        (
            "Kehadiran",
            ["Sekolah", "Semester", "Siswa", "Alpa", "Tidak hadir"],
            [
                [
                    r["group"],
                    r["term"],
                    _cell(r["students"]),
                    _cell(r["alpa_rate"]),
                    _cell(r["absence_rate"]),
                ]
                for r in report["attendance"]
            ],
        )
    )
    tables.append(
        (
            "Cakupan intervensi siswa perlu perhatian",
            ["Sekolah", "Perlu perhatian", "Dengan intervensi", "Cakupan", "Hasil"],
            [
                [
                    r["school"],
                    _cell(r["n_kurang"]),
                    _cell(r["with_intervention"]),
                    _cell(r["coverage"]),
                    ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items())) or "-",
                ]
                for r in report["coverage"]
            ],
        )
    )
    return tables


def tables_pdf(title: str, subtitle: str, tables: list[tuple[str, list[str], list[list]]]) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, pdf_text(subtitle), new_x="LMARGIN", new_y="NEXT")
    for table_title, header, rows in tables:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, pdf_text(table_title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        if not rows:
            pdf.cell(0, 6, "belum tersedia", new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
            table.row([pdf_text(h) for h in header])
            for row in rows:
                table.row([pdf_text(v) for v in row])
    return bytes(pdf.output())


def school_report_pdf(report: dict, *, generated: str) -> bytes:
    return tables_pdf(
        f"Laporan sekolah - {report['school'].name}",
        f"Dibuat {generated}. Angka agregat; tanpa nama siswa.",
        report_tables(report),
    )


def district_report_pdf(report: dict, *, district: str, generated: str) -> bytes:
    return tables_pdf(
        f"Laporan wilayah - {district}" if district else "Laporan wilayah",
        f"Dibuat {generated}. Angka agregat per sekolah; tanpa nama siswa. <5: kurang dari 5 "
        "siswa. *: angka lain yang disembunyikan agar sel kecil tidak dapat dihitung.",
        district_report_tables(report),
    )
