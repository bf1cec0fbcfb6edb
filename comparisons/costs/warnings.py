"""Warnings on costs that rest on a figure the rulebook marks ``unknown`` (costs.md §5: the MiCA Art. 67
policy premium, how a policy limit counts against the requirement). The cost rows carry the note
(``comparisons/costs/table.py``, ``UNKNOWN_INPUTS``); this turns them into one warning per market and
obligation, naming the profile when one profile is concerned and counting them otherwise."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .table import UNKNOWN_MARK


#: the columns of :func:`unknown_cost_hits`: per market and obligation, how many profiles, the first of them and
#: the unknown figure's note
HIT_COLUMNS = ("jurisdiction", "obligation", "profiles", "first_profile", "why")


def unknown_cost_warnings(costs: pd.DataFrame) -> list[dict]:
    """One warning per (market, obligation) whose funded cost rests on an ``unknown`` figure."""
    return unknown_cost_messages(unknown_cost_hits(costs))


def hit_table(rows: list) -> pd.DataFrame:
    """Hits (tuples or mappings with :data:`HIT_COLUMNS`) as a table: ``profiles`` a count, the rest text."""
    return pd.DataFrame(rows, columns=list(HIT_COLUMNS)).astype(
        {c: "int64" if c == "profiles" else object for c in HIT_COLUMNS})


def unknown_cost_hits(costs: pd.DataFrame) -> pd.DataFrame:
    """Per (market, obligation) whose funded cost rests on an ``unknown`` figure: the number of profiles
    concerned, the first of them and the note (:data:`HIT_COLUMNS`). The hits of a batch's parts add up
    (:func:`merge_hits`): profile names are unique across a batch."""
    if costs.empty:
        return hit_table([])
    note = costs["note"].astype("category")
    cats = note.cat.categories
    hit = np.flatnonzero(np.fromiter((UNKNOWN_MARK in str(c) for c in cats), dtype=bool, count=len(cats)))
    if not len(hit):
        return hit_table([])
    mask = np.isin(note.cat.codes.to_numpy(), hit) & (costs["funded_amount"].to_numpy(dtype="float64") > 0)
    sel = costs.loc[mask, ["profile", "jurisdiction", "obligation", "note"]]  # categoricals stay codes
    rows = []
    for (code, ob), part in sel.groupby(["jurisdiction", "obligation"], sort=False, observed=True):
        profiles = part["profile"].unique()
        rows.append((str(code), str(ob), len(profiles), str(profiles[0]),
                     str(part["note"].iloc[0]).split(UNKNOWN_MARK, 1)[1]))
    return hit_table(rows)


def merge_hits(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The :func:`unknown_cost_hits` of a batch's parts (in order) as those of the whole batch."""
    table = pd.concat(parts, ignore_index=True)
    if table.empty:
        return table
    return table.groupby(["jurisdiction", "obligation"], sort=False).agg(
        profiles=("profiles", "sum"), first_profile=("first_profile", "first"), why=("why", "first")
    ).reset_index()[list(HIT_COLUMNS)]


def unknown_cost_messages(hits: pd.DataFrame) -> list[dict]:
    """The warnings of :func:`unknown_cost_hits`: the profile named when one is concerned, else counted."""
    out = []
    for code, ob, n, first, why in hits[list(HIT_COLUMNS)].itertuples(index=False, name=None):
        count = "" if n == 1 else f" ({n:,} profiles)"
        out.append({"jurisdiction": code, "profile": first if n == 1 else "", "level": "warning",
                    "message": f"{code} {ob}{count}: the insured part's cost {UNKNOWN_MARK}{why}; the figure "
                               "stacks these unknowns on the assumed premium and share of insurance: read it as a "
                               "what-if"})
    return out
