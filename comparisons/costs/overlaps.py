"""Overlap groups of the cost table (``comparisons/costs/table.py``): obligations of one ``overlap_group`` are met by
the same resources, so the group costs what its costliest member costs; the other members' cost rows show 0
and a note naming the member that carries the cost.

Groups are the rows of one profile, jurisdiction, scenario and overlap group; the carrier is the costliest
member, ties going to the first row. The grouped rows are collected chunk by chunk while the table is written
(each row's total cost, where its cost rows start and how many there are), so nothing is kept per row of the
whole table; groups are found on integer keys (no strings, no sort).
"""
from __future__ import annotations

import numpy as np

from .text_codes import TextCodes, TextPool, combine_keys, compact_codes, distinct_keys


class Overlaps:
    """The grouped obligation rows met so far, and the members each group's carrier absorbs."""

    def __init__(self, col: dict[str, TextCodes], size: int, cost_rows: int):
        """``size``: how many rows are grouped; ``cost_rows``: the most cost rows the table can have."""
        self.col = col
        self.P = max(len(col["profile"].categories), 1)
        self.combos: dict[tuple[int, int, int], int] = {}  # (jurisdiction, scenario, group) codes → combo
        self.m = 0
        small = len(col["profile"].codes) < 2 ** 31 and cost_rows < 2 ** 31
        wide = np.int32 if small else np.int64
        self.rows, self.starts = np.empty(size, dtype=wide), np.empty(size, dtype=wide)
        self.group, self.cost = np.empty(size, dtype=np.int64), np.empty(size)
        self.counts = np.empty(size, dtype=np.int8)
        self.ccy = np.empty(size, dtype=np.int16 if len(col["currency"].categories) < 2 ** 15 else np.int32)

    def add(self, rows: np.ndarray | slice, grouped: np.ndarray, cost: np.ndarray, starts: np.ndarray,
            counts: np.ndarray, jurisdiction: int, currency: int) -> None:
        """Rows of one chunk of one kind (``rows``: their positions in the table, a slice when consecutive),
        ``grouped`` those in an overlap group, with each row's total cost, first cost row and number of cost
        rows."""
        if isinstance(rows, slice) and grouped.all():  # every row grouped: slices, no gathers
            r: np.ndarray | slice = rows
            g: np.ndarray | slice = slice(None)
            size = rows.stop - rows.start
        else:
            g = np.flatnonzero(grouped)
            r = (np.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows)[g]
            size = len(g)
        if not size:
            return
        sc, og = self.col["scenario"], self.col["overlap_group"]
        local = sc.codes[r].astype(np.int64) * len(og.categories) + og.codes[r]
        present = np.flatnonzero(np.bincount(local))
        combo = np.zeros(int(present[-1]) + 1, dtype=np.int64)
        for k in present.tolist():
            s, o = divmod(k, len(og.categories))
            combo[k] = self.combos.setdefault((jurisdiction, s, o), len(self.combos))
        at = slice(self.m, self.m + size)
        self.m += size
        np.multiply(combo[local], self.P, out=self.group[at])
        self.group[at] += self.col["profile"].codes[r]
        self.rows[at] = np.arange(r.start, r.stop) if isinstance(r, slice) else r
        self.cost[at], self.starts[at], self.counts[at] = cost[g], starts[g], counts[g]
        self.ccy[at] = currency

    def absorbed(self, notes: TextPool) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The members whose cost another member carries: (first cost row, number of cost rows, note code),
        the note "overlap group G: met by the resources held for <carrier> (standalone cost ... a year, not
        counted)"; None when every group has one member."""
        m = self.m
        if not m:
            return None
        rows, group, cost, starts, counts, ccy = (self.rows[:m], self.group[:m], self.cost[:m], self.starts[:m],
                                                  self.counts[:m], self.ccy[:m])
        size = len(self.combos) * self.P
        if size > 4 * len(rows) + (1 << 16):  # many profiles named, few grouped rows: number the groups
            group, firsts = distinct_keys(group)
            size = len(firsts)
        best = np.full(size, -np.inf)
        np.maximum.at(best, group, cost)
        is_best = cost >= best[group]
        carrier = np.full(size, np.iinfo(rows.dtype).max, dtype=rows.dtype)
        np.minimum.at(carrier, group[is_best], rows[is_best])
        carrier_row = carrier[group]
        member = np.flatnonzero(rows != carrier_row)
        if not len(member):
            return None
        ab, car, kind_ccy = rows[member], carrier_row[member], ccy[member]
        cost_code, cost_text = compact_codes(cost[member])
        og, ob, cur = self.col["overlap_group"], self.col["obligation"], self.col["currency"]
        key = combine_keys(combine_keys(combine_keys(og.codes[ab].astype(np.int64), ob.codes[car], len(ob.categories)),
                                        kind_ccy, len(cur.categories)), cost_code, len(cost_text))
        codes, first = distinct_keys(key)
        texts = [f"overlap group {og.text(og.codes[r])}: met by the resources held for {ob.text(ob.codes[c])} "
                 f"(standalone cost {cur.text(y)} {cost_text[k]} a year, not counted)"
                 for r, c, y, k in zip(ab[first].tolist(), car[first].tolist(), kind_ccy[first].tolist(),
                                       cost_code[first].tolist())]
        return starts[member].astype(np.int64), counts[member], notes.codes(texts)[codes]
