"""The school PDF for a staff meeting (issue 24, item 7): a first page a principal reads out
(the term in words, students needing attention and the change since the term before, the same
model verdict as /predictions/models/, what BK did and whether it helped), page numbers, no
page holding only the signature, terms in words; XLSX sheet names of whole words."""

import contextlib
import datetime as dt
import io
import re
import zlib
from types import SimpleNamespace

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone, translation

from predictions.metrics import model_verdict
from predictions.models import ModelVersion
from predictions.verdict_text import verdict_sentences
from smk_dashboard.pages.reports.pdf import (
    district_report_tables,
    report_tables,
    school_report_pdf,
    school_summary,
)
from smk_dashboard.pages.reports.sheets import EXCEL_LIMIT, sheet_names
from students.models import Role
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory, TermFactory, UserFactory

URL = "/reports/school/"
TERM_CODE = re.compile(r"\b20\d\d-[12]\b")


def pdf_pages(content: bytes) -> list[str]:
    """The text drawn on each page, in order (fpdf2 writes one content stream per page)."""
    pages = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        with contextlib.suppress(zlib.error):
            raw = zlib.decompressobj().decompress(raw)
        chunks = re.findall(rb"\((.*?)\)\s*Tj", raw, re.S)
        text = " ".join(c.decode("latin-1").replace("\\(", "(").replace("\\)", ")") for c in chunks)
        pages.append(re.sub(r"\s+", " ", text))  # a line break or page-count alias: one space
    return pages


@pytest.fixture
def meeting_school(school):
    """Ganjil 2025/2026: 2 of 5 kurang; Genap 2025/2026 (current): 3 of 5 kurang; one
    completed and one running intervention."""
    version = ModelVersionFactory(school=school)
    t0, t1 = TermFactory(year=2024, semester=2), TermFactory(year=2025, semester=1)
    t2 = TermFactory(year=2025, semester=2)
    klass = SchoolClassFactory(school=school, grade_level=11)
    bk = UserFactory(role=Role.BK, school=school)
    for i in range(5):
        s = StudentFactory(school=school, school_class=klass, name=f"Murid {i}")
        PredictionFactory(
            student=s,
            model_version=version,
            term=t1,
            based_on_term=t0,
            category="kurang" if i < 2 else "sedang",
        )
        PredictionFactory(
            student=s,
            model_version=version,
            term=t2,
            based_on_term=t1,
            category="kurang" if i < 3 else "baik",
        )
        if i == 0:
            InterventionFactory(student=s, owner=bk, status="completed", outcome="improved")
        if i == 1:
            InterventionFactory(student=s, owner=bk, status="in_progress")
    return school


@pytest.mark.django_db
def test_the_first_page_is_the_meeting_summary(meeting_school, make_user):
    kepsek = make_user(Role.KEPSEK, school=meeting_school)
    client = Client()
    client.force_login(kepsek)
    response = client.get(URL, {"export": "pdf"})
    pages = pdf_pages(response.content)
    first = pages[0]
    assert "Genap 2025/2026" in first
    assert "3 dari 5 siswa diprediksi perlu perhatian" in first
    assert "Naik 1 siswa dari Ganjil 2025/2026 (2 dari 5 siswa)" in first
    # The model verdict: the very sentences the model page shows.
    active = ModelVersion.objects.get(school=meeting_school, is_active=True)
    said = verdict_sentences(model_verdict(active.metrics, active.algorithm))
    model_page = client.get("/predictions/models/").content.decode()
    assert said["recommendation"] in first and said["recommendation"] in model_page
    for sentence in re.split(r"(?<=\.) ", said["finding"]):
        assert sentence in first and sentence in model_page
    assert "1 selesai, 1 berjalan" in first
    assert "Terlalu sedikit untuk disimpulkan" in first
    assert f"Halaman 1 dari {len(pages)}" in first
    assert all(f"Halaman {i} dari {len(pages)}" in p for i, p in enumerate(pages, start=1))
    assert not any(TERM_CODE.search(p) for p in pages), "a term written as a code"


def _report(n_classes: int) -> dict:
    school = SimpleNamespace(name="SMK Negeri 1", npsn="20100001", city="Bandung")
    rows = [
        {"group": f"X TKJ {i}", "kurang": i % 4, "sedang": 10, "baik": 5, "n": 15 + i % 4}
        for i in range(n_classes)
    ]
    trend = [
        {"term": code, "group": code, "school": None, "kurang": 3, "sedang": 5, "baik": 2, "n": 10}
        for code in ("2025-1", "2025-2")
    ]
    return {
        "school": school,
        "by_grade_level": rows[:3],
        "by_major": rows[:5],
        "by_class": rows,
        "trend": trend,
        "observed_trend": trend,
        "attendance": [
            {
                "group": r["group"],
                "term": "2025-1",
                "students": 15,
                "alpa_rate": 0.02,
                "absence_rate": 0.05,
            }
            for r in rows
        ],
        "coverage": {"n_kurang": 6, "with_intervention": 2, "coverage": 1 / 3, "outcomes": {}},
    }


@pytest.mark.parametrize("n_classes", range(0, 70, 3))
def test_the_signature_never_stands_alone_on_a_page(n_classes):
    now = timezone.make_aware(dt.datetime(2026, 12, 1, 9))
    pages = pdf_pages(school_report_pdf(_report(n_classes), generated=now))
    last = pages[-1]
    assert "Kepala Sekolah" in last
    # the last table's title and rows come with it
    assert "Cakupan intervensi siswa perlu perhatian" in last
    assert f"Halaman {len(pages)} dari {len(pages)}" in last


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sheet_names_are_whole_words_within_excel_limit(lang):
    empty = {k: [] for k in ("by_grade_level", "by_major", "trend", "observed_trend")}
    with translation.override(lang):
        workbooks = [
            report_tables(_report(3)),
            district_report_tables({**_report(3), **empty, "attendance": [], "coverage": []}),
        ]
        for tables in workbooks:
            titles = [t for t, _h, _r in tables]
            names = sheet_names(titles)
            assert len({n.lower() for n in names}) == len(names)
            for title, name in zip(titles, names, strict=True):
                assert 0 < len(name) <= EXCEL_LIMIT
                if len(title) <= EXCEL_LIMIT:
                    assert name == title
                else:
                    # whole words of the title, or a word shortened on purpose ("komp.")
                    words = set(re.findall(r"[\w-]+", title.lower()))
                    for word in name.lower().split():
                        assert word in words or (word.endswith(".") and len(word) > 2), word


def test_long_titles_get_the_names_chosen_for_them():
    with translation.override("id"):
        names = sheet_names([t for t, _h, _r in report_tables(_report(3))])
    assert names == [
        "Kategori prediksi per tingkat",
        "Prediksi per komp. keahlian",
        "Kategori prediksi per rombel",
        "Tren prediksi per semester",
        "Hasil nyata per semester",
        "Titik rawan kehadiran",
        "Cakupan intervensi",
    ]
    # a title nobody named yet: its parenthesis goes, then words from the end; duplicates
    # are numbered
    assert sheet_names(
        ["Sebaran kategori per kompetensi keahlian (semua tingkat)", "Tren", "Tren"]
    ) == ["Sebaran kategori per kompetensi", "Tren", "Tren 2"]


@pytest.mark.django_db
def test_the_xlsx_download_uses_the_sheet_names(meeting_school, make_user):
    client = Client()
    client.force_login(make_user(Role.KEPSEK, school=meeting_school))
    book = openpyxl.load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).content))
    assert "Prediksi per komp. keahlian" in book.sheetnames
    assert all(len(n) <= EXCEL_LIMIT for n in book.sheetnames)


def test_a_school_with_many_classes_gets_a_few_pages_not_one_per_class():
    now = timezone.make_aware(dt.datetime(2026, 12, 1, 9))
    pages = pdf_pages(school_report_pdf(_report(160), generated=now))
    # 160 bars of 5 mm and the 160-row table: about 15 pages, never one page per class
    assert len(pages) < 25


def test_the_summary_headlines_no_share_of_fewer_than_ten_students():
    report = _report(3)
    report["by_class"] = [
        {"group": "XII TKJ 9", "kurang": 1, "sedang": 0, "baik": 0, "n": 1},  # 1 of 1
        {"group": "X TKJ 1", "kurang": 4, "sedang": 8, "baik": 8, "n": 20},
    ]
    report["coverage"] = {"n_kurang": 3, "with_intervention": 1, "coverage": 1 / 3, "outcomes": {}}
    with translation.override("id"):
        text = school_summary(report)
    assert "XII TKJ 9" not in text and "100,0%" not in text
    assert "rombel X TKJ 1: 4 dari 20 siswa (20,0%)" in text
    assert "1 dari 3 siswa yang perlu perhatian sudah mendapat intervensi." in text
