import datetime as dt

import pytest

from predictions.factor_text import display_text
from predictions.ml.explain import _socio
from smk_dashboard.core.formats import long_date, percent, share_of


def test_income_bracket_zero_reads_as_parents_without_income():
    assert "dari 5" not in _socio({"static": {"income_bracket": 0.0}})
    assert "tidak berpenghasilan" in _socio({"static": {"income_bracket": 0.0}})
    assert "kelompok penghasilan 2 dari 5" in _socio({"static": {"income_bracket": 2.0}})
    # rows stored before the fix are corrected where they are shown
    stored = "Faktor sosial-ekonomi: penerima KIP, kelompok penghasilan 0 dari 5"
    assert display_text(stored, lang="id") == (
        "Faktor sosial-ekonomi: penerima KIP, orang tua tidak berpenghasilan"
    )


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [
        (
            "Rata-rata kejuruan turun 8 poin (80,5 → 72,5)",
            "Vocational average fell 8 points (80.5 → 72.5)",
        ),
        (
            "Rata-rata umum 70,2, di bawah KKM 75",
            "General average 70.2, below the pass mark (KKM) 75",
        ),
        ("Alpa 3 hari pada semester ini", "Absent without notice 3 days in this term"),
        ("Kehadiran 88% (sakit 2, izin 1 hari)", "Attendance 88% (sick 2, excused 1 days)"),
        (
            "Motivasi 2,5 dari 5, keterampilan sosial 3 dari 5",
            "Motivation 2.5 of 5, social skills 3 of 5",
        ),
        (
            "Faktor sosial-ekonomi: penerima KIP, kelompok penghasilan 0 dari 5, "
            "jarak rumah 17,5 km",
            "Socio-economic factors: KIP recipient, parents without income, home 17.5 km away",
        ),
    ],
)
def test_reasons_are_english_with_the_english_switch(indonesian, english):
    assert display_text(indonesian, lang="en") == english
    assert display_text(indonesian, lang="id") == indonesian.replace(
        "kelompok penghasilan 0 dari 5", "orang tua tidak berpenghasilan"
    )


def test_numbers_and_dates_follow_the_language():
    assert percent(0.035, lang="id") == "3,5%"
    assert percent(0.035, lang="en") == "3.5%"
    assert percent("<5") == "<5" and percent(None) == "-"
    assert share_of(1, 3, lang="id") == "33,3%"
    assert share_of("*", 3) == "" and share_of(1, 0) == ""
    assert long_date(dt.date(2026, 12, 1), lang="id") == "1 Desember 2026"
    assert long_date(dt.date(2026, 12, 1), lang="en") == "1 December 2026"
