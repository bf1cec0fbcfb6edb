"""Altair charts of a comparison: pure functions from result objects / DataFrames to ``alt.Chart`` values.

    from comparisons import compare, charts
    result = compare("examples/profiles.yaml", as_of="2026-11-25", scenarios=["all"])
    charts.obligations_chart(result)            # obligations side by side, by category and jurisdiction
    charts.cost_chart(result.costs)              # annual cost stacked by funding form, per jurisdiction
    charts.reserve_range_chart(result)           # Japan's reserve low–central–high vs other markets' loss cover
    charts.stress_chart(stress_result)           # share of each incident's customer loss covered, per regime
    charts.sensitivity_chart(sweep_frame)        # the reserve as one assumed parameter moves
    charts.save(chart, "chart.svg")              # PNG or SVG through vl-convert (offline)

Every jurisdiction has one colour (:data:`PALETTE`), the same in every chart. Amounts are shown in the
comparison's reference currency, with the currency named in the axis title and the tooltip.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Sequence

import altair as alt
import numpy as np
import pandas as pd

from jurisdictions.framework import CATEGORIES, FUNDING_FORMS, XjurError

from ..tables import SCENARIO_ORDER, headline_scenario, one_scenario  # noqa: F401 - charts' API too

#: One colour per jurisdiction code, used by every chart (colour-blind-safe hues; JP red, EU blue).
PALETTE: dict[str, str] = {
    "JP": "#c8102e",
    "EU": "#1f4e9c",
    "HK": "#e69f00",
    "KR": "#009e73",
    "SG": "#8e44ad",
    "AE": "#8c564b",
    "UK": "#56b4e9",
    "US": "#d55e00",
    "BR": "#2ca02c",
    "CA": "#bcbd22",
    "CH": "#9467bd",
    "AU": "#e7298a",
    "TH": "#66a61e",
}
#: Colours for codes not in :data:`PALETTE` (third-party plug-ins), chosen from the code's letters.
EXTRA_COLOURS: tuple[str, ...] = ("#cc79a7", "#7f7f7f", "#b5a300", "#17becf", "#2f4f4f", "#ff7f0e")

#: One colour per funding form (cost chart).
FORM_PALETTE: dict[str, str] = {
    "own_funds": "#4c72b0",
    "insurance": "#dd8452",
    "trust_funds": "#55a868",
    "bank_guarantee": "#8172b3",
    "same_kind_crypto": "#937860",
    "segregation": "#8c8c8c",
    "unfunded": "#d62728",  # the part no allowed form can meet (e.g. beyond the insurance market's capacity)
}

CATEGORY_LABELS: dict[str, str] = {
    "capital": "capital",
    "liquidity": "liquidity",
    "loss_cover": "loss cover",
    "custody": "custody (to move cold)",
    "client_money": "client money",
}
#: Categories that are resources the firm itself must hold (client money and custody are the customers' own).
RESOURCE_CATEGORIES: tuple[str, ...] = ("capital", "liquidity", "loss_cover")
KINDS: tuple[str, ...] = ("obligations", "costs", "reserve_range", "stress", "sensitivity", "tornado")

_FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"


# -- colours -----------------------------------------------------------------------------------------
def color_of(code: str) -> str:
    """The colour of a jurisdiction (stable for codes outside the palette too)."""
    if code in PALETTE:
        return PALETTE[code]
    return EXTRA_COLOURS[sum(map(ord, str(code))) % len(EXTRA_COLOURS)]


def jurisdiction_scale(codes: Iterable[str]) -> alt.Scale:
    """Colour scale with the palette's colour for each code (in the order given)."""
    domain = list(dict.fromkeys(codes))
    return alt.Scale(domain=domain, range=[color_of(c) for c in domain])


def form_scale(forms: Iterable[str]) -> alt.Scale:
    known = [f for f in (*FUNDING_FORMS, "unfunded") if f in set(forms)]
    others = sorted(set(forms) - set(known))
    domain = known + others
    return alt.Scale(domain=domain, range=[FORM_PALETTE.get(f, color_of(f)) for f in domain])


# -- number formatting (axis labels are vega expressions; tooltips get pre-formatted strings) -----------
def compact(x: float) -> str:
    """1234567 → '1.23 m'; NaN → 'n/a' (the same short form as the terminal and the briefing)."""
    from ..formatting import compact as _compact

    return _compact(x)


def money_label(ccy: str, values: Any) -> list[str]:
    """``['USD 1.23 bn', ...]`` for a column of amounts."""
    return [f"{ccy} {compact(float(v))}" if v is not None and not (isinstance(v, float) and math.isnan(v))
            else "n/a" for v in values]


#: Axis labels in k / m / bn / tn (vega expression; the axis title names the currency).
MONEY_LABEL_EXPR = (
    "abs(datum.value) >= 1e12 ? format(datum.value / 1e12, ',.3~g') + ' tn' : "
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, ',.3~g') + ' bn' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',.3~g') + ' m' : "
    "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, ',.3~g') + ' k' : format(datum.value, ',.0f')"
)


def money_axis(title: str, **kw: Any) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=MONEY_LABEL_EXPR, **kw)


def _configure(chart: Any, title: str | None = None, subtitle: str | Sequence[str] | None = None) -> Any:
    """House style: fonts, sizes, a title and a subtitle (provenance)."""
    if title:
        chart = chart.properties(title=alt.TitleParams(text=title, subtitle=subtitle or "", anchor="start",
                                                       fontSize=15, subtitleFontSize=11, subtitleColor="#555"))
    return (
        chart.configure(font=_FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6", domainColor="#888")
        .configure_legend(labelFontSize=11, titleFontSize=12, orient="bottom", direction="horizontal",
                          columns=4, labelLimit=260)
        .configure_header(labelFontSize=12, titleFontSize=12, labelFontWeight="bold", labelLimit=420)
        .configure_view(stroke=None)
    )


# -- inputs --------------------------------------------------------------------------------------------
def _obligations_of(data: Any, currency: str | None = None) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """(obligations, reference currency, code → jurisdiction name) from a result or a Contract 2 frame."""
    if isinstance(data, pd.DataFrame):
        ob = data
        ccy = currency or "reference currency"
        names: dict[str, str] = {}
    elif hasattr(data, "obligations"):
        ob = data.obligations
        ccy = currency or data.currency
        names = {j.code: j.name for j in getattr(data, "jurisdictions", ())}
    else:
        raise XjurError(f"charts: expected a ComparisonResult or an obligations DataFrame, not {type(data).__name__}")
    return ob, ccy, names


def _overlap_sum(ob: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum of ``amount_ref`` over ``keys``, where obligations of one overlap group count once (the largest).

    Contract 2: obligations of one ``overlap_group`` can be met by the same resources; groups add up, and an
    obligation without a group is a group of its own.
    """
    if ob.empty:
        return pd.DataFrame(columns=keys + ["amount_ref", "items"])
    own = pd.Series(np.arange(len(ob)), index=ob.index).astype(str)
    group = ob["overlap_group"].where(ob["overlap_group"] != "", "#" + own)
    g = ob.assign(_group=group, _n=1)
    per_group = g.groupby(keys + ["_group"], sort=False, dropna=False).agg(
        amount_ref=("amount_ref", "max"), _n=("_n", "sum"))
    out = per_group.groupby(level=list(range(len(keys))), sort=False).agg(
        amount_ref=("amount_ref", lambda s: s.sum(min_count=1)), items=("_n", "sum"))
    return out.reset_index()


def category_totals(obligations: pd.DataFrame, scenario: str | None = None) -> pd.DataFrame:
    """Per profile, jurisdiction and category: the amount demanded in the reference currency.

    Within a category, obligations of one overlap group count once (the largest); blank (not applicable)
    obligations are left out. Columns: profile, jurisdiction, category, amount_ref, items.
    """
    ob = one_scenario(obligations, scenario)
    ob = ob[ob["amount_ref"].notna()]
    return _overlap_sum(ob, ["profile", "jurisdiction", "category"])


def resource_totals(obligations: pd.DataFrame, scenario: str | None = None,
                    categories: Sequence[str] = RESOURCE_CATEGORIES) -> pd.DataFrame:
    """Per profile and jurisdiction: the firm's own resources demanded (capital, liquidity, loss cover).

    Overlap groups count once across categories (e.g. Hong Kong's financial-resources group spans capital
    and liquidity). Columns: profile, jurisdiction, amount_ref, items.
    """
    ob = one_scenario(obligations, scenario)
    ob = ob[ob["amount_ref"].notna() & ob["category"].isin(list(categories))]
    return _overlap_sum(ob, ["profile", "jurisdiction"])


# -- 1. obligations side by side -------------------------------------------------------------------------
def obligations_data(data: Any, profile: str | None = None, scenario: str | None = None,
                     currency: str | None = None) -> pd.DataFrame:
    """The table behind :func:`obligations_chart` (one row per profile, jurisdiction, category)."""
    ob, ccy, names = _obligations_of(data, currency)
    if profile is not None:
        ob = ob[ob["profile"] == profile]
        if ob.empty:
            raise XjurError(f"charts: no obligations for profile {profile!r}")
    tot = category_totals(ob, scenario)
    sc = scenario or headline_scenario(ob)
    items = (
        one_scenario(ob, sc).loc[lambda d: d["amount_ref"].notna()]
        .assign(line=lambda d: d["obligation"] + " " + money_label(ccy, d["amount_ref"]) + " (" + d["status"] + ")")
        .groupby(["profile", "jurisdiction", "category"], sort=False)["line"].agg("; ".join).rename("detail")
        .reset_index()
    )
    tot = tot.merge(items, on=["profile", "jurisdiction", "category"], how="left")
    tot["category_label"] = tot["category"].map(CATEGORY_LABELS).fillna(tot["category"])
    tot["jurisdiction_name"] = tot["jurisdiction"].map(lambda c: names.get(c, c))
    tot["amount_text"] = money_label(ccy, tot["amount_ref"])
    return tot


def obligations_chart(data: Any, profile: str | None = None, scenario: str | None = None,
                      currency: str | None = None, width: int = 130, height: int = 170) -> alt.TopLevelMixin:
    """Obligations side by side: one panel per category, one bar per jurisdiction; one row of panels per
    profile (a facet chart for one profile, the profiles' rows stacked for several).

    Each panel has its own scale (client money dwarfs capital); overlap groups count once. Every row has a
    panel under every category heading: a profile with no amount in a category gets an empty panel there,
    so no panel slides under another category's heading.
    """
    ob, ccy, names = _obligations_of(data, currency)
    df = obligations_data(data, profile=profile, scenario=scenario, currency=currency)
    if df.empty:
        raise XjurError("charts: no amounts to chart")
    codes = [c for c in (names or dict.fromkeys(ob["jurisdiction"])) if c in set(df["jurisdiction"])]
    cats = [CATEGORY_LABELS[c] for c in CATEGORIES if c in set(df["category"])]
    color = alt.Color("jurisdiction:N", scale=jurisdiction_scale(codes), title="jurisdiction",
                      legend=alt.Legend(labelExpr=_legend_names(names, codes)))
    tooltip = [alt.Tooltip("profile:N"), alt.Tooltip("jurisdiction_name:N", title="jurisdiction"),
               alt.Tooltip("category_label:N", title="category"),
               alt.Tooltip("amount_text:N", title=f"amount ({ccy})"),
               alt.Tooltip("detail:N", title="obligations")]

    def row_of(frame: pd.DataFrame) -> alt.FacetChart:
        missing = [c for c in cats if c not in set(frame["category_label"])]
        if missing:  # an empty panel (a zero-height bar: a blank amount would drop the panel) under each
            frame = pd.concat([frame, pd.DataFrame({  # heading the profile lacks
                "profile": frame["profile"].iloc[0], "jurisdiction": codes[0], "category_label": missing,
                "amount_ref": 0.0, "amount_text": "none", "detail": "no market sets an amount in this category"})],
                ignore_index=True)
        base = alt.Chart(frame).mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
            x=alt.X("jurisdiction:N", sort=codes, scale=alt.Scale(domain=codes), title=None,
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount_ref:Q", axis=money_axis(f"{ccy}")),
            color=color, tooltip=tooltip,
        ).properties(width=width, height=height)
        return base.facet(column=alt.Column("category_label:N", sort=cats, title=None)).resolve_scale(
            y="independent")

    profiles = list(dict.fromkeys(df["profile"]))
    if len(profiles) == 1:
        chart: Any = row_of(df)
    else:
        chart = alt.vconcat(*[row_of(df[df["profile"] == p]).properties(
            title=alt.TitleParams(p, anchor="start", fontSize=12)) for p in profiles], spacing=18)
    sc = scenario or headline_scenario(ob)
    who = profile if profile is not None else ("all profiles" if len(profiles) > 1 else profiles[0])
    return _configure(chart, f"What each market demands — {who}",
                      [f"amounts in {ccy}; overlapping obligations counted once; Japanese reserve: {sc} scenario",
                       "client money and custody are customers' assets to segregate or move cold, not the firm's own"])


def _legend_names(names: dict[str, str], codes: Sequence[str]) -> str:
    """Vega expression turning a code into 'JP — Japan' in legends."""
    return _expr_map({c: f"{c} — {_short(names[c])}" for c in codes if c in names})


def _js(s: str) -> str:
    import json

    return json.dumps(s)


# -- 2. annual cost by funding form ----------------------------------------------------------------------
def _costs_of(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    costs = getattr(data, "costs", None)
    if costs is None and hasattr(data, "extras"):
        costs = data.extras.get("costs")
    if not isinstance(costs, pd.DataFrame):
        raise XjurError("charts: no costs table (the costs module is not installed or costs were not computed)")
    return costs


def cost_data(data: Any, scenario: str | None = None) -> pd.DataFrame:
    """The table behind :func:`cost_chart`: annual cost per profile, jurisdiction and funding form."""
    costs = _costs_of(data)
    if costs.empty:
        raise XjurError("charts: the costs table is empty")
    sc = ""
    if "scenario" in costs:
        sc = scenario or headline_scenario(costs.assign(scenario=costs["scenario"].fillna("")))
        costs = costs[costs["scenario"].fillna("").isin(["", sc])]
    costs = costs[costs["form"].fillna("") != ""]
    if costs.empty:
        raise XjurError("charts: no funded obligations in the costs table")
    ccy = str(costs["ref_currency"].iloc[0])
    out = (costs.groupby(["profile", "jurisdiction", "form"], sort=False)
           .agg(annual_cost_ref=("annual_cost_ref", "sum"), funded_amount=("funded_amount", "size"),
                obligations=("obligation", lambda s: ", ".join(dict.fromkeys(s))))
           .rename(columns={"funded_amount": "rows"}).reset_index())
    out["scenario"] = sc if "scenario" in costs else ""
    out["cost_text"] = money_label(ccy, out["annual_cost_ref"])
    out["ref_currency"] = ccy
    return out


def cost_chart(data: Any, scenario: str | None = None, width: int = 250, columns: int = 3) -> alt.FacetChart:
    """Annual cost of meeting each market's obligations, stacked by funding form (reference currency)."""
    df = cost_data(data, scenario)
    ccy = df["ref_currency"].iloc[0]
    codes = list(dict.fromkeys(df["jurisdiction"]))
    codes = [c for c in PALETTE if c in codes] + [c for c in codes if c not in PALETTE]
    base = alt.Chart(df).mark_bar().encode(
        y=alt.Y("jurisdiction:N", sort=codes, title=None),
        x=alt.X("sum(annual_cost_ref):Q", axis=money_axis(f"annual cost, {ccy} per year")),
        color=alt.Color("form:N", scale=form_scale(df["form"]), title="funding form"),
        order=alt.Order("form:N"),
        tooltip=[alt.Tooltip("profile:N"), alt.Tooltip("jurisdiction:N"), alt.Tooltip("form:N", title="funding form"),
                 alt.Tooltip("cost_text:N", title=f"annual cost ({ccy}/yr)"),
                 alt.Tooltip("obligations:N")],
    ).properties(width=width, height=alt.Step(22))
    chart = base.facet(facet=alt.Facet("profile:N", sort=list(dict.fromkeys(df["profile"])), title=None,
                                       header=alt.Header(labelOrient="top")),
                       columns=columns).resolve_scale(x="independent")
    return _configure(chart, "Annual cost of compliance, by funding form",
                      f"{ccy} per year; cheapest allowed mix under the stated cost assumptions; Japanese reserve: "
                      f"{df['scenario'].iloc[0] or 'central'} scenario")


# -- the timeline: resources tied up and annual cost per market over time -----------------------------------
def timeline_data(result: Any, profile: str | None = None, scenario: str | None = None) -> pd.DataFrame:
    """The table behind :func:`timeline_chart`: per date and market, resources tied up and annual cost of the
    counted rows (reference currency), for one profile (default the first) and one scenario."""
    costs = result.costs
    if costs.empty:
        raise XjurError("charts: the timeline has no costs")
    who = profile or str(costs["profile"].iloc[0])
    sc = scenario or headline_scenario(costs)
    df = costs[(costs["profile"] == who) & costs["scenario"].isin(["", sc])]
    long = df.melt(id_vars=["date", "jurisdiction"], value_vars=["resources_tied_up_ref", "annual_cost_ref"],
                   var_name="measure", value_name="value")
    long["measure"] = long["measure"].map({"resources_tied_up_ref": "resources tied up",
                                           "annual_cost_ref": "annual cost (per year)"})
    long["date"] = pd.to_datetime(long["date"])
    long["value_text"] = money_label(result.currency, long["value"])
    long["profile"], long["scenario"] = who, sc
    return long


def timeline_chart(result: Any, profile: str | None = None, scenario: str | None = None,
                   width: int = 560) -> alt.FacetChart:
    """A step chart per measure: each market's resources tied up and annual cost over time (one colour per
    market), counted rows only (a regime enters at its start)."""
    df = timeline_data(result, profile, scenario)
    codes = list(dict.fromkeys(df["jurisdiction"]))
    codes = [c for c in PALETTE if c in codes] + [c for c in codes if c not in PALETTE]
    ccy = result.currency
    base = alt.Chart(df).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", axis=money_axis(ccy)),
        color=alt.Color("jurisdiction:N", scale=jurisdiction_scale(codes), title="market"),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("jurisdiction:N", title="market"),
                 alt.Tooltip("measure:N"), alt.Tooltip("value_text:N", title=ccy)],
    ).properties(width=width, height=180)
    chart = base.facet(row=alt.Row("measure:N", title=None, sort=["resources tied up", "annual cost (per year)"]))
    chart = chart.resolve_scale(y="independent")
    return _configure(chart, f"Over time: {df['profile'].iloc[0]}",
                      f"{ccy}; counted regimes only (each from its start); reserve scenario "
                      f"{df['scenario'].iloc[0] or 'central'}")


# -- 3. the Japanese reserve's range against other markets' loss cover ------------------------------------
def reserve_range_data(data: Any, currency: str | None = None, jurisdiction: str = "JP",
                       obligation: str = "liability_reserve") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reserve low/central/high per profile, other markets' loss cover per profile and jurisdiction)."""
    ob, ccy, names = _obligations_of(data, currency)
    res = ob[(ob["jurisdiction"] == jurisdiction) & (ob["obligation"] == obligation) & ob["amount_ref"].notna()]
    if res.empty:
        raise XjurError(f"charts: no {jurisdiction} {obligation} rows (is the jurisdiction installed?)")
    wide = res.pivot_table(index="profile", columns="scenario", values="amount_ref", aggfunc="first", sort=False)
    wide = wide.reindex(columns=[s for s in SCENARIO_ORDER if s in wide.columns])
    rng = pd.DataFrame({
        "profile": wide.index,
        "low": wide.min(axis=1).to_numpy(),
        "high": wide.max(axis=1).to_numpy(),
        "central": wide["central"].to_numpy() if "central" in wide else wide.mean(axis=1).to_numpy(),
    })
    rng["label"] = [f"{ccy} {compact(lo)} – {compact(hi)} (central {compact(c)})"
                    for lo, hi, c in zip(rng["low"], rng["high"], rng["central"])]
    regime = res["regime"].iloc[0]
    others = ob[(ob["regime"] != regime) & (ob["category"] == "loss_cover") & ob["amount_ref"].notna()
                & ob["profile"].isin(rng["profile"])]
    cover = _overlap_sum(one_scenario(others), ["profile", "jurisdiction"])
    cover["label"] = [f"{names.get(c, c)}: {ccy} {compact(v)}" for c, v in zip(cover["jurisdiction"], cover["amount_ref"])]
    cover["series"] = cover["jurisdiction"].where(cover["jurisdiction"] != jurisdiction,
                                                  jurisdiction + " (in force)")
    return rng, cover


def reserve_range_chart(data: Any, currency: str | None = None, width: int = 700) -> alt.LayerChart:
    """The Japanese liability reserve's low–central–high range (a what-if: no formula is published) beside
    the loss cover the other markets (and Japan's in-force rules) demand of the same profile.

    Log scale (the profiles span several orders of magnitude); zero amounts cannot be drawn on it and are
    named in the tooltip of the range instead.
    """
    ob, ccy, names = _obligations_of(data, currency)
    rng, cover = reserve_range_data(data, currency)
    order = list(rng["profile"])
    zero = cover[~(cover["amount_ref"] > 0)]
    cover = cover[cover["amount_ref"] > 0]
    zeros = zero.groupby("profile")["jurisdiction"].agg(", ".join)
    rng = rng.assign(series=RESERVE_SERIES, zero=[zeros.get(p, "—") for p in rng["profile"]])
    positive = pd.concat([rng["low"], rng["high"], cover["amount_ref"]])
    positive = positive[positive > 0]
    lo = 10 ** math.floor(math.log10(positive.min())) if len(positive) else 1.0
    hi = 10 ** math.ceil(math.log10(positive.max())) if len(positive) else 10.0
    ticks = [10.0 ** k for k in range(int(round(math.log10(lo))), int(round(math.log10(hi))) + 1)]
    x_scale = alt.Scale(type="log", domain=[lo, hi])
    series = list(dict.fromkeys(cover["series"]))
    domain = [RESERVE_SERIES] + series
    colours = [color_of("JP")] + [IN_FORCE_JP if " " in s else color_of(s) for s in series]
    label = {s: (f"{s.split(' ')[0]} — {_short(names.get(s.split(' ')[0], s))}" + (" (in force)" if " " in s else ""))
             for s in series}
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=colours), title=None,
                       legend=alt.Legend(labelExpr=_expr_map(label), symbolOpacity=1))
    y = alt.Y("profile:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_axis = alt.Axis(title=f"{ccy} (log scale)", values=ticks, labelExpr=MONEY_LABEL_EXPR, grid=True)
    tip = [alt.Tooltip("profile:N"), alt.Tooltip("label:N", title="JP reserve low – high"),
           alt.Tooltip("zero:N", title="no loss cover demanded in")]
    band = alt.Chart(rng).mark_rule(size=10, opacity=0.35, strokeCap="round").encode(
        y=y, x=alt.X("low:Q", scale=x_scale, axis=x_axis), x2="high:Q", color=colour, tooltip=tip)
    central = alt.Chart(rng).mark_tick(thickness=3, size=18).encode(
        y=y, x=alt.X("central:Q", scale=x_scale), color=colour, tooltip=tip)
    dots = alt.Chart(cover).mark_circle(size=110, opacity=0.95, stroke="white", strokeWidth=1).encode(
        y=y, x=alt.X("amount_ref:Q", scale=x_scale), color=colour,
        tooltip=[alt.Tooltip("profile:N"), alt.Tooltip("label:N", title="loss cover")])
    chart = alt.layer(band, central, dots).properties(width=width, height=alt.Step(34))
    return _configure(chart, "Japan's proposed liability reserve against loss cover elsewhere",
                      [f"{ccy}, log scale; bar: low–high of the assumed scenarios, tick: central; dots: loss cover "
                       "each market demands", "the reserve is a proposal with no published formula: its range is "
                       "xjur's assumption, not law"])


RESERVE_SERIES = "JP — liability reserve (proposed)"
IN_FORCE_JP = "#7a0a1c"  # Japan's in-force loss cover: a darker shade of Japan's red


def _short(name: str) -> str:
    """'Japan (Payment Services Act; ...)' → 'Japan'."""
    return name.split(" (")[0]


def _expr_map(mapping: dict[str, str]) -> str:
    """Vega expression mapping a legend label through ``mapping`` (unknown labels unchanged)."""
    parts = " : ".join(f"datum.label === {_js(k)} ? {_js(v)}" for k, v in mapping.items())
    return f"{parts} : datum.label" if parts else "datum.label"


# -- 4. stress coverage ----------------------------------------------------------------------------------
#: fill of a stress cell whose regime sets no amount ("n/a")
NA_COLOR = "#d9d9d9"

def _stress_table(data: Any) -> pd.DataFrame:
    table = data if isinstance(data, pd.DataFrame) else getattr(data, "table", None)
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise XjurError("charts: no stress table to chart")
    return table


def stress_data(data: Any, scenario: str | None = None) -> pd.DataFrame:
    """The table behind :func:`stress_chart`: coverage ratio per profile, loss scenario and regime, each
    market's stacked row (``regime == "all"``) labelled "all regimes"; ``pct`` is "n/a" where a regime sets
    no amount (never 0 %)."""
    t = _stress_table(data)
    if "scenario" in t:
        sc = scenario or headline_scenario(t.assign(scenario=t["scenario"].fillna("")))
        t = t[t["scenario"].fillna("").isin(["", sc])]
    t = t.copy()
    drawn = t.groupby("profile", sort=False)["coverage_ratio"].transform(lambda s: s.notna().any())
    t = t[drawn.astype(bool)]  # a profile with nothing to lose (no client assets) has no panel
    if t.empty:
        raise XjurError("charts: no coverage ratios to chart (no profile holds client assets)")
    t["regime_label"] = t["jurisdiction"] + " " + t["regime"].where(t["regime"] != "all", "all regimes")
    t["ratio"] = t["coverage_ratio"].astype(float)
    t["pct"] = [("n/a" if (r is None or (isinstance(r, float) and math.isnan(r))) else f"{r:.0%}") for r in t["ratio"]]
    t["loss_text"] = [f"{c} {compact(v)}" for c, v in zip(t["currency"], t["customer_loss"])]
    t["covered_text"] = [f"{c} {compact(v)}" for c, v in zip(t["currency"], t["covered"])]
    t["uncovered_text"] = [f"{c} {compact(v)}" for c, v in zip(t["currency"], t["uncovered"])]
    return t


def stress_chart(data: Any, scenario: str | None = None, cell: int = 24, columns: int = 2) -> alt.FacetChart:
    """Share of each incident's customer loss the mandated resources would have covered, per regime and per
    market (every regime of the market stacked).

    A heat map per profile: rows = loss scenarios (incidents), columns = regimes and, after each market's
    regimes, its "all regimes" column; colour and label = share covered (0 % red … 100 % green); grey "n/a"
    where a regime sets no amount. General capital floors are not cover (see the stress table's
    ``mandated_capital``).
    """
    t = stress_data(data, scenario)
    regimes = list(dict.fromkeys(t.sort_values("jurisdiction", key=lambda s: s.map(
        lambda c: list(PALETTE).index(c) if c in PALETTE else 99), kind="stable")["regime_label"]))
    scen = list(dict.fromkeys(t["loss_scenario"]))
    base = alt.Chart(t).encode(
        x=alt.X("regime_label:N", sort=regimes, title=None, axis=alt.Axis(labelAngle=-40, orient="bottom",
                                                                          labelLimit=200, labelFontSize=10)),
        y=alt.Y("loss_scenario:N", sort=scen, title=None, axis=alt.Axis(labelLimit=240)),
    )
    tip = [alt.Tooltip("profile:N"), alt.Tooltip("loss_scenario:N", title="loss"),
           alt.Tooltip("regime_label:N", title="regime"), alt.Tooltip("loss_text:N", title="customer loss"),
           alt.Tooltip("covered_text:N", title="covered"), alt.Tooltip("uncovered_text:N", title="uncovered"),
           alt.Tooltip("pct:N", title="share covered"), alt.Tooltip("rule:N")]
    heat = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("ratio:Q", title="share of loss covered",
                        scale=alt.Scale(domain=[0, 0.5, 1], range=["#d7301f", "#fdd49e", "#1a9850"]),
                        legend=alt.Legend(format=".0%", orient="right", direction="vertical")),
        tooltip=tip)
    # no amount set by the rule: a grey cell reading "n/a", never a colour of the 0-100 % scale
    na = base.transform_filter("!isValid(datum.ratio)").mark_rect(
        stroke="white", strokeWidth=1, color=NA_COLOR).encode(tooltip=tip)
    text = base.mark_text(fontSize=9).encode(
        text="pct:N",
        color=alt.condition("!isValid(datum.ratio) || (datum.ratio > 0.25 && datum.ratio < 0.8)",
                            alt.value("#222"), alt.value("white")),
        tooltip=tip)
    layer = alt.layer(heat, na, text, data=t).properties(width=alt.Step(cell + 14), height=alt.Step(cell - 4))
    chart = layer.facet(facet=alt.Facet("profile:N", sort=list(dict.fromkeys(t["profile"])), title=None,
                                        header=alt.Header(labelOrient="top")), columns=columns)
    return _configure(chart, "How much of a hack each regime would have covered",
                      "share of the customer loss met by the resources the rules set aside for customer losses "
                      "(capital floors not counted; n/a: the rule sets no amount)")


# -- 5. sensitivity of the Japanese reserve --------------------------------------------------------------
def sensitivity_chart(sweep: pd.DataFrame, reference: dict[str, float] | None = None, width: int = 640,
                      height: int = 280) -> alt.LayerChart:
    """The swept obligation against the swept parameter: one line per profile (dashes per scenario when the
    sweep has several). ``reference`` (e.g. the parameter's assumed ``{low, central, high}`` values) draws a
    labelled vertical rule at each value."""
    if not isinstance(sweep, pd.DataFrame) or sweep.empty:
        raise XjurError("charts: the sweep frame is empty")
    df = sweep.copy()
    param = str(df["parameter"].iloc[0])
    ccy = str(df["ref_currency"].iloc[0])
    juris = str(df["jurisdiction"].iloc[0])
    oblig = str(df["obligation"].iloc[0])
    df["scenario"] = df["scenario"].fillna("").replace("", "—")
    df["amount_text"] = money_label(ccy, df["amount_ref"])
    df["local_text"] = [f"{c} {compact(v)}" for c, v in zip(df["currency"], df["amount"])]
    scen = [s for s in SCENARIO_ORDER if s in set(df["scenario"])] + sorted(set(df["scenario"]) - set(SCENARIO_ORDER))
    enc: dict[str, Any] = dict(
        x=alt.X("value:Q", title=f"{param} (swept value)",
                axis=alt.Axis(format="~g", labelOverlap="greedy", labelFlush=True, tickCount=8)),
        y=alt.Y("amount_ref:Q", axis=money_axis(f"{juris} {oblig}, {ccy}")),
        color=alt.Color("profile:N", title="profile", sort=list(dict.fromkeys(df["profile"])),
                        legend=alt.Legend(columns=2)),
        tooltip=[alt.Tooltip("profile:N"), alt.Tooltip("scenario:N"), alt.Tooltip("value:Q", title=param),
                 alt.Tooltip("amount_text:N", title=f"{oblig} ({ccy})"), alt.Tooltip("local_text:N", title="local")],
    )
    if len(scen) > 1:  # dashes per scenario, its legend drawn from the line (not from the points' dots)
        enc["strokeDash"] = alt.StrokeDash("scenario:N", sort=scen, title="scenario",
                                           legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2))
    lines = alt.layer(
        alt.Chart(df).mark_line().encode(**enc),
        alt.Chart(df).mark_point(filled=True, size=28).encode(
            **{k: v for k, v in enc.items() if k != "strokeDash"}),
    )
    layers = [lines]
    if reference:
        ref = pd.DataFrame({"name": list(reference), "value": [float(v) for v in reference.values()]})
        ref["label"] = ref["name"] + " " + ref["value"].map(lambda v: f"{v:g}")
        ref = ref.sort_values("value", kind="stable").reset_index(drop=True)
        ref["y_px"] = 12.0 * ref.index  # one line per label, so close values do not print over each other
        rules = alt.Chart(ref).mark_rule(color="#888", strokeDash=[2, 3]).encode(
            x="value:Q", tooltip=[alt.Tooltip("label:N", title="assumed scenario value")])
        labels = alt.Chart(ref).mark_text(align="left", dx=3, baseline="top", color="#555", fontSize=10).encode(
            x="value:Q", y=alt.Y("y_px:Q", scale=None, axis=None), text="label:N")
        layers = [rules, labels, lines]
    chart = alt.layer(*layers).properties(width=width, height=height)
    sub = "each point re-runs the comparison with the parameter replaced (an assumed what-if value)"
    if reference:
        sub += "; dotted: the scenarios' assumed values"
    return _configure(chart, f"Sensitivity of the {juris} {oblig} to {param}", sub)


def tornado_data(data: Any, profile: str | None = None, scenario: str | None = None) -> pd.DataFrame:
    """The swings of a robustness view (``result.robustness()``, a Robustness or its ``swings`` frame) for one
    profile (default: the first) and reserve scenario: per varied assumption and market, the annual cost at the
    assumption's low end, centrally and at its high end, assumptions ordered by their largest swing."""
    sw = getattr(data, "swings", None)
    if sw is None and hasattr(data, "robustness"):
        sw = data.robustness().swings
    if sw is None:
        sw = data
    if not isinstance(sw, pd.DataFrame) or sw.empty:
        raise XjurError("charts: no robustness swings to draw (no market with a known cost)")
    prof = profile if profile is not None else str(sw["profile"].iloc[0])
    df = sw[sw["profile"] == prof]
    if scenario is not None:
        df = df[df["scenario"] == scenario]
    elif len(df):
        df = df[df["scenario"] == df["scenario"].iloc[0]]
    if df.empty:
        raise XjurError(f"charts: no robustness swings for profile {prof!r}")
    df = df.copy()
    df["from"] = df[["low_end", "high_end"]].min(axis=1)
    df["to"] = df[["low_end", "high_end"]].max(axis=1)
    order = df.groupby("assumption")["swing"].max().sort_values(ascending=False).index.tolist()
    df["rank"] = df["assumption"].map({a: i for i, a in enumerate(order)})
    return df.sort_values(["rank", "jurisdiction"], kind="stable").reset_index(drop=True)


def tornado_chart(data: Any, profile: str | None = None, scenario: str | None = None, currency: str = "",
                  width: int = 560) -> alt.LayerChart:
    """Tornado chart of the robustness view: for one profile, each assumption varied alone over its range
    (bar from the cost at one end to the cost at the other, one bar per market in its colour, the central cost
    as a tick); the assumptions whose bars cross are the ones that can flip the ranking."""
    df = tornado_data(data, profile, scenario)
    df = df[df["to"] > 0].copy()  # a market that costs nothing under every end has no bar on a log axis
    if df.empty:
        raise XjurError("charts: every market costs nothing for this profile: no tornado to draw")
    floor = float(df.loc[df["from"] > 0, "from"].min()) if (df["from"] > 0).any() else 1.0
    df["from"] = df["from"].clip(lower=floor / 2)
    ccy = currency or str(getattr(data, "currency", "") or "")
    codes = list(dict.fromkeys(df["jurisdiction"]))
    df["low_text"] = money_label(ccy, df["low_end"])
    df["central_text"] = money_label(ccy, df["central"])
    df["high_text"] = money_label(ccy, df["high_end"])
    order = list(dict.fromkeys(df["assumption"]))
    y = alt.Y("assumption:N", sort=order, title=None)
    tip = [alt.Tooltip("assumption:N"), alt.Tooltip("jurisdiction:N", title="market"),
           alt.Tooltip("low_text:N", title="at the low end"), alt.Tooltip("central_text:N", title="central"),
           alt.Tooltip("high_text:N", title="at the high end")]
    color = alt.Color("jurisdiction:N", scale=jurisdiction_scale(codes), title="market")
    base = alt.Chart(df)
    bars = base.mark_bar(opacity=0.55, height=10).encode(
        y=y, yOffset=alt.YOffset("jurisdiction:N", sort=codes), x=alt.X("from:Q", axis=money_axis(
            f"annual cost{', ' + ccy if ccy else ''} (log scale)"), scale=alt.Scale(type="log")),
        x2="to:Q", color=color, tooltip=tip)
    ticks = base.mark_tick(thickness=2, size=10).encode(
        y=y, yOffset=alt.YOffset("jurisdiction:N", sort=codes), x="central:Q", color=color, tooltip=tip)
    prof = str(df["profile"].iloc[0])
    return _configure(alt.layer(bars, ticks).properties(width=width, height=12 * len(codes) * len(order) + 20),
                      f"Which assumptions move the cost ranking: {prof}",
                      "each assumption varied alone over its range (the others central); tick: central cost")


# -- dispatcher and export -------------------------------------------------------------------------------
def chart(result: Any, kind: str = "obligations", **kwargs: Any) -> Any:
    """``result.chart(kind=...)``: ``obligations`` (default), ``costs``, ``reserve_range``, ``stress`` (pass
    ``stress=`` a StressResult or table, else it is computed for the result's profiles with every incident),
    ``sensitivity`` (pass ``sweep=`` a sweep frame, or ``parameter=`` and ``values=`` to run one)."""
    if kind == "obligations":
        return obligations_chart(result, **kwargs)
    if kind == "costs":
        return cost_chart(result, **kwargs)
    if kind == "reserve_range":
        return reserve_range_chart(result, **kwargs)
    if kind == "tornado":
        return tornado_chart(result.robustness(), currency=result.currency, **kwargs)
    if kind == "stress":
        data = kwargs.pop("stress", None)
        if data is None:
            from importlib.util import find_spec

            if find_spec("comparisons.stress") is None:
                raise XjurError("charts: stress tests are not installed (comparisons.stress)")
            from ..stress import stress

            data = stress(result.profiles, all_incidents=True, **_compare_kwargs_of(result))
        return stress_chart(data, **kwargs)
    if kind == "sensitivity":
        data = kwargs.pop("sweep", None)
        if data is None:
            from ..sensitivity import sweep

            data = sweep(result.profiles, kwargs.pop("parameter"), kwargs.pop("values"),
                         scenarios=list(result.scenarios), as_of=result.as_of, currency=result.currency, fx=result.fx)
        if "reference" not in kwargs:
            kwargs["reference"] = _scenario_values(result, data)
        return sensitivity_chart(data, **kwargs)
    from jurisdictions.framework import did_you_mean

    raise XjurError(f"unknown chart kind {kind!r}; kinds: {', '.join(KINDS)}{did_you_mean(kind, KINDS)}")


def _scenario_values(result: Any, sweep_frame: pd.DataFrame) -> dict[str, float] | None:
    """The swept parameter's assumed scenario values, read from the result's parameter set, if any."""
    code, pid = str(sweep_frame["jurisdiction"].iloc[0]), str(sweep_frame["parameter"].iloc[0])
    params = getattr(result, "parameters", {}).get(code)
    if params is None or pid not in params:
        return None
    v = params.latest(pid)
    if not v.scenarios:
        return None
    return {k: float(x) for k, x in v.scenarios.items() if x is not None}


def _compare_kwargs_of(result: Any) -> dict:
    return dict(jurisdictions=list(result.jurisdictions), as_of=result.as_of, currency=result.currency,
                scenarios=list(result.scenarios), in_force_only=result.in_force_only, fx=result.fx)


def vl_version() -> str | None:
    """The Vega-Lite version altair writes (e.g. ``6.4``), if vl-convert ships it."""
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec as a dict (data inlined); a dict is returned as it is."""
    return chart if isinstance(chart, dict) else chart.to_dict()


def to_svg(chart: Any) -> str:
    """SVG text of a chart or spec (vl-convert, offline)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec(chart), vl_version=vl_version())


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart or spec (vl-convert, offline)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec(chart), vl_version=vl_version(), scale=scale)


def save(chart: Any, path: str | Path, scale: float = 2.0) -> Path:
    """Write a chart as ``.svg``, ``.png`` or ``.json`` (Vega-Lite spec), by the file's suffix."""
    import json

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".svg", ".png", ".json"):
        raise XjurError(f"{p}: chart format {suffix or '(none)'} not supported; use .svg, .png or .json")
    p.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        p.write_text(to_svg(chart), encoding="utf-8")
    elif suffix == ".png":
        p.write_bytes(to_png(chart, scale=scale))
    else:
        p.write_text(json.dumps(spec(chart), indent=1), encoding="utf-8")
    return p


def save_svg_png(chart: Any, stem: str | Path, scale: float = 2.0) -> tuple[Path, Path]:
    """Write ``stem.svg`` and ``stem.png`` (the PNG rasterised from the SVG: one Vega run for both)."""
    import vl_convert as vlc

    base = Path(stem)
    base.parent.mkdir(parents=True, exist_ok=True)
    svg = to_svg(chart)
    svg_path, png_path = base.with_suffix(".svg"), base.with_suffix(".png")
    svg_path.write_text(svg, encoding="utf-8")
    png_path.write_bytes(vlc.svg_to_png(svg, scale=scale))
    return svg_path, png_path
