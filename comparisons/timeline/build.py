"""``timeline``: the comparison at each date of a grid, regimes counted from their start, reserves building up,
the business growing (DESIGN.md Contract 4: ``{"timeline": [rows], "costs": [rows]}``).

Each date runs ``compare`` (regime dates, statuses and labels are the framework's: ``Regime.status_on``); this
module adds ``date`` and ``counted``: a regime counts from its start date (an enacted regime before its start is
upcoming, a proposal counts from its assumed start ``in_force_from``, a market of a plan from its licence
start), and rows not counted are left out of the cost totals. The build-up scenarios of
:mod:`comparisons.timeline.accrual` replace the held-in-full amount by the balance accrued so far; every other
reserve scenario is held in full from its regime's start.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import money
from jurisdictions.framework.registry import discover

from ..compare import as_list, compare, convert_profiles, fx_snapshot, parse_date, records
from ..tables import table_csv
from ..fx import FxSnapshot, FxTable, ecb_table, rates_file_table
from ..load import load_profiles
from .accrual import BUILD_UPS, balances
from .grid import date_grid
from .growth import Growth, load_growth

#: the columns a timeline row adds to a Contract 2 row
TIMELINE_COLUMNS = ("date", "counted")


@dataclass(frozen=True)
class TimelineResult:
    """What ``timeline`` returns: the long table (Contract 2 rows with ``date`` and ``counted``), the cost
    summary per date (counted rows only), the build-up of reserves, and the notes saying which growth, FX and
    starts were assumed."""

    timeline: pd.DataFrame
    costs: pd.DataFrame
    reserves: pd.DataFrame
    dates: tuple[dt.date, ...]
    currency: str
    notes: tuple[str, ...] = ()
    jurisdictions: tuple[Any, ...] = ()
    extras: dict = field(default_factory=dict)

    def changes(self, scenario: str | None = None) -> pd.DataFrame:
        """The "what changes when" table: date, market, change, effect on the total (see ``changes.py``)."""
        from .changes import what_changes

        return what_changes(self, scenario)

    def to_dict(self) -> dict:
        return {"timeline": records(self.timeline.assign(date=self.timeline["date"].map(dt.date.isoformat)),
                                    ("funding_forms",)),
                "costs": records(self.costs.assign(date=self.costs["date"].map(dt.date.isoformat)))}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def to_csv(self, table: str = "timeline") -> str:
        frame = {"timeline": self.timeline, "costs": self.costs, "reserves": self.reserves,
                 "changes": self.changes()}[table]
        return table_csv(frame)  # floats without binary noise, text inert for spreadsheets (as every CLI CSV)

    def chart(self, **kwargs: Any) -> Any:
        from ..report.charts import timeline_chart

        return timeline_chart(self, **kwargs)


def concat_timelines(parts: Sequence[TimelineResult]) -> TimelineResult:
    """Timelines over the same dates (one per market of a plan) as one."""
    first = parts[0]
    return TimelineResult(
        timeline=pd.concat([p.timeline for p in parts], ignore_index=True),
        costs=pd.concat([p.costs for p in parts], ignore_index=True),
        reserves=pd.concat([p.reserves for p in parts if not p.reserves.empty] or [first.reserves],
                           ignore_index=True),
        dates=first.dates, currency=first.currency,
        notes=tuple(dict.fromkeys(n for p in parts for n in p.notes)),
        jurisdictions=tuple(j for p in parts for j in p.jurisdictions), extras=first.extras)


def counting_start(regime: Any, licence_start: dt.date | None = None) -> dt.date | None:
    """The date from which a regime's rows count: its start (a proposal's assumed start), or the market's
    licence start of a plan when later. None: no start known (counted throughout, with a note)."""
    start = getattr(regime, "in_force_from", None)
    if licence_start is not None:
        return max(start, licence_start) if start is not None else licence_start
    return start


def _fx_source(fx: Any, start: dt.date) -> tuple[Any, str]:
    """One snapshot for the whole timeline (default: the rates of the start date), or a table read per date."""
    if fx is None or isinstance(fx, FxSnapshot):
        snap = fx if fx is not None else ecb_table().on(start)
        return snap, (f"one FX rate for the whole timeline: {snap.source} of {snap.date.isoformat()} (the "
                      f"comparison's on {snap.as_of.isoformat()})")
    table = fx if isinstance(fx, FxTable) else rates_file_table(fx)
    return table, f"FX path: {table.source}, the rate on or before each date"


def timeline(
    profiles: Any,
    start: Any,
    end: Any,
    step: str = "year",
    growth: Any = None,
    *,
    jurisdictions: Any = None,
    currency: str = "USD",
    scenarios: Sequence[str] = ("central",),
    parameters: Any = None,
    fx: Any = None,
    starts: Mapping[str, Any] | None = None,
    registry: Any = None,
    assumptions: Any = None,
    funding: Any = None,
) -> TimelineResult:
    """The comparison of ``profiles`` at each date from ``start`` to ``end`` (``step``: ``year`` or
    ``quarter``), as one long table with ``date`` and ``counted`` and the cost summary per date.

    ``growth``: a growth file or mapping (:mod:`comparisons.timeline.growth`; default no growth). ``fx``: a
    rates file giving a path of rates (each date's rate), default one ECB rate for the whole timeline (that
    of ``start``). ``starts``: per market code the licence start of a plan (a market counts from then).
    The other options are ``compare``'s."""
    first, last = parse_date(start), parse_date(end)
    dates = date_grid(first, last, step)
    frame = load_profiles(profiles)
    grow: Growth = load_growth(growth, frame["name"])
    reg = registry if registry is not None else discover()
    chosen = tuple(reg.select(as_list(jurisdictions)))
    licence = {str(k).upper(): parse_date(v) for k, v in (starts or {}).items()}
    fx_source, fx_note = _fx_source(fx, first)
    notes = [grow.describe(), fx_note]
    notes += _start_notes(chosen, licence)
    rows_by_date, costs_by_date, reserves = [], [], []
    for day in dates:
        grown = grow.apply(frame, first, day)
        snap = fx_source if not isinstance(fx_source, FxTable) else fx_source.on(day)
        res = compare(grown, chosen, as_of=day, currency=currency, scenarios=scenarios, parameters=parameters,
                      fx=snap, registry=reg, assumptions=assumptions, funding=funding, progress=False,
                      defer_text=False)
        rows = res.obligations.copy()
        rows["counted"] = _counted(rows, chosen, day, licence)
        rows, built = _build_up(rows, res, frame, grow, first, day, licence)
        reserves.extend(built)
        counted_only = rows.assign(amount=np.where(rows["counted"], rows["amount"], np.nan),  # as a blank row
                                   amount_ref=np.where(rows["counted"], rows["amount_ref"], np.nan))
        costed = dataclasses.replace(res, rows=counted_only.drop(columns=["counted"]))
        summary = costed.cost_summary(ranges=False, licence=False)
        rows_by_date.append(rows.assign(date=day))
        costs_by_date.append(summary.astype({c: str for c in ("profile", "jurisdiction", "scenario", "currency",
                                                               "ref_currency")}).assign(date=day))
    table = pd.concat(rows_by_date, ignore_index=True)
    table = table[["date", *[c for c in table.columns if c not in TIMELINE_COLUMNS], "counted"]]
    costs = pd.concat(costs_by_date, ignore_index=True)
    costs = costs[["date", *[c for c in costs.columns if c != "date"]]]
    return TimelineResult(timeline=table, costs=costs, reserves=_reserve_table(reserves), dates=tuple(dates),
                          currency=str(currency).upper(), notes=tuple(notes), jurisdictions=chosen,
                          extras={"growth": grow, "fx": fx_note})


def _counted(rows: pd.DataFrame, chosen: Sequence[Any], day: dt.date, licence: Mapping[str, dt.date]) -> np.ndarray:
    """Per row: whether its regime counts on ``day`` (vectorised over rows: one lookup per regime)."""
    counts = {}
    for j in chosen:
        for r in j.regimes:
            since = counting_start(r, licence.get(j.code))
            counts[r.id] = since is None or day >= since
    return rows["regime"].map(counts).fillna(True).to_numpy(dtype=bool)


def _start_notes(chosen: Sequence[Any], licence: Mapping[str, dt.date]) -> list[str]:
    """How each regime not yet applying everywhere is counted (a proposal from its assumed start, labelled)."""
    out = []
    for j in chosen:
        for r in j.regimes:
            since = counting_start(r, licence.get(j.code))
            if since is None:
                out.append(f"{r.id} ({r.status}) has no start date: counted at every date")
            elif r.status == "proposed":
                out.append(f"{r.id} is proposed: counted from its assumed start {since.isoformat()} "
                           f"({r.start_note or 'assumed'}); reserve scenarios other than a build-up are held in "
                           "full from that date")
            elif r.status == "enacted":
                out.append(f"{r.id} is enacted: upcoming before {since.isoformat()}, counted from it")
            if j.code in licence:
                out.append(f"{j.code}: licence starts {licence[j.code].isoformat()} (plan): counted from then")
    for (code, ob, sc), b in BUILD_UPS.items():
        if any(j.code == code for j in chosen):
            out.append(f"{code} {ob} scenario {sc} builds up: accrual at each fiscal year's end = min({b.accrual_rate}"
                       f" × that year's volume, ceiling − balance), ceiling {b.ceiling_rate} × peak volume "
                       f"({b.rule})")
    return list(dict.fromkeys(out))


def _build_up(rows: pd.DataFrame, res: Any, frame: pd.DataFrame, grow: Growth, first: dt.date, day: dt.date,
              licence: Mapping[str, dt.date]) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Rows of a build-up scenario with the balance accrued by ``day`` as their amount (once counted)."""
    built = []
    for j in res.jurisdictions:
        for (code, ob, sc), b in BUILD_UPS.items():
            if j.code != code or sc not in res.scenarios:
                continue
            mask = ((rows["jurisdiction"] == code) & (rows["obligation"] == ob) & (rows["scenario"] == sc)
                    & rows["counted"] & rows["amount"].notna()).to_numpy()
            if not mask.any():
                continue
            since = counting_start(j.regime(j.spec(ob).regime), licence.get(code))
            fy0 = b.fiscal_year_of(since)
            years = b.fiscal_years(fy0 if fy0 >= since else since, day)
            params = res.parameters[code]
            a = params.what_if(b.accrual_rate, max(day, since))
            c = params.what_if(b.ceiling_rate, max(day, since))

            def volume_of(fy: dt.date) -> np.ndarray:
                local = convert_profiles(grow.apply(frame, first, fy), res.fx, j.currency)
                return local["annual_trading_volume"].to_numpy(dtype="float64")

            balance, added, ceiling = balances(volume_of, years, a.number(), c.number(), b.peak_years, len(frame))
            pending = a.number() * volume_of(b.fiscal_year_of(day))
            at = pd.Index(frame["name"]).get_indexer(rows.loc[mask, "profile"])
            rate = res.fx.rate(j.currency, res.currency)
            rows.loc[mask, "amount"] = balance[at]
            rows.loc[mask, "amount_ref"] = balance[at] * rate
            ccy = j.currency
            rows.loc[mask, "basis"] = (
                "balance " + money(ccy, balance[at]).to_numpy(dtype=object) + f" after {len(years)} fiscal year(s) "
                "from " + since.isoformat() + "; last addition " + money(ccy, added[at]).to_numpy(dtype=object)
                + ", ceiling " + money(ccy, ceiling[at]).to_numpy(dtype=object) + f" ({c.number():g} × peak volume); "
                "this year's accrual " + money(ccy, pending[at]).to_numpy(dtype=object)
                + f" ({a.number():g} × volume) booked at its end; {b.rule}")
            rows.loc[mask, "citation"] = f"{a.citation}; {c.citation}; build-up {b.rule}"
            built.append(pd.DataFrame({
                "date": day, "profile": frame["name"].to_numpy(dtype=object)[at], "jurisdiction": code,
                "obligation": ob, "scenario": sc, "currency": ccy, "fiscal_years": len(years),
                "balance": balance[at], "addition": added[at], "ceiling": ceiling[at], "pending_accrual": pending[at],
                "balance_ref": balance[at] * rate, "addition_ref": added[at] * rate}))
    return rows, built


def _reserve_table(built: list[pd.DataFrame]) -> pd.DataFrame:
    """The build-up per date, profile and scenario: balance, last addition, ceiling, this year's accrual."""
    cols = ["date", "profile", "jurisdiction", "obligation", "scenario", "currency", "fiscal_years", "balance",
            "addition", "ceiling", "pending_accrual", "balance_ref", "addition_ref"]
    return pd.concat(built, ignore_index=True)[cols] if built else pd.DataFrame(columns=cols)
