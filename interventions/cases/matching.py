"""Did the help help? A matched comparison, numbers in and numbers out (no Django).

Each student who received an intervention in a term is paired with one student of the same
term who did not, whose stored chance of "perlu perhatian" (p_kurang) was nearest to theirs:
greedy nearest-neighbour matching without replacement, within a caliper, the riskiest treated
student first (they are the hardest to match). Ties go to the lower key, so the result is the
same on every run. A treated student with nobody within the caliper stays unmatched and is
counted as such.

Over the matched pairs, each outcome (next term's average grade, attendance rate, reaching a
better category) is compared as the mean of the paired differences, treated minus comparison,
with a 95% interval from Student's t over those differences. Fewer than `MIN_PAIRS` pairs with
the outcome: too few to tell, and no interval is offered as an answer.

Why these choices: matching on the stored probability uses what the school saw when it decided
whom to help; a caliper of 0.05 keeps pairs whose chances differ by at most 5 points; without
replacement, one quiet student cannot stand in for many helped ones; 10 pairs is also the
smallest group whose share the pages headline as a percentage (`HEADLINE_MIN`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

CALIPER = 0.05
MIN_PAIRS = 10
HEADLINE_MIN = 10  # a percentage is headlined only over at least this many students
LEVEL = 0.95


@dataclass(frozen=True)
class Unit:
    """One student in one term: `risk` is their stored p_kurang for the term; outcomes are
    None where the data is missing (`better`: 1.0 reached a better category, 0.0 did not)."""

    key: Hashable
    term: Hashable
    risk: float
    grade: float | None = None
    attendance: float | None = None
    better: float | None = None


@dataclass(frozen=True)
class Estimate:
    """The mean paired difference (treated minus comparison) over `n` pairs, its 95% interval
    (None with fewer than 2 pairs) and the two group means. `enough`: n >= the minimum."""

    n: int
    treated: float | None
    comparison: float | None
    difference: float | None
    low: float | None
    high: float | None
    enough: bool

    @property
    def direction(self) -> str:
        """ "better" / "worse" when the whole interval lies above / below 0, else "unclear";
        "too_few" below the minimum."""
        if not self.enough or self.low is None or self.high is None:
            return "too_few"
        if self.low > 0:
            return "better"
        if self.high < 0:
            return "worse"
        return "unclear"


@dataclass
class MatchedEffect:
    treated: int  # treated units offered
    matched: int  # of them, paired
    pool: int  # comparison units offered
    caliper: float
    min_pairs: int
    grade: Estimate
    attendance: Estimate
    better: Estimate
    pairs: list[tuple[Unit, Unit]] = field(default_factory=list, repr=False)

    @property
    def enough(self) -> bool:
        return self.grade.enough or self.attendance.enough or self.better.enough


def match_pairs(
    treated: Iterable[Unit], pool: Iterable[Unit], *, caliper: float = CALIPER
) -> list[tuple[Unit, Unit]]:
    """Pairs (treated, comparison) of the same term, nearest risk first within `caliper`,
    each comparison unit used once."""
    free: dict[Hashable, list[Unit]] = defaultdict(list)
    for unit in pool:
        free[unit.term].append(unit)
    pairs = []
    order = sorted(treated, key=lambda u: (-u.risk, str(u.term), str(u.key)))
    for unit in order:
        candidates = free.get(unit.term, [])
        best = min(
            (c for c in candidates if abs(c.risk - unit.risk) <= caliper + 1e-12),
            key=lambda c: (abs(c.risk - unit.risk), str(c.key)),
            default=None,
        )
        if best is not None:
            candidates.remove(best)
            pairs.append((unit, best))
    return pairs


def paired_estimate(
    pairs: Sequence[tuple[float, float]], *, min_pairs: int = MIN_PAIRS, level: float = LEVEL
) -> Estimate:
    """Mean of treated - comparison over `pairs` (treated value, comparison value), with a
    `level` interval from Student's t (n - 1 degrees of freedom)."""
    n = len(pairs)
    if n == 0:
        return Estimate(0, None, None, None, None, None, False)
    diffs = [a - b for a, b in pairs]
    mean = sum(diffs) / n
    treated = sum(a for a, _b in pairs) / n
    comparison = sum(b for _a, b in pairs) / n
    low = high = None
    if n >= 2:
        # Imported here: scipy.stats costs the web process about 0.6 s at start-up.
        from scipy.stats import t as student_t

        sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
        half = float(student_t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
        low, high = mean - half, mean + half
    return Estimate(n, treated, comparison, mean, low, high, n >= min_pairs)


def matched_effect(
    treated: Sequence[Unit],
    pool: Sequence[Unit],
    *,
    caliper: float = CALIPER,
    min_pairs: int = MIN_PAIRS,
) -> MatchedEffect:
    """Match, then estimate each outcome over the pairs where both students have it."""
    pairs = match_pairs(treated, pool, caliper=caliper)

    def outcome(name: str) -> Estimate:
        values = [
            (getattr(a, name), getattr(b, name))
            for a, b in pairs
            if getattr(a, name) is not None and getattr(b, name) is not None
        ]
        return paired_estimate(values, min_pairs=min_pairs)

    return MatchedEffect(
        treated=len(treated),
        matched=len(pairs),
        pool=len(pool),
        caliper=caliper,
        min_pairs=min_pairs,
        grade=outcome("grade"),
        attendance=outcome("attendance"),
        better=outcome("better"),
        pairs=pairs,
    )


def headline_share(part: int, whole: int, *, minimum: int = HEADLINE_MIN) -> float | None:
    """part/whole as a fraction only when `whole` reaches `minimum`; None tells the page to
    write "1 dari 1" instead of a percentage of a handful of students."""
    if whole < max(minimum, 1):
        return None
    return part / whole
