"""The demo's calendar: its terms, ending at genap 2025/2026, and the school days of each."""

import datetime as dt

import numpy as np

FIRST_TERM_YEAR_LAST = 2025  # the demo's latest term is 2025-2 (genap 2025/2026)


def demo_terms(n: int) -> list[tuple[int, int]]:
    """The last `n` semesters ending at genap 2025/2026, oldest first: [(year, semester)]."""
    out = []
    year, sem = FIRST_TERM_YEAR_LAST, 2
    for _ in range(n):
        out.append((year, sem))
        year, sem = (year, 1) if sem == 2 else (year - 1, 2)
    return out[::-1]


def school_days(year: int, semester: int, rng: np.random.Generator) -> list[dt.date]:
    """Weekdays of a semester (mid-July to mid-December, or early January to mid-June),
    less a few holidays."""
    if semester == 1:
        start, end = dt.date(year, 7, 15), dt.date(year, 12, 13)
    else:
        start, end = dt.date(year + 1, 1, 6), dt.date(year + 1, 6, 13)
    days = [start + dt.timedelta(d) for d in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    holidays = set(rng.choice(len(days), size=6, replace=False).tolist())
    return [d for i, d in enumerate(days) if i not in holidays]
