"""Cost assumptions: dated, cited, user-overridable inputs of the cost model (not law).

The built-in values live in ``comparisons/data/cost_assumptions.yaml`` (same format as a jurisdiction's
parameter file). A user replaces any of them with a file of the same format (``--assumptions FILE``) or, in
Python, with a ``{id: number}`` mapping; a user file may add ``reserve_yield_<ccy>`` for a currency the
built-in file does not list. Every cost row names the ids and values it used (:meth:`CostAssumptions.label`).

An assumption with a range gives one value per *assumption set* (``low``, ``central``, ``high``: the
parameter format's ``scenarios``); :meth:`CostAssumptions.read` reads one set, or one set with some
assumptions taken from another (one assumption varied at a time, for the robustness view). The carrying cost
of capital follows rulebook/costs.md §5: cost of equity in a currency = its reserve yield + one equity premium.
A user value of the former ``cost_of_capital`` is read as the USD cost of equity (premium = value − USD yield).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from jurisdictions.framework import ParameterError, ParameterSet, ParameterValue, did_you_mean, load_parameters
from jurisdictions.framework import input_policy as policy
from jurisdictions.framework.parameters import ParameterHistory

BUILTIN_FILE = Path(__file__).parent.parent / "data" / "cost_assumptions.yaml"
YIELD_PREFIX = "reserve_yield_"
_YIELD_ID = re.compile(r"^reserve_yield_[a-z]{3}$")
_USER_START = dt.date(1900, 1, 1)

EQUITY_PREMIUM = "equity_premium"
LEGACY_COST_OF_CAPITAL = "cost_of_capital"  # before costs.md §5 was revised: one cost of equity for every currency
INSURANCE_RATE = {"cold": "insurance_rate_cold", "hot": "insurance_rate_hot", "prudential": "insurance_rate_prudential",
                  "surety": "insurance_rate_surety"}
GUARANTEE_FEE = "bank_guarantee_fee"
CAPACITY = "cost_cap_single_insured_max"
GROUP_CAPACITY = "cost_cap_group_max"
YIELD_OTHER = "reserve_yield_other"
ASSUMPTION_SETS: tuple[str, ...] = ("low", "central", "high")
#: the assumptions varied one at a time for the robustness view (each over its low … high range)
VARIED: tuple[str, ...] = (EQUITY_PREMIUM, INSURANCE_RATE["cold"], INSURANCE_RATE["hot"], INSURANCE_RATE["prudential"],
                           GUARANTEE_FEE, CAPACITY)
_LEGACY_NOTE = "read as the USD cost of equity"


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
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            raise ParameterError(f"{origin}: {pid}: value {v!r} is not a finite number")
        why = policy.number_problem(v)
        if why:
            raise ParameterError(f"{origin}: {pid}: value {v!r} {why}")
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
    user = _legacy_cost_of_capital(user, base)
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


def _legacy_cost_of_capital(user: ParameterSet, base: ParameterSet) -> ParameterSet:
    """A user's ``cost_of_capital`` (one cost of equity for every currency) read as the USD cost of equity:
    ``equity_premium`` = cost_of_capital − reserve_yield_usd (the user's USD yield if given), marked so that
    :func:`assumption_notes` can say so."""
    if LEGACY_COST_OF_CAPITAL not in user.histories:
        return user
    hists = dict(user.histories)
    old = hists.pop(LEGACY_COST_OF_CAPITAL)
    if EQUITY_PREMIUM in hists:
        raise ParameterError(f"{user.origin}: give {EQUITY_PREMIUM!r} or the former {LEGACY_COST_OF_CAPITAL!r}, "
                             "not both")
    usd = hists.get(YIELD_PREFIX + "usd") or base.histories[YIELD_PREFIX + "usd"]
    new = []
    for v in old.values:
        y = usd.at(max(v.effective_from, usd.values[0].effective_from)).number()

        def minus(x: Any) -> Any:
            return None if x is None else float(x) - y
        scen = {k: minus(x) for k, x in v.scenarios.items()} if v.scenarios else None
        new.append(ParameterValue(
            id=EQUITY_PREMIUM, value=None if scen else minus(v.value), unit=v.unit or "fraction per year",
            effective_from=v.effective_from, status=v.status, citation=v.citation,
            source=f"{v.source or user.origin} ({LEGACY_COST_OF_CAPITAL} {_LEGACY_NOTE}: {EQUITY_PREMIUM} = "
                   f"{LEGACY_COST_OF_CAPITAL} {_pct(float(v.value)) if v.value is not None else '(per set)'} − "
                   f"{YIELD_PREFIX}usd {_pct(y)})",
            note=v.note, scenarios=scen))
    hists[EQUITY_PREMIUM] = ParameterHistory(EQUITY_PREMIUM, tuple(new))
    return ParameterSet(hists, user.origin)


def assumption_notes(pset: ParameterSet) -> list[dict]:
    """Warning records about how the user's assumptions were read (a former ``cost_of_capital``)."""
    out = []
    hist = pset.histories.get(EQUITY_PREMIUM)
    for v in (hist.values if hist is not None else ()):
        if _LEGACY_NOTE in v.source:
            out.append({"jurisdiction": "", "profile": "", "level": "note",
                        "message": f"cost assumptions: {v.source.split(' (', 1)[1].rstrip(')')}; own funds now "
                                   "cost the equity premium in every currency (rulebook/costs.md §5)"})
    return out


def _pct(x: float) -> str:
    return f"{x * 100:.4f}".rstrip("0").rstrip(".") + " %"


@dataclass(frozen=True)
class CostAssumptions:
    """The assumption values read for one comparison date and one assumption set (``central`` by default),
    with the labels cost rows show. ``sets`` names, per assumption id, a set other than ``assumption_set``
    (one assumption varied at a time)."""

    values: Mapping[str, ParameterValue]
    as_of: dt.date
    assumption_set: str = "central"
    sets: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, pset: ParameterSet, as_of: dt.date, assumption_set: str = "central",
             sets: Mapping[str, str] | None = None) -> "CostAssumptions":
        """Every assumption as read on ``as_of`` (an error before the first date, never a silent 0), in
        ``assumption_set`` (``low``, ``central`` or ``high``), except the ids ``sets`` maps to another set."""
        for name in [assumption_set, *(sets or {}).values()]:
            if name not in ASSUMPTION_SETS:
                raise ParameterError(f"assumption set {name!r} is not one of {', '.join(ASSUMPTION_SETS)}"
                                     f"{did_you_mean(str(name), ASSUMPTION_SETS)}")
        vals = {pid: pset.at(pid, as_of) for pid in pset.ids()}
        for pid, v in vals.items():
            for name in ASSUMPTION_SETS if v.scenarios else (None,):
                if v.scenarios is not None and name not in v.scenarios:
                    raise ParameterError(f"{v.source or pset.origin}: {pid}: no value for the {name!r} assumption set")
                x = v.number(name)
                if pid in (CAPACITY, GROUP_CAPACITY):
                    if not (x >= 0):
                        raise ParameterError(f"{v.source or pset.origin}: {pid}: must be an amount ≥ 0 (or null: "
                                             "no limit)")
                    if not re.fullmatch(r"[A-Z]{3}", (v.unit or "").strip()):
                        raise ParameterError(f"{v.source or pset.origin}: {pid}: unit must be a currency code (e.g. "
                                             f"USD), not {v.unit!r}")
                elif not (-1.0 < x < 1.0):
                    raise ParameterError(f"{v.source or pset.origin}: {pid}: {x!r} is not a fraction per year "
                                         "(write 15 % as 0.15)")
        return cls(vals, as_of, assumption_set, dict(sets or {}))

    def set_of(self, pid: str) -> str:
        """The assumption set ``pid`` is read in."""
        return self.sets.get(pid, self.assumption_set)

    def number(self, pid: str) -> float:
        v = self.values[pid]
        return v.number(self.set_of(pid) if v.scenarios else None)

    @property
    def equity_premium(self) -> float:
        return self.number(EQUITY_PREMIUM)

    def cost_of_equity(self, currency: str) -> float:
        """Cost of equity in ``currency`` = its reserve yield + the equity premium (costs.md §5)."""
        return self.reserve_yield(currency) + self.equity_premium

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
        return self.number(CAPACITY), self.values[CAPACITY].unit.strip()

    @property
    def group_capacity(self) -> tuple[float, str]:
        """(largest insurance limit for one group, its currency): the entities of a plan share it."""
        v = self.values.get(GROUP_CAPACITY)
        if v is None:
            return self.capacity
        return self.number(GROUP_CAPACITY), v.unit.strip()

    def label(self, pid: str) -> str:
        """``equity_premium 11.25 % (assumed)`` — the id, its value and status, for cost rows (``[low set]``
        after the value when it is read in a set other than ``central``)."""
        v = self.values[pid]
        if pid in (CAPACITY, GROUP_CAPACITY):
            x, ccy = self.number(pid), v.unit.strip()
            shown = "no limit" if math.isinf(x) else f"{ccy} {x:,.0f}"
        else:
            shown = _pct(self.number(pid))
        name = self.set_of(pid)
        if v.scenarios and name != "central":
            shown += f" [{name} set]"
        user = ", user" if v.source.startswith("user") or v.citation == "user input" or _LEGACY_NOTE in v.source \
            else ", left of the group's line" if v.source.startswith("plan:") else ""
        return f"{pid} {shown} ({v.status}{user})"
