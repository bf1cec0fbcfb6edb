"""Cost assumptions: dated, cited, user-overridable inputs of the cost model (not law).

The built-in values live in ``comparisons/data/cost_assumptions.yaml`` (same format as a jurisdiction's
parameter file). A user replaces any of them with a file of the same format (``--assumptions FILE``) or, in
Python, with a ``{id: number}`` mapping; a user file may add ``reserve_yield_<ccy>`` for a currency the
built-in file does not list. Every cost row names the ids and values it used (:meth:`CostAssumptions.label`).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from jurisdictions.framework import ParameterError, ParameterSet, ParameterValue, did_you_mean, load_parameters
from jurisdictions.framework import input_policy as policy
from jurisdictions.framework.parameters import ParameterHistory

BUILTIN_FILE = Path(__file__).parent.parent / "data" / "cost_assumptions.yaml"
YIELD_PREFIX = "reserve_yield_"
_YIELD_ID = re.compile(r"^reserve_yield_[a-z]{3}$")
_USER_START = dt.date(1900, 1, 1)

COST_OF_CAPITAL = "cost_of_capital"
INSURANCE_RATE = {"cold": "insurance_rate_cold", "hot": "insurance_rate_hot", "prudential": "insurance_rate_prudential"}
GUARANTEE_FEE = "bank_guarantee_fee"
CAPACITY = "cost_cap_single_insured_max"
YIELD_OTHER = "reserve_yield_other"


def builtin_assumptions() -> ParameterSet:
    """The shipped assumptions file."""
    return load_parameters(BUILTIN_FILE, kind="assumptions")


def _from_mapping(values: Mapping[str, Any], origin: str) -> ParameterSet:
    """``{id: number}`` → a ParameterSet of user values (status assumed, from the earliest date)."""
    hist = {}
    for pid, v in values.items():
        if isinstance(v, ParameterValue):
            hist[str(pid)] = ParameterHistory(str(pid), (v,))
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise ParameterError(f"{origin}: {pid}: value {v!r} is not a finite number")
        if policy.number_problem(v):
            raise ParameterError(f"{origin}: {pid}: value {v!r} {policy.number_problem(v)}")
        hist[str(pid)] = ParameterHistory(str(pid), (ParameterValue(
            id=str(pid), value=float(v), unit="", effective_from=_USER_START, status="assumed",
            citation="user input", source=origin),))
    return ParameterSet(hist, origin)


def load_assumptions(assumptions: Any = None) -> ParameterSet:
    """The built-in assumptions with a user's overrides applied.

    ``assumptions`` may be None, a path, a list of paths, a ParameterSet, or a mapping ``{id: number}``.
    An id the built-in file does not know is an error (with a "did you mean"), except ``reserve_yield_<ccy>``
    which adds a currency.
    """
    base = builtin_assumptions()
    if assumptions is None:
        return base
    if isinstance(assumptions, ParameterSet):
        user = assumptions
    elif isinstance(assumptions, Mapping):
        user = _from_mapping(assumptions, "assumptions argument")
    else:
        paths = [assumptions] if isinstance(assumptions, (str, Path)) else list(assumptions)
        merged: dict = {}
        for p in paths:
            merged.update(load_parameters(p, user_file=True, kind="assumptions").histories)
        user = ParameterSet(merged, ", ".join(str(p) for p in paths))
    extra = {}
    for pid, hist in user.histories.items():
        if pid in base:
            continue
        if _YIELD_ID.match(pid):
            extra[pid] = hist
            continue
        raise ParameterError(
            f"{user.origin}: {pid!r} is not a cost assumption{did_you_mean(pid, base.ids())} "
            f"(known: {', '.join(base.ids())}; a new currency's yield is reserve_yield_<ccy>)"
        )
    merged_set = base.with_overrides(user)
    return ParameterSet({**merged_set.histories, **extra}, f"{base.origin}; overrides: {user.origin}")


def _pct(x: float) -> str:
    return f"{x * 100:.4f}".rstrip("0").rstrip(".") + " %"


@dataclass(frozen=True)
class CostAssumptions:
    """The assumption values read for one comparison date, with the labels cost rows show."""

    values: Mapping[str, ParameterValue]
    as_of: dt.date

    @classmethod
    def read(cls, pset: ParameterSet, as_of: dt.date) -> "CostAssumptions":
        """Every assumption as read on ``as_of`` (an error before the first date, never a silent 0)."""
        vals = {pid: pset.at(pid, as_of) for pid in pset.ids()}
        for pid, v in vals.items():
            x = v.number()
            if pid == CAPACITY:
                if not (x > 0):
                    raise ParameterError(f"{v.source or pset.origin}: {pid}: must be a positive amount (or null: no limit)")
                if not re.fullmatch(r"[A-Z]{3}", (v.unit or "").strip()):
                    raise ParameterError(f"{v.source or pset.origin}: {pid}: unit must be a currency code (e.g. USD), "
                                         f"not {v.unit!r}")
            elif not (-1.0 < x < 1.0):
                raise ParameterError(f"{v.source or pset.origin}: {pid}: {x!r} is not a fraction per year "
                                     "(write 15 % as 0.15)")
        return cls(vals, as_of)

    def number(self, pid: str) -> float:
        return self.values[pid].number()

    @property
    def cost_of_capital(self) -> float:
        return self.number(COST_OF_CAPITAL)

    def yield_id(self, currency: str) -> str:
        pid = YIELD_PREFIX + currency.lower()
        return pid if pid in self.values else YIELD_OTHER

    def reserve_yield(self, currency: str) -> float:
        return self.number(self.yield_id(currency))

    def insurance_rate(self, kind: str) -> float:
        return self.number(INSURANCE_RATE[kind])

    @property
    def guarantee_fee(self) -> float:
        return self.number(GUARANTEE_FEE)

    @property
    def capacity(self) -> tuple[float, str]:
        """(largest insurance limit for one insured, its currency); inf when the user sets no limit."""
        v = self.values[CAPACITY]
        return v.number(), v.unit.strip()

    def label(self, pid: str) -> str:
        """``cost_of_capital 15 % (assumed)`` — the id, its value and status, for cost rows."""
        v = self.values[pid]
        if pid == CAPACITY:
            x, ccy = self.capacity
            shown = "no limit" if math.isinf(x) else f"{ccy} {x:,.0f}"
        else:
            shown = _pct(v.number())
        user = ", user" if v.source.startswith("user") or v.citation == "user input" else ""
        return f"{pid} {shown} ({v.status}{user})"
