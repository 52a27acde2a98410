"""Small-cell protection for published counts, as pure functions (no database).

Primary suppression hides every count below the threshold ("<5"). That alone leaks: a row
of a table sums to its "Jumlah", and a school's column sums to the school total that another
table shows, so one hidden cell can be computed by subtraction. Complementary suppression
hides more cells until no small count can be computed from what is shown.

The tables are described as linear relations between cells (`parts = total`, written as
`{cell: +1, ..., total: -1}`). Cells may be *virtual*: a count that is never shown but takes
part in a relation (a school's total per category, the kurang students without an
intervention). A small virtual count is protected like a shown one. A hidden cell can be
computed exactly when its unit vector lies in the row space of the relations restricted to
the hidden cells; while some small cell can be, one more shown cell is hidden: the smallest
cell in a relation with it that stops the computation on its own, else the smallest cell in
a relation with it; then every complementary cell that turns out not to be needed is shown
again. A complementary cell is at least the threshold, so it is shown as HIDDEN ("*").

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


def protected_cells(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    virtual: Iterable[Hashable] = (),
    known: Iterable[Hashable] = (),
    threshold: int = SMALL_CELL,
) -> tuple[set, set]:
    """(primary, complementary) keys of `values`: the shown cells below `threshold`, and the
    shown cells hidden besides them so that no cell below `threshold` (shown or virtual) can
    be computed from the shown cells and `relations`. `known` cells are public elsewhere:
    never hidden, never protected."""
    keys = list(values)
    virtual = set(virtual)
    known = set(known)
    order = {k: i for i, k in enumerate(keys)}
    small = [k for k in keys if values[k] < threshold and k not in known]
    hidden = set(small) | virtual
    system = _System(keys, relations)
    # A small cell that follows from the known cells alone is public already (a class of one
    # gender only); hiding more would protect nothing.
    everything = set(keys) - known
    targets = [k for k in small if k not in system.computable(everything)]
    while True:
        exposed = system.computable(hidden)
        leak = next((k for k in targets if k in exposed), None)
        if leak is None:
            break
        shown_cells = sorted(
            (k for k in keys if k not in hidden and k not in known),
            key=lambda k: (values[k], order[k]),
        )
        if not shown_cells:
            break  # pragma: no cover - everything hidden: nothing left to compute from
        near = {k for r in relations if r.get(leak) for k in r}
        nearby = [k for k in shown_cells if k in near] or shown_cells
        fix = next((k for k in nearby if leak not in system.computable(hidden | {k})), nearby[0])
        hidden.add(fix)
    # The greedy pass may hide more than it needs: show again, largest first, every cell
    # whose hiding no longer protects anything.
    for k in sorted(hidden - set(small) - virtual, key=lambda k: (-values[k], -order[k])):
        if not set(targets) & system.computable(hidden - {k}):
            hidden.discard(k)
    primary = {k for k in small if k not in virtual}
    return primary, hidden - primary - virtual


def shown(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    virtual: Iterable[Hashable] = (),
    threshold: int = SMALL_CELL,
) -> dict:
    """The shown cells of `values`: a count, "<5" (primary) or "*" (complementary)."""
    virtual = set(virtual)
    primary, complementary = protected_cells(
        values, relations, virtual=virtual, threshold=threshold
    )
    return {
        k: SUPPRESSED if k in primary else HIDDEN if k in complementary else v
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
    primary, complementary = protected_cells(
        values, relations, known=set(values) - set(counts), threshold=threshold
    )
    return {k for k in primary | complementary if k in counts}
