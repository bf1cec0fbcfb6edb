"""What each obligation costs a year, funded the cheapest allowed way (or the user's way).

Unit costs by funding form (rulebook/costs.md §5; every rate is an assumption of
``comparisons/data/cost_assumptions.yaml``, overridable):

- ``own_funds``, ``trust_funds``: amount × (cost of capital − yield earned on reserve assets in the market's
  currency): the firm's money is tied up, but the assets held earn a deposit yield.
- ``same_kind_crypto``: amount × cost of capital (own crypto earns nothing; its price risk is not modelled).
- ``insurance``: insured limit × rate on line, the rate set by the obligation's ``insurance_kind``:
  ``prudential`` (a policy such as MiCA Art. 67's), ``hot``, ``cold``, ``storage_mix`` (hot share × hot rate +
  cold share × cold rate) or ``split`` (each part of the cover, parameter × client assets in that storage,
  priced at its storage's rate; e.g. Hong Kong's 0.5 × cold + 1.0 × hot). Insurance is limited by the regime's
  cap on its share and by the largest limit the market sells to one insured (converted at the comparison's FX).
- ``bank_guarantee``: amount × guarantee fee.
- ``segregation``: no cost to the firm (the money is the clients').

Two kinds of obligation are not funding at all and cost 0, with a note: ``client_money`` and ``custody``
obligations hold the clients' own money or assets (on trust, segregated or in kind, whatever form the row
names: the row shows the amount held, which ties up none of the firm's resources); and
``cold_storage_shortfall`` is a storage move (client assets into cold storage), an operational change whose
cost is not modelled.

Obligations of one ``overlap_group`` are met by the same resources: the group costs what its costliest
member costs; the other members' rows show 0 and name the member that carries the cost. Groups are resolved
among rows of the same profile, jurisdiction and scenario.

All functions are vectorised over profiles: loops run over obligation kinds and funding forms only.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterSet, PluginError

from .assumptions import CAPACITY, COST_OF_CAPITAL, GUARANTEE_FEE, INSURANCE_RATE, CostAssumptions
from .funding import FundingMix, Tranche, allocate

COST_COLUMNS: tuple[str, ...] = (
    "profile", "jurisdiction", "regime", "obligation", "scenario", "form", "funded_amount", "annual_cost",
    "currency", "annual_cost_ref", "ref_currency", "assumptions",
    # extra columns: the amount funded in the reference currency, the overlap group, the effective rate per
    # unit funded, "cheapest" or "user" mix, notes, and whether the form ties up the firm's own resources
    "funded_amount_ref", "overlap_group", "unit_cost", "mix", "note", "ties_up",
)
#: forms that tie up the firm's own resources (insurance and guarantees are bought, segregation is the clients')
TIED_UP_FORMS: tuple[str, ...] = ("own_funds", "trust_funds", "same_kind_crypto")
NO_FUNDING_CATEGORIES = {
    "client_money": "the clients' own money, held on trust or segregated: no cost to the firm",
    "custody": "the clients' own assets, held for them (in kind, on trust or segregated): no cost to the firm",
}
#: Contract 2's storage-cap obligation: the value to move into cold storage
STORAGE_MOVE = ("cold_storage_shortfall",
                "a storage move (client assets into cold storage), not funding: its operational cost is not modelled")
INSURANCE_KINDS = ("prudential", "hot", "cold", "storage_mix", "split")


def empty_costs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("funded_amount", "annual_cost", "annual_cost_ref",
                                                                  "funded_amount_ref", "unit_cost") else object)
                         for c in COST_COLUMNS})


def _pct(x: float) -> str:
    return f"{x * 100:.4f}".rstrip("0").rstrip(".") + " %"


def _amt(ccy: str, x: float) -> str:
    from .render import compact

    return f"{ccy} {compact(x)}"


def _amounts(ccy: str, values: np.ndarray) -> pd.Series:
    from .render import compact

    return pd.Series(values).map(lambda x: f"{ccy} {compact(x)}")


class _Ctx:
    """What every obligation kind needs: assumptions, FX, profiles, plug-ins and their parameters."""

    def __init__(self, profiles: pd.DataFrame, jurisdictions: Sequence[Any], parameters: Mapping[str, ParameterSet],
                 fx: Any, as_of: dt.date, ref: str, assumptions: CostAssumptions, funding: FundingMix | None):
        self.profiles = profiles.set_index("name", drop=False)
        self.by_code = {j.code: j for j in jurisdictions}
        self.parameters = dict(parameters or {})
        self.fx, self.as_of, self.ref, self.a, self.funding = fx, as_of, ref, assumptions, funding

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

    def profile_field(self, names: pd.Series, fieldname: str, ccy: str | None = None) -> np.ndarray:
        """A profile field for each row (money fields converted into ``ccy``)."""
        p = self.profiles.loc[names.to_numpy()]
        v = p[fieldname].to_numpy(dtype="float64")
        if ccy is not None:
            v = v * self.fx.factors(p["currency"], ccy)
        return v

    def is_proposal(self, code: str, regime: str) -> bool:
        j = self.by_code.get(code)
        try:
            return bool(j is not None and j.regime(regime).is_proposal)
        except (KeyError, AttributeError):
            return False

    def param_by_scenario(self, code: str, pid: str, scenarios: pd.Series, proposal: bool = False
                          ) -> tuple[np.ndarray, str]:
        """A parameter of the jurisdiction for each row's scenario (blank: central), and its label.

        A proposed regime is a what-if evaluated whatever the date, so its parameters are read at
        max(as_of, their first date), as the plug-ins read them.
        """
        ps = self.params(code)
        if ps is None:
            raise PluginError(f"plug-in {code!r}: no parameters to read {pid!r} from")
        v = ps.what_if(pid, self.as_of) if proposal else ps.at(pid, self.as_of)
        if v.scenarios is None:
            return np.full(len(scenarios), v.number()), f"{pid} {v.value} ({v.status})"
        sc = scenarios.replace("", "central").to_numpy()
        out = np.empty(len(sc))
        label = np.empty(len(sc), dtype=object)
        for s in pd.unique(sc):  # ≤ 3 scenarios
            out[sc == s] = v.number(s)
            label[sc == s] = f"{pid} {v.for_scenario(s)} [{s}] ({v.status})"
        return out, label


def _tranches(ctx: _Ctx, g: pd.DataFrame, code: str, ccy: str, forms: Sequence[str], spec: Any,
              amount: np.ndarray) -> tuple[list[Tranche], dict[str, str]]:
    """The tranches each allowed form offers for these rows, and the assumption text of each form."""
    a, n = ctx.a, len(g)
    coc = a.cost_of_capital
    y_id = a.yield_id(ccy)
    out: list[Tranche] = []
    text: dict[str, str] = {}
    inf = np.full(n, np.inf)
    for form in forms:
        if form in ("own_funds", "trust_funds"):
            # Where the yield exceeds the cost of capital the firm would hold such assets anyway: the
            # carrying cost of the requirement is then 0, never a negative cost (a gain the rule does not cause).
            rate = max(coc - a.reserve_yield(ccy), 0.0)
            out.append(Tranche(form, np.full(n, rate), inf))
            text[form] = f"max(0, {a.label(COST_OF_CAPITAL)} − {a.label(y_id)}) = {_pct(rate)} a year"
        elif form == "same_kind_crypto":
            out.append(Tranche(form, np.full(n, coc), inf))
            text[form] = f"{a.label(COST_OF_CAPITAL)} (own crypto earns no yield; price risk not modelled)"
        elif form == "bank_guarantee":
            out.append(Tranche(form, np.full(n, a.guarantee_fee), inf))
            text[form] = f"{a.label(GUARANTEE_FEE)} a year"
        elif form == "segregation":
            out.append(Tranche(form, np.zeros(n), inf))
            text[form] = "segregation of the clients' money: no cost to the firm"
        elif form == "insurance":
            kind = getattr(spec, "insurance_kind", "storage_mix") or "storage_mix"
            if kind not in INSURANCE_KINDS:
                raise PluginError(f"plug-in {code!r}: obligation {getattr(spec, 'id', '?')!r} has insurance_kind "
                                  f"{kind!r}; expected one of {', '.join(INSURANCE_KINDS)}")
            new, text[form] = _insurance_tranches(ctx, g, code, ccy, kind, spec, amount)
            out.extend(new)
        else:
            raise PluginError(f"plug-in {code!r}: unknown funding form {form!r}")
    return out, text


def _insurance_tranches(ctx: _Ctx, g: pd.DataFrame, code: str, ccy: str, kind: str, spec: Any,
                        amount: np.ndarray) -> tuple[list[Tranche], str]:
    """Insurance priced by storage: one tranche per kind of storage the cover protects."""
    a, n = ctx.a, len(g)
    inf = np.full(n, np.inf)
    hot_r, cold_r = a.insurance_rate("hot"), a.insurance_rate("cold")
    if kind in ("prudential", "hot", "cold"):
        return ([Tranche("insurance", np.full(n, a.insurance_rate(kind)), inf)],
                f"{a.label(INSURANCE_RATE[kind])} on the insured limit")
    h = ctx.profile_field(g["profile"], "hot_wallet_share")
    mix_rate = h * hot_r + (1 - h) * cold_r
    mix_text = (f"hot share × {a.label(INSURANCE_RATE['hot'])} + cold share × {a.label(INSURANCE_RATE['cold'])}")
    if kind == "storage_mix":
        return [Tranche("insurance", mix_rate, inf)], mix_text
    # split: part of the amount covering each kind of storage = parameter × client assets held there
    cca = ctx.profile_field(g["profile"], "client_crypto_assets", ccy)
    held = {"hot": h * cca, "cold": (1 - h) * cca}
    parts, labels = [], []
    for storage, pid in getattr(spec, "cover_parts", ()):
        if storage not in held:
            raise PluginError(f"plug-in {code!r}: cover_parts storage {storage!r} is not 'hot' or 'cold'")
        factor, lab = ctx.param_by_scenario(code, pid, g["scenario"], ctx.is_proposal(code, g["regime"].iloc[0]))
        parts.append((storage, factor * held[storage]))
        labels.append(f"{storage} part = " + lab + f" × client assets held {storage}")
    total = sum(p for _, p in parts) if parts else np.zeros(n)
    scale = np.divide(amount, total, out=np.zeros(n), where=total > 0)
    tranches = [Tranche("insurance", np.full(n, a.insurance_rate(s)), p * scale, f"{s} part") for s, p in parts]
    # no client assets to split (or no parts declared): price any cover at the storage mix
    tranches.append(Tranche("insurance", mix_rate, np.where(total > 0, 0.0, np.inf), "unsplit"))
    text = functools.reduce(lambda x, y: x + "; " + y, labels) + (
        f"; each part × its storage's rate ({a.label(INSURANCE_RATE['cold'])}, {a.label(INSURANCE_RATE['hot'])})")
    return tranches, text


def _form_limits(ctx: _Ctx, g: pd.DataFrame, code: str, ccy: str, spec: Any, amount: np.ndarray,
                 forms: Sequence[str]) -> dict[str, list[tuple[np.ndarray, str]]]:
    """Limits on each capped form: the regime's share cap × amount; for insurance also the market's capacity
    for one insured (converted into the market's currency at the comparison's FX)."""
    limits: dict[str, list[tuple[np.ndarray, str]]] = {}
    proposal = ctx.is_proposal(code, g["regime"].iloc[0])
    for form, pid in getattr(spec, "form_caps", ()) or ():
        if form not in forms:
            continue
        share, lab = ctx.param_by_scenario(code, pid, g["scenario"], proposal)
        limits.setdefault(form, []).append((share * amount, "share cap " + lab))
    if "insurance" in forms:
        cap, cap_ccy = ctx.a.capacity
        if math.isfinite(cap):
            local = cap * ctx.fx.rate(cap_ccy, ccy)
            text = f"capacity {ctx.a.label(CAPACITY)}" + (
                f" = {_amt(ccy, local)} at FX {ctx.fx.date.isoformat()}" if cap_ccy != ccy else "")
            limits.setdefault("insurance", []).append((np.full(len(g), local), text))
    return limits


def _kind_costs(ctx: _Ctx, g: pd.DataFrame, code: str, regime: str, obligation: str, forms_joined: str) -> pd.DataFrame:
    """Cost rows of one obligation kind (all its profiles and scenarios at once)."""
    j = ctx.by_code.get(code)
    ccy = str(g["currency"].iloc[0]) if len(g) else (j.currency if j is not None else "")
    spec = ctx.spec(code, regime, obligation)
    forms = [f for f in forms_joined.split(";") if f] or list(getattr(spec, "funding_forms", ()))
    amount = g["amount"].to_numpy(dtype="float64")
    n = len(g)
    base = {
        "profile": g["profile"].to_numpy(), "jurisdiction": code, "regime": regime, "obligation": obligation,
        "scenario": g["scenario"].to_numpy(), "currency": ccy,
        "overlap_group": g["overlap_group"].to_numpy(),
    }
    category = str(g["category"].iloc[0])
    if category in NO_FUNDING_CATEGORIES or not forms:
        move = obligation == STORAGE_MOVE[0]
        note = STORAGE_MOVE[1] if move else NO_FUNDING_CATEGORIES.get(category, "no funding form declared: not costed")
        form = forms[0] if (forms and not move and category in NO_FUNDING_CATEGORIES) else ""
        return pd.DataFrame({**base, "form": form, "funded_amount": amount if form else 0.0,
                             "annual_cost": 0.0, "unit_cost": 0.0, "assumptions": "none (no cost)",
                             "mix": "", "note": note, "ties_up": False, "_row": g.index.to_numpy()})

    tranches, form_text = _tranches(ctx, g, code, ccy, forms, spec, amount)
    limits = _form_limits(ctx, g, code, ccy, spec, amount, forms)
    fixed = ctx.funding.for_obligation(code, obligation) if ctx.funding else {}
    alloc, unfunded = allocate(amount, tranches, {f: np.minimum.reduce([x for x, _ in parts])
                                                  for f, parts in limits.items()}, fixed)

    frames = []
    uniq_forms = list(dict.fromkeys(t.form for t in tranches))
    for form in uniq_forms:
        idx = [i for i, t in enumerate(tranches) if t.form == form]
        funded = alloc[:, idx].sum(axis=1)
        cost = sum(alloc[:, i] * tranches[i].rate for i in idx)
        text = pd.Series(np.broadcast_to(np.asarray(f"{form}: " + form_text[form], dtype=object), (n,)), dtype=object)
        labelled = [i for i in idx if tranches[i].label and tranches[i].label != "unsplit"]
        if labelled:  # show the parts actually insured: "cold part HKD 4.9 bn × 1 % + hot part ..."
            joined = pd.Series("", index=range(n), dtype=object)
            for i in labelled:
                piece = pd.Series(np.where(alloc[:, i] > 0, (tranches[i].label + " " + _amounts(ccy, alloc[:, i])
                                                             + " × " + _pct(float(tranches[i].rate[0]))).to_numpy(),
                                           ""), dtype=object)
                joined = joined + np.where((joined != "") & (piece != ""), " + ", "") + piece
            text = text + np.where(joined != "", " [" + joined + "]", "")
        note = pd.Series("", index=range(n), dtype=object)
        for lim, why in limits.get(form, []):
            binding = (funded >= lim - 1e-6 * np.maximum(lim, 1.0)) & (funded < amount - 1e-6 * np.maximum(amount, 1.0))
            note = note.where(~binding, note + np.where(note != "", "; ", "") + (f"{form} limited by " + why))
            text = text + "; limit: " + why
        if form in limits:
            note = note.where(note == "", note + "; the rest goes to the next-cheapest allowed form")
        if fixed.get(form):
            short = funded < fixed[form] * amount - 1e-6 * np.maximum(amount, 1.0)
            note = note.where(~short, note + np.where(note != "", "; ", "")
                              + f"the user's share {fixed[form]:g} of {form} is not allowed in full")
        frames.append(pd.DataFrame({**base, "form": form, "funded_amount": funded, "annual_cost": cost,
                                    "unit_cost": np.divide(cost, funded, out=np.full(n, np.nan), where=funded > 0),
                                    "assumptions": text.to_numpy(), "mix": "user" if form in fixed else "cheapest",
                                    "note": note.to_numpy(), "ties_up": form in TIED_UP_FORMS}))
    frames.append(pd.DataFrame({**base, "form": "unfunded", "funded_amount": unfunded, "annual_cost": np.where(
        unfunded > 0, np.nan, 0.0), "unit_cost": np.nan, "assumptions": "", "mix": "",
        "note": "no allowed form can meet this part within its limits", "ties_up": False}))
    frames.append(pd.DataFrame({**base, "form": "", "funded_amount": 0.0, "annual_cost": 0.0, "unit_cost": np.nan,
                                "assumptions": "none (no cost)", "mix": "", "note": "nothing to fund",
                                "ties_up": False}))
    long = pd.concat(frames, ignore_index=True)
    row_id = np.tile(np.arange(n), len(frames))
    long["_row"] = g.index.to_numpy()[row_id]
    zero_amount = np.tile(amount <= 0, len(frames))
    keep = np.where(long["form"].to_numpy() == "", zero_amount, (long["funded_amount"].to_numpy() > 0) & ~zero_amount)
    return long[keep]


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

    ``obligations`` is a Contract 2 table; ``profiles`` the validated profiles it was computed from (in
    their own currencies); ``fx`` the comparison's FxSnapshot; ``parameters`` the parameter sets the
    jurisdictions used (form caps and cover parts are read from them). Rows with no amount (not applicable)
    get no cost row.
    """
    ob = obligations[obligations["amount"].notna()]
    if ob.empty:
        return empty_costs()
    ctx = _Ctx(profiles, jurisdictions, parameters or {}, fx, as_of, currency, assumptions, funding)
    parts = [
        _kind_costs(ctx, g, code, regime, obligation, forms)
        for (code, regime, obligation, forms), g in ob.groupby(
            ["jurisdiction", "regime", "obligation", "funding_forms"], sort=False)
    ]
    out = pd.concat(parts, ignore_index=True).sort_values("_row", kind="stable")
    out = _resolve_overlaps(out)
    rate = out["currency"].map({c: fx.rate(c, currency) for c in out["currency"].unique()}).to_numpy(dtype="float64")
    out["annual_cost_ref"] = out["annual_cost"].to_numpy() * rate
    out["funded_amount_ref"] = out["funded_amount"].to_numpy() * rate
    out["ref_currency"] = currency
    return out[list(COST_COLUMNS)].reset_index(drop=True)


def _resolve_overlaps(costs: pd.DataFrame) -> pd.DataFrame:
    """Members of one overlap group share resources: only the costliest member's rows keep their cost."""
    grouped = costs["overlap_group"].to_numpy() != ""
    if not grouped.any():
        return costs
    per_row = costs.groupby("_row", sort=False)["annual_cost"].transform("sum")
    key = [costs["profile"], costs["jurisdiction"], costs["scenario"], costs["overlap_group"]]
    best = per_row.groupby(key).transform("max")
    # the costliest member; ties go to the first row of the group
    is_best = per_row.to_numpy() >= best.to_numpy()
    first_best = pd.Series(np.where(is_best, costs["_row"].to_numpy(), np.iinfo(np.int64).max), index=costs.index)
    carrier_row = first_best.groupby(key).transform("min")
    carrier = costs.set_index("_row")["obligation"].groupby(level=0).first()
    absorbed = grouped & (costs["_row"].to_numpy() != carrier_row.to_numpy())
    if not absorbed.any():
        return costs
    out = costs.copy()
    standalone = _amounts_by_ccy(out.loc[absorbed, "currency"], per_row[absorbed].to_numpy())
    out.loc[absorbed, "note"] = ("overlap group " + out.loc[absorbed, "overlap_group"] + ": met by the resources held for "
                                 + carrier.reindex(carrier_row[absorbed].to_numpy()).to_numpy()
                                 + " (standalone cost " + standalone + " a year, not counted)")
    out.loc[absorbed, ["funded_amount", "annual_cost"]] = 0.0
    out.loc[absorbed, "ties_up"] = False
    return out


def _amounts_by_ccy(ccy: pd.Series, values: np.ndarray) -> np.ndarray:
    from .render import compact

    return (ccy.reset_index(drop=True) + " " + pd.Series(values).map(compact)).to_numpy()


def cost_summary(costs: pd.DataFrame, profiles: pd.DataFrame, fx: Any, currency: str,
                 scenarios: Sequence[str] = ("central",), expand_scenarios: bool = False) -> pd.DataFrame:
    """Per profile and jurisdiction: resources tied up, insured amount, annual cost, cost in bp of volume.

    Jurisdictions with scenario rows (Japan's proposed reserve) get one row per scenario of the comparison,
    each counting the scenario's rows plus the jurisdiction's scenario-free rows. Other jurisdictions get one
    row with an empty scenario, or (``expand_scenarios=True``, as plans need) the same figures under each
    scenario. ``cost_bp_of_volume`` = annual cost ÷ the profile's annual trading volume × 10,000.
    """
    cols = ["profile", "jurisdiction", "scenario", "currency", "resources_tied_up", "insured", "annual_cost",
            "ref_currency", "resources_tied_up_ref", "insured_ref", "annual_cost_ref", "trading_volume_ref",
            "cost_bp_of_volume", "unfunded_ref"]
    if costs.empty:
        return pd.DataFrame(columns=cols)
    c = costs.assign(
        tied_amt=np.where(costs["ties_up"].to_numpy(dtype=bool), costs["funded_amount"], 0.0),
        ins_amt=np.where(costs["form"] == "insurance", costs["funded_amount"], 0.0),
        unf_amt=np.where(costs["form"] == "unfunded", costs["funded_amount"], 0.0),
    )
    rate = c["currency"].map({k: fx.rate(k, currency) for k in c["currency"].unique()})
    c = c.assign(tied_ref=c["tied_amt"] * rate, ins_ref=c["ins_amt"] * rate, unf_ref=c["unf_amt"] * rate,
                 cost_ref=c["annual_cost"] * rate)
    has_sc = (c["scenario"] != "").groupby([c["profile"], c["jurisdiction"]]).transform("any")
    pieces = []
    for s in scenarios:  # ≤ 3 scenarios; each copy is a vectorised selection
        sel = ((c["scenario"] == s) | (c["scenario"] == "")) & (has_sc | expand_scenarios)
        pieces.append(c[sel].assign(scenario=s))
    if not expand_scenarios:
        pieces.append(c[~has_sc].assign(scenario=""))
    long = pd.concat(pieces, ignore_index=True)
    long["gap"] = long["annual_cost"].isna()  # an unfunded part has no cost: the total is then unknown (NaN)
    agg = long.groupby(["profile", "jurisdiction", "scenario"], sort=False).agg(
        currency=("currency", "first"), resources_tied_up=("tied_amt", "sum"), insured=("ins_amt", "sum"),
        annual_cost=("annual_cost", "sum"), resources_tied_up_ref=("tied_ref", "sum"), insured_ref=("ins_ref", "sum"),
        annual_cost_ref=("cost_ref", "sum"), unfunded_ref=("unf_ref", "sum"), gap=("gap", "any"),
    ).reset_index()
    agg.loc[agg["gap"], ["annual_cost", "annual_cost_ref"]] = np.nan
    # order: profiles as given, jurisdictions as they appear, scenarios as asked
    order = {n: i for i, n in enumerate(profiles["name"])}
    jur = {j: i for i, j in enumerate(pd.unique(costs["jurisdiction"]))}
    sc = {s: i for i, s in enumerate(("",) + tuple(scenarios))}
    agg = agg.iloc[np.lexsort((agg["scenario"].map(sc).to_numpy(), agg["jurisdiction"].map(jur).to_numpy(),
                               agg["profile"].map(order).to_numpy()))].reset_index(drop=True)
    p = profiles.set_index("name")
    vol = p["annual_trading_volume"].to_numpy(dtype="float64") * fx.factors(p["currency"], currency)
    agg["trading_volume_ref"] = pd.Series(vol, index=p.index).reindex(agg["profile"]).to_numpy()
    agg["ref_currency"] = currency
    with np.errstate(over="ignore"):  # a vanishing volume gives an infinite cost per unit of business
        agg["cost_bp_of_volume"] = np.divide(agg["annual_cost_ref"].to_numpy() * 1e4, agg["trading_volume_ref"].to_numpy(),
                                             out=np.full(len(agg), np.nan), where=agg["trading_volume_ref"].to_numpy() > 0)
    agg.loc[np.isinf(agg["cost_bp_of_volume"].to_numpy()), "cost_bp_of_volume"] = np.nan  # JSON has no infinity
    return agg[cols]
