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
        ("Poin pelanggaran 45 pada semester ini", "45 conduct violation points in this term"),
        (
            "Tidak ada poin pelanggaran bersih pada semester ini",
            "No net conduct violation points in this term",
        ),
        (
            "PKL: kehadiran 78%, nilai sikap dari pembimbing 70, keterampilan 72,5",
            "Industry placement (PKL): attendance 78%, mentor's attitude rating 70, skills 72.5",
        ),
        ("Data PKL semester ini belum ada", "No industry placement (PKL) data for this term yet"),
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


def test_report_bar_charts_keep_long_labels_clear_of_the_legend_and_each_other():
    from predictions.charts import category_stack_figure

    short = category_stack_figure(
        [{"group": g, "kurang": 1, "sedang": 1, "baik": 1, "n": 3} for g in ("X", "XI", "XII")],
        key="group",
    )
    assert short["layout"]["xaxis"]["tickangle"] == 0
    majors = [
        "Akuntansi dan Keuangan Lembaga",
        "Manajemen Perkantoran dan Layanan Bisnis",
        "Teknik Komputer dan Jaringan",
    ]
    long = category_stack_figure(
        [{"group": g, "kurang": 1, "sedang": 2, "baik": 1, "n": 4} for g in majors], key="group"
    )
    layout = long["layout"]
    assert layout["xaxis"]["tickangle"] == -45 and layout["xaxis"]["automargin"]
    assert layout["legend"]["y"] > 1  # above the plot, away from the tilted labels
    assert layout["height"] > short["layout"]["height"]
    assert long["data"][0]["customdata"] == [25.0, 25.0, 25.0]  # shares shown on hover


def test_chart_labels_are_english_with_the_english_switch():
    from django.utils import translation

    from predictions.charts import attendance_month_figure, grade_trend_figure

    def names():
        trend = grade_trend_figure([{"term": "2025-1", "group": "umum", "avg": 70.0}])
        month = attendance_month_figure([{"month": dt.date(2026, 1, 1), "status": "S", "n": 2}])
        return [
            trend["data"][0]["name"],
            trend["layout"]["yaxis"]["title"]["text"],
            month["data"][0]["name"],
            month["layout"]["yaxis"]["title"]["text"],
            trend["layout"]["separators"],
        ]

    with translation.override("en"):
        assert names() == ["General", "Average score", "Sick", "Days", ".,"]
    with translation.override("id"):
        assert names() == ["Umum", "Rata-rata nilai", "Sakit", "Hari", ",."]


def test_the_prediction_time_reads_as_a_long_indonesian_date():
    from smk_dashboard.core.formats import long_datetime

    moment = dt.datetime(2026, 12, 1, 23, 15)
    assert long_datetime(moment, lang="id") == "1 Desember 2026 pukul 23.15"
    assert long_datetime(moment, lang="en") == "1 December 2026 at 23:15"
