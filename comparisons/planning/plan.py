"""Multi-market licensing plans: one group, the markets it will license in, what each entity must hold and pay.

A plan (YAML, or the same structure as a mapping) names a group profile (Contract 1: the whole group's
business) and the markets it will license in. Each market holds either the *share* of the group's business
booked there (one number, or one per field) or an explicit entity profile::

    name: Global exchange: JP, EU and HK licences
    as_of: 2026-11-25          # optional (default today); --as-of overrides
    currency: USD              # optional reference currency (default the group's); --currency overrides
    scenarios: [central]       # optional (Japanese reserve scenarios); --scenario overrides
    group: {name: ..., currency: USD, services: [...], client_crypto_assets: ..., ...}
    markets:
      - jurisdiction: JP
        share: 0.15                                   # 15 % of every money field and of active users
      - jurisdiction: EU
        share: {default: 0.2, client_fiat: 0.3}       # per field; `default` for the fields not named
        services: [custody, exchange_fiat]            # optional: the entity's services (default: the group's)
        start: 2027-01-01                             # optional licence start: a timeline counts EU from then
      - jurisdiction: HK
        profile: {currency: HKD, services: [...], ...} # an explicit entity profile (name optional)
    funding: {HK: {compensation_cover: {insurance: 1.0}}}   # optional fixed mix (or a file path)
    assumptions: my_costs.yaml                               # optional cost assumptions (or {id: number})

Shares of one field adding up to more than 1 across markets are an error; less than 1 gives a warning that
part of the group's business is booked in no licensed market. Each entity is assessed only under its own
market's rules; the group total is the sum of the market entities.

Insurance capacity is per group (rulebook costs.md §5): the entities share the group's line
(``cost_cap_group_max``), in the order the plan lists its markets; each entity may insure at most the smaller of
the single-insured limit and what earlier entities left of the group line. ``PlanResult.capacity_split``
reports the split.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import MONEY_FIELDS, XjurError, did_you_mean
from jurisdictions.framework.optional_fields import OPTIONAL_MONEY_FIELDS
from jurisdictions.framework import input_policy as policy

from jurisdictions.framework import profile_dtype

from ..compare import ComparisonResult, compare, fx_snapshot, parse_date, records
from ..load import profiles_from_records
from ..tables import categorical_columns, table_by_name, table_csv

#: the fields a market share scales (every money field, and the user count); a share also scales the optional
#: money fields (OPTIONAL_MONEY_FIELDS, e.g. the US model's total assets) where the group gives them: the share
#: named for the field, else ``default``, else (one number) that number
SHARE_FIELDS: tuple[str, ...] = tuple(MONEY_FIELDS) + ("active_users",)
PLAN_KEYS = ("name", "as_of", "currency", "scenarios", "group", "markets", "funding", "assumptions")
MARKET_KEYS = ("jurisdiction", "share", "profile", "services", "name", "start")


class PlanError(XjurError):
    """A plan file is malformed: names the file and the key."""


@dataclass(frozen=True)
class Market:
    """One market of a plan: its jurisdiction, its entity's name and the shares booked there (if given)."""

    jurisdiction: str
    entity: str
    shares: Mapping[str, float] | None  # per SHARE_FIELDS; None for an explicit entity profile
    start: dt.date | None = None  # the licence start (a timeline counts the market from then); None: any date


@dataclass(frozen=True)
class PlanResult:
    """What :func:`plan` returns: per-market entities, obligations and costs, and the group totals."""

    name: str
    group: pd.DataFrame  # the validated group profile (one row)
    entities: pd.DataFrame  # the validated entity profiles, one per market
    markets: tuple[Market, ...]
    results: tuple[ComparisonResult, ...]  # one comparison per market (the entity under its market's rules)
    as_of: dt.date
    currency: str
    scenarios: tuple[str, ...]
    warnings: tuple[dict, ...] = ()
    source: str = ""
    capacity_split: pd.DataFrame | None = None  # per entity: the group line left to it, what it insured
    #: what the plan was computed with besides its entities (funding, assumptions, parameters, fx, registry; None:
    #: the default): a timeline of the plan uses the same
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fx(self):
        return self.results[0].fx

    def timeline(self, start: Any, end: Any, step: str = "year", growth: Any = None, **kwargs: Any) -> Any:
        """Each market's entity under its own market's rules at each date, the market counted from its licence
        start (``start`` of the plan's market entry), with the plan's funding mix, cost assumptions, parameter
        overrides and FX source; ``kwargs`` as ``comparisons.timeline`` (given ones win)."""
        from ..timeline import timeline
        from ..timeline.build import concat_timelines

        kwargs.setdefault("currency", self.currency)
        kwargs.setdefault("scenarios", self.scenarios)
        for key, value in self.inputs.items():  # the plan's own funding mix, assumptions, parameters, FX source
            if value is not None:
                kwargs.setdefault(key, value)
        parts = []
        for i, m in enumerate(self.markets):  # one timeline per market (a loop over markets, not profiles)
            entity = self.entities.iloc[[i]].reset_index(drop=True)
            entity.attrs["xjur_validated"] = True  # validated when the plan was read
            parts.append(timeline(entity, start, end, step, growth, jurisdictions=[m.jurisdiction],
                                  starts={m.jurisdiction: m.start} if m.start else None, **kwargs))
        return concat_timelines(parts)

    @property
    def obligations(self) -> pd.DataFrame:
        """Contract 2 rows of every market entity (``profile`` = the entity)."""
        return pd.concat([r.obligations for r in self.results], ignore_index=True)

    @property
    def costs(self) -> pd.DataFrame:
        """Cost rows of every market entity (see ``comparisons.costs``); text columns categorical."""
        return categorical_columns(pd.concat([r.costs for r in self.results], ignore_index=True),
                                   profile_dtype(self.entities["name"]))

    def table(self, name: str) -> pd.DataFrame:
        """A table by name: ``obligations``, ``costs`` or ``summary`` (:meth:`market_summary`)."""
        return table_by_name(name, {"obligations": lambda: self.obligations, "costs": lambda: self.costs,
                                    "summary": self.market_summary})

    def to_csv(self, path: str | Path | None = None, table: str = "summary") -> str | None:
        """One table as CSV (floats without binary noise, text made inert for spreadsheets): ``summary`` (the
        markets ranked, default), ``obligations`` or ``costs`` of every market entity."""
        return table_csv(self.table(table), path)

    def as_comparison(self) -> ComparisonResult:
        """The plan as one comparison, for the briefing and the workbook: every entity (a profile) with the
        rows of its own market only, the markets in plan order, the plan's FX, scenarios, cost assumptions and
        funding, and the plan's warnings (the unlicensed share included)."""
        first = self.results[0]
        combined = ComparisonResult(
            rows=pd.concat([r.obligations for r in self.results], ignore_index=True),
            profiles=self.entities.reset_index(drop=True), as_of=self.as_of, currency=self.currency, fx=first.fx,
            jurisdictions=tuple(r.jurisdictions[0] for r in self.results),
            parameters={code: pset for r in self.results for code, pset in r.parameters.items()},
            scenarios=self.scenarios, plugin_notes={}, overrides=first.overrides,
            assumptions=first.assumptions, funding=first.funding,
        )
        combined.__dict__["warnings"] = tuple(self.warnings)  # cached_property slot: the plan's own list
        return combined

    def briefing(self, title: str | None = None):
        """The plan's briefing (``comparisons.report.briefing``): summary, each entity under its market's
        rules, costs and funding, charts and appendix (stress tests and the reserve sweep are left out: they
        would assess every entity under every market)."""
        from ..report.briefing import build_briefing

        return build_briefing(self.as_comparison(), with_stress=False, with_sensitivity=False,
                              title=title or f"Licensing plan: {self.name}")

    def market_summary(self) -> pd.DataFrame:
        """One row per market (and scenario): the entity's resources tied up, insured amount, annual cost,
        cost per unit of business (bp of trading volume) and the market's rank by that cost (1 = cheapest)."""
        summ = pd.concat([r.cost_summary(expand_scenarios=True) for r in self.results], ignore_index=True)
        group_vol = float(self.group["annual_trading_volume"].iloc[0]) * self.fx.rate(
            str(self.group["currency"].iloc[0]), self.currency)
        by_entity = {m.entity: m for m in self.markets}
        summ.insert(0, "market", summ["jurisdiction"])
        summ = summ.rename(columns={"profile": "entity"})
        summ["share_of_group_volume"] = np.divide(summ["trading_volume_ref"].to_numpy(dtype="float64"), group_vol,
                                                  out=np.full(len(summ), np.nan), where=group_vol > 0)
        summ["rank"] = (summ.groupby("scenario")["cost_bp_of_volume"].rank(method="min", na_option="bottom")
                        .astype(int))
        summ["entity_from"] = summ["entity"].map(lambda e: "share" if by_entity[e].shares is not None else "profile")
        order = {s: i for i, s in enumerate(self.scenarios)}
        summ["_order"] = summ["scenario"].astype(str).map(order).fillna(len(order))
        summ = summ.sort_values(["_order", "rank"], kind="stable").drop(columns="_order").reset_index(drop=True)
        return categorical_columns(summ.astype({c: str for c in ("entity", "market", "jurisdiction", "scenario")
                                                if c in summ.columns}))

    def group_total(self) -> pd.DataFrame:
        """The group: per scenario, the sum over its market entities, in the reference currency."""
        m = self.market_summary()
        tot = m.groupby("scenario", sort=False).agg(
            markets=("market", "count"), resources_tied_up_ref=("resources_tied_up_ref", "sum"),
            insured_ref=("insured_ref", "sum"),
            annual_cost_ref=("annual_cost_ref", "sum"), gap=("annual_cost_ref", lambda x: x.isna().any()),
            trading_volume_ref=("trading_volume_ref", "sum"), unfunded_ref=("unfunded_ref", "sum"),
        ).reset_index()
        tot.loc[tot["gap"], "annual_cost_ref"] = np.nan  # some market has an unfunded part: total unknown
        tot = tot.drop(columns="gap")
        tot.insert(1, "ref_currency", self.currency)
        with np.errstate(over="ignore"):
            bp = np.divide(tot["annual_cost_ref"].to_numpy() * 1e4, tot["trading_volume_ref"].to_numpy(),
                           out=np.full(len(tot), np.nan), where=tot["trading_volume_ref"].to_numpy() > 0)
        tot["cost_bp_of_volume"] = np.where(np.isinf(bp), np.nan, bp)  # JSON has no infinity
        return tot

    def to_dict(self) -> dict:
        """The JSON document of ``xjur plan --format json``."""
        first = self.results[0]
        currencies = set(self.entities["currency"]) | set(self.group["currency"]) | {self.currency} | {
            r.jurisdictions[0].currency for r in self.results}
        return {
            "plan": self.name, "source": self.source, "as_of": self.as_of.isoformat(), "currency": self.currency,
            "fx": first.fx.describe(currencies), "scenarios": list(self.scenarios),
            "group": records(self.group.drop(columns=[c for c in self.group.columns if c.startswith("svc_")]))[0],
            "markets": records(self.market_summary()),
            "group_total": records(self.group_total()),
            "entities": records(self.entities.drop(columns=[c for c in self.entities.columns if c.startswith("svc_")])),
            "obligations": records(self.obligations, list_columns=("funding_forms",)),
            "costs": records(self.costs),
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False, default=str)


# -- reading a plan -------------------------------------------------------------------------------------

def _read(source: Any) -> tuple[Mapping, str, Path | None]:
    if isinstance(source, Mapping):
        return source, "plan", None
    p = Path(source)
    data = policy.load_checked_yaml(p, "plan", PlanError)
    if not isinstance(data, Mapping):
        raise PlanError(f"{p}: a plan is a mapping with 'group' and 'markets'")
    return data, str(p), p.parent


def _shares(raw: Any, where: str) -> dict[str, float]:
    """A market's shares per field, from one number or a per-field mapping (with an optional `default`)."""
    def num(v: Any, key: str) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise PlanError(f"{key}: share {v!r} is not a number between 0 and 1")
        return float(v)

    if not isinstance(raw, Mapping):
        s = num(raw, where)
        return {f: s for f in SHARE_FIELDS + OPTIONAL_MONEY_FIELDS}
    unknown = [k for k in raw if k not in SHARE_FIELDS + OPTIONAL_MONEY_FIELDS and k != "default"]
    if unknown:
        raise PlanError(f"{where}.{unknown[0]}: not a field a share applies to"
                        f"{did_you_mean(str(unknown[0]), SHARE_FIELDS)} (fields: {', '.join(SHARE_FIELDS)}, default)")
    out = {}
    for f in SHARE_FIELDS:
        if f in raw:
            out[f] = num(raw[f], f"{where}.{f}")
        elif "default" in raw:
            out[f] = num(raw["default"], f"{where}.default")
        else:
            raise PlanError(f"{where}: no share for {f!r} (name it, or give 'default' for the fields not named)")
    for f in OPTIONAL_MONEY_FIELDS:
        if f in raw or "default" in raw:
            out[f] = num(raw.get(f, raw.get("default")), f"{where}.{f if f in raw else 'default'}")
    return out


def _start(m: Mapping, where: str) -> dt.date | None:
    """A market's licence start (ISO date) or None."""
    if m.get("start") is None:
        return None
    try:
        return parse_date(m["start"])
    except XjurError:
        raise PlanError(f"{where}.start: {m['start']!r} is not an ISO date (write YYYY-MM-DD)") from None


def _entities(data: Mapping, origin: str, group: pd.DataFrame, group_rec: Mapping
              ) -> tuple[list[Market], list[dict], list[str], list[dict]]:
    markets_raw = data.get("markets")
    if not isinstance(markets_raw, list) or not markets_raw:
        raise PlanError(f"{origin}: markets: a non-empty list of markets is required")
    gname = str(group["name"].iloc[0])
    markets: list[Market] = []
    recs: list[dict] = []
    labels: list[str] = []
    warnings: list[dict] = []
    seen: dict[str, int] = {}
    for i, m in enumerate(markets_raw):
        where = f"{origin}: markets[{i}]"
        if not isinstance(m, Mapping):
            raise PlanError(f"{where}: each market is a mapping with 'jurisdiction' and 'share' or 'profile'")
        unknown = [k for k in m if k not in MARKET_KEYS]
        if unknown:
            raise PlanError(f"{where}.{unknown[0]}: unknown key{did_you_mean(str(unknown[0]), MARKET_KEYS)}")
        code = str(m.get("jurisdiction", "")).strip().upper()
        if not code:
            raise PlanError(f"{where}.jurisdiction: required (a jurisdiction code such as JP, EU, HK)")
        if code in seen:
            raise PlanError(f"{where}.jurisdiction: {code} is already markets[{seen[code]}] (one entity per market)")
        seen[code] = i
        if ("share" in m) == ("profile" in m):
            raise PlanError(f"{where}: give exactly one of 'share' (of the group's business) or 'profile'")
        if "profile" in m:
            prof = m["profile"]
            if not isinstance(prof, Mapping):
                raise PlanError(f"{where}.profile: an entity profile is a mapping of Contract 1 fields")
            rec = {"name": m.get("name") or f"{gname} — {code}", **dict(prof)}
            if "services" in m:
                raise PlanError(f"{where}.services: give the services inside the explicit profile")
            markets.append(Market(code, str(rec["name"]), None, _start(m, where)))
            labels.append(f"markets[{i}].profile")
        else:
            shares = _shares(m["share"], f"{where}.share")
            rec = {k: v for k, v in group_rec.items() if k != "incidents"}
            row = group.iloc[0]
            for f in SHARE_FIELDS:
                val = float(row[f]) * shares[f]
                rec[f] = int(round(val)) if f == "active_users" else val
            for f in OPTIONAL_MONEY_FIELDS:
                given = rec.get(f)
                if given is None or (isinstance(given, float) and given != given):
                    continue
                if f not in shares:
                    raise PlanError(f"{where}.share: no share for {f!r}, which the group gives (name it, or give "
                                    "'default')")
                rec[f] = float(given) * shares[f]
            rec["name"] = str(m.get("name") or f"{gname} — {code}")
            if "services" in m:
                rec["services"] = m["services"]
            markets.append(Market(code, rec["name"], shares, _start(m, where)))
            labels.append(f"markets[{i}]")
        recs.append(rec)
    # shares across markets: above 1 is an error, below 1 a warning
    shared = [(i, mk) for i, mk in enumerate(markets) if mk.shares is not None]
    if shared:
        short = []
        for f in SHARE_FIELDS:
            total = sum(mk.shares[f] for _, mk in shared)
            if total > 1 + 1e-9:
                parts = " + ".join(f"{mk.shares[f]:g} ({mk.jurisdiction})" for _, mk in shared)
                raise PlanError(f"{origin}: markets[*].share.{f}: the shares add up to {total:g} = {parts}, "
                                "more than the whole group's business")
            if total < 1 - 1e-9 and float(group[f].iloc[0]) != 0:
                short.append(f"{f} {(1 - total) * 100:.4g} %")
        if short:
            warnings.append({"jurisdiction": "", "profile": gname, "level": "warning",
                             "message": "part of the group's business is booked in no licensed market of this plan "
                                        "(unlicensed): " + ", ".join(short)})
    return markets, recs, labels, warnings


def plan(
    source: Any,
    *,
    as_of: Any = None,
    currency: str | None = None,
    scenarios: Sequence[str] | None = None,
    assumptions: Any = None,
    funding: Any = None,
    parameters: Any = None,
    fx: Any = None,
    registry: Any = None,
) -> PlanResult:
    """Run a licensing plan (a YAML path or a mapping): each market's entity under its market's rules.

    Keyword arguments override the plan's own ``as_of``, ``currency``, ``scenarios``, ``assumptions`` and
    ``funding``. Paths inside a plan file are relative to the file.
    """
    data, origin, base = _read(source)
    unknown = [k for k in data if k not in PLAN_KEYS]
    if unknown:
        raise PlanError(f"{origin}: {unknown[0]}: unknown key{did_you_mean(str(unknown[0]), PLAN_KEYS)} "
                        f"(keys: {', '.join(PLAN_KEYS)})")
    group_rec = data.get("group")
    if not isinstance(group_rec, Mapping):
        raise PlanError(f"{origin}: group: the group's profile (a mapping of Contract 1 fields) is required")
    group = profiles_from_records([dict(group_rec)], origin, ["group"])
    markets, recs, labels, warnings = _entities(data, origin, group, group_rec)
    entities = profiles_from_records(recs, origin, labels)

    day = parse_date(as_of if as_of is not None else data.get("as_of"))
    ref = str(currency or data.get("currency") or group["currency"].iloc[0]).strip().upper()
    scen = list(scenarios) if scenarios else data.get("scenarios", ["central"])
    if isinstance(scen, str):
        scen = [scen]

    def rel(v: Any) -> Any:
        if isinstance(v, str) and base is not None and not Path(v).is_absolute():
            return str(base / v)
        return v

    assumptions = assumptions if assumptions is not None else rel(data.get("assumptions"))
    funding = funding if funding is not None else rel(data.get("funding"))
    from jurisdictions.framework import discover

    installed = list((registry or discover()).jurisdictions)
    for i, mk in enumerate(markets):
        if mk.jurisdiction not in installed:
            raise PlanError(f"{origin}: markets[{i}].jurisdiction: {mk.jurisdiction!r} is not an installed jurisdiction "
                            f"({', '.join(installed)}){did_you_mean(mk.jurisdiction, installed)}")
    rates = fx_snapshot(day, fx)
    from ..costs.group_capacity import GroupLine

    line = GroupLine.start(assumptions, day)
    results = []
    for i, mk in enumerate(markets):  # one comparison per market (a loop over jurisdictions, not profiles)
        kw = dict(registry=registry) if registry is not None else {}
        entity = entities.iloc[[i]].reset_index(drop=True)
        entity.attrs["xjur_validated"] = True  # validated above by profiles_from_records (load.py's mark)
        res = compare(entity, jurisdictions=[mk.jurisdiction], as_of=day, currency=ref, scenarios=scen,
                      parameters=parameters, fx=rates, assumptions=line.assumptions(), funding=funding,
                      **kw)
        line = line.used_by(mk.jurisdiction, mk.entity, res.costs, rates)
        results.append(res)
    split = line.split()
    if len(split) > 1 and split["insured"].sum() > 0:
        warnings.append({"jurisdiction": "", "profile": "", "level": "note",
                         "message": "insurance capacity is per group (costs.md §5): the entities share one line, in "
                                    "plan order: " + ", ".join(f"{m} insured {c} {x:,.0f} of {c} {left:,.0f} left"
                                                               for m, c, x, left in zip(split["market"], split["currency"],
                                                                                        split["insured"],
                                                                                        split["line_left"]))})
    for r in results:
        for w in r.warnings:
            if w not in warnings:
                warnings.append(w)
    return PlanResult(
        name=str(data.get("name") or group["name"].iloc[0]), group=group, entities=entities,
        markets=tuple(markets), results=tuple(results), as_of=day, currency=ref,
        scenarios=results[0].scenarios, warnings=tuple(warnings), source=origin, capacity_split=split,
        inputs={"funding": funding, "assumptions": assumptions, "parameters": parameters, "fx": fx,
                "registry": registry},
    )
