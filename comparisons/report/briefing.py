"""A self-contained HTML briefing (and the tables behind it) from a comparison.

    from comparisons import compare
    from comparisons.briefing import build_briefing, write_briefing
    result = compare("examples/profiles.yaml", as_of="2026-11-25", scenarios=["all"])
    b = build_briefing(result)              # adds costs, stress tests, the Japanese sweep and the charts
    write_briefing(b, "briefing.html")      # one file, no network needed to open or print it

The briefing holds: a summary in plain words, the side-by-side obligations, costs and funding, stress
results, the charts, and an appendix with every parameter (value, status, date, citation, source), every
cost assumption, every obligation's citation and basis, the exchange rates and the warnings. The "as of"
date, the FX date and the xjur version appear in the page header on screen and on every printed page.

Optional parts (costs, stress tests, the sensitivity sweep) are computed when their module is installed
and are left out, with a note saying why, when it is not or when they fail with an :class:`XjurError`.
Everything from profiles is escaped (Jinja2 autoescape); charts are rendered by the Vega libraries bundled
inline (or as inline SVG), so the file fetches nothing from anywhere.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import math
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from markupsafe import Markup

from jurisdictions.framework import CATEGORIES, XjurError

from . import charts as ch
from ..formatting import compact

STATUS_LABEL = {"in_force": "in force", "guidance": "guidance", "enacted": "enacted", "proposed": "proposed",
                "assumed": "assumed",
                "reported": "reported"}
JP_RESERVE = ("JP", "liability_reserve")
DEFAULT_SWEEP = "jp_reserve_rate_cold_aum"


# -- what goes into a briefing -----------------------------------------------------------------------
@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows; built by :func:`build_briefing`, rendered by :func:`render_html`."""

    result: Any  # ComparisonResult
    costs: pd.DataFrame | None = None
    cost_summary: pd.DataFrame | None = None
    stress: Any = None  # StressResult
    sweep: pd.DataFrame | None = None
    timeline: Any = None  # TimelineResult (``--timeline-to``): obligations and costs year by year
    charts: dict[str, Any] = field(default_factory=dict)  # name → (title, altair chart)
    omitted: tuple[str, ...] = ()  # sections left out, and why
    all_parameters: bool = False  # appendix B: every parameter (True) or those behind the briefing's figures
    title: str = "Crypto-exchange safeguards: what each market demands"
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    @property
    def version(self) -> str:
        from .. import __version__

        return __version__

    @property
    def profile_names(self) -> list[str]:
        return list(self.result.profiles["name"])


def build_briefing(
    result: Any,
    *,
    with_costs: bool = True,
    with_stress: bool = True,
    with_sensitivity: bool = True,
    sweep_parameter: str = DEFAULT_SWEEP,
    sweep_values: Sequence[float] | None = None,
    title: str | None = None,
    on_step: Callable[[str], None] | None = None,
    all_parameters: bool = False,
    timeline_to: Any = None,
) -> Briefing:
    """Compute the optional parts of a briefing (costs, stress, sweep) and its charts for ``result``.

    ``on_step(name)`` is called as each part starts (``costs``, ``stress``, ``sensitivity``, ``charts``), for
    progress displays. ``all_parameters``: the appendix lists every parameter of every market compared,
    not only those behind the briefing's figures (the workbook always has them all). ``timeline_to``: an ISO
    date adds the timeline from ``as_of`` to it, yearly (``comparisons.timeline``, the comparison's FX rate).
    """
    omitted: list[str] = []
    costs = summary = stress_res = sweep_df = None
    step = on_step or (lambda name: None)

    step("costs")
    if with_costs:
        if hasattr(result, "costs") and find_spec("comparisons.costs") is not None:
            try:
                costs = result.costs
                summary = result.cost_summary()
            except XjurError as e:
                omitted.append(f"costs and funding: could not be computed ({e})")
                costs = summary = None
        else:
            omitted.append("costs and funding: the costs module is not installed")

    step("stress")
    if with_stress:
        if find_spec("comparisons.stress") is not None:
            from ..stress import stress as run_stress

            try:
                stress_res = run_stress(result, all_incidents=True)
            except XjurError as e:
                omitted.append(f"stress tests: could not be computed ({e})")
        else:
            omitted.append("stress tests: the stress module is not installed")

    step("sensitivity")
    has_reserve = _has_rows(result.obligations, *JP_RESERVE)
    if with_sensitivity and has_reserve:
        if find_spec("comparisons.sensitivity") is not None:
            try:
                sweep_df = run_sweep(result, sweep_parameter, sweep_values)
            except XjurError as e:
                omitted.append(f"sensitivity of the Japanese reserve: could not be computed ({e})")
        else:
            omitted.append("sensitivity of the Japanese reserve: the sensitivity module is not installed")

    tl = None
    if timeline_to is not None:
        step("timeline")
        from ..timeline import timeline

        tl = timeline(result.profiles, result.as_of, timeline_to, jurisdictions=list(result.jurisdictions),
                      currency=result.currency, scenarios=result.scenarios, parameters=result.overrides,
                      fx=result.fx, assumptions=result.assumptions, funding=result.funding)
    b = Briefing(result=result, costs=costs, cost_summary=summary, stress=stress_res, sweep=sweep_df, timeline=tl,
                 omitted=tuple(omitted), all_parameters=all_parameters, **({"title": title} if title else {}))
    step("charts")
    return Briefing(**{**b.__dict__, "charts": make_charts(b)})


def _has_rows(ob: pd.DataFrame, jurisdiction: str, obligation: str) -> bool:
    return bool(((ob["jurisdiction"] == jurisdiction) & (ob["obligation"] == obligation) & ob["amount"].notna()).any())


def sweep_grid(parameter_value: Any) -> list[float]:
    """Grid for the sweep of a scenario parameter: 0, its low, central and high values, the midpoints
    between them, and 1.5 × high (so the assumed range sits inside the chart)."""
    sc = parameter_value.scenarios or {"central": parameter_value.value}
    pts = sorted(float(v) for v in sc.values() if v is not None)
    if not pts:
        raise XjurError(f"sweep: parameter {parameter_value.id!r} has no numeric value to sweep around")
    mids = [(a + b) / 2 for a, b in zip(pts, pts[1:])]
    grid = {0.0, *pts, *mids, 1.5 * pts[-1]}
    return sorted(round(g, 12) for g in grid)


def run_sweep(result: Any, parameter: str = DEFAULT_SWEEP, values: Sequence[float] | None = None) -> pd.DataFrame:
    """The Japanese reserve swept over ``parameter`` (central scenario), for the result's profiles."""
    from ..sensitivity import sweep

    jp = result.parameters.get("JP")
    if jp is None:
        raise XjurError("sweep: Japan is not part of this comparison")
    if values is None:
        pv = jp.latest(parameter)
        values = sweep_grid(pv)
    return sweep(result.profiles, parameter, values, jurisdiction="JP", obligation="liability_reserve",
                 scenarios=("central",), as_of=result.as_of, currency=result.currency, fx=result.fx,
                 parameters=jp)


def make_charts(b: Briefing) -> dict[str, tuple[str, Any]]:
    """The briefing's charts, by name: one obligations chart per profile, then costs, reserve, stress, sweep."""
    r = b.result
    out: dict[str, tuple[str, Any]] = {}
    for i, name in enumerate(b.profile_names):
        if r.obligations.loc[r.obligations["profile"] == name, "amount_ref"].notna().any():
            out[f"obligations_{i}"] = (f"Obligations — {name}", ch.obligations_chart(r, profile=name))
    if b.costs is not None and not b.costs.empty and (b.costs["annual_cost_ref"].fillna(0) > 0).any():
        out["costs"] = ("Annual cost by funding form", ch.cost_chart(b.costs))
    if _has_rows(r.obligations, *JP_RESERVE):
        out["reserve_range"] = ("Japan's reserve against loss cover elsewhere", ch.reserve_range_chart(r))
    if b.stress is not None and not b.stress.table.empty:
        out["stress"] = ("Stress coverage per incident and regime", ch.stress_chart(b.stress))
    if b.sweep is not None and not b.sweep.empty:
        out["sensitivity"] = ("Sensitivity of the Japanese reserve",
                              ch.sensitivity_chart(b.sweep, reference=ch._scenario_values(r, b.sweep)))
    if b.timeline is not None and not b.timeline.costs.empty:
        for i, name in enumerate(b.profile_names):
            out[f"timeline_{i}"] = (f"Over time — {name}", ch.timeline_chart(b.timeline, profile=name))
    return out


def timeline_rows(b: Briefing) -> dict | None:
    """The briefing's timeline section: its notes and the "what changes when" table (reference currency)."""
    if b.timeline is None:
        return None
    ccy = b.timeline.currency
    rows = [{"date": r.date.isoformat(), "profile": r.profile, "market": r.market, "change": r.change,
             "resources": fmt_money(ccy, r.effect_resources_ref), "cost": fmt_money(ccy, r.effect_annual_cost_ref),
             "color": ch.color_of(r.market)} for r in b.timeline.changes().itertuples(index=False)]
    return {"notes": list(b.timeline.notes), "changes": rows, "start": b.timeline.dates[0].isoformat(),
            "end": b.timeline.dates[-1].isoformat(),
            "charts": [n for n in b.charts if n.startswith("timeline_")]}


# -- formatting helpers ------------------------------------------------------------------------------
def is_blank(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_money(ccy: str, x: Any) -> str:
    """``USD 1.23 bn`` (the briefing's short form; the exact figure is in the appendix and the workbook)."""
    return "n/a" if is_blank(x) else f"{ccy} {compact(float(x))}"


def fmt_full(x: Any) -> str:
    """``1,234,567`` (whole units)."""
    return "" if is_blank(x) else f"{float(x):,.0f}"


def fmt_pct(x: Any) -> str:
    return "n/a" if is_blank(x) else f"{float(x):.0%}"


def fmt_value(v: Any) -> str:
    """A parameter value: number, none (null), rule string, or per-scenario values."""
    if v is None:
        return "none (no limit)"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        f = float(v)
        if f != 0 and abs(f) < 1:
            return f"{f:.6g}"
        return f"{f:,.0f}" if f == int(f) else f"{f:,.4g}"
    return str(v)


def _short_name(name: str) -> str:
    return name.split(" (")[0]


#: first words of market names that take "the" in a sentence ("in the European Union", "the United Kingdom")
ARTICLE_WORDS = frozenset({"United", "European", "Netherlands", "Philippines", "Czech", "Dominican", "Bahamas",
                           "Cayman", "British", "UAE", "US", "UK", "EU"})


def market_name(j: Any) -> str:
    """A market's name as it reads inside a sentence: the plug-in's ``name_in_sentence`` when it declares one,
    else its name without the bracketed regime, with "the" where English needs it ("the European Union")."""
    declared = getattr(j, "name_in_sentence", None)
    if declared:
        return str(declared)
    name = _short_name(str(j.name))
    return f"the {name}" if name.split(" ")[0] in ARTICLE_WORDS else name


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def regime_label(j: Any, regime_id: str, scenario: str = "") -> str:
    """A regime in client prose, never its internal id: the market's name, and for a market with several
    regimes the regime's own name (``Japan (Liability reserve, central scenario)``)."""
    name = market_name(j) if j is not None else regime_id
    regimes = list(getattr(j, "regimes", ()) or ())
    extra = []
    if len(regimes) > 1:
        r = next((r for r in regimes if r.id == regime_id), None)
        extra.append("all regimes" if regime_id == "all" else
                     (r.name.split(":")[0].split(" (")[0] if r is not None else regime_id))
    if scenario:
        extra.append(f"{scenario} scenario")
    return f"{name} ({', '.join(extra)})" if extra else name


# -- summary in plain words -------------------------------------------------------------------------
def summary_points(b: Briefing) -> list[dict]:
    """Per profile: which market demands most, where the cost lies, what Japan's uncertainty means, stress."""
    r = b.result
    ccy = r.currency
    names = {j.code: market_name(j) for j in r.jurisdictions}
    by_code = {j.code: j for j in r.jurisdictions}
    ob = r.obligations
    sc = ch.headline_scenario(ob)
    totals = ch.resource_totals(ob, sc)
    client = ch.category_totals(ob, sc)
    out = []
    for prof in b.profile_names:
        points: list[str] = []
        t = totals[totals["profile"] == prof].sort_values("amount_ref", ascending=False)
        t = t[t["amount_ref"].notna()]
        if len(t) and t["amount_ref"].iloc[0] > 0:
            top = t.iloc[0]
            rows = ob[(ob["profile"] == prof) & (ob["jurisdiction"] == top["jurisdiction"])
                      & ob["category"].isin(ch.RESOURCE_CATEGORIES) & ob["amount_ref"].notna()]
            rows = ch.one_scenario(rows, sc)
            biggest = rows.sort_values("amount_ref", ascending=False).iloc[0]
            rest = ", ".join(f"{fmt_money(ccy, a)} in {names.get(c, c)}" for c, a in
                             zip(t["jurisdiction"].iloc[1:], t["amount_ref"].iloc[1:]))
            tied = _tied_up(b, prof, str(top["jurisdiction"]), sc)
            own = (f"; at the cheapest allowed funding the firm ties up {fmt_money(ccy, tied)} of its own "
                   "resources for them, insurance and guarantees meeting the rest"
                   if tied is not None and tied < top["amount_ref"] * (1 - 1e-9) else "")
            points.append(
                f"{_sentence_start(names.get(top['jurisdiction'], top['jurisdiction']))} sets the largest "
                f"safeguards: {fmt_money(ccy, top['amount_ref'])} of capital, liquidity and loss cover, "
                f"mostly {biggest['obligation'].replace('_', ' ')} ({fmt_money(ccy, biggest['amount_ref'])})"
                + own + (f"; against {rest}." if rest else ".")
            )
        cm = client[(client["profile"] == prof) & (client["category"] == "client_money") & (client["amount_ref"] > 0)]
        if len(cm):
            points.append(
                f"Every market that regulates client money requires the customers' "
                f"{fmt_money(ccy, cm['amount_ref'].max())} to be segregated or held on trust: a duty, not a "
                "cost of capital."
            )
        if b.cost_summary is not None and len(b.cost_summary):
            cs = b.cost_summary[(b.cost_summary["profile"] == prof)
                                & b.cost_summary["scenario"].isin(["", sc])].dropna(subset=["annual_cost_ref"])
            cs = cs.sort_values("annual_cost_ref", ascending=False)
            if len(cs) and cs["annual_cost_ref"].iloc[0] > 0:
                top = cs.iloc[0]
                c = b.costs
                rows = c[(c["profile"] == prof) & (c["jurisdiction"] == top["jurisdiction"])
                         & c["scenario"].isin(["", sc])].sort_values("annual_cost_ref", ascending=False)
                driver = (f", chiefly {rows['obligation'].iloc[0].replace('_', ' ')} met by "
                          f"{rows['form'].iloc[0].replace('_', ' ')}") if len(rows) else ""
                bp = top.get("cost_bp_of_volume")
                bp_text = "" if is_blank(bp) else f" ({bp:,.2f} bp of trading volume)"
                cheapest = cs.iloc[-1]
                points.append(
                    f"The cost lies mainly in {names.get(top['jurisdiction'], top['jurisdiction'])}: "
                    f"{fmt_money(ccy, top['annual_cost_ref'])} a year{bp_text}{driver}; the cheapest market is "
                    f"{names.get(cheapest['jurisdiction'], cheapest['jurisdiction'])} at "
                    f"{fmt_money(ccy, cheapest['annual_cost_ref'])} a year (cost assumptions in the appendix)."
                    + robust_sentence(b.result, prof, sc, names)
                )
        res = ob[(ob["profile"] == prof) & (ob["jurisdiction"] == JP_RESERVE[0]) & (ob["obligation"] == JP_RESERVE[1])
                 & ob["amount_ref"].notna()]
        if len(res):
            vals = res.set_index("scenario")["amount_ref"]
            elsewhere = totals_loss_cover(ob, prof, sc)
            if len(vals) > 1:
                lo, hi = vals.min(), vals.max()
                text = (f"Japan's liability reserve is only a proposal with no published formula: under xjur's "
                        f"assumed scenarios it would be between {fmt_money(ccy, lo)} and {fmt_money(ccy, hi)}"
                        + (f" (central {fmt_money(ccy, vals['central'])})" if "central" in vals else "")
                        + (f", a spread of {hi / lo:,.1f}× between its ends" if lo > 0 else ""))
            else:
                only = vals.index[0] or "central"
                text = (f"Japan's liability reserve is only a proposal with no published formula: its {only} "
                        f"scenario gives {fmt_money(ccy, vals.iloc[0])} (run with --scenario all for the range)")
            if elsewhere is not None:
                code, amount = elsewhere
                text += (f"; the largest loss cover another market demands is {fmt_money(ccy, amount)} in "
                         f"{names.get(code, code)}")
            points.append(text + ". Treat it as a planning range, not a requirement.")
        if b.stress is not None and len(b.stress.table):
            text = stress_point(b.stress.table, prof, sc, names)
            if text:
                points.append(text)
        out.append({"profile": prof, "points": points})
    return out


def _plain_reason(why: str) -> str:
    """A reason in client prose: a scope reason says what would bring the firm in, without internal ids."""
    if why.startswith("not in scope"):
        return "outside its rules: they would apply with " + why.split("would apply with ", 1)[-1] \
            if "would apply with " in why else "outside its rules"
    return why


def stress_point(table: pd.DataFrame, profile: str, scenario: str, names: dict[str, str]) -> str:
    """The summary's stress sentence for one profile: each market as a whole (its ``all`` row: every regime
    the comparison shows, stacked), mean share of the customer loss covered over the incidents with a loss; a
    market with no amount for some incident is "n/a" with the reason, never averaged over the rest."""
    from ..stress.replay import MARKET

    st = table[(table["profile"] == profile) & (table["regime"] == MARKET)
               & table["scenario"].fillna("").isin(["", scenario]) & (table["customer_loss"] > 0)]
    if st.empty:
        return ""
    na = st[st["coverage_ratio"].isna()]
    known = st[~st["jurisdiction"].isin(na["jurisdiction"])]
    mean = known.groupby("jurisdiction", sort=False)["coverage_ratio"].mean().sort_values(ascending=False)
    n = st["loss_scenario"].nunique()
    parts = []
    if len(mean):
        parts.append(f"Replaying {n} past incident{'s' if n != 1 else ''} against this business, with every regime "
                     f"of a market stacked, {names.get(mean.index[0], mean.index[0])} would have covered "
                     f"{fmt_pct(mean.iloc[0])} of the customer loss on average"
                     + (f"; the least, {names.get(mean.index[-1], mean.index[-1])}, {fmt_pct(mean.iloc[-1])}"
                        if len(mean) > 1 else ""))
    for code, g in na.groupby("jurisdiction", sort=False):
        parts.append(f"{names.get(code, code)}: n/a ({_plain_reason(g['rule'].iloc[0].removeprefix('n/a: '))})")
    return "; ".join(parts) + "."


def _tied_up(b: Briefing, profile: str, code: str, scenario: str) -> float | None:
    """The firm's own resources a market's obligations tie up at the cheapest allowed funding (cost summary,
    headline reserve scenario), or None without costs."""
    cs = b.cost_summary
    if cs is None or cs.empty or "resources_tied_up_ref" not in cs:
        return None
    rows = cs[(cs["profile"] == profile) & (cs["jurisdiction"] == code) & cs["scenario"].isin(["", scenario])]
    rows = rows.dropna(subset=["resources_tied_up_ref"])
    return None if rows.empty else float(rows["resources_tied_up_ref"].iloc[-1])


def totals_loss_cover(ob: pd.DataFrame, profile: str, scenario: str) -> tuple[str, float] | None:
    """(jurisdiction, amount) of the largest loss cover outside Japan's proposed reserve, for one profile."""
    rows = ob[(ob["profile"] == profile) & (ob["category"] == "loss_cover") & (ob["obligation"] != JP_RESERVE[1])
              & ob["amount_ref"].notna()]
    if rows.empty:
        return None
    t = ch._overlap_sum(ch.one_scenario(rows, scenario), ["jurisdiction"]).sort_values("amount_ref", ascending=False)
    if t.empty or not t["amount_ref"].iloc[0] > 0:
        return None
    return str(t["jurisdiction"].iloc[0]), float(t["amount_ref"].iloc[0])


# -- tables ------------------------------------------------------------------------------------------
def side_by_side_cells(result: Any) -> list[dict]:
    """Per profile: rows = categories, columns = jurisdictions, cells = obligations (for the HTML table)."""
    ob = result.obligations
    codes = [j.code for j in result.jurisdictions]
    ccy = result.currency
    sc = ch.headline_scenario(ob)
    totals = ch.resource_totals(ob, sc).set_index(["profile", "jurisdiction"])["amount_ref"]
    out = []
    for prof in result.profiles["name"]:
        rows = ob[ob["profile"] == prof]
        table_rows = []
        for cat in CATEGORIES:
            cat_rows = rows[rows["category"] == cat]
            if cat_rows.empty:
                continue
            cells = []
            for code in codes:
                items = []
                for r in cat_rows[cat_rows["jurisdiction"] == code].itertuples(index=False):
                    items.append({
                        "profile": r.profile, "jurisdiction": r.jurisdiction, "regime": r.regime,
                        "obligation": r.obligation, "scenario": r.scenario, "status": r.status,
                        "label": r.obligation.replace("_", " ") + (f" ({r.scenario})" if r.scenario else ""),
                        "amount_ref": "" if is_blank(r.amount_ref) else repr(float(r.amount_ref)),
                        "amount": "" if is_blank(r.amount) else repr(float(r.amount)),
                        "ref_text": fmt_money(ccy, r.amount_ref),
                        "local_text": fmt_money(r.currency, r.amount) if r.currency != ccy and not is_blank(r.amount) else "",
                        "basis": r.basis, "reason": r.reason, "citation": r.citation,
                        "blank": is_blank(r.amount),
                    })
                cells.append(items)
            table_rows.append({"category": ch.CATEGORY_LABELS.get(cat, cat), "cells": cells})
        total_cells = [fmt_money(ccy, totals.get((prof, c), float("nan"))) for c in codes]
        total_raw = ["" if is_blank(totals.get((prof, c), float("nan"))) else repr(float(totals[(prof, c)]))
                     for c in codes]
        out.append({"profile": prof, "rows": table_rows, "totals": list(zip(total_cells, total_raw)),
                    "scenario": sc})
    return out


def used_parameters(b: Briefing) -> dict[str, set[str] | None]:
    """Per jurisdiction: the ids of the parameters behind the briefing's figures: those each obligation with
    an amount declares it reads (its ``parameters``, and those of its funding caps and cover parts), and the
    parameter the sensitivity chart sweeps. ``None`` for a market whose plug-in declares no obligations
    (all its parameters are listed)."""
    ob = b.result.obligations
    shown = ob[ob["amount"].notna()]
    out: dict[str, set[str] | None] = {}
    for j in b.result.jurisdictions:
        specs = getattr(j, "obligations", None)
        if not specs:
            out[j.code] = None
            continue
        ids = set(shown.loc[shown["jurisdiction"] == j.code, "obligation"])
        used: set[str] = set()
        for spec in specs:
            if spec.id in ids:
                used.update(getattr(spec, "parameters", ()))
                used.update(pid for _, pid in (*spec.form_caps, *spec.cover_parts))
        out[j.code] = used
    if b.sweep is not None and not b.sweep.empty:
        for code, pid in zip(b.sweep["jurisdiction"], b.sweep["parameter"]):
            if out.get(code) is not None:
                out[code].add(str(pid))
    return out


def parameter_rows(result: Any, only: dict[str, set[str] | None] | None = None) -> list[dict]:
    """Every parameter of every jurisdiction as read on the comparison date (appendix); with ``only``
    (see :func:`used_parameters`), those listed for each market."""
    out = []
    for j in result.jurisdictions:
        ps = result.parameters.get(j.code)
        if ps is None:
            continue
        keep = None if only is None else only.get(j.code)
        for pid in ps.ids():
            if keep is not None and pid not in keep:
                continue
            hist = ps.history(pid)
            try:
                v = hist.at(result.as_of)
                when = v.effective_from.isoformat()
            except XjurError:
                v = hist.values[0]
                when = f"{v.effective_from.isoformat()} (later than the comparison date)"
            value = (", ".join(f"{k}: {fmt_value(x)}" for k, x in v.scenarios.items()) if v.scenarios
                     else fmt_value(v.value))
            out.append({"jurisdiction": j.code, "id": pid, "description": v.description, "value": value,
                        "unit": v.unit, "status": v.status, "effective_from": when, "citation": v.citation,
                        "source": v.source, "note": v.note})
    return out


def assumption_rows(result: Any) -> list[dict]:
    """Every cost assumption (id, value, unit, status, date, citation, source, note), when costs are installed."""
    if find_spec("comparisons.costs.assumptions") is None:
        return []
    from ..costs.assumptions import load_assumptions

    pset = getattr(result, "assumptions", None)
    pset = pset if pset is not None else load_assumptions()
    rows = []
    for pid in pset.ids():
        try:
            v = pset.at(pid, result.as_of)
        except XjurError:
            continue
        rows.append({"jurisdiction": "costs", "id": pid, "description": v.description,
                     "value": fmt_value(v.value) if not v.scenarios else str(dict(v.scenarios)), "unit": v.unit,
                     "status": v.status, "effective_from": v.effective_from.isoformat(), "citation": v.citation,
                     "source": v.source, "note": v.note})
    return rows


def citation_rows(result: Any) -> list[dict]:
    """One row per regime and obligation: its citation and the statuses it has in this comparison."""
    ob = result.obligations
    g = (ob.groupby(["jurisdiction", "regime", "obligation", "citation"], sort=False)["status"]
         .agg(lambda s: ", ".join(dict.fromkeys(s))).reset_index())
    return g.to_dict("records")


def regime_rows(result: Any) -> list[dict]:
    rows = []
    for j in result.jurisdictions:
        for r in j.regimes:
            rows.append({"jurisdiction": j.code, "name": j.name, "regime": r.id, "regime_name": r.name,
                         "status": r.status,
                         "from": (r.start_note or (r.in_force_from.isoformat() if r.in_force_from else "n/k")),
                         "citation": r.citation})
    return rows


def robust_sentence(result: Any, profile: str, scenario: str, names: dict) -> str:
    """Whether the dearest and cheapest markets hold under every cost assumption set, or which assumption the
    conclusion depends on (the robustness view, ``result.robustness()``); "" when it cannot be computed."""
    if not hasattr(result, "robustness") or len(result.profiles) > ROBUSTNESS_MAX_PROFILES:
        return ""
    from ..costs.ranges import conclusion

    try:
        rob = result.robustness()
    except XjurError:
        return ""
    parts, held = [], []
    for what, word in (("dearest", "the most expensive"), ("cheapest", "the cheapest")):
        code, holds, depends = conclusion(rob, profile, scenario or "central", what)
        if not code:
            return ""
        name = names.get(code, code)
        if holds and not depends:
            held.append(f"{name} is {word}")
            continue
        row = rob.table[(rob.table["profile"] == profile) & (rob.table["scenario"] == (scenario or "central"))].iloc[0]
        others = sorted({row[f"{what}_{s}"] for s in ("low", "high")} - {code})
        alt = f" but {' or '.join(names.get(o, o) for o in others)} under another set" if others else ""
        on = " and ".join(depends.split(", ")) if depends else "the assumptions taken together"
        parts.append(f"{name} is {word} at the central assumptions{alt}: that depends on {on}")
    text = ""
    if held:
        text += " Under every assumption set (low, central, high), " + " and ".join(held) + "."
    if parts:
        text += " " + "; ".join(parts) + "."
    return text


#: the robustness view reruns the costs per assumption set: briefings of at most this many profiles get it
ROBUSTNESS_MAX_PROFILES = 200


def modelled_rows(result: Any) -> list[dict]:
    """Per jurisdiction: what its plug-in models and what it does not."""
    return [{"jurisdiction": j.code, "name": j.name, "modelled": list(getattr(j, "modelled", ())),
             "not_modelled": list(getattr(j, "not_modelled", ()))} for j in result.jurisdictions]


def cost_rows(b: Briefing) -> dict:
    """The cost summary as a matrix: rows = profiles, columns = jurisdiction (and reserve scenario)."""
    if b.cost_summary is None or b.cost_summary.empty:
        return {}
    ccy = b.result.currency
    cs = b.cost_summary
    order = {j.code: i for i, j in enumerate(b.result.jurisdictions)}
    sc_rank = {"": 0, "low": 1, "central": 2, "high": 3}
    keys = sorted(dict.fromkeys(zip(cs["jurisdiction"], cs["scenario"])),
                  key=lambda k: (order.get(k[0], 99), sc_rank.get(k[1], 9)))
    cells = {(r.profile, r.jurisdiction, r.scenario): r for r in cs.itertuples(index=False)}
    rows = []
    for prof in b.profile_names:
        line = []
        for code, sc in keys:
            r = cells.get((prof, code, sc))
            if r is None:
                line.append(None)
                continue
            line.append({
                "jurisdiction": code, "scenario": sc, "cost": fmt_money(ccy, r.annual_cost_ref),
                "cost_raw": "" if is_blank(r.annual_cost_ref) else repr(float(r.annual_cost_ref)),
                "bp": "" if is_blank(r.cost_bp_of_volume) else f"{r.cost_bp_of_volume:,.2f} bp of volume",
                "tied": fmt_money(ccy, r.resources_tied_up_ref), "insured": fmt_money(ccy, r.insured_ref),
                "unfunded": (fmt_money(ccy, r.unfunded_ref) if not is_blank(getattr(r, "unfunded_ref", 0))
                             and getattr(r, "unfunded_ref", 0) > 0 else ""),
                "range": (f"{fmt_money(ccy, r.annual_cost_low_ref)} – {fmt_money(ccy, r.annual_cost_high_ref)}"
                          if hasattr(r, "annual_cost_low_ref") and not is_blank(r.annual_cost_low_ref) else ""),
            })
        rows.append({"profile": prof, "cells": line})
    heads = [{"code": c, "scenario": sc, "color": ch.color_of(c)} for c, sc in keys]
    return {"heads": heads, "rows": rows}


def cost_detail_rows(b: Briefing) -> list[dict]:
    if b.costs is None:
        return []
    c = b.costs
    c = c[(c["form"].fillna("") != "") | c["note"].fillna("").ne("")]
    rows = []
    for r in c.itertuples(index=False):
        rows.append({"profile": r.profile, "jurisdiction": r.jurisdiction, "obligation": r.obligation,
                     "scenario": r.scenario, "form": r.form, "funded": fmt_money(r.currency, r.funded_amount),
                     "cost": fmt_money(r.ref_currency, r.annual_cost_ref), "assumptions": r.assumptions,
                     "note": getattr(r, "note", "")})
    return rows


def stress_rows(b: Briefing) -> list[dict]:
    """Per profile: loss scenarios × regimes, each market's stacked row (``all``) after its regimes, with the
    share covered (headline reserve scenario; "n/a" where a regime sets no amount), and what customers actually
    got back after the incident and who paid."""
    from ..stress.replay import MARKET

    if b.stress is None:
        return []
    t = b.stress.table
    sc = ch.headline_scenario(b.result.obligations)
    t = t[t["scenario"].fillna("").isin(["", sc])]
    rank = {(j.code, r.id): i * 100 + k for i, j in enumerate(b.result.jurisdictions) for k, r in enumerate(j.regimes)}
    rank.update({(j.code, MARKET): i * 100 + 99 for i, j in enumerate(b.result.jurisdictions)})
    out = []
    for prof, g in t.groupby("profile", sort=False):
        pairs = sorted(dict.fromkeys(zip(g["jurisdiction"], g["regime"])), key=lambda jr: rank.get(jr, 10**6))
        # a market with one regime: its stacked column is that regime's, shown once (the table stays readable
        # with a dozen markets)
        single = {j for j in dict.fromkeys(j for j, _ in pairs) if sum(1 for jj, r in pairs if jj == j) == 2}
        pairs = [(j, r) for j, r in pairs if not (j in single and r == MARKET)]
        regimes = [f"{j} {r}" for j, r in pairs]
        lines = []
        for loss, h in g.groupby("loss_scenario", sort=False):
            cells = {f"{r.jurisdiction} {r.regime}": r for r in h.itertuples(index=False)}
            first = h.iloc[0]
            got = "" if is_blank(first.get("recovery_rate")) else fmt_pct(first["recovery_rate"])
            paid = str(first.get("paid_by") or "").replace("_", " ")
            lines.append({
                "loss": loss, "customer_loss": fmt_money(first["currency"], first["customer_loss"]),
                "got_back": " ".join(x for x in (got, f"({paid})" if paid and paid != "not stated" else "") if x)
                            or ("not stated" if paid else ""),
                "outcome": str(first.get("customer_outcome") or ""),
                "cells": [{"pct": fmt_pct(cells[k].coverage_ratio) if k in cells else "",
                           "ratio": (None if k not in cells or is_blank(cells[k].coverage_ratio)
                                     else float(cells[k].coverage_ratio)),
                           "title": (f"covered {fmt_money(cells[k].currency, cells[k].covered)}, uncovered "
                                     f"{fmt_money(cells[k].currency, cells[k].uncovered)}, capital floors beside "
                                     f"the cover {fmt_money(cells[k].currency, cells[k].mandated_capital)}; "
                                     f"{cells[k].rule}")
                           if k in cells else ""} for k in regimes],
            })
        with_sc = set(zip(g.loc[g["scenario"].fillna("") != "", "jurisdiction"],
                          g.loc[g["scenario"].fillna("") != "", "regime"]))
        out.append({"profile": prof, "regimes": [{"code": j, "regime": "all regimes" if r == MARKET else r,
                                                  "market": r == MARKET, "color": ch.color_of(j),
                                                  "scenario": sc if (j, r) in with_sc else ""} for j, r in pairs],
                    "lines": lines, "incidents": any(x["got_back"] for x in lines)})
    return out


def loss_scenario_rows(b: Briefing) -> list[dict]:
    if b.stress is None:
        return []
    ls = b.stress.loss_scenarios
    rows = []
    for r in ls.itertuples(index=False):
        amount = getattr(r, "amount", float("nan"))
        unit = getattr(r, "amount_currency", "")
        if getattr(r, "kind", "") == "incident" or unit:
            size = fmt_money(unit, amount) if unit else ""
        else:
            size = " / ".join(x for x in (
                f"hot {fmt_pct(r.hot_share)}" if not is_blank(getattr(r, "hot_share", None)) else "",
                f"cold {fmt_pct(r.cold_share)}" if not is_blank(getattr(r, "cold_share", None)) else "") if x)
        rows.append({"loss_scenario": r.loss_scenario, "kind": getattr(r, "kind", ""), "size": size,
                     "wallet": getattr(r, "wallet", ""), "description": getattr(r, "description", "")})
    return rows


# -- rendering --------------------------------------------------------------------------------------
def _css_string(s: str) -> Markup:
    """A value as a quoted CSS string (for @page margin boxes)."""
    esc = "".join(c if c.isalnum() or c in " .,:;-_/()·" else f"\\{ord(c):x} " for c in str(s))
    return Markup(f'"{esc}"')


def _json_script(obj: Any) -> Markup:
    """JSON safe inside <script type="application/json"> (no '<', '>' or '&' that could end the element)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None) -> str:
    """Vega, Vega-Lite and Vega-Embed as one inline script (vl-convert builds it offline; a pure function
    of the installed vl-convert, so memoising it within a process cannot go stale)."""
    import vl_convert as vlc

    js = vlc.javascript_bundle(vl_version=vl_version)
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["css_string"] = _css_string
    env.filters["status_label"] = lambda s: STATUS_LABEL.get(s, s)
    return env


def chart_entries(b: Briefing, chart_mode: str = "interactive") -> list[dict]:
    """The briefing's charts for a page: id, name and title, with the Vega-Lite spec as an inline JSON script
    (``interactive``) or the static SVG (``svg``)."""
    items = []
    for i, (name, (title, chart)) in enumerate(b.charts.items()):
        item = {"id": f"chart-{i}", "name": name, "title": title}
        if chart_mode == "svg":
            item["svg"] = Markup(ch.to_svg(chart))
        else:
            item["spec"] = _json_script(ch.spec(chart))
        items.append(item)
    return items


def render_html(b: Briefing, chart_mode: str = "interactive") -> str:
    """The briefing as one HTML document. ``chart_mode``: ``interactive`` (Vega bundled inline, tooltips)
    or ``svg`` (static inline SVG from vl-convert, no script at all)."""
    if chart_mode not in ("interactive", "svg"):
        raise XjurError(f"chart mode {chart_mode!r}: use interactive or svg")
    r = b.result
    chart_items = chart_entries(b, chart_mode)
    fx = r.fx.describe(set(r.profiles["currency"]) | {j.currency for j in r.jurisdictions} | {r.currency})
    ctx = {
        "b": b, "title": b.title, "version": b.version, "as_of": r.as_of.isoformat(), "fx": fx,
        "fx_date": r.fx.date.isoformat(), "currency": r.currency, "created": b.created.isoformat(),
        "scenarios": list(r.scenarios), "headline_scenario": ch.headline_scenario(r.obligations),
        "jurisdictions": [{"code": j.code, "name": j.name, "currency": j.currency, "color": ch.color_of(j.code)}
                          for j in r.jurisdictions],
        "profiles": _profile_rows(r),
        "summary": summary_points(b),
        "side_by_side": side_by_side_cells(r),
        "costs": cost_rows(b), "cost_details": cost_detail_rows(b),
        "stress": stress_rows(b), "loss_scenarios": loss_scenario_rows(b),
        "stress_note": _stress_note(b), "timeline": timeline_rows(b),
        "charts": chart_items, "chart_mode": chart_mode,
        "bundle": Markup(vega_bundle(ch.vl_version())) if chart_mode == "interactive" and chart_items else "",
        "parameters": parameter_rows(r, only=None if b.all_parameters else used_parameters(b)),
        "parameter_total": sum(len(r.parameters[j.code].ids()) for j in r.jurisdictions if j.code in r.parameters),
        "all_parameters": b.all_parameters, "assumptions": assumption_rows(r) if b.costs is not None else [],
        "citations": citation_rows(r), "regimes": regime_rows(r), "modelled": modelled_rows(r),
        "basis": r.obligations.fillna({"amount_ref": np.nan}).to_dict("records"),
        "warnings": list(getattr(b.stress, "warnings", None) or r.warnings),
        "omitted": list(b.omitted),
        "fmt_money": fmt_money,
    }
    return _environment().get_template("briefing.html.j2").render(**ctx)


def _profile_rows(r: Any) -> list[dict]:
    p = r.profiles
    out = []
    for row in p.itertuples(index=False):
        ccy = row.currency
        out.append({
            "name": row.name, "currency": ccy, "services": str(row.services).replace(";", ", "),
            "client_crypto_assets": fmt_money(ccy, row.client_crypto_assets),
            "hot_wallet_share": fmt_pct(row.hot_wallet_share),
            "client_fiat": fmt_money(ccy, row.client_fiat),
            "annual_trading_volume": fmt_money(ccy, row.annual_trading_volume),
            "own_funds": fmt_money(ccy, row.own_funds),
            "active_users": f"{int(row.active_users):,}",
        })
    return out


def _stress_note(b: Briefing) -> str:
    if b.stress is None:
        return ""
    return (f"Losses at the {b.stress.loss_point} of each incident's reported range; "
            + ("the firm's own funds above the rules' requirements are counted." if b.stress.with_own_funds
               else "only resources the rules mandate are counted (not the firm's other own funds)."))


def write_briefing(b: Briefing, path: str | Path, chart_mode: str = "interactive") -> Path:
    """Write the briefing's HTML to ``path`` (UTF-8)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_html(b, chart_mode=chart_mode), encoding="utf-8")
    return p


def brief(profiles: Any, output: str | Path, xlsx: str | Path | None = None, chart_mode: str = "interactive",
          all_parameters: bool = False, **compare_kwargs: Any) -> Briefing:
    """Compare ``profiles``, build the briefing, write it to ``output`` (and the workbook to ``xlsx``).
    ``all_parameters``: list every parameter in the appendix, not only those behind the figures."""
    from ..compare import compare

    result = compare(profiles, **compare_kwargs)
    b = build_briefing(result, all_parameters=all_parameters)
    write_briefing(b, output, chart_mode=chart_mode)
    if xlsx is not None:
        from .workbook import write_workbook

        write_workbook(b, xlsx)
    return b
