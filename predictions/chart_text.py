"""Words and numbers behind every chart (WCAG 1.1.1): a screen reader, a printout or a teacher
who cannot tell two colours apart gets a one-sentence summary and the figure's numbers as a
table. Both are read from the figure dict that predictions/charts.py builds, so they can never
disagree with the picture. A figure may bring its own sentence (`fig["summary"]`)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext

MAX_SERIES_IN_SUMMARY = 3


def _percent_axis(fig: dict, axis: str) -> bool:
    fmt = ((fig.get("layout") or {}).get(axis) or {}).get("tickformat") or ""
    return fmt.endswith("%")


def format_value(value, *, percent: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value.replace("<br>", " ")
    if percent:
        return number_format(100 * value, decimal_pos=0 if value in (0, 1) else 1) + "%"
    if float(value).is_integer():
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


def _axis_title(fig: dict, axis: str) -> str:
    title = ((fig.get("layout") or {}).get(axis) or {}).get("title") or {}
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _series(fig: dict) -> tuple[str, list, list[tuple[str, list, str]], bool]:
    """(category axis title, categories, [(name, values, type)], values are percentages)."""
    traces = [
        t
        for t in fig.get("data") or []
        if t.get("type") in ("scatter", "bar") and t.get("meta") != "reference"
    ]
    horizontal = any(t.get("orientation") == "h" for t in traces)
    cat, val = ("y", "x") if horizontal else ("x", "y")
    categories: list = []
    for t in traces:
        categories += [c for c in t.get(cat) or [] if c not in categories]
    series = []
    for t in traces:
        by_cat = dict(zip(t.get(cat) or [], t.get(val) or [], strict=False))
        series.append((t.get("name") or "", [by_cat.get(c) for c in categories], t["type"]))
    return _axis_title(fig, cat + "axis"), categories, series, _percent_axis(fig, val + "axis")


def _heatmap(fig: dict) -> tuple[list, list[list], bool]:
    """(column labels, rows in screen order [row label, cell...]). Layers that each fill some
    cells (the confusion matrix draws right and wrong guesses separately) are merged."""
    layers = [t for t in fig.get("data") or [] if t.get("type") == "heatmap"]
    xs, ys = layers[0].get("x") or [], layers[0].get("y") or []
    percent = any("%" in (t.get("texttemplate") or "") and not t.get("text") for t in layers)
    rows = []
    for i, y in enumerate(ys):
        cells = []
        for j in range(len(xs)):
            shown = None
            for t in layers:
                z = t["z"][i][j] if i < len(t["z"]) and j < len(t["z"][i]) else None
                if z is not None:
                    shown = t["text"][i][j] if t.get("text") else z
            cells.append(shown)
        rows.append([str(y).replace("<br>", " "), *cells])
    # plotly draws the first y at the bottom: a reader reads the top row first.
    return list(xs), list(reversed(rows)), percent


def figure_table(fig: dict) -> dict:
    """{"columns": [...], "rows": [[row label, value, ...], ...]} with values as text."""
    if any(t.get("type") == "heatmap" for t in fig.get("data") or []):
        xs, rows, percent = _heatmap(fig)
        columns = ["", *[str(x).replace("<br>", " ") for x in xs]]
        body = [[r[0], *[format_value(v, percent=percent) for v in r[1:]]] for r in rows]
        return {"columns": columns, "rows": body}
    title, categories, series, percent = _series(fig)
    columns = [title, *[name for name, _values, _type in series]]
    body = [
        [str(c).replace("<br>", " "), *[format_value(s[1][i], percent=percent) for s in series]]
        for i, c in enumerate(categories)
    ]
    return {"columns": columns, "rows": body}


def _trend_sentence(name: str, values: list, categories: list, percent: bool) -> str | None:
    points = [(c, v) for c, v in zip(categories, values, strict=False) if v is not None]
    if len(points) < 2:
        return None
    (c0, first), (c1, last) = points[0], points[-1]
    if last > first:
        verb = gettext("naik")
    elif last < first:
        verb = gettext("turun")
    else:
        verb = gettext("tetap")
    return gettext("%(name)s %(verb)s dari %(first)s (%(c0)s) ke %(last)s (%(c1)s)") % {
        "name": name,
        "verb": verb,
        "first": format_value(first, percent=percent),
        "c0": str(c0).replace("<br>", " "),
        "last": format_value(last, percent=percent),
        "c1": str(c1).replace("<br>", " "),
    }


def figure_summary(fig: dict) -> str:
    if fig.get("summary"):
        return fig["summary"]
    if any(t.get("type") == "heatmap" for t in fig.get("data") or []):
        xs, rows, percent = _heatmap(fig)
        cells = [
            (v, r[0], xs[j])
            for r in rows
            for j, v in enumerate(r[1:])
            if isinstance(v, int | float)
        ]
        if not cells:
            return gettext("Belum ada angka.")
        v, row, col = max(cells, key=lambda c: c[0])
        return gettext("Nilai tertinggi: %(row)s · %(col)s (%(value)s).") % {
            "row": row,
            "col": col,
            "value": format_value(v, percent=percent),
        }
    _title, categories, series, percent = _series(fig)
    sentences = []
    for name, values, kind in series[:MAX_SERIES_IN_SUMMARY]:
        if kind == "scatter":
            sentence = _trend_sentence(name, values, categories, percent)
        else:
            known = [(v, c) for c, v in zip(categories, values, strict=False) if v is not None]
            sentence = (
                gettext("%(name)s tertinggi pada %(where)s (%(value)s)")
                % {
                    "name": name,
                    "where": str(max(known, key=lambda k: k[0])[1]).replace("<br>", " "),
                    "value": format_value(max(k[0] for k in known), percent=percent),
                }
                if known
                else None
            )
        if sentence:
            sentences.append(sentence)
    return "; ".join(sentences) + "." if sentences else gettext("Belum ada angka.")


def describe(fig: dict) -> dict:
    return {"summary": figure_summary(fig), **figure_table(fig)}
