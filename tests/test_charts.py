"""Charts: the numbers behind each chart (worked by hand), one colour per jurisdiction, offline export."""
from __future__ import annotations

import altair as alt
from hypothesis import given, settings
from hypothesis import strategies as st
import pandas as pd
import pytest

from comparisons import charts, compare
from comparisons.sensitivity import sweep
from comparisons.stress import stress
from jurisdictions.framework import COLUMNS, XjurError
from tests.conftest import AS_OF, make_profile

M = 1_000_000


def ob_row(**kw) -> dict:
    """One Contract 2 row (defaults: a capital obligation of profile p in EU)."""
    row = dict(profile="p", jurisdiction="EU", regime="eu.mica", obligation="x", category="capital", amount=0.0,
               currency="EUR", amount_ref=0.0, status="in_force", scenario="", funding_forms="own_funds",
               overlap_group="", citation="c", basis="b", reason="")
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def hk_like() -> pd.DataFrame:
    """Hong Kong's shape: paid-up and liquid capital and liquid assets share one overlap group; the
    compensation cover and client money stand alone. Amounts in the reference currency."""
    rows = [
        ob_row(jurisdiction="HK", obligation="paid_up_capital", amount_ref=5 * M, overlap_group="hk.fr"),
        ob_row(jurisdiction="HK", obligation="liquid_capital", amount_ref=12 * M, overlap_group="hk.fr"),
        ob_row(jurisdiction="HK", obligation="liquid_assets_opex", category="liquidity", amount_ref=100 * M,
               overlap_group="hk.fr"),
        ob_row(jurisdiction="HK", obligation="compensation_cover", category="loss_cover", amount_ref=400 * M),
        ob_row(jurisdiction="HK", obligation="client_fiat_segregation", category="client_money", amount_ref=900 * M),
        ob_row(jurisdiction="JP", obligation="liability_reserve", category="loss_cover", amount_ref=10 * M,
               scenario="low", status="assumed"),
        ob_row(jurisdiction="JP", obligation="liability_reserve", category="loss_cover", amount_ref=30 * M,
               scenario="central", status="assumed"),
        ob_row(jurisdiction="JP", obligation="liability_reserve", category="loss_cover", amount_ref=90 * M,
               scenario="high", status="assumed"),
        ob_row(jurisdiction="JP", obligation="performance_guarantee_crypto", category="loss_cover", amount_ref=20 * M),
        ob_row(jurisdiction="EU", obligation="prudential_safeguards", amount_ref=float("nan"), amount=float("nan"),
               reason="not in force"),
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_category_totals_count_an_overlap_group_once(hk_like):
    t = charts.category_totals(hk_like).set_index(["jurisdiction", "category"])["amount_ref"]
    # HK capital: paid-up 5 m and liquid capital 12 m share hk.fr → max(5, 12) = 12 m (not 17 m)
    assert t[("HK", "capital")] == pytest.approx(12 * M)
    assert t[("HK", "liquidity")] == pytest.approx(100 * M)
    # JP loss cover, central scenario only: reserve 30 m + performance guarantee 20 m = 50 m
    assert t[("JP", "loss_cover")] == pytest.approx(50 * M)
    # the EU row has no amount (not in force): no total at all rather than a 0
    assert ("EU", "capital") not in t.index


def test_resource_totals_span_categories_and_leave_client_money_out(hk_like):
    t = charts.resource_totals(hk_like).set_index("jurisdiction")["amount_ref"]
    # HK: hk.fr group across capital and liquidity → max(5, 12, 100) = 100 m; + compensation 400 m = 500 m;
    # client money (900 m) is the customers' money, not the firm's resources
    assert t["HK"] == pytest.approx(500 * M)
    # JP high scenario: 90 m + 20 m = 110 m
    t_high = charts.resource_totals(hk_like, scenario="high").set_index("jurisdiction")["amount_ref"]
    assert t_high["JP"] == pytest.approx(110 * M)


def test_headline_scenario_is_central_or_the_first_present(hk_like):
    assert charts.headline_scenario(hk_like) == "central"
    assert charts.headline_scenario(hk_like[hk_like["scenario"] != "central"]) == "low"
    assert charts.headline_scenario(hk_like[hk_like["scenario"] == ""]) == "central"


def test_one_colour_per_jurisdiction_everywhere():
    assert len(set(charts.PALETTE.values())) == len(charts.PALETTE)
    assert charts.color_of("JP") == charts.PALETTE["JP"]
    # a third party's code gets a stable colour that is not a built-in market's
    assert charts.color_of("NZ") == charts.color_of("NZ")
    assert charts.color_of("NZ") not in charts.PALETTE.values()
    scale = charts.jurisdiction_scale(["HK", "JP", "HK"]).to_dict()
    assert scale == {"domain": ["HK", "JP"], "range": [charts.PALETTE["HK"], charts.PALETTE["JP"]]}


@pytest.fixture(scope="module")
def result():
    profiles = [
        make_profile(name="Alpha", currency="EUR", services="custody;trading_platform;exchange_fiat",
                     client_crypto_assets=2_000 * M, hot_wallet_share=0.04, client_fiat=300 * M,
                     annual_trading_volume=20_000 * M, fixed_overheads=40 * M, annual_operating_expenses=60 * M,
                     own_funds=150 * M, adjusted_liabilities=50 * M, active_users=500_000),
        make_profile(name="Beta", currency="EUR", services="custody;exchange_crypto",
                     client_crypto_assets=200 * M, hot_wallet_share=0.02, client_fiat=20 * M,
                     annual_trading_volume=1_000 * M, fixed_overheads=4 * M, annual_operating_expenses=6 * M,
                     own_funds=10 * M, active_users=20_000),
    ]
    return compare(profiles, jurisdictions=["JP", "EU", "HK"], as_of=AS_OF, currency="EUR", scenarios=["all"])


def _datasets(chart) -> list[dict]:
    spec = chart.to_dict()
    rows = []
    for values in spec.get("datasets", {}).values():
        rows.extend(values)
    return rows


def test_obligations_chart_shows_the_category_totals(result):
    chart = charts.obligations_chart(result, profile="Alpha")
    assert isinstance(chart, alt.FacetChart)
    data = {(r["jurisdiction"], r["category"]): r["amount_ref"] for r in _datasets(chart)}
    ob = result.obligations
    eu = ob[(ob["profile"] == "Alpha") & (ob["obligation"] == "prudential_safeguards")]["amount_ref"].iloc[0]
    # MiCA: max(EUR 150,000 [class 3], 0.25 × EUR 40 m = EUR 10 m) = EUR 10 m; the chart shows the same figure
    assert eu == pytest.approx(10 * M)
    assert data[("EU", "capital")] == pytest.approx(eu)
    spec = chart.to_dict()
    assert spec["spec"]["encoding"]["y"]["axis"]["title"] == "EUR"
    colour = spec["spec"]["encoding"]["color"]["scale"]
    assert colour["range"] == [charts.PALETTE[c] for c in colour["domain"]]
    assert {t["field"] for t in spec["spec"]["encoding"]["tooltip"]} >= {"amount_text", "detail"}


def test_reserve_range_chart_data_equals_the_obligations(result):
    rng, cover = charts.reserve_range_data(result)
    ob = result.obligations
    res = ob[(ob["obligation"] == "liability_reserve") & (ob["profile"] == "Alpha")].set_index("scenario")["amount_ref"]
    alpha = rng.set_index("profile").loc["Alpha"]
    assert (alpha["low"], alpha["central"], alpha["high"]) == pytest.approx((res["low"], res["central"], res["high"]))
    assert alpha["low"] <= alpha["central"] <= alpha["high"]
    hk = ob[(ob["profile"] == "Alpha") & (ob["obligation"] == "compensation_cover")]["amount_ref"].iloc[0]
    assert cover.set_index(["profile", "jurisdiction"]).loc[("Alpha", "HK"), "amount_ref"] == pytest.approx(hk)
    # Japan's in-force loss cover is shown apart from the proposed reserve
    assert "JP (in force)" in set(cover["series"])
    chart = charts.reserve_range_chart(result)
    assert chart.to_dict()["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"


def test_reserve_range_needs_japan():
    eu_only = compare([make_profile(name="p", fixed_overheads=1 * M)], jurisdictions=["EU"], as_of=AS_OF)
    with pytest.raises(XjurError, match="liability_reserve"):
        charts.reserve_range_chart(eu_only)


def test_cost_chart_sums_the_costs_table(result):
    df = charts.cost_data(result)
    costs = result.costs
    sel = costs[(costs["profile"] == "Alpha") & (costs["jurisdiction"] == "HK") & (costs["form"] != "")]
    assert df[(df["profile"] == "Alpha") & (df["jurisdiction"] == "HK")]["annual_cost_ref"].sum() == pytest.approx(
        sel["annual_cost_ref"].sum())
    chart = result.chart("costs")
    assert "EUR per year" in chart.to_dict()["spec"]["encoding"]["x"]["axis"]["title"]


def test_stress_chart_shows_the_coverage_ratios(result):
    st = stress(result, hot_loss=0.5)
    df = charts.stress_data(st)
    # a share of the loss, or n/a where a regime sets no amount or the firm is outside it (Beta runs no
    # platform: Hong Kong's platform rules do not reach it)
    assert df["ratio"].dropna().between(0, 1).all()
    # n/a: Beta in Hong Kong's platform rules; Alpha (a platform) in Hong Kong's planned dealer/custodian regime
    na = df[df["ratio"].isna()]
    assert set(zip(na["profile"], na["regime"])) <= {("Beta", "hk.sfc_vatp"), ("Alpha", "hk.va_dealer_custodian"),
                                                     ("Beta", "all"), ("Alpha", "all")}
    assert ("Beta", "hk.sfc_vatp") in set(zip(na["profile"], na["regime"]))
    row = st.table[(st.table["profile"] == "Alpha") & (st.table["regime"] == "hk.sfc_vatp")].iloc[0]
    got = df[(df["profile"] == "Alpha") & (df["regime"] == "hk.sfc_vatp")].iloc[0]
    assert got["ratio"] == pytest.approx(row["coverage_ratio"])
    assert got["pct"] == f"{row['coverage_ratio']:.0%}"
    assert isinstance(charts.stress_chart(st), alt.FacetChart)


def test_sensitivity_chart_from_the_japanese_sweep(result):
    df = sweep(result.profiles, "jp_reserve_rate_cold_aum", [0.0, 0.01, 0.02], as_of=AS_OF, currency="EUR")
    chart = result.chart("sensitivity", sweep=df)
    data = _datasets(chart)
    lines = [r for r in data if "profile" in r]
    assert sorted({r["value"] for r in lines}) == [0.0, 0.01, 0.02]
    # dotted rules at the assumed scenario values of the parameter (low 0.25 %, central 1 %, high 3 %)
    assert {r["name"]: r["value"] for r in data if "name" in r} == {"low": 0.0025, "central": 0.01, "high": 0.03}
    # at b = 0.01 the sweep gives the central scenario's reserve
    res = result.obligations.query("obligation == 'liability_reserve' and scenario == 'central'")
    at = df[df["value"] == 0.01].set_index("profile")["amount_ref"]
    assert at.to_dict() == pytest.approx(res.set_index("profile")["amount_ref"].to_dict())
    line = _line_layer(chart.to_dict())
    assert "EUR" in line["encoding"]["y"]["axis"]["title"]


def _layers(spec: dict):
    for layer in spec.get("layer", []):
        yield layer
        yield from _layers(layer)


def _line_layer(spec: dict) -> dict:
    return next(x for x in _layers(spec) if x.get("mark", {}) in ("line", {"type": "line"})
                or (isinstance(x.get("mark"), dict) and x["mark"].get("type") == "line"))


def test_sensitivity_legend_shows_the_scenarios_dashes_and_labels_do_not_overlap(result):
    # three scenarios: the legend is drawn from the dashed lines (a stroke per scenario), not from the points,
    # which are a layer of their own without the dash encoding; the reference labels sit on separate lines
    df = sweep(result.profiles, "jp_reserve_rate_cold_aum", [0.0, 0.01, 0.02],
               scenarios=["low", "central", "high"], as_of=AS_OF, currency="EUR")
    spec = result.chart("sensitivity", sweep=df).to_dict()
    line = _line_layer(spec)
    dash = line["encoding"]["strokeDash"]
    assert dash["legend"]["symbolType"] == "stroke" and dash["sort"] == ["low", "central", "high"]
    assert line["mark"] in ("line", {"type": "line"})  # no point=True: the legend symbol is a dashed stroke
    points = [x for x in _layers(spec) if isinstance(x.get("mark"), dict) and x["mark"].get("type") == "point"]
    assert points and all("strokeDash" not in p["encoding"] for p in points)
    assert line["encoding"]["x"]["axis"]["labelOverlap"] == "greedy"
    labels = {r["label"]: r["y_px"] for r in _datasets(result.chart("sensitivity", sweep=df)) if "y_px" in r}
    # low 0.0025, central 0.01, high 0.03 in order of value, 12 px apart
    assert labels == {"low 0.0025": 0.0, "central 0.01": 12.0, "high 0.03": 24.0}


def test_unknown_kind_is_a_clear_error(result):
    with pytest.raises(XjurError, match="did you mean 'stress'"):
        result.chart("stres")


def test_png_and_svg_export_offline(result, tmp_path):
    chart = result.chart("obligations", profile="Beta")
    svg = charts.save(chart, tmp_path / "c.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "Beta" in svg
    assert "http" not in svg.replace("http://www.w3.org", "")  # no external reference in the SVG
    png = charts.save(chart, tmp_path / "c.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(XjurError, match="pdf"):
        charts.save(chart, tmp_path / "c.pdf")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "g1", "g2"]), st.floats(0, 1e12)), min_size=1, max_size=8))
def test_overlap_total_lies_between_the_largest_and_the_plain_sum(items):
    frame = pd.DataFrame([ob_row(obligation=f"o{i}", overlap_group=g, amount_ref=a, amount=a)
                          for i, (g, a) in enumerate(items)], columns=list(COLUMNS))
    total = charts.resource_totals(frame)["amount_ref"].iloc[0]
    amounts = [a for _, a in items]
    assert max(amounts) * (1 - 1e-12) <= total <= sum(amounts) * (1 + 1e-12)
    # by construction: each group counts its largest member once, ungrouped rows count in full
    expected = sum(a for g, a in items if g == "") + sum(
        max(a for g2, a in items if g2 == g) for g in {"g1", "g2"} if any(g2 == g for g2, _ in items))
    assert total == pytest.approx(expected)


# -- panels under the right headings when a profile lacks a category (issue 18, item 4) --------------------
def _panels(svg: str) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, str, str]]]:
    """From a rendered chart: the panel headings (x, y, text) and, per bar, the origin (x, y) of the panel
    (facet cell) it is drawn in with the category and profile of its data, at absolute positions."""
    import re
    import xml.etree.ElementTree as ET

    heads, bars = [], []

    def shift(el, x, y):
        m = re.match(r"translate\(([-\d.]+),([-\d.]+)\)", el.get("transform", ""))
        return (x + float(m.group(1)), y + float(m.group(2))) if m else (x, y)

    def walk(el, x, y, where, cell):
        x, y = shift(el, x, y)
        cls = el.get("class", "")
        if re.search(r"role-scope (\w+_)?cell\b", cls):  # each child <g transform> is one panel
            for g in el:
                walk(g, x, y, where, shift(g, x, y))
            return
        where = "head" if "column_header" in cls else where
        label = el.get("aria-label", "")
        t = re.match(r"Title text '(.*)'$", label)
        if t and where == "head":
            heads.append((x, y, t.group(1)))
        elif label.startswith("jurisdiction:") and cell is not None:
            f = re.search(r"; profile: (.*?); category: (.*?);", label)
            bars.append((*cell, f.group(2), f.group(1)))
        for child in el:
            walk(child, x, y, where, cell)

    walk(ET.fromstring(svg), 0.0, 0.0, "", None)
    return heads, bars


def test_obligation_panels_sit_under_their_headings_when_a_profile_lacks_a_category():
    # with JP, EU and HK only, the Lisbon adviser (no HK licence in scope) has no liquidity amount at all:
    # its capital, loss cover, custody and client money panels must stay under those headings
    from tests.conftest import EXAMPLES

    result = compare(str(EXAMPLES / "profiles.yaml"), jurisdictions=["JP", "EU", "HK"], as_of=AS_OF)
    adviser = "Lisbon crypto adviser (illustrative)"
    data = charts.obligations_data(result)
    assert "liquidity" not in set(data.loc[data["profile"] == adviser, "category"])  # the case of the issue
    heads, bars = _panels(charts.to_svg(result.chart()))
    names = list(result.profiles["name"])
    ys = sorted({round(y) for _, y, *_ in bars})  # rows of panels, top to bottom: one per profile
    assert len(ys) == len(names)
    for x, y, category, profile in bars:
        above = [h for h in heads if h[1] < y]
        row = max(h[1] for h in above)  # the headings right above this row of panels
        heading = min((h for h in above if h[1] == row), key=lambda h: abs(h[0] - (x + 65)))  # 130-px panels
        assert heading[2] == category, (profile, category)  # the tooltip carries the category label
        assert names[ys.index(round(y))] == profile, (profile, category)
    # the adviser's row still has all five headings, its liquidity panel empty
    last = [h[2] for h in heads if h[1] == max(h[1] for h in heads)]
    assert last == ["capital", "liquidity", "loss cover", "custody (to move cold)", "client money"]
    assert {(p, c) for *_, c, p in bars} >= {(adviser, "loss cover"), (adviser, "client money")}
