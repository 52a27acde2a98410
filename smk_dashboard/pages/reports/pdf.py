"""The school and district reports as PDF (fpdf2, pure Python) and their tables for XLSX.

A PDF carries a letterhead (the school's name), a summary paragraph, the charts as simple
bars drawn with fpdf2's own rectangles (no image library), the tables with percentages beside
the counts, Indonesian dates and, for a school, a signature block for the kepala sekolah.
Texts follow the active language (English with the English switch)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from fpdf import FPDF

from interventions.cases.matching import HEADLINE_MIN
from smk_dashboard.core.categories import LABELS, category_label
from smk_dashboard.core.formats import long_date, percent, share_of, term_label
from smk_dashboard.core.pdf import pdf_text
from students.exports import Percent

from .meeting_pdf import meeting_page

# category colours of the charts on the pages (RGB)
_COLOURS = {"kurang": (220, 53, 69), "sedang": (255, 193, 7), "baik": (25, 135, 84)}


def _rate(numerator, denominator) -> Percent | None:
    ok = isinstance(numerator, int) and isinstance(denominator, int) and denominator
    return Percent(numerator / denominator) if ok else None


def _cell(value) -> str:
    """A table cell as the PDF prints it: rates as "3,5%", suppression marks as they are."""
    if isinstance(value, float):
        return percent(value)
    return "-" if value is None else str(value)


def _with_share(n, total) -> str:
    s = share_of(n, total)
    return f"{_cell(n)} ({s})" if s else _cell(n)


def _category_head(label: str) -> list[str]:
    return [label, *(category_label(c) for c in LABELS), _("Jumlah")]


def _category_table(
    title: str, label: str, rows: list[dict], key: str, *, pdf: bool, school=False, terms=False
):
    """Counts per category; XLSX adds a share column per category (numbers formatted as %),
    the PDF prints the share beside each count. `terms`: the groups are terms, written
    "Ganjil 2026/2027"."""
    lead = [_("Sekolah")] if school else []
    head = lead + _category_head(label)
    out = []
    for r in rows:
        first = ([r["school"]] if school else []) + [term_label(r[key]) if terms else r[key]]
        if pdf:
            out.append([*first, *(_with_share(r[c], r["n"]) for c in LABELS), _cell(r["n"])])
        else:
            out.append(
                [*first, *(r[c] for c in LABELS), r["n"], *(_rate(r[c], r["n"]) for c in LABELS)]
            )
    if not pdf:
        head = head + [f"% {category_label(c)}" for c in LABELS]
    return (title, head, out)


def report_tables(report: dict, *, pdf: bool = False) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table in the school report: PDF and XLSX share them."""
    tables = []
    indicators = report.get("indicators")
    if indicators:  # no model yet (issue 26): counts of students per indicator, no probability
        rows = [[r["label"], r["students"]] for r in indicators["by_indicator"]]
        rows.append([_("Ditandai (satu indikator atau lebih)"), indicators["flagged"]])
        tables.append(
            (_("Tanda berdasarkan indikator, belum model"), [_("Indikator"), _("Siswa")], rows)
        )
    tables += [
        _category_table(
            _("Kategori prediksi per tingkat"),
            _("Tingkat"),
            report["by_grade_level"],
            "group",
            pdf=pdf,
        ),
        _category_table(
            _("Kategori prediksi per kompetensi keahlian"),
            _("Kompetensi keahlian"),
            report["by_major"],
            "group",
            pdf=pdf,
        ),
        _category_table(
            _("Kategori prediksi per rombel"), _("Rombel"), report["by_class"], "group", pdf=pdf
        ),
        _category_table(
            _("Tren prediksi per semester"),
            _("Semester"),
            report["trend"],
            "term",
            pdf=pdf,
            terms=True,
        ),
        _category_table(
            _("Hasil nyata per semester (rata-rata rapor)"),
            _("Semester"),
            report["observed_trend"],
            "term",
            pdf=pdf,
            terms=True,
        ),
    ]
    hot = sorted(
        (r for r in report["attendance"] if r["alpa_rate"] is not None),
        key=lambda r: (r["term"], r["alpa_rate"]),
        reverse=True,
    )
    fmt = _cell if pdf else (lambda v: v if v is None else Percent(v))
    tables.append(
        (
            _("Titik rawan kehadiran (rombel x semester, alpa tertinggi)"),
            [_("Rombel"), _("Semester"), _("Siswa"), _("Alpa"), _("Tidak hadir")],
            [
                [
                    r["group"],
                    term_label(r["term"]),
                    r["students"],
                    fmt(r["alpa_rate"]),
                    fmt(r["absence_rate"]),
                ]
                for r in hot[:30]
            ],
        )
    )
    cov = report["coverage"]
    tables.append(
        (
            _("Cakupan intervensi siswa perlu perhatian"),
            [_("Perlu perhatian"), _("Dengan intervensi"), _("Cakupan"), _("Hasil")],
            [
                [
                    cov["n_kurang"],
                    cov["with_intervention"],
                    fmt(cov["coverage"]),
                    ", ".join(f"{k}: {v}" for k, v in sorted(cov["outcomes"].items())) or "-",
                ]
            ],
        )
    )
    return tables


def district_report_tables(
    report: dict, *, pdf: bool = False
) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of the district report, with the cells as the page shows them:
    "*" for a hidden count, small or hidden beside a small one (`suppression`, one mark); a
    share is given only where both its count and the total are shown."""
    tables = [
        _category_table(
            title, label, report[key], "group", pdf=pdf, school=True, terms=key.endswith("trend")
        )
        for key, title, label in (
            ("by_grade_level", _("Kategori prediksi per tingkat"), _("Tingkat")),
            ("by_major", _("Kategori prediksi per kompetensi keahlian"), _("Kompetensi keahlian")),
            ("trend", _("Tren prediksi per semester"), _("Semester")),
            ("observed_trend", _("Hasil nyata per semester"), _("Semester")),
        )
    ]
    fmt = _cell if pdf else (lambda v: Percent(v) if isinstance(v, float) else v)
    tables.append(
        (
            _("Kehadiran"),
            [_("Sekolah"), _("Semester"), _("Siswa"), _("Alpa"), _("Tidak hadir")],
            [
                [
                    r["group"],
                    term_label(r["term"]),
                    r["students"],
                    fmt(r["alpa_rate"]),
                    fmt(r["absence_rate"]),
                ]
                for r in report["attendance"]
            ],
        )
    )
    tables.append(
        (
            _("Cakupan intervensi siswa perlu perhatian"),
            [_("Sekolah"), _("Perlu perhatian"), _("Dengan intervensi"), _("Cakupan"), _("Hasil")],
            [
                [
                    r["school"],
                    r["n_kurang"],
                    r["with_intervention"],
                    fmt(r["coverage"]),
                    ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items())) or "-",
                ]
                for r in report["coverage"]
            ],
        )
    )
    return tables


# --- drawing --------------------------------------------------------------------------------


def _letterhead(pdf: FPDF, name: str, lines: list[str]) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, pdf_text(name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in lines:
        if line:
            pdf.cell(0, 5, pdf_text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1, pdf.w - pdf.r_margin, y + 1)
    pdf.set_y(y + 4)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")


def category_bars(pdf: FPDF, title: str, rows: list[dict], key: str) -> int:
    """One horizontal bar per group, split by the share of each category, with the share of
    "perlu perhatian" printed after it. Rows whose counts are suppressed are skipped.
    Returns the number of bars drawn."""
    rows = [r for r in rows if all(isinstance(r[c], int) for c in [*LABELS, "n"]) and r["n"]]
    if not rows:
        return 0
    height = 5.0
    if pdf.get_y() + 14 + height * len(rows) > pdf.h - pdf.b_margin:
        pdf.add_page()
    _heading(pdf, title)
    label_w, bar_w = 45.0, 110.0
    x0 = pdf.l_margin
    # legend
    pdf.set_font("Helvetica", "", 8)
    x = x0 + label_w
    for c in LABELS:
        pdf.set_fill_color(*_COLOURS[c])
        pdf.rect(x, pdf.get_y() + 1, 3, 3, style="F")
        text = pdf_text(category_label(c))
        pdf.set_xy(x + 4, pdf.get_y())
        pdf.cell(pdf.get_string_width(text) + 2, 5, text)
        x += pdf.get_string_width(text) + 10
    pdf.ln(6)
    for r in rows:
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()  # a long list goes on, one bar per line (not one page per bar)
        y = pdf.get_y()
        pdf.set_xy(x0, y)
        label = pdf_text(term_label(r[key]) if key == "term" else r[key])
        while pdf.get_string_width(label) > label_w - 2 and len(label) > 4:
            label = label[:-2] + "."
        pdf.cell(label_w, height, label)
        x = x0 + label_w
        for c in LABELS:
            w = bar_w * r[c] / r["n"]
            if w > 0:
                pdf.set_fill_color(*_COLOURS[c])
                pdf.rect(x, y + 0.6, w, height - 1.2, style="F")
            x += w
        pdf.set_xy(x0 + label_w + bar_w + 2, y)
        pdf.cell(0, height, pdf_text(f"{r['kurang']} ({share_of(r['kurang'], r['n'])})"))
        pdf.set_y(y + height)
    pdf.set_fill_color(255, 255, 255)  # tables after the bars are not filled with a bar colour
    return len(rows)


def _tables(
    pdf: FPDF, tables: list[tuple[str, list[str], list[list]]], *, unbreakable: bool = False
) -> None:
    pdf.set_fill_color(255, 255, 255)
    for table_title, header, rows in tables:
        # (inside `unbreakable()` fpdf2 moves the whole block to the next page itself)
        if not unbreakable and pdf.get_y() + 25 > pdf.h - pdf.b_margin:
            pdf.add_page()  # no table title alone at the foot of a page
        _heading(pdf, table_title)
        pdf.set_font("Helvetica", "", 8)
        if not rows:
            pdf.cell(0, 6, pdf_text(_("belum tersedia")), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
            table.row([pdf_text(h) for h in header])
            for row in rows:
                table.row([pdf_text(_cell(v)) for v in row])


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")


def school_summary(report: dict) -> str:
    """One paragraph a principal can read out in a meeting."""
    rows = report["by_grade_level"]
    n = sum(r["n"] for r in rows)
    if not n:
        return _("Belum ada siswa aktif dengan prediksi dari model aktif.")
    k, s, b = (sum(r[c] for r in rows) for c in LABELS)
    text = _(
        "Dari %(n)s siswa aktif dengan prediksi, %(k)s (%(pk)s) perlu perhatian, %(s)s (%(ps)s) "
        "sedang dan %(b)s (%(pb)s) baik."
    ) % {
        "n": n,
        "k": k,
        "pk": share_of(k, n),
        "s": s,
        "ps": share_of(s, n),
        "b": b,
        "pb": share_of(b, n),
    }
    # "Highest share" only among classes of at least HEADLINE_MIN students: 1 of 1 is no rate.
    classes = [r for r in report["by_class"] if r["n"] >= HEADLINE_MIN]
    if classes and k:
        top = max(classes, key=lambda r: (r["kurang"] / r["n"], r["kurang"]))
        text += " " + _(
            "Proporsi perlu perhatian tertinggi ada di rombel %(c)s: "
            "%(k)s dari %(n)s siswa (%(p)s)."
        ) % {
            "c": top["group"],
            "k": top["kurang"],
            "n": top["n"],
            "p": share_of(top["kurang"], top["n"]),
        }
    cov = report["coverage"]
    if 0 < cov["n_kurang"] < HEADLINE_MIN:
        text += " " + _(
            "%(a)s dari %(n)s siswa yang perlu perhatian sudah mendapat intervensi."
        ) % {"a": cov["with_intervention"], "n": cov["n_kurang"]}
    elif cov["n_kurang"]:
        text += " " + _(
            "%(a)s dari %(n)s siswa yang perlu perhatian sudah mendapat intervensi (%(p)s)."
        ) % {
            "a": cov["with_intervention"],
            "n": cov["n_kurang"],
            "p": share_of(cov["with_intervention"], cov["n_kurang"]),
        }
    return text


def _signature(pdf: FPDF, *, place: str, day: dt.date) -> None:
    """Drawn inside `pdf.unbreakable()` with the table before it: never alone on a page."""
    pdf.ln(8)
    x = pdf.w - pdf.r_margin - 70
    pdf.set_font("Helvetica", "", 10)
    for line in (f"{place}, {long_date(day)}" if place else long_date(day), _("Kepala Sekolah")):
        pdf.set_x(x)
        pdf.cell(70, 5, pdf_text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_x(x)
    pdf.cell(70, 5, "(" + "." * 45 + ")", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.cell(70, 5, "NIP. " + "." * 35, align="C", new_x="LMARGIN", new_y="NEXT")


class _PagedPDF(FPDF):
    """A4 with "Halaman 1 dari 3" at the foot of every page."""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        text = _("Halaman %(n)s dari %(total)s") % {"n": self.page_no(), "total": "{nb}"}
        self.cell(0, 5, pdf_text(text), align="C")
        self.set_text_color(0, 0, 0)


def _new_pdf() -> FPDF:
    pdf = _PagedPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def school_report_pdf(
    report: dict, *, generated: dt.datetime, summary: dict | None = None
) -> bytes:
    """The school report; with `summary` (`meeting.school_meeting_summary`) it opens with the
    one page a principal reads out at a staff meeting, the details following from page 2."""
    school = report["school"]
    pdf = _new_pdf()
    _letterhead(
        pdf, school.name, [f"NPSN {school.npsn}" + (f" · {school.city}" if school.city else "")]
    )
    pdf.set_font("Helvetica", "B", 13)
    title = _("Laporan sekolah")
    if summary and summary["term"]:
        title = f"{title} · {summary['term']}"
    pdf.cell(0, 7, pdf_text(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        pdf_text(
            _("Dibuat %(date)s. Angka agregat; tanpa nama siswa.") % {"date": long_date(generated)}
        ),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if summary is not None:
        meeting_page(pdf, summary)
        pdf.add_page()
    _heading(pdf, _("Ringkasan"))
    _paragraph(pdf, school_summary(report))
    category_bars(pdf, _("Sebaran kategori per tingkat"), report["by_grade_level"], "group")
    category_bars(pdf, _("Sebaran kategori per kompetensi keahlian"), report["by_major"], "group")
    category_bars(pdf, _("Sebaran kategori per rombel"), report["by_class"], "group")
    category_bars(pdf, _("Prediksi per semester"), report["trend"], "term")
    tables = report_tables(report, pdf=True)
    _tables(pdf, tables[:-1])
    with pdf.unbreakable() as doc:  # the signature stays with the last table
        _tables(doc, tables[-1:], unbreakable=True)
        _signature(doc, place=school.city, day=generated.date())
    return bytes(pdf.output())


def district_report_pdf(report: dict, *, district: str, generated: dt.datetime) -> bytes:
    pdf = _new_pdf()
    title = _("Laporan wilayah")
    _letterhead(pdf, f"{title} - {district}" if district else title, [])
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        pdf_text(
            _(
                "Dibuat %(date)s. Angka agregat per sekolah; tanpa nama siswa. *: angka yang "
                "disembunyikan (kelompok kecil, atau angka lain agar kelompok kecil tidak dapat "
                "dihitung; sengaja tidak dibedakan). <5 (kehadiran): kurang dari 5 siswa."
            )
            % {"date": long_date(generated)}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    schools = sorted({r["school"] for r in report["by_grade_level"]})
    for school in schools:
        rows = [r for r in report["by_grade_level"] if r["school"] == school]
        category_bars(pdf, f"{school}: " + _("sebaran kategori per tingkat"), rows, "group")
    _tables(pdf, district_report_tables(report, pdf=True))
    return bytes(pdf.output())
