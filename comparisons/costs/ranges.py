"""Costs under the assumption sets, and which conclusions survive them (rulebook/costs.md §5; DESIGN.md
"Costs, funding and stress").

Every cost is computed at the ``central`` assumption set; on request also at ``low`` (every assumption at its
cheap end) and ``high`` (its costly end: the smallest capacity, the highest fee). :func:`cost_ranges` gives each
market's annual cost under the three sets (Contract 4's ``cost_ranges`` rows). :func:`robustness` says, per
profile, which market is cheapest and which most expensive under each set, whether that holds under every set,
and — varying one assumption at a time over its range, the others at ``central`` — which assumptions can flip
it (the tornado rows).

These run the cost table once per set (and twice per varied assumption): meant for the few profiles of a
briefing or a notebook. A large batch costs at ``central`` only (``ComparisonResult.costs``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterSet

from .assumptions import ASSUMPTION_SETS, VARIED, CostAssumptions, load_assumptions
from .summary import cost_summary
from .table import cost_table

RANGE_COLUMNS = ("profile", "jurisdiction", "scenario", "currency", "low", "central", "high")
ROBUST_COLUMNS = ("profile", "scenario", "cheapest_low", "cheapest_central", "cheapest_high", "cheapest_holds",
                  "cheapest_depends_on", "dearest_low", "dearest_central", "dearest_high", "dearest_holds",
                  "dearest_depends_on")
TORNADO_COLUMNS = ("profile", "scenario", "assumption", "end", "value", "cheapest", "dearest", "flips_cheapest",
                   "flips_dearest")
SWING_COLUMNS = ("profile", "scenario", "assumption", "jurisdiction", "low_end", "central", "high_end", "swing")


def costs_under(result: Any, assumption_set: str = "central", sets: Mapping[str, str] | None = None
                ) -> pd.DataFrame:
    """The cost table of ``result`` with the assumptions read in ``assumption_set`` (and ``sets``: some
    assumption ids in another set); the same code and funding as ``result.costs``."""
    pset = _assumptions(result)
    return cost_table(result.amounts, result.jurisdictions, result.profiles, fx=result.fx, as_of=result.as_of,
                      currency=result.currency,
                      assumptions=CostAssumptions.read(pset, result.as_of, assumption_set, sets),
                      parameters=result.parameters, funding=result.funding)


def _summary(result: Any, costs: pd.DataFrame) -> pd.DataFrame:
    return cost_summary(costs, result.profiles, result.fx, result.currency, result.scenarios)


def cost_ranges(result: Any, costs: Callable[[str], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Per profile, market and reserve scenario: the annual cost (reference currency) under ``low``,
    ``central`` and ``high``. ``costs(set)`` gives the cost table of a set (default: computed here)."""
    get = costs or (lambda s: costs_under(result, s))
    keys = ["profile", "jurisdiction", "scenario"]
    out = None
    for s in ASSUMPTION_SETS:
        summ = _summary(result, get(s))[keys + ["ref_currency", "annual_cost_ref"]]
        summ = summ.rename(columns={"annual_cost_ref": s, "ref_currency": "currency"})
        if out is None:
            out = summ
        elif len(summ) == len(out) and all(np.array_equal(summ[k].to_numpy(), out[k].to_numpy()) for k in keys):
            out[s] = summ[s].to_numpy()  # the same rows in the same order (the usual case): no join
        else:
            out = out.merge(summ.drop(columns="currency"), on=keys, how="left", sort=False)
    if out is None or out.empty:
        return pd.DataFrame(columns=list(RANGE_COLUMNS))
    return out[list(RANGE_COLUMNS)].reset_index(drop=True)


def _extremes(summ: pd.DataFrame, scenarios: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, str, dict]]:
    """Per (profile, reserve scenario): (cheapest market, dearest market, {market: cost}) among the markets
    with a known cost (an unfunded part leaves the cost unknown: such a market is not ranked)."""
    out = {}
    summ = summ.dropna(subset=["annual_cost_ref"])
    for prof, part in summ.groupby("profile", sort=False):
        for sc in scenarios:
            rows = part[part["scenario"].isin(["", sc])]
            if rows.empty:
                continue
            cost = dict(zip(rows["jurisdiction"], rows["annual_cost_ref"].astype(float)))
            order = sorted(cost, key=lambda j: cost[j])  # stable: ties keep the comparison's market order
            out[(prof, sc)] = (order[0], order[-1], cost)
    return out


@dataclass(frozen=True)
class Robustness:
    """Which conclusions hold under every assumption set.

    ``table``: per profile and reserve scenario, the cheapest and the dearest market under each set, whether
    each holds under every set, and the assumptions that flip it when varied alone. ``tornado``: per profile,
    varied assumption and end of its range, the cheapest and dearest market then. ``swings``: per profile,
    varied assumption and market, the market's annual cost at the assumption's low end, centrally and at its
    high end (what the tornado chart draws).
    """

    table: pd.DataFrame
    tornado: pd.DataFrame
    swings: pd.DataFrame


def robustness(result: Any, costs: Callable[..., pd.DataFrame] | None = None) -> Robustness:
    """The robustness view of ``result`` (see :class:`Robustness`). ``costs(set, sets=None)`` gives a cost
    table (default: computed here)."""
    get = costs or (lambda s, sets=None: costs_under(result, s, sets))
    sc_list = tuple(result.scenarios)
    by_set = {s: _extremes(_summary(result, get(s)), sc_list) for s in ASSUMPTION_SETS}
    pset = _assumptions(result)
    varied = [pid for pid in VARIED if pid in pset.histories]
    tornado, swings = [], []
    ends: dict[tuple[str, str], dict[tuple[str, str], tuple[str, str, dict]]] = {}
    labels: dict[tuple[str, str], str] = {}  # each varied assumption's label at each end
    for pid in varied:
        for end in ("low", "high"):
            ends[(pid, end)] = _extremes(_summary(result, get("central", {pid: end})), sc_list)
            labels[(pid, end)] = CostAssumptions.read(pset, result.as_of, "central", {pid: end}).label(pid)
    rows = []
    for key, (cheap_c, dear_c, cost_c) in by_set["central"].items():
        prof, sc = key
        got = {s: by_set[s].get(key) for s in ASSUMPTION_SETS}
        depends: dict[str, list[str]] = {"cheapest": [], "dearest": []}
        for pid in varied:
            low_x, high_x = (ends[(pid, e)].get(key) for e in ("low", "high"))
            for end, x in (("low", low_x), ("high", high_x)):
                if x is None:
                    continue
                fc, fd = x[0] != cheap_c, x[1] != dear_c
                tornado.append({"profile": prof, "scenario": sc, "assumption": pid, "end": end,
                                "value": labels[(pid, end)], "cheapest": x[0], "dearest": x[1],
                                "flips_cheapest": fc, "flips_dearest": fd})
                if fc and pid not in depends["cheapest"]:
                    depends["cheapest"].append(pid)
                if fd and pid not in depends["dearest"]:
                    depends["dearest"].append(pid)
            for j, c in cost_c.items():
                lo = low_x[2].get(j, np.nan) if low_x else np.nan
                hi = high_x[2].get(j, np.nan) if high_x else np.nan
                swings.append({"profile": prof, "scenario": sc, "assumption": pid, "jurisdiction": j,
                               "low_end": lo, "central": c, "high_end": hi, "swing": abs(hi - lo)})
        row = {"profile": prof, "scenario": sc}
        for what, i in (("cheapest", 0), ("dearest", 1)):
            names = [got[s][i] if got[s] else None for s in ASSUMPTION_SETS]
            for s, name in zip(ASSUMPTION_SETS, names):
                row[f"{what}_{s}"] = name
            row[f"{what}_holds"] = len(set(names)) == 1  # the same market under low, central and high
            row[f"{what}_depends_on"] = ", ".join(depends[what])
        rows.append(row)
    return Robustness(pd.DataFrame(rows, columns=list(ROBUST_COLUMNS)),
                      pd.DataFrame(tornado, columns=list(TORNADO_COLUMNS)),
                      pd.DataFrame(swings, columns=list(SWING_COLUMNS)))


def _assumptions(result: Any) -> ParameterSet:
    """The assumptions of ``result`` (the built-in ones when it has none of its own)."""
    return result.assumptions if result.assumptions is not None else load_assumptions()


def conclusion(rob: Robustness, profile: str, scenario: str, what: str = "cheapest") -> tuple[str, bool, str]:
    """(market, holds under every set, the assumptions it depends on) for one profile and reserve scenario:
    ``what`` is ``cheapest`` or ``dearest``; market "" when the profile has no ranked market."""
    t = rob.table
    row = t[(t["profile"] == profile) & (t["scenario"] == scenario)]
    if row.empty:
        return "", False, ""
    r = row.iloc[0]
    return str(r[f"{what}_central"]), bool(r[f"{what}_holds"]), str(r[f"{what}_depends_on"])
