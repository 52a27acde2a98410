"""Plotly figures as plain JSON-ready dicts ({"data": [...], "layout": {...}}), rendered in
the browser by the page's JS from a <script type="application/json"> tag.

Plain dicts rather than plotly.graph_objects: building them costs microseconds, and a web
request never needs more (and never imports TensorFlow)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import get_language, gettext

from smk_dashboard.core.categories import LABELS, category_label
from smk_dashboard.core.formats import term_label

CATEGORY_COLOURS = {"kurang": "#dc3545", "sedang": "#ffc107", "baik": "#198754"}
GROUP_NAMES = {"umum": "Umum", "kejuruan": "Kejuruan", "mulok": "Muatan lokal"}
STATUS_NAMES = {"S": "Sakit", "I": "Izin", "A": "Alpa"}
# Sakit light, izin middle, alpa dark: told apart by lightness and by fill pattern, not by hue
# alone (WCAG 1.4.1), each 3:1 or more against white (1.4.11).
STATUS_COLOURS = {"S": "#7d8ea4", "I": "#a8431f", "A": "#2b0b10"}
STATUS_PATTERNS = {"S": "", "I": "/", "A": "x"}
# Lines of a chart differ by marker shape and dash as well as colour.
LINE_STYLES = [
    ("circle", "solid"),
    ("square", "dash"),
    ("diamond", "dot"),
    ("triangle-up", "dashdot"),
]
BAR_PATTERNS = ["", "/", ".", "x"]


def distinguish(data: list[dict]) -> list[dict]:
    """Give each series a marker shape and dash (lines) or a fill pattern (bars)."""
    for i, trace in enumerate(data):
        if trace.get("meta") == "reference":
            continue
        if trace.get("type") == "scatter":
            symbol, dash = LINE_STYLES[i % len(LINE_STYLES)]
            trace.setdefault("marker", {})["symbol"] = symbol
            trace.setdefault("line", {})["dash"] = dash
        elif trace.get("type") == "bar":
            pattern = BAR_PATTERNS[i % len(BAR_PATTERNS)]
            if pattern:
                trace.setdefault("marker", {})["pattern"] = {"shape": pattern, "solidity": 0.3}
    return data


def _in_words(n: int) -> str:
    words = {2: gettext("dua"), 3: gettext("tiga"), 4: gettext("empat"), 5: gettext("lima")}
    return words.get(n, str(n))


def _layout(title: str = "", **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 48, "r": 12, "t": 36 if title else 12, "b": 48},
        "height": 300,
        "legend": {"orientation": "h", "y": -0.25},
        "autosize": True,
        # decimal mark then thousands separator: "3,5%" in Indonesian, "3.5%" in English
        "separators": ".," if (get_language() or "id").startswith("en") else ",.",
    }
    layout.update(extra)
    return layout


def grade_trend_figure(trend: Sequence[dict], *, kkm: int | None = None) -> dict:
    """Lines of the average score per subject group across terms (oldest first, each written
    "Ganjil 2025/2026")."""
    terms = sorted({r["term"] for r in trend})
    data = []
    for group in sorted({r["group"] for r in trend}):
        by_term = {r["term"]: r["avg"] for r in trend if r["group"] == group}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": gettext(GROUP_NAMES[group]) if group in GROUP_NAMES else group,
                "x": [term_label(t) for t in terms],
                "y": [round(by_term[t], 1) if t in by_term else None for t in terms],
            }
        )
    distinguish(data)
    layout = _layout(yaxis={"title": {"text": gettext("Rata-rata nilai")}, "range": [0, 100]})
    # automargin: room at both ends for a term's full name ("Genap 2025/2026").
    layout["xaxis"] = {
        "type": "category",
        "title": {"text": gettext("Semester")},
        "automargin": True,
    }
    if kkm is not None and terms:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": kkm,
                "y1": kkm,
                "line": {"dash": "dot", "color": "#dc3545"},
            }
        ]
        layout["annotations"] = [
            {"xref": "paper", "x": 0, "y": kkm, "text": f"KKM {kkm}", "showarrow": False}
        ]
    return {"data": data, "layout": layout, "summary": _grade_summary(data, kkm)}


def _grade_summary(data: list[dict], kkm: int | None) -> str:
    """ "Rata-rata Umum turun dari 72 ke 64 dalam tiga semester; ..." """
    from predictions.chart_text import format_value

    parts = []
    for trace in data:
        points = [(x, y) for x, y in zip(trace["x"], trace["y"], strict=True) if y is not None]
        if not points:
            continue
        first, last = points[0][1], points[-1][1]
        values = {"name": trace["name"], "first": format_value(first), "last": format_value(last)}
        if len(points) == 1:
            parts.append(gettext("rata-rata %(name)s %(last)s") % values)
            continue
        values["n"] = _in_words(len(points))
        if last < first:
            text = gettext(
                "rata-rata %(name)s turun dari %(first)s ke %(last)s dalam %(n)s semester"
            )
        elif last > first:
            text = gettext(
                "rata-rata %(name)s naik dari %(first)s ke %(last)s dalam %(n)s semester"
            )
        else:
            text = gettext("rata-rata %(name)s tetap %(last)s dalam %(n)s semester")
        parts.append(text % values)
    if not parts:
        return gettext("Belum ada nilai.")
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:]
    if kkm is not None:
        below = [t["name"] for t in data if t["y"] and t["y"][-1] is not None and t["y"][-1] < kkm]
        if below:
            sentence += "; " + gettext("di bawah KKM %(kkm)s: %(names)s") % {
                "kkm": kkm,
                "names": ", ".join(below),
            }
    return sentence + "."


def attendance_month_figure(rows: Sequence[dict]) -> dict:
    """Stacked bars of days absent per month (sakit, izin, alpa)."""
    months = sorted({r["month"] for r in rows})
    labels = [m.strftime("%Y-%m") for m in months]
    data = []
    for status in ("S", "I", "A"):
        counts = {r["month"]: r["n"] for r in rows if r["status"] == status}
        data.append(
            {
                "type": "bar",
                "name": gettext(STATUS_NAMES[status]),
                "x": labels,
                "y": [counts.get(m, 0) for m in months],
                "marker": {
                    "color": STATUS_COLOURS[status],
                    "pattern": {"shape": STATUS_PATTERNS[status], "solidity": 0.3},
                },
            }
        )
    layout = _layout(barmode="stack", yaxis={"title": {"text": gettext("Hari")}})
    layout["xaxis"] = {"type": "category", "title": {"text": gettext("Bulan")}}
    totals = {t["name"]: sum(t["y"]) for t in data}
    summary = gettext(
        "Dalam %(months)s bulan: %(sakit)s hari sakit, %(izin)s hari izin, %(alpa)s hari alpa."
    ) % {
        "months": len(months),
        "sakit": totals[gettext(STATUS_NAMES["S"])],
        "izin": totals[gettext(STATUS_NAMES["I"])],
        "alpa": totals[gettext(STATUS_NAMES["A"])],
    }
    if months:
        worst = max(range(len(months)), key=lambda i: sum(t["y"][i] for t in data))
        summary += " " + gettext("Terbanyak pada %(month)s.") % {"month": labels[worst]}
    return {"data": data, "layout": layout, "summary": summary}


def confusion_figure(cm: list[list[int]], *, title: str = "") -> dict:
    """ "Tebakan model vs kenyataan": rows = true class, columns = predicted, in LABELS order.
    Each cell shows the count and its share of the row (of the students truly in that class).
    Correct guesses (the diagonal) are green and errors red, both shaded by that share, so the
    right answers stand out darkest and empty cells stay nearly white."""
    names = [category_label(label) for label in LABELS]
    n = len(LABELS)
    share = [[v / sum(row) if sum(row) else 0.0 for v in row] for row in cm]
    text = [[f"{v}<br>({share[i][j]:.0%})" for j, v in enumerate(row)] for i, row in enumerate(cm)]

    def cells(diagonal: bool) -> list[list[float | None]]:
        # Top row first on screen: plotly draws y from the bottom up, hence reversed().
        return list(
            reversed(
                [
                    [round(share[i][j], 3) if (i == j) == diagonal else None for j in range(n)]
                    for i in range(n)
                ]
            )
        )

    hover = gettext("Kenyataan: %{y}<br>Tebakan model: %{x}<br>%{text}") + "<extra></extra>"
    common = {
        "x": names,
        "y": list(reversed(names)),
        "text": list(reversed(text)),
        "texttemplate": "%{text}",
        "showscale": False,
        "zmin": 0,
        "zmax": 1,
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": hover,
    }
    data = [
        # Errors: white at 0% to dark red at half of the row or more.
        {
            "type": "heatmap",
            "name": gettext("Tebakan keliru"),
            "z": cells(diagonal=False),
            **common,
            "zmax": 0.5,
            "colorscale": [[0, "#fbfbfb"], [1, "#b02a37"]],
        },
        # Correct guesses: pale to dark green.
        {
            "type": "heatmap",
            "name": gettext("Tebakan benar"),
            "z": cells(diagonal=True),
            **common,
            "colorscale": [[0, "#eef7f1"], [1, "#0f5132"]],
        },
    ]
    layout = _layout(title, height=300)
    layout["margin"] = {"l": 12, "r": 12, "t": 36 if title else 12, "b": 12}
    layout["xaxis"] = {
        "title": {"text": gettext("Tebakan model")},
        "side": "top",
        "automargin": True,
        "fixedrange": True,
    }
    layout["yaxis"] = {
        "title": {"text": gettext("Kenyataan")},
        "automargin": True,
        "fixedrange": True,
    }
    total = sum(map(sum, cm))
    right = sum(cm[i][i] for i in range(n))
    summary = gettext("Model menebak benar %(right)s dari %(total)s siswa.") % {
        "right": right,
        "total": total,
    }
    return {"data": data, "layout": layout, "summary": summary}


def reliability_figure(reliability: dict, *, title: str = "") -> dict:
    """Observed share against predicted probability per bin; the diagonal is perfect."""
    pred = list(reliability.get("mean_predicted") or [])
    obs = list(reliability.get("observed_rate") or [])
    count = list(reliability.get("count") or [None] * len(pred))
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Sempurna",
            "meta": "reference",  # left out of the table behind the chart
            "x": [0, 1],
            "y": [0, 1],
            "line": {"dash": "dot", "color": "#6c757d"},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Model",
            "x": pred,
            "y": obs,
            "text": [f"n = {c}" if c is not None else "" for c in count],
            "line": {"color": "#198754"},
        },
    ]
    layout = _layout(title, height=280)
    layout["xaxis"] = {"title": {"text": gettext("Peluang diprediksi")}, "range": [0, 1]}
    layout["yaxis"] = {"title": {"text": gettext("Proporsi sebenarnya")}, "range": [0, 1]}
    return {"data": data, "layout": layout}


def _wrap(label: str, width: int = 18) -> str:
    """Break a long axis label into lines of about `width` characters (plotly's <br>)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def fairness_figure(rows: Sequence[dict], *, title: str = "") -> dict:
    """Horizontal grouped bars per group (first group on top, long names wrapped so that
    they fit a phone): the share of at-risk students found (recall of kurang) and the share
    of fine students flagged (false-positive rate of kurang)."""
    groups = [_wrap(str(r.get("group", ""))) for r in rows]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": gettext("Siswa perlu perhatian yang ditemukan"),
            "y": groups,
            "x": [r.get("recall_kurang") for r in rows],
            "marker": {"color": "#198754"},
            "hovertemplate": "%{y}: %{x:.0%}<extra></extra>",
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": gettext("Ikut ditandai padahal baik-baik saja"),
            "y": groups,
            "x": [r.get("fpr_kurang") for r in rows],
            "marker": {"color": "#dc3545"},
            "hovertemplate": "%{y}: %{x:.0%}<extra></extra>",
        },
    ]
    distinguish(data)
    height = max(200, 44 * len(rows) + 110)
    layout = _layout(title, barmode="group", height=height)
    layout["xaxis"] = {"range": [0, 1], "tickformat": ".1%", "fixedrange": True}
    layout["yaxis"] = {"autorange": "reversed", "automargin": True, "fixedrange": True}
    layout["legend"] = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}
    layout["margin"] = {"l": 12, "r": 12, "t": 48, "b": 32}
    return {"data": data, "layout": layout}


def category_stack_figure(rows: Sequence[dict], *, key: str, title: str = "") -> dict:
    """Stacked bars of category counts (or shares) per group. rows:
    [{key: "X", "kurang": 3, "sedang": 10, "baik": 20}]; None values are left out. Per term
    (key "term"), each bar is named as people read a term ("Ganjil 2026/2027")."""
    xs = [term_label(r[key]) if key == "term" else str(r[key]) for r in rows]

    def share(r: dict, c: str) -> float | None:
        n, v = r.get("n"), r.get(c)
        ok = isinstance(n, int | float) and isinstance(v, int | float) and n
        return round(100 * v / n, 1) if ok else None

    data = [
        {
            "type": "bar",
            "name": category_label(c),
            "x": xs,
            "y": [r.get(c) for r in rows],
            "customdata": [share(r, c) for r in rows],
            "hovertemplate": "%{x} · %{fullData.name}: %{y} (%{customdata:.1f}%)<extra></extra>",
            "marker": {"color": CATEGORY_COLOURS[c]},
        }
        for c in LABELS
    ]
    distinguish(data)
    # The legend sits above the plot: below it, it ran into tilted group labels (rombel).
    layout = _layout(
        title,
        barmode="stack",
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    layout["margin"] = {**layout["margin"], "t": 48 if title else 28}
    tilted = len(xs) > 6 or sum(map(len, xs)) > 40
    layout["xaxis"] = {"type": "category", "automargin": True, "tickangle": -45 if tilted else 0}
    if tilted:  # room for the tilted labels below the bars (automargin takes it from the plot)
        layout["height"] = layout["height"] + min(160, 5 * max(map(len, xs), default=0))
    layout["yaxis"] = {"automargin": True}
    return {"data": data, "layout": layout}


def short_label(label: str, width: int = 16) -> str:
    """A school name short enough for a phone's axis: no parenthesised part, "SMK Negeri"
    as "SMKN", at most `width` characters."""
    text = re.sub(r"\s*\([^)]*\)", "", label).replace("SMK Negeri ", "SMKN ").strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def heatmap_figure(
    z: list[list[float | None]], *, x: list[str], y: list[str], title: str = ""
) -> dict:
    """Rates (0..1) per row label and column, each cell labelled with its percentage (a
    phone has no hover). `phone`: what static/predictions/charts.js changes below 500 px:
    short row labels (the full name stays in the hover), the colour scale under the chart."""
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": x,
            "y": y,
            "colorscale": "Reds",
            "texttemplate": "%{z:.1%}",
            "hovertemplate": "%{y} · %{x}: %{z:.1%}<extra></extra>",
            "colorbar": {"tickformat": ".1%", "thickness": 12},
        }
    ]
    layout = _layout(title, height=max(240, 30 * len(y) + 90))
    layout["xaxis"] = {"type": "category"}
    layout["yaxis"] = {"type": "category", "automargin": True}
    phone = {
        "layout": {
            "yaxis": {
                "type": "category",
                "automargin": True,
                "tickvals": y,
                "ticktext": [short_label(label) for label in y],
            },
            "margin": {"l": 8, "r": 8, "t": 12, "b": 8},
            "height": max(260, 30 * len(y) + 130),
        },
        "trace": {
            "colorbar": {
                "orientation": "h",
                "tickformat": ".1%",
                "thickness": 10,
                "y": -0.12,
                "yanchor": "top",
            }
        },
    }
    return {"data": data, "layout": layout, "phone": phone}
