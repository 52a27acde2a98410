"""Small-cell protection for published count tables: primary and complementary suppression.

Pure Python (no Django), so any report or export can call it. Hiding only the counts under the
threshold is not enough when totals are known: a row's hidden count is its total minus the
others, and a school's hidden count is the school's total (shown in another table, or the sum
of another table's rows) minus its other rows. So every linear relation a reader can use must
hold either no hidden count or at least two:

- a row: its cells add up to its total;
- a block column (with block_key, e.g. per school): the block's rows add up to the block total,
  and that block total is the same in every table passed together (the school's totals per
  category are the sum of its grade-level rows and also of its major rows).

Counts hidden to protect another are marked COMPLEMENTARY, not "<5": they are not small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

PRIMARY = "<5"
COMPLEMENTARY = "×"


def complementary_suppression(
    tables: Sequence[Sequence[dict]],
    *,
    cells: Sequence[str],
    total: str,
    block_key: str | None = None,
    threshold: int = 5,
) -> tuple[list[list[dict]], dict[Hashable, dict]]:
    """Copies of the tables with counts hidden so that none can be recovered by subtraction,
    and the block totals ({block: {key: count or mark}}) as they may be published.

    tables: lists of row dicts holding integer counts (or None, "no data") under the keys
    `cells` and their sum under `total`. With block_key, the rows sharing its value form a
    block in each table, and the tables' blocks share one total per column (one school). Counts
    below `threshold` become PRIMARY ("<5"), block totals included; then, until nothing changes,
    each relation (row, or block column with its shared total) holding exactly one hidden count
    gets its smallest visible count hidden too, as COMPLEMENTARY. Any other place that shows
    a block total (e.g. a school's number of kurang students) must show it as returned here.
    """
    keys = [*cells, total]
    value: dict[Hashable, int] = {}
    relations: list[list[Hashable]] = []
    blocks: dict[Hashable, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for t, rows in enumerate(tables):
        for i, row in enumerate(rows):
            for key in keys:
                if row.get(key) is not None:
                    value[t, i, key] = row[key]
            relations.append([(t, i, key) for key in keys if (t, i, key) in value])
            if block_key is not None:
                blocks[row.get(block_key)][t].append(i)
    for block, members in blocks.items():
        # The block's total row (the school's totals): known to a reader, shared by the tables.
        first_table, first_rows = next(iter(members.items()))
        for key in keys:
            parts = [tables[first_table][i].get(key) for i in first_rows]
            if all(p is not None for p in parts):
                value["block", block, key] = sum(parts)
        relations.append([("block", block, key) for key in keys if ("block", block, key) in value])
        for t, rows in members.items():
            for key in keys:
                relation = [(t, i, key) for i in rows if (t, i, key) in value]
                if ("block", block, key) in value:
                    relation.append(("block", block, key))
                relations.append(relation)

    hidden = {cell: PRIMARY for cell, v in value.items() if v < threshold}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if sum(1 for cell in relation if cell in hidden) != 1:
                continue
            visible = [cell for cell in relation if cell not in hidden]
            if visible:
                hidden[min(visible, key=value.__getitem__)] = COMPLEMENTARY
                changed = True

    published = [
        [
            row | {key: hidden[t, i, key] for key in keys if (t, i, key) in hidden}
            for i, row in enumerate(rows)
        ]
        for t, rows in enumerate(tables)
    ]
    totals = {
        block: {
            key: hidden.get(("block", block, key), value[("block", block, key)])
            for key in keys
            if ("block", block, key) in value
        }
        for block in blocks
    }
    return published, totals
