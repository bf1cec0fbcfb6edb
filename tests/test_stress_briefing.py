"""Stress results in the briefing and the chart: market rows, "n/a" never shown as 0 %, what customers got back."""
from __future__ import annotations

import math

import pytest

from comparisons import compare
from comparisons.report import briefing as br
from comparisons.report import charts
from comparisons.stress import stress
from tests.conftest import AS_OF, EXAMPLES

GLOBAL = "Global exchange group (illustrative)"


@pytest.fixture(scope="module")
def brief():
    result = compare(str(EXAMPLES / "profiles.yaml"), jurisdictions=["JP", "EU", "AE"], as_of=AS_OF,
                     currency="USD", scenarios=["central"])
    return br.build_briefing(result, with_sensitivity=False)


def test_dubai_hot_wallet_insurance_is_n_a_in_the_briefing(brief):
    # VARA Rule VI.D requires hot-wallet insurance but sets no amount: a hot-wallet incident (Coincheck,
    # 2018, hot wallet) cannot be scored in Dubai → "n/a", in the table and in the summary, never 0 %
    table = next(s for s in br.stress_rows(brief) if s["profile"] == GLOBAL)
    cols = [f"{g['code']} {g['regime']}" for g in table["regimes"]]
    # a market with one regime shows it once (its stacked column is the same); Japan's two regimes and their stack
    assert cols == ["JP jp.psa", "JP jp.liability_reserve", "JP all regimes", "EU eu.mica", "AE ae.vara"]
    coincheck = next(line for line in table["lines"] if line["loss"] == "coincheck-2018")
    cells = dict(zip(cols, coincheck["cells"]))
    assert cells["AE ae.vara"]["pct"] == "n/a" and cells["AE ae.vara"]["ratio"] is None
    assert cells["EU eu.mica"]["pct"] == "0%"  # MiCA's capital is not cover: a real 0 %
    points = next(p for p in br.summary_points(brief) if p["profile"] == GLOBAL)["points"]
    stress_text = next(t for t in points if t.startswith("Replaying"))
    assert "Dubai: n/a (" in stress_text and "sets no amount" in stress_text
    assert "Dubai, 0%" not in stress_text and "Dubai 0%" not in stress_text
    # what customers got back: Coincheck repaid 100 % from its own funds
    assert coincheck["got_back"] == "100% (firm)"


def test_briefing_html_shows_market_columns_and_n_a(brief):
    html = br.render_html(brief, chart_mode="svg")
    assert "all regimes" in html
    assert 'class="num cov cov-na"' in html and ">n/a</td>" in html
    assert "customers got back" in html


def test_stress_chart_draws_n_a_grey_and_labels_the_market_column():
    result = compare(str(EXAMPLES / "profiles.yaml"), jurisdictions=["EU", "AE"], as_of=AS_OF, currency="USD")
    st = stress(result, hot_loss=1.0)
    df = charts.stress_data(st)
    ae = df[(df["profile"] == GLOBAL) & (df["jurisdiction"] == "AE")]
    assert set(ae["regime_label"]) == {"AE ae.vara", "AE all regimes"}
    assert all(math.isnan(r) for r in ae["ratio"]) and set(ae["pct"]) == {"n/a"}
    spec = charts.stress_chart(st).to_dict()
    layers = spec["spec"]["layer"]
    grey = [layer for layer in layers if layer.get("mark", {}).get("color") == charts.NA_COLOR]
    assert len(grey) == 1 and grey[0]["transform"] == [{"filter": "!isValid(datum.ratio)"}]
