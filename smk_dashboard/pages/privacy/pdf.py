"""The student data export as a PDF a parent can read (fpdf2, pure Python, core fonts)."""

from fpdf import FPDF
from fpdf.fonts import FontFace

from interventions.models import ContactChannel
from smk_dashboard.core.categories import category_label
from smk_dashboard.core.pdf import pdf_text as _t

ATTENDANCE_LABELS = {"H": "Hadir", "S": "Sakit", "I": "Izin", "A": "Alpa"}
CHANNEL_LABELS = dict(ContactChannel.choices)


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, _t(f"Halaman {self.page_no()} - rahasia, data anak (UU PDP No. 27/2022)"))


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 8, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)


def _table(pdf: FPDF, header: list[str], rows: list[list]) -> None:
    if not rows:
        pdf.cell(0, 6, "Tidak ada data.", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=5.5) as table:
        row = table.row()
        for h in header:
            row.cell(_t(h))
        for values in rows:
            row = table.row()
            for v in values:
                row.cell(_t(v))


def student_export_pdf(*, data: dict) -> bytes:
    """Render `student_data_export(...)` as an A4 PDF in plain Indonesian."""
    s = data["student"]
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_t(f"Data pribadi {s['name']}"))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.cell(0, 10, "Salinan data pribadi siswa", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        _t(
            f"{data['school']['name']} (NPSN {data['school']['npsn']}). Dibuat "
            f"{data['generated_at'][:16].replace('T', ' ')}. Dokumen ini berisi semua data "
            "yang disimpan SMK Dashboard tentang siswa berikut, sesuai hak subjek data "
            "dalam UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, "Identitas")
    identity = [
        ["Nama", s["name"]],
        ["NISN", s["nisn"]],
        ["NIS", s["nis"] or "-"],
        ["Jenis kelamin", {"L": "Laki-laki", "P": "Perempuan"}.get(s["gender"], s["gender"])],
        ["Tanggal lahir", s["birth_date"] or "-"],
        ["Kompetensi keahlian", s["major"] or "-"],
        ["Rombel", s["class"] or "-"],
        ["Status", s["status"]],
        [
            "Pendidikan ayah / ibu",
            f"{s['father_education'] or '-'} / {s['mother_education'] or '-'}",
        ],
        [
            "Pekerjaan ayah / ibu",
            f"{s['father_occupation'] or '-'} / {s['mother_occupation'] or '-'}",
        ],
        ["Penghasilan orang tua", s["income_bracket"] or "-"],
        ["Jarak ke sekolah (km)", s["distance_km"] or "-"],
        ["Penerima KIP/PIP", "Ya" if s["kip_recipient"] else "Tidak"],
        ["Nama ayah / ibu", f"{s['father_name'] or '-'} / {s['mother_name'] or '-'}"],
        ["Telepon orang tua", s["parent_phone"] or "-"],
        ["Nama wali", s["guardian_name"] or "-"],
        ["Telepon wali", s["guardian_phone"] or "-"],
    ]
    _table(pdf, ["Data", "Isi"], identity)
    p = data["privacy"]
    _heading(pdf, "Persetujuan dan keberatan")
    consent = {"unknown": "Belum dicatat", "given": "Diberikan", "withdrawn": "Ditarik"}
    _table(
        pdf,
        ["Hal", "Status"],
        [
            ["Persetujuan orang tua/wali", consent.get(p["consent"], p["consent"])],
            [
                "Keberatan atas keputusan otomatis",
                "Ya - siswa tidak diprediksi" if p["objects_to_automated_decisions"] else "Tidak",
            ],
        ],
    )
    _heading(pdf, "Nilai")
    _table(
        pdf,
        ["Semester", "Mata pelajaran", "Komponen", "Nilai"],
        [
            [g["term_label"], g["subject"], g["component"], f"{g['score']:.2f}"]
            for g in data["grades"]
        ],
    )
    _heading(pdf, "Rekap presensi")
    _table(
        pdf,
        ["Semester", "Sakit", "Izin", "Alpa", "Hari efektif"],
        [
            [a["term_label"], a["sakit"], a["izin"], a["alpa"], a["school_days"] or "-"]
            for a in data["attendance_summaries"]
        ],
    )
    absences = [d for d in data["attendance_days"] if d["status"] != "H"]
    _heading(pdf, f"Ketidakhadiran harian ({len(absences)} hari)")
    _table(
        pdf,
        ["Tanggal", "Keterangan"],
        [[d["date"], ATTENDANCE_LABELS.get(d["status"], d["status"])] for d in absences],
    )
    _heading(pdf, "Perkiraan sistem (prediksi)")
    if not data.get("counselling_included", True):
        pdf.multi_cell(0, 5, _t(data["counselling_withheld"]), new_x="LMARGIN", new_y="NEXT")
    elif p["objects_to_automated_decisions"]:
        pdf.cell(0, 6, "Tidak diprediksi (keberatan tercatat).", new_x="LMARGIN", new_y="NEXT")
    else:
        _table(
            pdf,
            ["Semester", "Perkiraan", "Risiko perlu perhatian", "Alasan utama", "Model"],
            [
                [
                    x["term_label"],
                    category_label(x["category"]),
                    x["risk_label"],
                    "; ".join(
                        str(f.get("text") or f.get("label") or f.get("feature") or f)
                        if isinstance(f, dict)
                        else str(f)
                        for f in x["factors"][:3]
                    )
                    or "-",
                    x["model"],
                ]
                for x in data["predictions"]
            ],
        )
    _heading(pdf, "Layanan BK")
    _table(
        pdf,
        ["Mulai", "Layanan", "Status", "Jumlah sesi"],
        [
            [i["start_date"], i["programme"], i["status"], len(i["sessions"])]
            for i in data["interventions"]
        ],
    )
    pdf.ln(2)
    pdf.multi_cell(0, 5, _t(data["counselling_notes"]), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, f"Poin pelanggaran dan prestasi (total {data['conduct_points_total']})")
    _table(
        pdf,
        ["Tanggal", "Perilaku", "Poin", "Keterangan"],
        [
            [
                e["date"],
                e["behaviour"],
                f"{e['points']:+d}",
                f"Dibatalkan: {e['void_reason']}" if e["voided"] else (e["description"] or "-"),
            ]
            for e in data["conduct_points"]
        ],
    )
    _heading(pdf, "Kontak dengan orang tua/wali")
    _table(
        pdf,
        ["Tanggal", "Cara", "Yang dihubungi"],
        [
            [c["date"], str(CHANNEL_LABELS.get(c["channel"], c["channel"])), c["contact_person"]]
            for c in data["parent_contacts"]
        ],
    )
    _heading(pdf, "Surat")
    _table(
        pdf,
        ["Tanggal", "Nomor", "Perihal"],
        [[x["date"], x["number"], x["subject"]] for x in data["letters"]],
    )
    pdf.ln(2)
    pdf.multi_cell(0, 5, _t(data["parent_contact_notes"]), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "PKL (praktik kerja lapangan)")
    _table(
        pdf,
        ["Semester", "Tempat PKL", "Pembimbing", "Hadir", "Sikap", "Keterampilan"],
        [
            [
                x["term_label"],
                x["company"],
                x["mentor"] or "-",
                f"{x['days_present']}/{x['days_total']}" if x["days_present"] is not None else "-",
                "-" if x["rating_attitude"] is None else f"{x['rating_attitude']:g}",
                "-" if x["rating_skills"] is None else f"{x['rating_skills']:g}",
            ]
            for x in data["pkl_placements"]
        ],
    )
    _heading(pdf, "Siapa yang mengakses data ini")
    _table(
        pdf,
        ["Waktu", "Tindakan", "Oleh"],
        [[e["at"][:16].replace("T", " "), e["action"], e["by"]] for e in data["access_log"][:100]],
    )
    return bytes(pdf.output())
