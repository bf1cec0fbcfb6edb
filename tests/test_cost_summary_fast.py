"""The cost summary (``comparisons/costs/summary.py``) on hand-built cost tables: figures worked by hand, rows in
order (profiles as given, jurisdictions as they appear, scenarios as asked), the same frame from a compact
(categorical) or an object cost table, and the text columns' dtype as pandas infers it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import generate_profiles
from comparisons import compare
from comparisons.costs.summary import cost_summary
from comparisons.load import load_profiles
from tests.test_costs import BN, FX, M

TEXT = ("profile", "jurisdiction", "scenario", "form", "currency")
NUM = ("resources_tied_up", "insured", "annual_cost", "resources_tied_up_ref", "insured_ref", "annual_cost_ref",
       "trading_volume_ref", "cost_bp_of_volume", "unfunded_ref")


def table(rows) -> pd.DataFrame:
    """A cost table from (profile, jurisdiction, scenario, form, currency, funded, cost, ties_up) rows."""
    df = pd.DataFrame(rows, columns=[*TEXT, "funded_amount", "annual_cost", "ties_up"])
    return df.astype({k: object for k in TEXT})


# Two profiles (a: EUR volume 10 bn, b: HKD volume 78 bn = EUR 10 bn); FX per EUR: HKD 7.8, JPY 150
PROFILES = pd.DataFrame({"name": ["a", "b"], "annual_trading_volume": [10 * BN, 78 * BN],
                         "currency": ["EUR", "HKD"]})
ROWS = [
    # a · JP: scenario-free own funds JPY 3 bn (cost 450 m) plus the reserve per scenario
    ("a", "JP", "", "own_funds", "JPY", 3 * BN, 450 * M, True),
    ("a", "JP", "low", "insurance", "JPY", 1.5 * BN, 15 * M, False),
    ("a", "JP", "central", "insurance", "JPY", 1.5 * BN, 15 * M, False),
    ("a", "JP", "central", "own_funds", "JPY", 0.75 * BN, 108.75 * M, True),
    ("a", "JP", "high", "own_funds", "JPY", 1.5 * BN, 217.5 * M, True),
    # a · HK: insurance HKD 780 m at 1 %, and an unfunded part HKD 78 m (no cost)
    ("a", "HK", "", "insurance", "HKD", 780 * M, 7.8 * M, False),
    ("a", "HK", "", "unfunded", "HKD", 78 * M, np.nan, False),
    # b · HK: a bank guarantee HKD 390 m at 2 % (neither tied up nor insured)
    ("b", "HK", "", "bank_guarantee", "HKD", 390 * M, 7.8 * M, False),
    # b · JP: a reserve row in a scenario not asked for (not summed; the pair still counts as having scenarios)
    ("b", "JP", "high", "own_funds", "JPY", 1.5 * BN, 217.5 * M, True),
    ("b", "JP", "", "own_funds", "JPY", 1.5 * BN, 225 * M, True),
]


def test_hand_computed_summary_of_two_profiles():
    s = cost_summary(table(ROWS), PROFILES, FX, "EUR", scenarios=("low", "central"))
    keys = list(zip(s["profile"], s["jurisdiction"], s["scenario"]))
    assert keys == [("a", "JP", "low"), ("a", "JP", "central"), ("a", "HK", ""),
                    ("b", "JP", "low"), ("b", "JP", "central"), ("b", "HK", "")]
    s = s.set_index(["profile", "jurisdiction", "scenario"])
    low, central = s.loc[("a", "JP", "low")], s.loc[("a", "JP", "central")]
    # low: own funds JPY 3 bn tied up; insured 1.5 bn; cost 450 m + 15 m = JPY 465 m = EUR 3.1 m
    assert low["currency"] == "JPY" and low["ref_currency"] == "EUR"
    assert low["resources_tied_up"] == 3 * BN and low["insured"] == 1.5 * BN
    assert low["annual_cost"] == pytest.approx(465 * M)
    assert low["annual_cost_ref"] == pytest.approx(465 * M / 150)  # = EUR 3.1 m
    # 3.1 m / 10 bn × 10,000 = 3.1 bp
    assert low["cost_bp_of_volume"] == pytest.approx(3.1)
    # central: tied up 3 bn + 0.75 bn = 3.75 bn (EUR 25 m); cost 450 + 15 + 108.75 = JPY 573.75 m
    assert central["resources_tied_up"] == 3.75 * BN
    assert central["resources_tied_up_ref"] == pytest.approx(25 * M)
    assert central["annual_cost"] == pytest.approx(573.75 * M)
    assert central["cost_bp_of_volume"] == pytest.approx(573.75 * M / 150 / (10 * BN) * 1e4)  # 3.825 bp
    # a · HK: insured HKD 780 m = EUR 100 m; the unfunded HKD 78 m (EUR 10 m) leaves the total cost unknown
    hk = s.loc[("a", "HK", "")]
    assert hk["insured_ref"] == pytest.approx(100 * M)
    assert hk["unfunded_ref"] == pytest.approx(10 * M)
    assert np.isnan(hk["annual_cost"]) and np.isnan(hk["annual_cost_ref"]) and np.isnan(hk["cost_bp_of_volume"])
    # b · JP has a scenario row ("high") not asked: its rows show the scenario-free JPY 1.5 bn and 225 m only
    for sc in ("low", "central"):
        b = s.loc[("b", "JP", sc)]
        assert b["resources_tied_up"] == 1.5 * BN and b["annual_cost"] == pytest.approx(225 * M)
    # b · HK: a guarantee is bought: nothing tied up or insured; HKD 7.8 m = EUR 1 m on EUR 10 bn = 1 bp
    g = s.loc[("b", "HK", "")]
    assert (g["resources_tied_up"], g["insured"]) == (0.0, 0.0)
    assert g["annual_cost_ref"] == pytest.approx(1 * M)
    assert g["trading_volume_ref"] == pytest.approx(10 * BN)
    assert g["cost_bp_of_volume"] == pytest.approx(1.0)


def test_expanded_scenarios_repeat_scenario_free_markets():
    s = cost_summary(table(ROWS), PROFILES, FX, "EUR", scenarios=("low", "central"), expand_scenarios=True)
    hk = s[(s["profile"] == "b") & (s["jurisdiction"] == "HK")]
    assert hk["scenario"].tolist() == ["low", "central"]
    assert hk["annual_cost_ref"].tolist() == pytest.approx([1 * M, 1 * M])


def test_compact_and_object_cost_tables_give_the_same_frame_and_text_dtype():
    frame = load_profiles(generate_profiles(300, seed=3))
    r = compare(frame, ["JP", "EU", "HK"], as_of="2026-11-25", currency="USD", scenarios=["all"], progress=False)
    lean = r.costs
    assert isinstance(lean["profile"].dtype, pd.CategoricalDtype)
    plain = lean.astype({c: object for c in lean.columns if isinstance(lean[c].dtype, pd.CategoricalDtype)})
    sizes = {}
    for expand in (False, True):
        a = cost_summary(lean, r.profiles, r.fx, "USD", r.scenarios, expand_scenarios=expand)
        b = cost_summary(plain, r.profiles, r.fx, "USD", r.scenarios, expand_scenarios=expand)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        # the text columns have the dtype pandas infers for text (as when built from Python strings)
        for c in ("profile", "jurisdiction", "scenario", "currency", "ref_currency"):
            assert a[c].dtype == pd.Series(["x"]).dtype
        sizes[expand] = a.groupby("jurisdiction").size()
    # JP: 4 scenario rows (low, central, high, fiea_analogue) per profile it covers (the generated batch has a
    # few firms outside Japan's scope); EU and HK: one scenario-free row per profile it covers, 4 when expanded
    in_jp = r.amounts[(r.amounts["jurisdiction"] == "JP") & r.amounts["amount"].notna()]["profile"].nunique()
    assert 0 < in_jp <= 300
    assert sizes[False]["JP"] == sizes[True]["JP"] == 4 * in_jp
    assert sizes[False]["EU"] == 300 and sizes[True]["EU"] == 4 * 300
    assert 0 < sizes[False]["HK"] <= 300 and sizes[True]["HK"] == 4 * sizes[False]["HK"]


def test_summed_figures_equal_sums_in_table_order_bit_for_bit():
    # each figure is a sum over the group's rows in table order, starting from 0.0 (scenario rows: the
    # scenario's sum + the scenario-free sum); *_ref sums amount × rate per row (not the local sum × rate)
    frame = load_profiles(generate_profiles(200, seed=5))
    r = compare(frame, ["JP", "EU", "HK"], as_of="2026-11-25", currency="USD", scenarios=["all"], progress=False)
    c = r.costs
    sums: dict[tuple, list[float]] = {}
    for p, j, sc, ccy, funded, cost, tied in zip(c["profile"].astype(str), c["jurisdiction"].astype(str),
                                                 c["scenario"].astype(str), c["currency"].astype(str),
                                                 c["funded_amount"], c["annual_cost"], c["ties_up"]):
        acc = sums.setdefault((p, j, sc), [0.0, 0.0, 0.0])
        rate = r.fx.rate(ccy, "USD")
        acc[0] += funded if tied else 0.0
        acc[1] += (funded if tied else 0.0) * rate
        acc[2] += cost * rate if cost == cost else 0.0
    s = cost_summary(c, r.profiles, r.fx, "USD", r.scenarios)
    assert len(s) > 600
    for row in s.itertuples(index=False):
        want = sums.get((row.profile, row.jurisdiction, ""), [0.0, 0.0, 0.0])
        if row.scenario:
            want = [a + b for a, b in zip(sums.get((row.profile, row.jurisdiction, row.scenario), [0.0] * 3), want)]
        assert row.resources_tied_up == want[0]
        assert row.resources_tied_up_ref == want[1]
        if not np.isnan(row.annual_cost_ref):
            assert row.annual_cost_ref == want[2]
