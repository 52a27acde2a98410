"""The student pack as one A4 page (fpdf2, built-in fonts): small bar and line charts are drawn
with fpdf primitives, lists are cut to fit, and the page never breaks."""

from fpdf import FPDF

from interventions.contacts.letters import date_id
from smk_dashboard.core.pdf import pdf_text as _t

from .meeting_pdf import draw_meeting_items, draw_meeting_notes
from .todos import draw_todos

LEFT, WIDTH = 12, 186
GREEN, RED, GREY, AMBER = (25, 135, 84), (220, 53, 69), (120, 120, 120), (255, 193, 7)
CATEGORY_COLOURS = {"kurang": RED, "sedang": AMBER, "baik": GREEN}


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font("Helvetica", style="B", size=10.5)
    pdf.set_fill_color(235, 242, 238)
    pdf.cell(0, 6, _t(text), fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)


def _line(pdf: FPDF, text: str, h: float = 4.6) -> None:
    pdf.multi_cell(0, h, _t(text), new_x="LMARGIN", new_y="NEXT")


def _axes(pdf: FPDF, x: float, y: float, w: float, h: float, title: str, top: float) -> None:
    pdf.set_font("Helvetica", style="B", size=8.5)
    pdf.set_xy(x, y)
    pdf.cell(w, 4, _t(title))
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.line(x + 8, y + 5, x + 8, y + h)
    pdf.line(x + 8, y + h, x + w, y + h)
    pdf.set_font("Helvetica", size=6.5)
    pdf.set_text_color(*GREY)
    for value in (0, round(top)):
        pdf.set_xy(x, y + h - (h - 5) * value / top - 1.5)
        pdf.cell(7, 3, str(value), align="R")
    pdf.set_text_color(0, 0, 0)


def _axis_label(pdf: FPDF, x: float, y: float, w: float, label: str) -> None:
    """A label under the x axis; a term ("Ganjil 2024/2025") on two short lines so that
    neighbouring terms do not overlap."""
    for i, part in enumerate(str(label).split(" ", 1)):
        pdf.set_xy(x, y + 2.6 * i)
        pdf.cell(w, 3, _t(part), align="C")


def line_chart(pdf, x, y, w, h, title, points: list[tuple[str, float]], ref: float | None):
    """Average score per term as a line with dots; `ref` (KKM) as a dashed line."""
    top = 100.0
    _axes(pdf, x, y, w, h, title, top)
    if not points:
        pdf.set_xy(x + 10, y + h / 2)
        pdf.cell(w - 10, 4, "Belum ada nilai.")
        return
    plot_x, plot_w, plot_h = x + 11, w - 14, h - 5

    def px(i):
        return plot_x + (plot_w * i / max(len(points) - 1, 1))

    def py(v):
        return y + h - plot_h * min(max(v, 0), top) / top

    if ref is not None:
        pdf.set_draw_color(*RED)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.line(x + 8, py(ref), x + w, py(ref))
        pdf.set_dash_pattern()
    pdf.set_draw_color(*GREEN)
    pdf.set_fill_color(*GREEN)
    pdf.set_line_width(0.5)
    for i in range(1, len(points)):
        pdf.line(px(i - 1), py(points[i - 1][1]), px(i), py(points[i][1]))
    pdf.set_font("Helvetica", size=6.5)
    for i, (label, value) in enumerate(points):
        pdf.circle(x=px(i), y=py(value), radius=0.9, style="F")
        pdf.set_xy(px(i) - 8, py(value) - 4.5)
        pdf.cell(16, 3, f"{value:.0f}", align="C")
        _axis_label(pdf, px(i) - 8, y + h + 0.5, 16, label)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)


def bar_chart(pdf, x, y, w, h, title, bars: list[tuple[str, int]]):
    """Days absent per month (or term) as bars."""
    top = float(max([n for _l, n in bars] + [4])) * 1.15  # room for the labels on top
    _axes(pdf, x, y, w, h, title, top)
    if not bars:
        pdf.set_xy(x + 10, y + h / 2)
        pdf.cell(w - 10, 4, "Belum ada presensi.")
        return
    plot_x, plot_w, plot_h = x + 10, w - 11, h - 5
    slot = plot_w / len(bars)
    pdf.set_fill_color(*AMBER)
    pdf.set_font("Helvetica", size=6)
    for i, (label, n) in enumerate(bars):
        bh = plot_h * n / top
        bx = plot_x + i * slot + slot * 0.15
        if n:
            pdf.rect(bx, y + h - bh, slot * 0.7, bh, style="F")
        pdf.set_xy(bx - 2, y + h - bh - 3.2)
        pdf.cell(slot * 0.7 + 4, 3, str(n), align="C")
        _axis_label(pdf, plot_x + i * slot, y + h + 0.5, slot, label)


def student_pack_pdf(data: dict, *, compress: bool = True) -> bytes:
    """Render `pack.student_pack(...)` on exactly one A4 page."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(LEFT, 10, LEFT)
    pdf.set_auto_page_break(auto=False)
    ident = data["identity"]
    pdf.set_title(_t(f"Ringkasan siswa {ident['name']}"))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 7, _t(f"Ringkasan siswa: {ident['name']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(
        0,
        4.5,
        _t(f"{data['school']} - dicetak {date_id(data['generated'].date())} "
           f"{data['generated']:%H.%M} - RAHASIA: pertemuan orang tua, konferensi kasus, "
           "serah terima"),
        new_x="LMARGIN",
        new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(0, 0, 0)
    _heading(pdf, "Identitas")
    rows = [
        ("NISN", ident["nisn"], "Rombel", ident["class"]),
        ("NIS", ident["nis"], "Kompetensi keahlian", ident["major"]),
        ("Jenis kelamin", ident["gender"], "Wali kelas", ident["homeroom"]),
    ]
    for a, b, c, d in rows:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(28, 4.8, _t(a))
        pdf.set_font("Helvetica", size=9)
        pdf.cell(65, 4.8, _t(b))
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(36, 4.8, _t(c))
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 4.8, _t(d), new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, "Tren nilai dan ketidakhadiran")
    y = pdf.get_y() + 1
    line_chart(
        pdf, LEFT, y, 90, 40, "Rata-rata nilai per semester (garis merah: KKM)",
        data["grades"], data["kkm"],
    )  # fmt: skip
    unit = "bulan" if data["absence_unit"] == "month" else "semester"
    bar_chart(pdf, LEFT + 96, y, 90, 40, f"Hari tidak hadir (S+I+A) per {unit}", data["absences"])
    pdf.set_xy(LEFT, y + 47)  # below the two-line term labels

    _heading(pdf, "Prediksi saat ini")
    prediction, model = data["prediction"], data["model"]
    if data["excluded"]:
        _line(pdf, "Tidak diprediksi: orang tua/siswa keberatan atas keputusan otomatis.")
    elif prediction is None and data.get("indicator_flags") is not None:
        # no model yet: flags by the school's indicators, never a probability (issue 26)
        _line(pdf, "Berdasarkan indikator, belum model (belum ada prediksi).")
        for text in data["indicator_flags"] or ["Tidak ada indikator yang terpenuhi."]:
            _line(pdf, f"- {text}")
    elif prediction is None:
        _line(pdf, "Belum ada prediksi untuk siswa ini.")
    else:
        pdf.set_font("Helvetica", style="B", size=9.5)
        pdf.set_text_color(*CATEGORY_COLOURS.get(prediction["category"], (0, 0, 0)))
        pdf.cell(
            0,
            5,
            _t(f"{prediction['category_label']} - semester {prediction['term']} "
               + (f"dari data {prediction['based_on']} " if prediction.get("based_on") else "")
               + f"(risiko perlu perhatian {prediction['risk']})"),
            new_x="LMARGIN",
            new_y="NEXT",
        )  # fmt: skip
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", size=9)
        for reason in prediction["reasons"]:
            _line(pdf, f"- {reason}")
    if model is not None:
        acc = model["accuracy"]
        measured = (
            f"akurasi terukur {acc[0]:.2f}" + (f" +/- {acc[1]:.2f}" if acc[1] is not None else "")
            if acc
            else "akurasi belum tersedia"
        )
        pdf.set_text_color(*GREY)
        how = "validasi silang pada data sekolah ini"
        name = model["name"]
        if model.get("pooled_sources"):
            name += " - model bersama (dilatih dari sekolah lain)"
            how = f"dilatih dari {model['pooled_sources']} sekolah lain, diuji tanpa data latihnya"
        _line(
            pdf,
            f"Model {name}: {measured} ({how}). Peluang adalah perkiraan, bukan kepastian.",
        )
        pdf.set_text_color(0, 0, 0)

    _heading(
        pdf, f"Poin pelanggaran dan prestasi: total {data['points']['total']} (seluruh catatan)"
    )
    if data["points"]["recent"]:
        for day, name, points in data["points"]["recent"]:
            _line(pdf, f"{day:%d-%m-%Y}  {name} ({points:+d})")
    else:
        _line(pdf, "Belum ada catatan poin.")

    _heading(pdf, "Kekuatan")
    for text in data["strengths"] or ["Belum ada catatan kekuatan."]:
        _line(pdf, f"+ {text}")

    _heading(pdf, "Intervensi berjalan")
    if data["interventions"]:
        for i in data["interventions"]:
            nxt = f", tindak lanjut {i['next']:%d-%m-%Y}" if i["next"] else ""
            _line(
                pdf,
                f"{i['programme']} - {i['status']}, mulai {i['start']:%d-%m-%Y}, "
                f"penanggung jawab {i['owner']}{nxt}",
            )
    else:
        _line(pdf, "Tidak ada intervensi berjalan.")
    draw_meeting_items(pdf, data.get("meeting"))
    if data.get("todos") is not None:  # issue 24: pack/todos.py
        draw_todos(pdf, data["todos"], heading=_heading, line=_line)
    if data.get("meeting"):  # the room left: notes of the meeting, signatures
        draw_meeting_notes(pdf)
    pdf.set_xy(LEFT, 287)
    pdf.set_font("Helvetica", size=7)
    pdf.set_text_color(*GREY)
    pdf.cell(
        0,
        4,
        "Catatan konseling dan data sosial-ekonomi tidak dicantumkan. Data anak dilindungi "
        "UU No. 27/2022 (PDP).",
    )
    return bytes(pdf.output())
