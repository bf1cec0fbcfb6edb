"""The "what changes when" table: at each date of a timeline, per profile and market, what changed since the
date before (a regime starting to count, a reserve building up, the business growing) and its effect on the
market's resources tied up and annual cost (reference currency, one scenario)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..tables import headline_scenario, one_scenario

KEYS = ["profile", "jurisdiction"]


def what_changes(result: Any, scenario: str | None = None) -> pd.DataFrame:
    """Rows ``date, profile, market, change, effect_resources_ref, effect_annual_cost_ref`` for every date
    after the first where something changed (vectorised: one shift per group)."""
    tl = result.timeline
    sc = scenario or headline_scenario(tl)
    costs = one_scenario(result.costs, sc)
    cols = ["date", "profile", "market", "change", "effect_resources_ref", "effect_annual_cost_ref"]
    if costs.empty:
        return pd.DataFrame(columns=cols)
    # every date × (profile, market): a market with no counted row on a date counts 0 there
    pairs = costs[KEYS].drop_duplicates()
    n = len(result.dates)
    full = pd.MultiIndex.from_arrays([np.repeat(np.array(result.dates, dtype=object), len(pairs)),
                                      np.tile(pairs["profile"].to_numpy(), n),
                                      np.tile(pairs["jurisdiction"].to_numpy(), n)], names=["date", *KEYS])
    costs = (costs.set_index(["date", *KEYS])[["resources_tied_up_ref", "annual_cost_ref"]]
             .reindex(full, fill_value=0.0).reset_index())
    g = costs.groupby(KEYS, sort=False)
    d_res = costs["resources_tied_up_ref"] - g["resources_tied_up_ref"].shift()
    d_cost = costs["annual_cost_ref"] - g["annual_cost_ref"].shift()
    # regimes that started to count at each date (counted now, not counted at the date before)
    rows = one_scenario(tl, sc)
    per_regime = rows.groupby(["date", *KEYS, "regime"], sort=True)["counted"].any().reset_index()
    per_regime["was"] = per_regime.groupby([*KEYS, "regime"])["counted"].shift()
    entered = per_regime[per_regime["counted"] & (per_regime["was"] == False)]  # noqa: E712 (NaN: first date)
    entered_text = (entered.assign(text=entered["regime"] + " starts to count")
                    .groupby(["date", *KEYS])["text"].agg("; ".join))
    building = result.reserves
    built_text = pd.Series(dtype=object)
    if not building.empty:
        b = building[(building["scenario"] == sc) & (building["addition"] > 0)]
        built_text = (b.assign(text=b["obligation"] + " reserve builds up (" + b["scenario"] + ")")
                      .groupby(["date", *KEYS])["text"].agg("; ".join))
    key = pd.MultiIndex.from_frame(costs[["date", *KEYS]])
    text = pd.Series(entered_text.reindex(key).to_numpy(), index=costs.index)
    text = text.fillna(pd.Series(built_text.reindex(key).to_numpy(), index=costs.index))
    growth = result.extras["growth"]
    fallback = "business growth" if not growth.none else "parameters or FX on the date"
    moved = (d_res.abs() > 0) | (d_cost.abs() > 0)
    text = text.where(text.notna(), np.where(moved, fallback, None))
    keep = text.notna() & d_res.notna()
    out = pd.DataFrame({"date": costs["date"], "profile": costs["profile"], "market": costs["jurisdiction"],
                        "change": text, "effect_resources_ref": d_res, "effect_annual_cost_ref": d_cost})[keep]
    return out[cols].reset_index(drop=True)
