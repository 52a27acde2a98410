"""Every chart comes with words and numbers (WCAG 1.1.1): a sentence a principal can read and
the figure's own numbers as a table, read from the same dict plotly draws."""

import datetime as dt

from predictions import charts
from predictions.chart_text import describe, figure_table


def test_the_grade_chart_says_which_way_each_group_went_and_what_is_below_kkm():
    trend = [
        {"term": "2025-1", "group": "umum", "avg": 72.0},
        {"term": "2025-2", "group": "umum", "avg": 68.0},
        {"term": "2026-1", "group": "umum", "avg": 64.0},
        {"term": "2025-1", "group": "kejuruan", "avg": 80.0},
        {"term": "2026-1", "group": "kejuruan", "avg": 85.5},
    ]
    text = describe(charts.grade_trend_figure(trend, kkm=70))
    assert "Rata-rata Kejuruan naik dari 80 ke 85,5 dalam dua semester" in text["summary"]
    assert "rata-rata Umum turun dari 72 ke 64 dalam tiga semester" in text["summary"]
    assert text["summary"].endswith("di bawah KKM 70: Umum.")
    assert text["columns"] == ["Semester", "Kejuruan", "Umum"]
    assert text["rows"][1] == ["Genap 2025/2026", "–", "68"]


def test_the_attendance_chart_counts_the_days_and_names_the_worst_month():
    rows = [
        {"month": dt.date(2026, 8, 1), "status": "S", "n": 2},
        {"month": dt.date(2026, 9, 1), "status": "A", "n": 3},
        {"month": dt.date(2026, 9, 1), "status": "I", "n": 1},
    ]
    text = describe(charts.attendance_month_figure(rows))
    assert text["summary"] == (
        "Dalam 2 bulan: 2 hari sakit, 1 hari izin, 3 hari alpa. Terbanyak pada 2026-09."
    )
    assert text["rows"] == [["2026-08", "2", "0", "0"], ["2026-09", "0", "1", "3"]]


def test_series_differ_by_shape_or_pattern_not_only_by_colour():
    fig = charts.grade_trend_figure(
        [{"term": "2025-1", "group": g, "avg": 70.0} for g in ("umum", "kejuruan", "mulok")]
    )
    styles = {(t["marker"]["symbol"], t["line"]["dash"]) for t in fig["data"]}
    assert len(styles) == 3
    bars = charts.attendance_month_figure([{"month": dt.date(2026, 8, 1), "status": "S", "n": 1}])
    assert len({t["marker"]["pattern"]["shape"] for t in bars["data"]}) == 3


def test_a_confusion_matrix_reads_top_row_first_with_counts_and_shares():
    cm = [[5, 1, 0], [2, 10, 3], [0, 1, 8]]
    text = describe(charts.confusion_figure(cm))
    assert text["summary"] == "Model menebak benar 23 dari 30 siswa."
    assert text["columns"] == ["", "Perlu perhatian", "Sedang", "Baik"]
    assert text["rows"][0] == ["Perlu perhatian", "5 (83%)", "1 (17%)", "0 (0%)"]


def test_percent_axes_and_reference_lines():
    fig = charts.fairness_figure(
        [{"group": "TKJ", "recall_kurang": 0.5, "fpr_kurang": 0.125}], title="Per jurusan"
    )
    assert figure_table(fig)["rows"] == [["TKJ", "50,0%", "12,5%"]]
    rel = charts.reliability_figure({"mean_predicted": [0.1, 0.5], "observed_rate": [0.2, 0.4]})
    table = figure_table(rel)
    assert table["columns"] == ["Peluang diprediksi", "Model"]  # the "Sempurna" line is left out
