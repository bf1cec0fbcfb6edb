"""The insurance line of a group, shared by the entities of a multi-market plan (rulebook costs.md §5:
insurers size their line per group).

A :class:`GroupLine` walks the plan's markets in order: each entity may insure at most the smaller of the
single-insured limit (``cost_cap_single_insured_max``) and what the earlier entities left of the group's
line (``cost_cap_group_max``), in every assumption set; what it insured (at ``central``, the largest reserve
scenario counted) is then taken off the line. :meth:`GroupLine.split` reports the split.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from jurisdictions.framework import ParameterSet
from jurisdictions.framework.parameters import ParameterHistory

from .assumptions import ASSUMPTION_SETS, CAPACITY, GROUP_CAPACITY, CostAssumptions, load_assumptions


@dataclass(frozen=True)
class GroupLine:
    """The group's insurance line as the plan's entities use it (capacity currency, per assumption set)."""

    pset: ParameterSet
    as_of: dt.date
    used: float = 0.0  # insured so far by earlier entities (central set), in the line's currency
    rows: tuple[dict, ...] = ()

    @classmethod
    def start(cls, assumptions: Any, as_of: dt.date) -> "GroupLine":
        return cls(load_assumptions(assumptions), as_of)

    def _limits(self) -> tuple[dict[str, float], str]:
        """Per set, what the next entity may insure: min(single-insured limit, group line − used)."""
        out = {}
        ccy = ""
        for s in ASSUMPTION_SETS:
            a = CostAssumptions.read(self.pset, self.as_of, s)
            (single, ccy), (group, g_ccy) = a.capacity, a.group_capacity
            if g_ccy != ccy and math.isfinite(group):
                raise ValueError(f"{GROUP_CAPACITY} ({g_ccy}) and {CAPACITY} ({ccy}) must be in one currency")
            out[s] = min(single, max(group - self.used, 0.0))
        return out, ccy

    def assumptions(self) -> ParameterSet:
        """The assumptions of the next entity: the single-insured limit cut to what is left of the line."""
        limits, ccy = self._limits()
        v = self.pset.at(CAPACITY, self.as_of)
        a = CostAssumptions.read(self.pset, self.as_of)
        new = replace(v, value=None, scenarios={s: (None if math.isinf(x) else x) for s, x in limits.items()},
                      source=f"plan: the group's line ({a.label(GROUP_CAPACITY)}) less {ccy} {self.used:,.0f} insured "
                             f"by the plan's earlier entities, at most {a.label(CAPACITY)}")
        return ParameterSet({**self.pset.histories, CAPACITY: ParameterHistory(CAPACITY, (new,))},
                            f"{self.pset.origin}; group insurance line shared by the plan's entities")

    def used_by(self, code: str, entity: str, costs: pd.DataFrame, fx: Any) -> "GroupLine":
        """The line after ``entity`` (market ``code``) insured what its cost rows show."""
        limits, ccy = self._limits()
        ins = costs[costs["form"].astype(str) == "insurance"]
        amount = ins["funded_amount"].to_numpy(dtype="float64") * fx.factors(ins["currency"].astype(str), ccy)
        sc = ins["scenario"].astype(str).to_numpy()
        free = float(amount[sc == ""].sum())
        per = [float(amount[sc == s].sum()) for s in set(sc) - {""}]
        insured = free + (max(per) if per else 0.0)  # reserve scenarios are alternatives: the largest counts
        row = {"entity": entity, "market": code, "currency": ccy, "line_left": limits["central"],
               "insured": insured, "line_left_after": max(limits["central"] - insured, 0.0)}
        return replace(self, used=self.used + insured, rows=self.rows + (row,))

    def split(self) -> pd.DataFrame:
        """Per entity in plan order: the line left to it (central set), what it insured, what it left."""
        return pd.DataFrame(list(self.rows), columns=["entity", "market", "currency", "line_left", "insured",
                                                      "line_left_after"])
