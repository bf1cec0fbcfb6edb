"""Per profile and market: resources tied up, insured amount, annual cost and cost in bp of trading volume,
summed from the cost table (``comparisons/costs.py``) on integer keys."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .text_codes import TextCodes

def cost_summary(costs: pd.DataFrame, profiles: pd.DataFrame, fx: Any, currency: str,
                 scenarios: Sequence[str] = ("central",), expand_scenarios: bool = False) -> pd.DataFrame:
    """Per profile and jurisdiction: resources tied up, insured amount, annual cost, cost in bp of volume.

    Jurisdictions with scenario rows (Japan's proposed reserve) get one row per scenario of the comparison,
    each counting the scenario's rows plus the jurisdiction's scenario-free rows. Other jurisdictions get one
    row with an empty scenario, or (``expand_scenarios=True``, as plans need) the same figures under each
    scenario. ``cost_bp_of_volume`` = annual cost ÷ the profile's annual trading volume × 10,000.

    ``costs`` may have categorical or object text columns. Rows are grouped on integer keys (profile
    position, jurisdiction, scenario) through tables, summed by ``np.bincount`` (no hashing, no sort): each
    (profile, jurisdiction) is summed once per scenario and once for its scenario-free rows, and a scenario's
    row adds the two.
    """
    cols = ["profile", "jurisdiction", "scenario", "currency", "resources_tied_up", "insured", "annual_cost",
            "ref_currency", "resources_tied_up_ref", "insured_ref", "annual_cost_ref", "trading_volume_ref",
            "cost_bp_of_volume", "unfunded_ref"]
    if costs.empty:
        return pd.DataFrame(columns=cols)
    P, J, S, C, F = (TextCodes.of(costs[c]) for c in ("profile", "jurisdiction", "scenario", "currency", "form"))
    # order: profiles as given, jurisdictions as they appear, scenarios as asked
    names = profiles["name"]
    if len(P.categories) == len(names) and P.categories.equals(pd.Index(names.to_numpy())):
        unique_names, p_rank = names.to_numpy(dtype=object), P.codes.astype(np.int64)  # the compact form
        n_named = len(names)
    else:
        first_of = ~names.duplicated().to_numpy()
        unique_names = names.to_numpy(dtype=object)[first_of]
        look = pd.Index(unique_names).get_indexer(P.categories)
        n_named = len(unique_names)
        p_rank = np.where(look >= 0, look, n_named + np.arange(len(P.categories)))[P.codes].astype(np.int64)
    j_first = pd.unique(J.codes)
    j_rank = np.empty(len(J.categories), dtype=np.int64)
    j_rank[j_first] = np.arange(len(j_first))
    NJ = max(len(j_first), 1)
    pj = p_rank * NJ + j_rank[J.codes]  # ordered as the output: profile, then jurisdiction
    present = np.bincount(pj)
    pj_list = np.flatnonzero(present)
    pj_index = np.zeros(len(present), dtype=np.int64)
    pj_index[pj_list] = np.arange(len(pj_list))
    row_pj = pj_index[pj]
    del pj, present, pj_index
    # each row's slot: 0 scenario-free, i for the i-th scenario asked, -1 another scenario (not summed)
    W = len(scenarios) + 1
    blank = S.code("")
    slot_of = np.full(len(S.categories), -1, dtype=np.int64)
    for i, s in enumerate(scenarios, start=1):
        if S.code(s) >= 0 and slot_of[S.code(s)] < 0:
            slot_of[S.code(s)] = i
    if blank >= 0:
        slot_of[blank] = 0
    slot = slot_of[S.codes]
    has_sc = np.zeros(len(pj_list), dtype=bool)
    has_sc[row_pj[S.codes != blank]] = True
    used = slot >= 0
    g = np.where(used, row_pj * W + slot, 0)
    G = len(pj_list) * W

    def sums(values: np.ndarray) -> np.ndarray:
        w = np.where(used & ~np.isnan(values), values, 0.0)  # pandas sums skip NaN
        return np.bincount(g, weights=w, minlength=G).reshape(-1, W)

    count = np.bincount(g[used], minlength=G).reshape(-1, W)
    nan_cost = np.bincount(g, weights=(used & np.isnan(costs["annual_cost"].to_numpy(dtype="float64"))),
                           minlength=G).reshape(-1, W) > 0
    first = np.full(G, len(g), dtype=np.int64)
    rows = np.flatnonzero(used)
    first[g[rows[::-1]]] = rows[::-1]  # each group's first row (the last write wins)
    first = first.reshape(-1, W)
    # which (profile, jurisdiction, slot) rows the summary has: scenario rows for jurisdictions with scenarios
    # (or all, expanded), the scenario-free row for the others
    exists = np.zeros((len(pj_list), W), dtype=bool)
    wide = has_sc | expand_scenarios
    exists[:, 1:] = wide[:, None] & ((count[:, 1:] + count[:, :1]) > 0)
    if not expand_scenarios:
        exists[:, 0] = ~has_sc & (count[:, 0] > 0)

    def per_row(base: np.ndarray) -> np.ndarray:
        """Each summary row's figure: the slot's sum, plus the scenario-free sum in scenario slots."""
        full = base.copy()
        full[:, 1:] += base[:, :1]
        return full[exists]

    funded = costs["funded_amount"].to_numpy(dtype="float64")
    rates = np.full(len(C.categories), np.nan)
    for c in np.flatnonzero(np.bincount(C.codes, minlength=len(C.categories))).tolist():
        rates[c] = fx.rate(C.text(c), currency)
    rate = rates[C.codes]
    ins = F.codes == F.code("insurance")
    tied = costs["ties_up"].to_numpy(dtype=bool)
    cost = costs["annual_cost"].to_numpy(dtype="float64")
    out: dict[str, Any] = {}
    for name, v in (("resources_tied_up", np.where(tied, funded, 0.0)), ("insured", np.where(ins, funded, 0.0)),
                    ("annual_cost", cost)):
        out[name] = per_row(sums(v))
        out[f"{name}_ref"] = per_row(sums(v * rate))
    out["unfunded_ref"] = per_row(sums(np.where(F.codes == F.code("unfunded"), funded, 0.0) * rate))
    gap = nan_cost.copy()
    gap[:, 1:] |= nan_cost[:, :1]
    gap = gap[exists]  # an unfunded part has no cost: the total is then unknown (NaN)
    out["annual_cost"][gap] = np.nan
    out["annual_cost_ref"][gap] = np.nan
    first_row = first.copy()
    first_row[:, 1:] = np.minimum(first[:, 1:], first[:, :1])
    first_row = first_row[exists]

    which, slot_k = np.nonzero(exists)  # row-major: profile, jurisdiction, then slot (the output order)
    pj_k = pj_list[which]
    p_k, j_k = pj_k // NJ, pj_k % NJ
    vol_all = profiles["annual_trading_volume"].to_numpy(dtype="float64") * fx.factors(profiles["currency"], currency)
    if len(unique_names) != len(names):
        vol_all = vol_all[~names.duplicated().to_numpy()]
    vol = np.concatenate([vol_all, np.full(len(P.categories), np.nan)])[p_k]
    with np.errstate(over="ignore", invalid="ignore"):  # a vanishing volume gives an infinite cost per unit
        bp = np.divide(out["annual_cost_ref"] * 1e4, vol, out=np.full(len(vol), np.nan), where=vol > 0)
    bp[np.isinf(bp)] = np.nan  # JSON has no infinity
    profile_text = np.concatenate([unique_names, P.categories.to_numpy(dtype=object)])
    frame = pd.DataFrame({
        "profile": profile_text[p_k], "jurisdiction": J.categories.to_numpy(dtype=object)[j_first[j_k]],
        "scenario": np.array(("",) + tuple(scenarios), dtype=object)[slot_k],
        "currency": C.categories.to_numpy(dtype=object)[C.codes[first_row]],
        "resources_tied_up": out["resources_tied_up"], "insured": out["insured"], "annual_cost": out["annual_cost"],
        "ref_currency": currency, "resources_tied_up_ref": out["resources_tied_up_ref"],
        "insured_ref": out["insured_ref"], "annual_cost_ref": out["annual_cost_ref"], "trading_volume_ref": vol,
        "cost_bp_of_volume": bp, "unfunded_ref": out["unfunded_ref"],
    })
    return frame[cols]
