"""What each obligation costs a year, funded the cheapest allowed way (or the user's way).

Unit costs by funding form (rulebook/costs.md §5; every rate is an assumption of
``comparisons/data/cost_assumptions.yaml``, overridable):

- cost of equity in a currency = its reserve yield + one equity premium (costs.md §5, revised): capital costs
  the same premium whichever currency holds it.
- ``own_funds``, ``trust_funds``: amount × (cost of equity − the yield they earn) = amount × equity premium:
  the firm's money is tied up, but the assets held earn the currency's yield.
- ``same_kind_crypto``: amount × cost of equity (own crypto earns nothing; its price risk is not modelled).
- ``insurance``: insured limit × rate on line, the rate set by the obligation's ``insurance_kind``:
  ``prudential`` (a policy such as MiCA Art. 67's), ``hot``, ``cold``, ``storage_mix`` (hot share × hot rate +
  cold share × cold rate) or ``split`` (each part of the cover, parameter × client assets in that storage,
  priced at its storage's rate; e.g. Hong Kong's 0.5 × cold + 1.0 × hot). Insurance is limited by the regime's
  cap on its share and by the largest limit the market sells to one insured (converted at the comparison's FX).
- ``bank_guarantee``: amount × guarantee fee, bounded: the bank guarantees unsecured up to the firm's own
  funds (converted into the market's currency) and asks cash collateral above that, costed as trust money
  (equity premium) on top of the fee.
- ``segregation``: no cost to the firm (the money is the clients').

Two kinds of obligation are not funding at all and cost 0, with a note: ``client_money`` and ``custody``
obligations hold the clients' own money or assets (on trust, segregated or in kind, whatever form the row
names: the row shows the amount held, which ties up none of the firm's resources); and
``cold_storage_shortfall`` is a storage move (client assets into cold storage), an operational change whose
cost is not modelled.

Capacity per insured: the insurance every obligation of one entity (profile) in one market buys shares the
largest limit the market sells to one insured, and the unsecured guarantees share the entity's own funds; the
obligations use them in table order (a reserve scenario's rows share with the scenario-free rows only).
A cost that rests on a figure the rulebook marks ``unknown`` (the MiCA Art. 67 policy premium, how a policy
limit counts) says so in its note (:data:`UNKNOWN_INPUTS`; a plug-in may declare ``cost_unknowns``).

Obligations of one ``overlap_group`` are met by the same resources: the group costs what its costliest
member costs; the other members' rows show 0 and name the member that carries the cost. Groups are resolved
among rows of the same profile, jurisdiction and scenario (``comparisons/cost_overlaps.py``).

All functions are vectorised over profiles: loops run over obligation kinds and funding forms only.

The obligations may arrive as the Contract 2 table (object text columns, with ``basis``) or in the compact
form of the batch path (no ``basis``; every text column a pandas Categorical, ``profile`` coded by the
profile's row position). Both give the same cost rows. Internally every text column is read as integer
codes: obligation kinds, overlap groups and profiles are grouped and looked up by code, never by string. The
rows of each kind (a block of the table, as plug-ins emit them) are costed a chunk at a time and their cost
rows appended in table order, so the table needs no sort (a table in another order is costed grouped by kind
and put back in order once). The cost table's text columns are Categoricals: text that is constant per
obligation kind, form and scenario is written once, and the few texts that carry a row's own amounts (the
parts of a split insurance cover, an overlap member's standalone cost) are built once per distinct text,
the amounts grouped by their rounded form (``compact``; see ``comparisons/costs/text_codes.py``). The table's
columns are written once, in order, into arrays reserved for the most rows possible; what is kept per
obligation row for the whole table is its count of cost rows (and, for rows in overlap groups only, their
costs and where their cost rows start). The summary per profile and market is ``comparisons/costs/summary.py``.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterSet, PluginError
from jurisdictions.framework.obligations import INSURANCE_KINDS

from .assumptions import CAPACITY, EQUITY_PREMIUM, GUARANTEE_FEE, INSURANCE_RATE, CostAssumptions
from .overlaps import Overlaps
from .funding import FundingMix, Tranche, allocate
from .text_codes import TextCodes, TextPool, combine_keys, compact_codes, distinct_keys

COST_COLUMNS: tuple[str, ...] = (
    "profile", "jurisdiction", "regime", "obligation", "scenario", "form", "funded_amount", "annual_cost",
    "currency", "annual_cost_ref", "ref_currency", "assumptions",
    # extra columns: the amount funded in the reference currency, the overlap group, the effective rate per
    # unit funded, "cheapest" or "user" mix, notes, and whether the form ties up the firm's own resources
    "funded_amount_ref", "overlap_group", "unit_cost", "mix", "note", "ties_up",
)
#: the cost table's number columns (float64); ``ties_up`` is bool, every other column text (Categorical)
NUMBER_COLUMNS: tuple[str, ...] = ("funded_amount", "annual_cost", "annual_cost_ref", "funded_amount_ref", "unit_cost")
#: forms that tie up the firm's own resources (insurance and guarantees are bought, segregation is the clients')
TIED_UP_FORMS: tuple[str, ...] = ("own_funds", "trust_funds", "same_kind_crypto")
NO_FUNDING_CATEGORIES = {
    "client_money": "the clients' own money, held on trust or segregated: no cost to the firm",
    "custody": "the clients' own assets, held for them (in kind, on trust or segregated): no cost to the firm",
}
#: Contract 2's storage-cap obligation: the value to move into cold storage
STORAGE_MOVE = ("cold_storage_shortfall",
                "a storage move (client assets into cold storage), not funding: its operational cost is not modelled")
NO_COST = "none (no cost)"
#: per insurance kind, the inputs of its cost that the rulebook marks ``unknown`` (a plug-in may declare
#: ``cost_unknowns`` on an obligation instead: a tuple of such texts)
UNKNOWN_INPUTS: dict[str, tuple[str, ...]] = {
    "prudential": ("the premium of a MiCA Art. 67 policy (costs.md §1 cost_prem_eu_art67_policy: unknown)",
                   "how a policy limit counts against the requirement (eu_mica.md: unknown)"),
}
GUARANTEE_PARTS = ("unsecured part", "cash-collateralised part")
UNKNOWN_MARK = "rests on figures the rulebook marks unknown: "
UNFUNDED_NOTE = "no allowed form can meet this part within its limits"
NOTHING_TO_FUND = "nothing to fund"
#: text columns of the obligations that the costs read (all but ``basis``, ``status``, ``citation``, ``reason``)
_READ = ("profile", "jurisdiction", "regime", "obligation", "category", "currency", "scenario", "funding_forms",
         "overlap_group")


def empty_costs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in NUMBER_COLUMNS else object) for c in COST_COLUMNS})


def _pct(x: float) -> str:
    return f"{x * 100:.4f}".rstrip("0").rstrip(".") + " %"


def _amt(ccy: str, x: float) -> str:
    from ..formatting import compact

    return f"{ccy} {compact(x)}"


# -- context -------------------------------------------------------------------------------------------------

class _Ctx:
    """What every obligation kind needs: assumptions, FX, profiles, plug-ins and their parameters."""

    def __init__(self, profiles: pd.DataFrame, jurisdictions: Sequence[Any], parameters: Mapping[str, ParameterSet],
                 fx: Any, as_of: dt.date, ref: str, assumptions: CostAssumptions, funding: FundingMix | None):
        self.profiles = profiles
        self.by_code = {j.code: j for j in jurisdictions}
        self.parameters = dict(parameters or {})
        self.fx, self.as_of, self.ref, self.a, self.funding = fx, as_of, ref, assumptions, funding
        self._fields: dict[tuple[str, str | None], np.ndarray] = {}
        self.shared: set[str] = set()  # markets with more than one kind that insures or guarantees: room is shared
        self._used: dict[tuple[str, str, str], np.ndarray] = {}  # (resource, market, scenario) → used per profile

    def room(self, resource: str, kind: "_Kind", total: np.ndarray | float) -> np.ndarray:
        """Each row's room under a per-entity limit ``total`` (market currency): the limit less what earlier
        obligations of the same profile and market used (a scenario row: the scenario-free rows' use and its own
        scenario's; a scenario-free row: the scenario-free use and the largest scenario's)."""
        total = np.broadcast_to(np.asarray(total, dtype="float64"), (kind.n,))
        if kind.code not in self.shared:
            return np.array(total)
        pos = kind.pos
        used = np.zeros(kind.n)
        blank = self._used.get((resource, kind.code, ""))
        if blank is not None:
            used += blank[pos]
        for i, sc in enumerate(kind.scenarios):
            m = kind.sc == i
            if sc:
                arr = self._used.get((resource, kind.code, sc))
                if arr is not None:
                    used[m] += arr[pos[m]]
            else:
                arrs = [v for (r, c, s), v in self._used.items() if r == resource and c == kind.code and s]
                if arrs:
                    used[m] += np.maximum.reduce(arrs)[pos[m]]
        return np.maximum(total - used, 0.0)

    def use(self, resource: str, kind: "_Kind", amount: np.ndarray) -> None:
        """Record what the rows of ``kind`` used of a per-entity limit (market currency)."""
        if kind.code not in self.shared:
            return
        pos = kind.pos
        for i, sc in enumerate(kind.scenarios):
            m = kind.sc == i
            arr = self._used.setdefault((resource, kind.code, sc), np.zeros(len(self.profiles)))
            np.add.at(arr, pos[m], np.nan_to_num(amount[m]))

    def params(self, code: str) -> ParameterSet | None:
        if code in self.parameters:
            return self.parameters[code]
        j = self.by_code.get(code)
        return j.parameters() if j is not None else None

    def spec(self, code: str, regime: str, obligation: str):
        j = self.by_code.get(code)
        if j is None:
            return None
        try:
            return j.spec(obligation, regime)
        except (KeyError, AttributeError):
            return None

    def profile_field(self, pos: np.ndarray, fieldname: str, ccy: str | None = None) -> np.ndarray:
        """A profile field for each row, ``pos`` the rows' profile positions (money fields converted into
        ``ccy``). Each field is read and converted once for all profiles, then gathered by position."""
        k = (fieldname, ccy)
        if k not in self._fields:
            v = self.profiles[fieldname].to_numpy(dtype="float64")
            if ccy is not None:
                v = v * self.fx.factors(self.profiles["currency"], ccy)
            self._fields[k] = v
        return self._fields[k][pos]

    def is_proposal(self, code: str, regime: str) -> bool:
        j = self.by_code.get(code)
        try:
            return bool(j is not None and j.regime(regime).is_proposal)
        except (KeyError, AttributeError):
            return False

    def param_by_scenario(self, code: str, pid: str, kind: "_Kind", proposal: bool = False
                          ) -> tuple[np.ndarray, list[str]]:
        """A parameter of the jurisdiction for each row's scenario (blank: central), and its label per
        scenario of the kind (``kind.scenarios``).

        A proposed regime is a what-if evaluated whatever the date, so its parameters are read at
        max(as_of, their first date), as the plug-ins read them.
        """
        ps = self.params(code)
        if ps is None:
            raise PluginError(f"plug-in {code!r}: no parameters to read {pid!r} from")
        v = ps.what_if(pid, self.as_of) if proposal else ps.at(pid, self.as_of)
        if v.scenarios is None:
            return np.full(kind.n, v.number()), [f"{pid} {v.value} ({v.status})"] * len(kind.scenarios)
        names = [s or "central" for s in kind.scenarios]
        values = np.array([v.number(s) for s in names], dtype="float64")
        return values[kind.sc], [f"{pid} {v.for_scenario(s)} [{s}] ({v.status})" for s in names]


@dataclass
class _Kind:
    """The rows of one obligation kind (jurisdiction, regime, obligation, funding forms)."""

    rows: np.ndarray | slice  # the obligation rows (positions in the table; a slice when consecutive)
    code: str
    regime: str
    obligation: str
    forms_joined: str
    category: str
    ccy: str
    codes: dict[str, int]  # jurisdiction, regime, obligation and currency as codes of the obligations' columns
    amount: np.ndarray
    sc: np.ndarray  # each row's scenario, as an index into ``scenarios``
    scenarios: list[str]
    profile_pos: Callable[[np.ndarray], np.ndarray]

    @property
    def n(self) -> int:
        return len(self.amount)

    @property
    def pos(self) -> np.ndarray:
        return self.profile_pos(self.rows)


@dataclass
class _Block:
    """The cost rows of one kind: which of its frames (a funding form, "unfunded", "" for nothing to fund)
    each obligation row keeps, and each frame's values (an array over the kind's rows, or a scalar)."""

    kind: "_Kind"
    keep: np.ndarray  # (rows, frames) bool: row-major order is the order of the cost rows
    frames: list[dict[str, Any]]
    rate: float  # FX rate of the kind's currency into the reference currency
    total: np.ndarray | None = None  # each row's total cost (rows in overlap groups only)
    counts: np.ndarray | None = None  # each row's number of cost rows (None: one each)


# -- tranches and limits (per kind) --------------------------------------------------------------------------

def _tranches(ctx: _Ctx, kind: _Kind, forms: Sequence[str], spec: Any
              ) -> tuple[list[Tranche], dict[str, list[str]]]:
    """The tranches each allowed form offers for these rows, and the assumption text of each form (per
    scenario of the kind)."""
    a, n, code, ccy = ctx.a, kind.n, kind.code, kind.ccy
    S = len(kind.scenarios)
    prem = a.equity_premium
    y_id = a.yield_id(ccy)
    coe = a.cost_of_equity(ccy)
    coe_text = f"cost of equity = {a.label(y_id)} + {a.label(EQUITY_PREMIUM)} = {_pct(coe)}"
    out: list[Tranche] = []
    text: dict[str, list[str]] = {}
    inf = np.full(n, np.inf)
    for form in forms:
        if form in ("own_funds", "trust_funds"):
            # (yield + premium) − the yield the assets earn = the premium, whatever the currency; never a
            # negative cost (a negative premium: a gain the rule does not cause)
            rate = max(prem, 0.0)
            out.append(Tranche(form, np.full(n, rate), inf))
            text[form] = [f"{coe_text} − the {_pct(a.reserve_yield(ccy))} they earn = {_pct(rate)} a year"] * S
        elif form == "same_kind_crypto":
            rate = max(coe, 0.0)
            out.append(Tranche(form, np.full(n, rate), inf))
            text[form] = [f"{coe_text} a year (own crypto earns no yield; price risk not modelled)"] * S
        elif form == "bank_guarantee":
            fee = a.guarantee_fee
            own = np.maximum(np.nan_to_num(ctx.profile_field(kind.pos, "own_funds", ccy)), 0.0)
            out.append(Tranche(form, np.full(n, fee), ctx.room("guarantee", kind, own), GUARANTEE_PARTS[0]))
            out.append(Tranche(form, np.full(n, fee + max(prem, 0.0)), inf, GUARANTEE_PARTS[1]))
            text[form] = [f"{a.label(GUARANTEE_FEE)} a year; unsecured up to the firm's own funds, above them cash "
                          f"collateral costed as trust money ({a.label(EQUITY_PREMIUM)}) on top of the fee"] * S
        elif form == "segregation":
            out.append(Tranche(form, np.zeros(n), inf))
            text[form] = ["segregation of the clients' money: no cost to the firm"] * S
        elif form == "insurance":
            ins = getattr(spec, "insurance_kind", "storage_mix") or "storage_mix"
            if ins not in INSURANCE_KINDS:
                raise PluginError(f"plug-in {code!r}: obligation {getattr(spec, 'id', '?')!r} has insurance_kind "
                                  f"{ins!r}; expected one of {', '.join(INSURANCE_KINDS)}")
            new, text[form] = _insurance_tranches(ctx, kind, ins, spec)
            out.extend(new)
        else:
            raise PluginError(f"plug-in {code!r}: unknown funding form {form!r}")
    return out, text


def _insurance_tranches(ctx: _Ctx, kind: _Kind, ins: str, spec: Any) -> tuple[list[Tranche], list[str]]:
    """Insurance priced by storage: one tranche per kind of storage the cover protects."""
    a, n, code, ccy = ctx.a, kind.n, kind.code, kind.ccy
    S = len(kind.scenarios)
    inf = np.full(n, np.inf)
    hot_r, cold_r = a.insurance_rate("hot"), a.insurance_rate("cold")
    if ins in ("prudential", "hot", "cold", "surety"):
        return ([Tranche("insurance", np.full(n, a.insurance_rate(ins)), inf)],
                [f"{a.label(INSURANCE_RATE[ins])} on the insured limit"] * S)
    pos = kind.pos
    h = ctx.profile_field(pos, "hot_wallet_share")
    mix_rate = h * hot_r + (1 - h) * cold_r
    mix_text = (f"hot share × {a.label(INSURANCE_RATE['hot'])} + cold share × {a.label(INSURANCE_RATE['cold'])}")
    if ins == "storage_mix":
        return [Tranche("insurance", mix_rate, inf)], [mix_text] * S
    # split: part of the amount covering each kind of storage = parameter × client assets held there
    cca = ctx.profile_field(pos, "client_crypto_assets", ccy)
    held = {"hot": h * cca, "cold": (1 - h) * cca}
    parts, labels = [], []
    for storage, pid in getattr(spec, "cover_parts", ()):
        if storage not in held:
            raise PluginError(f"plug-in {code!r}: cover_parts storage {storage!r} is not 'hot' or 'cold'")
        factor, lab = ctx.param_by_scenario(code, pid, kind, ctx.is_proposal(code, kind.regime))
        parts.append((storage, factor * held[storage]))
        labels.append([f"{storage} part = " + x + f" × client assets held {storage}" for x in lab])
    total = sum(p for _, p in parts) if parts else np.zeros(n)
    scale = np.divide(kind.amount, total, out=np.zeros(n), where=total > 0)
    tranches = [Tranche("insurance", np.full(n, a.insurance_rate(s)), p * scale, f"{s} part") for s, p in parts]
    # no client assets to split (or no parts declared): price any cover at the storage mix
    tranches.append(Tranche("insurance", mix_rate, np.where(total > 0, 0.0, np.inf), "unsplit"))
    tail = f"; each part × its storage's rate ({a.label(INSURANCE_RATE['cold'])}, {a.label(INSURANCE_RATE['hot'])})"
    text = ["; ".join(lab[s] for lab in labels) + tail for s in range(S)]
    return tranches, text


def _form_limits(ctx: _Ctx, kind: _Kind, spec: Any, forms: Sequence[str]
                 ) -> dict[str, list[tuple[np.ndarray, list[str]]]]:
    """Limits on each capped form: the regime's share cap × amount; for insurance also the market's capacity
    for one insured (converted into the market's currency at the comparison's FX). Each with its text per
    scenario of the kind."""
    limits: dict[str, list[tuple[np.ndarray, list[str]]]] = {}
    code, ccy, S = kind.code, kind.ccy, len(kind.scenarios)
    proposal = ctx.is_proposal(code, kind.regime)
    for form, pid in getattr(spec, "form_caps", ()) or ():
        if form not in forms:
            continue
        share, lab = ctx.param_by_scenario(code, pid, kind, proposal)
        limits.setdefault(form, []).append((share * kind.amount, ["share cap " + x for x in lab]))
    if "insurance" in forms:
        cap, cap_ccy = ctx.a.capacity
        if math.isfinite(cap):
            local = cap * ctx.fx.rate(cap_ccy, ccy)
            text = f"capacity {ctx.a.label(CAPACITY)}" + (
                f" = {_amt(ccy, local)} at FX {ctx.fx.date.isoformat()}" if cap_ccy != ccy else "") + (
                " per insured, shared by this entity's insured obligations in the market" if code in ctx.shared else "")
            limits.setdefault("insurance", []).append((ctx.room("insurance", kind, local), [text] * S))
    return limits


# -- the cost rows of one kind -------------------------------------------------------------------------------

class _Out:
    """What the kinds write into: text pools, and counts of cost rows per obligation row."""

    def __init__(self, n: int):
        self.form, self.assumptions, self.mix, self.note = TextPool(), TextPool(), TextPool(), TextPool()
        self.counts = np.zeros(n, dtype=np.int8)


def _kind_costs(ctx: _Ctx, kind: _Kind, out: _Out, overlap: bool) -> _Block:
    """Cost rows of rows of one obligation kind (all their profiles and scenarios at once)."""
    code, obligation, n = kind.code, kind.obligation, kind.n
    spec = ctx.spec(code, kind.regime, obligation)
    forms = [f for f in kind.forms_joined.split(";") if f] or list(getattr(spec, "funding_forms", ()))
    amount = kind.amount
    rate = ctx.fx.rate(kind.ccy, ctx.ref)
    if kind.category in NO_FUNDING_CATEGORIES or not forms:
        move = obligation == STORAGE_MOVE[0]
        note = STORAGE_MOVE[1] if move else NO_FUNDING_CATEGORIES.get(kind.category, "no funding form declared: not costed")
        form = forms[0] if (forms and not move and kind.category in NO_FUNDING_CATEGORIES) else ""
        out.counts[kind.rows] = 1
        return _Block(kind, np.ones((n, 1), dtype=bool), [{
            "form": out.form.code(form), "funded_amount": amount if form else 0.0, "annual_cost": 0.0,
            "unit_cost": 0.0, "assumptions": out.assumptions.code(NO_COST), "mix": out.mix.code(""),
            "note": out.note.code(note), "ties_up": False}], rate)

    tranches, form_text = _tranches(ctx, kind, forms, spec)
    limits = _form_limits(ctx, kind, spec, forms)
    fixed = ctx.funding.for_obligation(code, obligation) if ctx.funding else {}
    alloc, unfunded = allocate(amount, tranches, {f: parts[0][0] if len(parts) == 1 else
                                                  np.minimum.reduce([x for x, _ in parts])
                                                  for f, parts in limits.items()}, fixed)
    for resource, form, label in (("insurance", "insurance", None), ("guarantee", "bank_guarantee", GUARANTEE_PARTS[0])):
        idx = [i for i, t in enumerate(tranches) if t.form == form and (label is None or t.label == label)]
        if idx:
            ctx.use(resource, kind, alloc[:, idx].sum(axis=1))
    unknowns = tuple(getattr(spec, "cost_unknowns", ()) or ()) or UNKNOWN_INPUTS.get(
        getattr(spec, "insurance_kind", "") or "", ())
    unknown_note = (UNKNOWN_MARK + "; ".join(unknowns)) if unknowns else ""
    zero = amount <= 0
    keeps: list[np.ndarray] = []
    frames: list[dict[str, Any]] = []
    total = comp = None
    started = False
    if overlap:  # each row's total cost, summed as pandas sums (Kahan), in the order of the cost rows
        total, comp = np.zeros(n), np.zeros(n)

    for form in list(dict.fromkeys(t.form for t in tranches)):
        idx = [i for i, t in enumerate(tranches) if t.form == form]
        funded = alloc[:, idx[0]] + 0.0  # the sum over the form's tranches, as numpy sums (from +0.0)
        for i in idx[1:]:
            funded += alloc[:, i]
        cost = sum(alloc[:, i] * tranches[i].rate for i in idx)
        keep = (funded > 0) & ~zero
        sel = np.flatnonzero(keep)
        if not len(sel):
            continue
        if total is not None and not started:  # Kahan's first term: the sum is the term, no error
            total, started = np.where(keep, cost, 0.0), True
        elif total is not None:
            y = np.where(keep, cost - comp, 0.0)
            t = total + y
            comp = np.where(keep, (t - total) - y, comp)
            total = np.where(keep, t, total)
        every = len(sel) == n  # every row keeps this form: no gathers
        f, a, sc = (funded, amount, kind.sc) if every else (funded[sel], amount[sel], kind.sc[sel])
        labelled = [i for i in idx if tranches[i].label and tranches[i].label != "unsplit"]
        lims = limits.get(form, [])
        prefix = [f"{form}: " + t for t in form_text[form]]
        suffix = ["".join("; limit: " + why[s] for _, why in lims) for s in range(len(kind.scenarios))]
        if labelled:  # show the parts actually insured: "cold part HKD 4.9 bn × 1 % + hot part ..."
            parts = [(tranches[i].label, alloc[:, i] if every else alloc[sel, i], _pct(float(tranches[i].rate[0])))
                     for i in labelled]
            assumptions = _split_texts(out.assumptions, sc, prefix, suffix, kind.ccy, parts)
        else:
            assumptions = out.assumptions.by_key(sc, lambda s: prefix[s] + suffix[s])
        note = _note_codes(out.note, form, sc, f, a, [(lim if every else lim[sel], why) for lim, why in lims],
                           fixed.get(form), unknown_note if form == "insurance" else "")
        keeps.append(keep)
        frames.append({
            "form": out.form.code(form), "funded_amount": funded, "annual_cost": cost,
            "unit_cost": np.divide(cost, funded, out=np.full(n, np.nan), where=keep),
            "assumptions": _spread(assumptions, sel, n), "mix": out.mix.code("user" if form in fixed else "cheapest"),
            "note": _spread(note, sel, n), "ties_up": form in TIED_UP_FORMS})
    keep = (unfunded > 0) & ~zero
    if keep.any():
        keeps.append(keep)
        frames.append({"form": out.form.code("unfunded"), "funded_amount": unfunded, "annual_cost": np.nan,
                       "unit_cost": np.nan, "assumptions": out.assumptions.code(""), "mix": out.mix.code(""),
                       "note": out.note.code(UNFUNDED_NOTE), "ties_up": False})
    if zero.any():
        keeps.append(zero)
        frames.append({"form": out.form.code(""), "funded_amount": 0.0, "annual_cost": 0.0, "unit_cost": np.nan,
                       "assumptions": out.assumptions.code(NO_COST), "mix": out.mix.code(""),
                       "note": out.note.code(NOTHING_TO_FUND), "ties_up": False})
    keep = np.empty((n, len(keeps)), dtype=bool)
    counts = np.zeros(n, dtype=np.int8)
    for j, k in enumerate(keeps):
        keep[:, j] = k
        counts += k  # summed a frame at a time (a sum along the short axis is slow)
    out.counts[kind.rows] = counts
    return _Block(kind, keep, frames, rate, total, counts)


def _spread(codes: np.ndarray | int, sel: np.ndarray, n: int) -> np.ndarray | int:
    """Codes of the kept rows ``sel`` as an array over all ``n`` rows (a scalar stays a scalar)."""
    if np.ndim(codes) == 0 or len(sel) == n:
        return codes
    full = np.zeros(n, dtype=np.int32)
    full[sel] = codes
    return full


def _split_texts(pool: TextPool, sc: np.ndarray, prefix: list[str], suffix: list[str], ccy: str,
                 parts: list[tuple[str, np.ndarray, str]]) -> np.ndarray | int:
    """Assumption texts naming the insured parts (``prefix [cold part HKD 4.9 bn × 1 % + hot part HKD 200 m
    × 10 %] suffix``): one text per distinct combination of scenario and rounded amounts."""
    key = sc.astype(np.int64)
    shown = []
    for label, values, pct in parts:
        c = np.zeros(len(values), dtype=np.int64)
        has = np.flatnonzero(values > 0)
        texts: list[str] = []
        if len(has):
            cc, texts = compact_codes(values[has])
            c[has] = cc + 1
        shown.append((label, pct, c, texts))
        key = combine_keys(key, c, len(texts) + 1)
    codes, first = distinct_keys(key)

    def text(r: int) -> str:
        joined = " + ".join(f"{label} {ccy} {texts[c[r] - 1]} × {pct}" for label, pct, c, texts in shown if c[r])
        s = sc[r]
        return prefix[s] + (f" [{joined}]" if joined else "") + suffix[s]

    table = pool.codes([text(int(r)) for r in first])
    return table[codes]


def _note_codes(pool: TextPool, form: str, sc: np.ndarray, funded: np.ndarray, amount: np.ndarray,
                limits: list[tuple[np.ndarray, list[str]]], fixed_share: float | None, extra: str = ""
                ) -> np.ndarray | int:
    """Notes of the kept rows of one form: which limits bind, whether a user's share was cut back, and
    ``extra`` (e.g. the unknowns the cost rests on) on every row."""
    if not limits and not fixed_share:
        return pool.code(extra)
    if not len(sc):
        return np.zeros(0, dtype=np.int32)
    L = len(limits)
    bits = np.zeros(len(sc), dtype=np.int64)
    room = amount - 1e-6 * np.maximum(amount, 1.0)
    for j, (lim, _) in enumerate(limits):
        with np.errstate(invalid="ignore"):
            binding = (funded >= lim - 1e-6 * np.maximum(lim, 1.0)) & (funded < room)
        bits |= binding.astype(np.int64) << j
    if fixed_share:
        short = funded < fixed_share * amount - 1e-6 * np.maximum(amount, 1.0)
        bits |= short.astype(np.int64) << L
    key = sc.astype(np.int64) * (1 << (L + 1)) + bits

    def text(k: int) -> str:
        s, b = divmod(k, 1 << (L + 1))
        note = ""
        for j, (_, why) in enumerate(limits):
            if b >> j & 1:
                note = note + ("; " if note else "") + f"{form} limited by " + why[s]
        if limits and note:
            note += "; the rest goes to the next-cheapest allowed form"
        if fixed_share and b >> L & 1:
            note = note + ("; " if note else "") + f"the user's share {fixed_share:g} of {form} is not allowed in full"
        if extra:
            note = note + ("; " if note else "") + extra
        return note

    return pool.by_key(key, text)


# -- the cost table ------------------------------------------------------------------------------------------

_KIND = ("jurisdiction", "regime", "obligation", "funding_forms")  # the columns that make an obligation kind


def _runs(col: dict[str, TextCodes], n: int, limit: int | None) -> list[tuple[int, int]] | None:
    """Blocks of consecutive rows of one kind, as (start, end); None when there are more than ``limit``.

    Plug-ins emit each kind's rows as one block, so a table from ``compare`` has a few dozen."""
    if n < 2:
        return [(0, n)] if n else []
    change = np.zeros(n - 1, dtype=bool)
    for c in _KIND:
        codes = col[c].codes
        change |= codes[1:] != codes[:-1]
    brk = np.flatnonzero(change) + 1
    if limit is not None and len(brk) >= limit:
        return None
    edges = [0, *brk.tolist(), n]
    return list(zip(edges[:-1], edges[1:]))


def _profile_positions(col: TextCodes, profiles: pd.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """A function from costed rows to their profiles' row positions in ``profiles``."""
    names = profiles["name"]
    cats = col.categories
    if len(cats) == len(names) and cats.equals(pd.Index(names.to_numpy())):
        return lambda rows: col.codes[rows]  # the compact form: the code is the position
    first = ~names.duplicated(keep="first").to_numpy()
    where = np.flatnonzero(first)
    look = pd.Index(names.to_numpy()[first]).get_indexer(cats)
    cat_pos = np.where(look >= 0, where[np.maximum(look, 0)], -1)

    def positions(rows: np.ndarray) -> np.ndarray:
        p = cat_pos[col.codes[rows]]
        if len(p) and p.min() < 0:
            missing = sorted({col.text(int(c)) for c in col.codes[rows][p < 0]})[:5]
            raise KeyError(f"obligation rows name profiles not in the profiles given: {', '.join(missing)}")
        return p
    return positions


def cost_table(
    obligations: pd.DataFrame,
    jurisdictions: Sequence[Any],
    profiles: pd.DataFrame,
    *,
    fx: Any,
    as_of: dt.date,
    currency: str,
    assumptions: CostAssumptions,
    parameters: Mapping[str, ParameterSet] | None = None,
    funding: FundingMix | None = None,
) -> pd.DataFrame:
    """Annual cost of every obligation row, per funding form of its cheapest (or the user's) mix.

    ``obligations`` is a Contract 2 table, or its compact form (text columns as Categoricals, without
    ``basis``); ``profiles`` the validated profiles it was computed from (in their own currencies); ``fx``
    the comparison's FxSnapshot; ``parameters`` the parameter sets the jurisdictions used (form caps and
    cover parts are read from them). Rows with no amount (not applicable) get no cost row. The cost rows
    follow the obligation rows (each row's forms in the order its kind lists them, then any unfunded part);
    the text columns are Categoricals.
    """
    amount = obligations["amount"].to_numpy(dtype="float64")
    valid = ~np.isnan(amount)
    if not valid.any():
        return empty_costs()
    n = len(amount)
    col = {c: TextCodes.of(obligations[c]) for c in _READ}
    runs = _runs(col, n, limit=4096)
    order = None
    if runs is None:  # not in blocks of one kind: cost the rows grouped by kind, then put them back in order
        key = None
        for c in _KIND:
            key = combine_keys(key, col[c].codes, len(col[c].categories))
        codes, uniq = pd.factorize(key)
        order = np.argsort(codes.astype(np.int16) if len(uniq) < 2 ** 15 else codes, kind="stable")
        col = {c: TextCodes(v.codes[order], v.categories, v.dtype) for c, v in col.items()}
        amount, valid = amount[order], valid[order]
        runs = _runs(col, n, limit=None)
    ctx = _Ctx(profiles, jurisdictions, parameters or {}, fx, as_of, currency, assumptions, funding)
    costs, counts = _cost_rows(ctx, col, amount, valid, runs or [], _profile_positions(col["profile"], profiles))
    if order is not None:
        costs = costs.take(np.argsort(np.repeat(order, counts), kind="stable")).reset_index(drop=True)
    return costs


CHUNK = 1 << 18  # obligation rows costed at a time: temporary arrays stay small and are reused


def _cost_rows(ctx: _Ctx, col: dict[str, TextCodes], amount: np.ndarray, valid: np.ndarray,
               runs: list[tuple[int, int]], profile_pos: Callable[[np.ndarray], np.ndarray]
               ) -> tuple[pd.DataFrame, np.ndarray]:
    """The cost rows of obligation rows that come in blocks of one kind (``runs``), and their counts.

    The blocks are costed in table order, a chunk of rows at a time, each chunk's cost rows written at the end
    of the table so far: the table is in order as it is written (no sort, no scatter).
    """
    n = len(amount)
    grouped = (col["overlap_group"].codes != col["overlap_group"].code("")) & valid
    out = _Out(n)
    frames_at_most: dict[tuple[int, ...], int] = {}
    first: dict[tuple[int, ...], int] = {}  # each kind's first costed row: its category and currency
    bound = 0
    limited: dict[str, set[tuple[int, int]]] = {}  # per market, the kinds that insure or guarantee
    for s, e in runs:  # the most cost rows each block can make: one per frame of its kind
        key = tuple(int(col[c].codes[s]) for c in _KIND)
        if key not in frames_at_most:
            code = col["jurisdiction"].text(key[0])
            forms = [f for f in col["funding_forms"].text(key[3]).split(";") if f]
            spec = ctx.spec(code, col["regime"].text(key[1]), col["obligation"].text(key[2]))
            forms = forms or list(getattr(spec, "funding_forms", ()))
            frames_at_most[key] = len(set(forms)) + 3
            if {"insurance", "bank_guarantee"} & set(forms) and valid[s:e].any():
                limited.setdefault(code, set()).add(key[1:3])
        some = int(np.count_nonzero(valid[s:e]))
        if some and key not in first:
            first[key] = s + int(np.argmax(valid[s:e]))
        bound += some * frames_at_most[key]
    ctx.shared = {code for code, kinds in limited.items() if len(kinds) > 1}
    table = _Table(bound, col, out)
    in_groups = int(np.count_nonzero(grouped))
    overlaps = Overlaps(col, in_groups, bound) if in_groups else None
    for s, e in runs:
        for c0 in range(s, e, CHUNK):
            c1 = min(e, c0 + CHUNK)
            v = valid[c0:c1]
            if v.all():
                rows: np.ndarray | slice = slice(c0, c1)
            else:
                rows = np.flatnonzero(v) + c0
                if not len(rows):
                    continue
            sc_codes = col["scenario"].codes[rows]
            present = np.flatnonzero(np.bincount(sc_codes))
            local = np.zeros(int(present[-1]) + 1, dtype=np.int8 if len(present) < 128 else np.int64)
            local[present] = np.arange(len(present))
            f = first[tuple(int(col[c].codes[c0]) for c in _KIND)]
            kind = _Kind(
                rows=rows, code=col["jurisdiction"].text(col["jurisdiction"].codes[f]),
                regime=col["regime"].text(col["regime"].codes[f]),
                obligation=col["obligation"].text(col["obligation"].codes[f]),
                forms_joined=col["funding_forms"].text(col["funding_forms"].codes[f]),
                category=col["category"].text(int(col["category"].codes[f])),
                ccy=col["currency"].text(int(col["currency"].codes[f])),
                codes={c: int(col[c].codes[f]) for c in ("jurisdiction", "regime", "obligation", "currency")},
                amount=amount[rows], sc=local[sc_codes], scenarios=[col["scenario"].text(int(c)) for c in present],
                profile_pos=profile_pos,
            )
            g = grouped[rows] if overlaps is not None else None
            in_groups = g is not None and bool(g.any())
            block = _kind_costs(ctx, kind, out, in_groups)
            total = block.total if block.total is not None else np.zeros(kind.n)  # not funding: costs 0
            starts = table.write(block, c0, c1, in_groups)
            if in_groups:
                overlaps.add(rows, g, total, starts, out.counts[rows], kind.codes["jurisdiction"],
                             kind.codes["currency"])
    absorbed = overlaps.absorbed(out.note) if overlaps is not None else None
    return table.frame(absorbed, ctx.ref), out.counts


def _code_dtype(size: int) -> type:
    """The integer type pandas keeps for the codes of a Categorical with ``size`` categories."""
    return np.int8 if size < 127 else np.int16 if size < 32767 else np.int32


class _Table:
    """The cost table being written, block after block, in order.

    Its columns are reserved for the most rows the blocks can make (``np.empty``); only the part written
    is touched (and so takes memory). A block of consecutive obligation rows of one kind fills the next
    stretch of the table: each column laid out as (rows × frames) and compressed by the block's keep mask,
    whose row-major order is the table's order. Values constant over a kind (jurisdiction, currency, FX rate) are filled by
    slice.
    """

    def __init__(self, bound: int, col: dict[str, TextCodes], out: _Out):
        self.col, self.out, self.m = col, out, 0
        empty = np.empty
        self.data: dict[str, np.ndarray] = {c: empty(bound) for c in ("funded_amount", "annual_cost", "unit_cost")}
        self.data["ties_up"] = empty(bound, dtype=bool)
        for name in ("form", "mix"):
            self.data[name] = empty(bound, dtype=np.int8)
        for name in ("assumptions", "note"):
            self.data[name] = empty(bound, dtype=np.int16)
        self.refs = {c: empty(bound) for c in ("funded_amount_ref", "annual_cost_ref")}
        self.const = {c: empty(bound, dtype=_code_dtype(len(col[c].categories)))
                      for c in ("jurisdiction", "regime", "obligation", "currency")}
        self.each = {c: empty(bound, dtype=col[c].codes.dtype) for c in ("profile", "scenario", "overlap_group")}

    def write(self, block: _Block, r0: int, r1: int, grouped: bool = False) -> np.ndarray | None:
        """Append the cost rows of ``block``, whose rows lie in the table's obligation rows [r0, r1); with
        ``grouped``, return where the cost rows of each of the block's rows start."""
        kind, keep = block.kind, block.keep
        n, F = keep.shape
        counts = self.out.counts[r0:r1]
        own = block.counts if block.counts is not None else np.ones(n, dtype=np.int8)  # the block's rows
        a = self.m
        b = a + int(own.sum(dtype=np.int64))
        self.m = b
        starts = None
        if grouped:
            starts = np.cumsum(own, dtype=np.int64)
            starts -= own
            starts += a
        every = b - a == n * F
        one = not every and b - a == n and F > 1 and bool((own == 1).all())
        for name in ("assumptions", "note"):  # texts beyond the 16-bit codes: widen the column (rare)
            if len(getattr(self.out, name).values) >= 32767 and self.data[name].dtype != np.int32:
                wide = np.empty(len(self.data[name]), dtype=np.int32)  # only the part written is copied
                wide[:self.m] = self.data[name][:self.m]
                self.data[name] = wide
        for name, arr in self.data.items():
            values = [f[name] for f in block.frames]
            if all(np.ndim(v) == 0 for v in values) and len({repr(v) for v in values}) == 1:
                arr[a:b] = values[0]  # the same value in every frame
            elif every:  # every row keeps every frame: rows × frames is the table's layout
                view = arr[a:b].reshape(n, F)
                for j, v in enumerate(values):
                    view[:, j] = v
            elif one:  # one cost row per obligation row: the first frame, the others where they apply
                arr[a:b] = values[0]
                for j in range(1, F):
                    r = np.flatnonzero(keep[:, j])
                    arr[a + r] = values[j] if np.ndim(values[j]) == 0 else values[j][r]
            else:  # rows × frames, compressed by the keep mask
                dense = np.empty((n, F), dtype=arr.dtype)
                for j, v in enumerate(values):
                    dense[:, j] = v
                np.compress(keep.reshape(-1), dense.reshape(-1), out=arr[a:b])
        block.frames.clear()
        for name in ("funded_amount", "annual_cost"):
            np.multiply(self.data[name][a:b], block.rate, out=self.refs[f"{name}_ref"][a:b])
        for c, arr in self.const.items():
            arr[a:b] = kind.codes[c]
        for c, arr in self.each.items():
            codes = self.col[c].codes[r0:r1]
            if c != "profile" and (codes == codes[0]).all():
                arr[a:b] = codes[0]
            elif r1 - r0 == n and (every or one):  # no blank rows: a fixed repeat
                arr[a:b] = codes if F == 1 or one else np.repeat(codes, F)
            else:
                arr[a:b] = np.repeat(codes, counts)
        return starts

    def frame(self, absorbed: tuple[np.ndarray, np.ndarray, np.ndarray] | None, currency: str) -> pd.DataFrame:
        """The written part as a DataFrame (text columns as Categoricals), overlap members zeroed."""
        m, out = self.m, self.out
        data = {c: v[:m] for c, v in {**self.data, **self.refs}.items()}
        if absorbed is not None:  # an overlap group's other members: 0, with a note naming the carrier
            starts, cnt, note = absorbed
            cnt = cnt.astype(np.int64)
            at = np.repeat(starts - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
            for name in ("funded_amount", "annual_cost", "funded_amount_ref", "annual_cost_ref"):
                data[name][at] = 0.0
            data["ties_up"][at] = False
            if len(out.note.values) >= 32767 and data["note"].dtype != np.int32:
                data["note"] = data["note"].astype(np.int32)
            data["note"][at] = np.repeat(note, cnt)
        frame: dict[str, Any] = dict(data)
        for c, codes in {**self.each, **self.const}.items():
            frame[c] = self.col[c].categorical(codes[:m])
        frame["ref_currency"] = pd.Categorical.from_codes(np.zeros(m, dtype=np.int8),
                                                          dtype=pd.CategoricalDtype([currency]), validate=False)
        for name in ("form", "assumptions", "mix", "note"):
            codes = data[name]
            size = len(getattr(out, name).values)
            if codes.dtype != _code_dtype(size):
                codes = codes.astype(_code_dtype(size))
            frame[name] = getattr(out, name).categorical(codes)
        self.data, self.refs, self.const, self.each = {}, {}, {}, {}
        return pd.DataFrame({c: frame[c] for c in COST_COLUMNS}, copy=False)

