"""Warnings on costs that rest on a figure the rulebook marks ``unknown`` (costs.md §5: the MiCA Art. 67
policy premium, how a policy limit counts against the requirement). The cost rows carry the note
(``comparisons/costs/table.py``, ``UNKNOWN_INPUTS``); this turns them into one warning per market and
obligation, naming the profile when one profile is concerned and counting them otherwise."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .table import UNKNOWN_MARK


def unknown_cost_warnings(costs: pd.DataFrame) -> list[dict]:
    """One warning per (market, obligation) whose funded cost rests on an ``unknown`` figure."""
    if costs.empty:
        return []
    note = costs["note"].astype("category")
    cats = note.cat.categories
    hit = np.flatnonzero(np.fromiter((UNKNOWN_MARK in str(c) for c in cats), dtype=bool, count=len(cats)))
    if not len(hit):
        return []
    mask = np.isin(note.cat.codes.to_numpy(), hit) & (costs["funded_amount"].to_numpy(dtype="float64") > 0)
    sel = costs.loc[mask, ["profile", "jurisdiction", "obligation", "note"]]  # categoricals stay codes
    out = []
    for (code, ob), part in sel.groupby(["jurisdiction", "obligation"], sort=False, observed=True):
        profiles = part["profile"].unique()
        why = str(part["note"].iloc[0]).split(UNKNOWN_MARK, 1)[1]
        who = str(profiles[0]) if len(profiles) == 1 else ""
        count = "" if len(profiles) == 1 else f" ({len(profiles):,} profiles)"
        out.append({"jurisdiction": code, "profile": who, "level": "warning",
                    "message": f"{code} {ob}{count}: the insured part's cost {UNKNOWN_MARK}{why}; the figure "
                               "stacks these unknowns on the assumed premium and share of insurance: read it as a "
                               "what-if"})
    return out
