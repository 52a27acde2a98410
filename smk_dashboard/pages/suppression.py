"""Small-cell protection for published counts, as pure functions (no database).

Primary suppression hides every count below the threshold ("<5"). That alone leaks: a row
of a table sums to its "Jumlah", and a school's column sums to the school total that another
table shows, so one hidden cell can be computed by subtraction. Complementary suppression
hides more cells until no small count can be computed from what is shown.

The tables are described as linear relations between cells (`parts = total`, written as
`{cell: +1, ..., total: -1}`). Cells may be *virtual*: a count that is never shown but takes
part in a relation (a school's total per category, the kurang students without an
intervention). A small virtual count is protected like a shown one.

Subtraction is not the only reader to fear: a legend that says what a mark means ("<5" is
0 to 4, "*" is 5 or more) gives each hidden cell bounds, and with those bounds row and column
sums can pin a hidden cell down (two "<5" outcomes that add up to a shown 6 are each 2 to 4,
whatever else is hidden). So a hidden cell is safe only when the smallest and largest values
it can take, given the shown cells, the relations and the bounds the reader knows (a pair of
linear programs, `_Intervals`), are at least threshold - 1 apart: as wide as "<5" itself.
While some hidden cell is narrower, one more shown cell is hidden: the smallest cell in a
relation with it that widens it on its own (of the three smallest), else the smallest cell
in a relation with it; then every complementary cell that turns out not to be needed is
shown again. A complementary cell is at least the threshold, so it is shown as HIDDEN ("*").

Because the bounds themselves leak (the example above cannot be repaired by hiding more),
the district report and the research export use `one_mark`: every hidden count is "*", small
or not, and the reader learns only that it is 0 or more.

    >>> shown({"a": 3, "b": 40, "n": 43}, [{"a": 1, "b": 1, "n": -1}])
    {'a': '<5', 'b': '*', 'n': 43}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np

SMALL_CELL = 5
SUPPRESSED = "<5"
HIDDEN = "*"

Relation = Mapping[Hashable, int]


class _System:
    def __init__(self, keys: list, relations: Sequence[Relation]):
        self.keys = keys
        self.col = {k: i for i, k in enumerate(keys)}
        self.matrix = np.array(
            [[float(r.get(k, 0)) for k in keys] for r in relations] or [[0.0] * len(keys)]
        )

    def computable(self, hidden: set) -> set:
        """The cells of `hidden` that follow from the relations and the cells not hidden:
        those on which no solution of the homogeneous system (the null space of the
        relations restricted to the hidden cells) can move."""
        cols = sorted(self.col[k] for k in hidden)
        if not cols:
            return set()
        a = self.matrix[:, cols]
        _u, sv, vh = np.linalg.svd(a, full_matrices=True)
        rank = int((sv > 1e-9 * max(1.0, sv.max(initial=0.0))).sum())
        null = vh[rank:]
        free = np.abs(null).max(axis=0, initial=0.0) > 1e-9
        return {self.keys[c] for c, moves in zip(cols, free, strict=True) if not moves}


class _Intervals:
    """What a reader who knows the legend learns about the hidden cells: each "<5" cell lies
    in [0, threshold - 1], each "*" cell is at least `threshold`, a virtual cell is at least
    0, and every relation holds. For a hidden cell, the smallest and largest value it can
    take under all of that is a pair of linear programs (the relations of these tables are
    row and column sums, whose programs have integer optima, so integer programming would
    give the same interval)."""

    def __init__(self, keys: list, relations: Sequence[Relation], values, threshold: int):
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        self.relations = [dict(r) for r in relations if r]
        self.values = values
        self.truth = np.array([float(values[k]) for k in keys])
        self.threshold = threshold
        # Fillings of every cell found so far (the truth first): one found while hiding a set
        # of cells is a filling for every larger set too.
        self.fillings = [self.truth]

    def _program(self, hidden: set, bounds: Mapping):
        cols = sorted(hidden, key=self.index.get)
        col = {k: i for i, k in enumerate(cols)}
        rows, rhs = [], []
        for r in self.relations:
            if not any(k in col for k in r):
                continue
            line = np.zeros(len(cols))
            for k, coef in r.items():
                if k in col:
                    line[col[k]] += coef
            rows.append(line)
            rhs.append(-sum(coef * self.values[k] for k, coef in r.items() if k not in col))
        a = np.array(rows).reshape(-1, len(cols))
        return cols, col, a, np.array(rhs), [bounds[k] for k in cols]

    def narrow(self, hidden: set, bounds: Mapping, targets: Iterable, *, first: bool = False):
        """The `targets` (hidden cells) whose feasible interval holds fewer than `threshold`
        whole numbers: a reader pins them down closer than the legend's "<5" does. With
        `first`, only the first such cell (or none).

        Every optimum found is a feasible filling of all hidden cells; a target already seen
        `threshold - 1` apart across the fillings that fit (the true values are one) is wide
        without a program of its own, which keeps this to a few programs per table."""
        targets = [k for k in targets if k in hidden]
        if not targets:
            return []
        cols, col, a, b, bnds = self._program(hidden, bounds)
        at = [self.index[k] for k in cols]
        fixed = np.ones(len(self.keys), dtype=bool)
        fixed[at] = False
        pool = np.array(self.fillings)
        pool = pool[np.all(pool[:, fixed] == self.truth[fixed], axis=1)]
        low, high = pool.min(axis=0), pool.max(axis=0)
        need = self.threshold - 1 - 1e-7
        if len(targets) > 1 and any(
            high[self.index[k]] - low[self.index[k]] < need for k in targets
        ):
            # Two programs that move every hidden cell at once, all down and all up (capped
            # where the bounds are open), usually settle most targets before one of their own.
            top = max(self.truth.max(), 1.0) * 2 + 10
            capped = [(lo, top if hi is None else hi) for lo, hi in bnds]
            for sense in (1.0, -1.0):
                x = self._optimum(None, sense, a, b, capped)
                full = self.truth.copy()
                full[at] = x
                self.fillings.append(full)
                low, high = np.minimum(low, full), np.maximum(high, full)
        out = []
        for k in targets:
            j = self.index[k]
            for sense in (1.0, -1.0):
                if high[j] - low[j] >= need:
                    break
                x = self._optimum(col[k], sense, a, b, bnds)
                if x is None:  # unbounded above: wide
                    high[j] = np.inf
                    break
                full = self.truth.copy()
                full[at] = x
                self.fillings.append(full)
                low, high = np.minimum(low, full), np.maximum(high, full)
            if high[j] - low[j] < need:
                out.append(k)
                if first:
                    return out
        return out

    @staticmethod
    def _optimum(i: int | None, sense: float, a, b, bnds) -> np.ndarray | None:
        c = np.full(len(bnds), sense) if i is None else np.zeros(len(bnds))
        if i is not None:
            c[i] = sense
        # Imported here, not at start-up: only the district report solves programs.
        from scipy.optimize import linprog

        kw = {"A_eq": a, "b_eq": b} if len(a) else {}
        res = linprog(c, bounds=bnds, method="highs", **kw)
        if res.status == 3:
            return None
        if res.status != 0:  # pragma: no cover - the true values are always feasible
            raise ValueError(res.message)
        return res.x


def protected_cells(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    virtual: Iterable[Hashable] = (),
    known: Iterable[Hashable] = (),
    threshold: int = SMALL_CELL,
    one_mark: bool = False,
) -> tuple[set, set]:
    """(primary, complementary) keys of `values`: the shown cells below `threshold`, and the
    shown cells hidden besides them so that no hidden cell, nor a virtual cell below
    `threshold`, can be pinned to fewer than `threshold` possible values by a reader who
    knows the shown cells, `relations` and the legend's bounds ("<5": 0 to threshold - 1,
    "*": threshold or more; `_Intervals`). With `one_mark` every hidden cell carries the same
    mark and the reader learns no bound but "0 or more". `known` cells are public elsewhere:
    never hidden, never protected."""
    keys = list(values)
    virtual = set(virtual)
    known = set(known)
    order = {k: i for i, k in enumerate(keys)}
    small = [k for k in keys if values[k] < threshold and k not in known]
    hidden = set(small) | virtual

    def bound(k):
        if k in virtual or one_mark:
            return (0, None)
        return (0, threshold - 1) if values[k] < threshold else (threshold, None)

    bounds = {k: bound(k) for k in keys}
    system = _System(keys, relations)
    intervals = _Intervals(keys, relations, values, threshold)
    # A cell that is narrow even with every cell but the known ones hidden is public already
    # (a class of one gender only, a trend row equal to a shown total); hiding more would
    # protect nothing. Found once for exact computation, and for the bounds as it turns up.
    everything = set(keys) - known
    protect = {k for k in keys if k not in virtual or values[k] < threshold}
    protect -= system.computable(everything)

    def computed(cells: set) -> list:
        exposed = system.computable(cells)
        return [k for k in sorted(protect & cells, key=order.get) if k in exposed][:1]

    def narrowed(cells: set) -> list:
        while leak := intervals.narrow(
            cells, bounds, sorted(protect & cells, key=order.get), first=True
        ):
            if not intervals.narrow(everything, bounds, leak):
                return leak
            protect.discard(leak[0])
        return []

    # First the cheap test (exact computation, linear algebra), then the bounds (programs).
    for leaks in (computed, narrowed):
        while exposed := leaks(hidden):
            shown_cells = sorted(
                (k for k in keys if k not in hidden and k not in known),
                key=lambda k: (values[k], order[k]),
            )
            if not shown_cells:
                break  # pragma: no cover - everything hidden: nothing left to compute from
            near = {k for r in relations if r.get(exposed[0]) for k in r}
            nearby = [k for k in shown_cells if k in near] or shown_cells
            fix = next((k for k in nearby[:3] if exposed[0] not in leaks(hidden | {k})), None)
            hidden.add(fix or nearby[0])
    # The greedy passes may hide more than needed: show again, largest first, every cell
    # whose hiding no longer protects anything.
    for k in sorted(hidden - set(small) - virtual, key=lambda k: (-values[k], -order[k])):
        if not computed(hidden - {k}) and not narrowed(hidden - {k}):
            hidden.discard(k)
    primary = {k for k in small if k not in virtual}
    return primary, hidden - primary - virtual


def shown(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    virtual: Iterable[Hashable] = (),
    threshold: int = SMALL_CELL,
    one_mark: bool = False,
) -> dict:
    """The shown cells of `values`: a count, "<5" (primary) or "*" (complementary); with
    `one_mark`, "*" for both (the reader cannot tell a small count from its complement)."""
    virtual = set(virtual)
    primary, complementary = protected_cells(
        values, relations, virtual=virtual, threshold=threshold, one_mark=one_mark
    )
    small = HIDDEN if one_mark else SUPPRESSED
    return {
        k: small if k in primary else HIDDEN if k in complementary else v
        for k, v in values.items()
        if k not in virtual
    }


def sum_relation(parts: Iterable[Hashable], total: Hashable) -> dict:
    """`sum(parts) == total` as a relation."""
    relation: dict = dict.fromkeys(parts, 1)
    relation[total] = -1
    return relation


def withheld_groups(
    counts: Mapping[tuple, int], *, summed_axes: Sequence[int], threshold: int = SMALL_CELL
) -> set[tuple]:
    """The groups of a cross-tabulation (keys: tuples of equal length, such as (major field,
    grade level, gender)) to withhold: those under `threshold`, and complements so that none
    of them follows from the shown groups and the sums over each axis in `summed_axes` that
    are known elsewhere (summing gender out of (field, grade, gender) gives class sizes,
    which the school report shows)."""
    margins: dict = defaultdict(list)
    for key in counts:
        for axis in summed_axes:
            margins[(axis, key[:axis] + key[axis + 1 :])].append(key)
    values: dict = dict(counts)
    relations = []
    for name, members in margins.items():
        total = ("margin", name)
        values[total] = sum(counts[k] for k in members)
        relations.append(sum_relation(members, total))
    # A withheld group is simply absent: the reader cannot tell a small one from its partner.
    primary, complementary = protected_cells(
        values, relations, known=set(values) - set(counts), threshold=threshold, one_mark=True
    )
    return {k for k in primary | complementary if k in counts}
