"""Stress tests as a customer sees them (issue 17): the market row, one loss-absorption rule in every market,
losses at the incident date's exchange rate, what customers actually got back."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.fx import ecb_table
from comparisons.stress.incidents import load_incidents, load_outcomes
from comparisons.stress.replay import MARKET, absorbing_resources, apply_cover, incident_fx, stress
from tests.conftest import AS_OF, EXAMPLES, make_profile

PROFILES = str(EXAMPLES / "profiles.yaml")
TOKYO = "Tokyo large exchange (illustrative)"
GLOBAL = "Global exchange group (illustrative)"


def row(table: pd.DataFrame, profile: str, jurisdiction: str, regime: str, scenario: str = "") -> pd.Series:
    hit = table[(table["profile"] == profile) & (table["jurisdiction"] == jurisdiction)
                & (table["regime"] == regime) & (table["scenario"] == scenario)]
    assert len(hit) == 1, (profile, jurisdiction, regime, scenario)
    return hit.iloc[0]


# == the market row ===========================================================================================

@pytest.fixture(scope="module")
def tokyo():
    # hot 100 % + cold 1 % of the Tokyo example, reported in JPY
    return stress(PROFILES, jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=["central"],
                  hot_loss=1.0, cold_loss=0.01).table


def test_tokyo_market_row_covers_what_no_regime_covers_alone(tokyo):
    # client crypto JPY 1.2 tn, 3 % hot: hot = 0.03 × 1.2 tn = JPY 36 bn; cold 1 % = 0.01 × 0.97 × 1.2 tn
    # = JPY 11.64 bn; loss = 47.64 bn
    loss = 0.03 * 1.2e12 + 0.01 * 0.97 * 1.2e12
    psa = row(tokyo, TOKYO, "JP", "jp.psa")
    assert psa["customer_loss"] == pytest.approx(loss)
    # performance-guarantee crypto = 100 % of the hot client crypto = 36 bn, hot losses only → 36 / 47.64
    assert psa["covered"] == pytest.approx(36e9)
    assert psa["coverage_ratio"] == pytest.approx(36e9 / loss)  # 75.6 %
    # proposed reserve, central: 0.0002 × JPY 6 tn traded + 1 % × cold holdings 1.164 tn = 1.2 + 11.64 bn
    reserve = row(tokyo, TOKYO, "JP", "jp.liability_reserve", "central")
    assert reserve["resources"] == pytest.approx(0.0002 * 6e12 + 0.01 * 0.97 * 1.2e12)
    assert reserve["coverage_ratio"] == pytest.approx(12.84e9 / loss)  # 27.0 %
    # the market: the guarantee meets the 36 bn hot loss, the reserve the 11.64 bn cold loss → 100 %
    market = row(tokyo, TOKYO, "JP", MARKET, "central")
    assert market["covered"] == pytest.approx(loss)
    assert market["coverage_ratio"] == pytest.approx(1.0)
    assert market["uncovered"] == pytest.approx(0.0)
    assert market["status"] == "assumed"  # the reserve's central parameters are assumptions
    assert market["rule"].startswith("stacked: jp.psa performance_guarantee_crypto JPY 36 bn (hot-wallet losses "
                                     "only) → then jp.liability_reserve liability_reserve [central]")
    # Japan's JPY 10 m minimum capital (Cabinet Office Order Art. 9; PSA Art. 63-5(1)(iii) †, in_force) is
    # reported beside the cover
    assert market["mandated_capital"] == pytest.approx(10e6)


def test_market_row_per_reserve_scenario_and_in_force_only():
    t = stress(PROFILES, jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=["low", "central"],
               hot_loss=1.0, cold_loss=0.01).table
    mine = t[(t["profile"] == TOKYO) & (t["regime"] == MARKET)]
    assert list(mine["scenario"]) == ["low", "central"]
    # --in-force-only: the comparison shows jp.psa only, so the market row is jp.psa's: 36 / 47.64
    t = stress(PROFILES, jurisdictions=["JP"], as_of=AS_OF, currency="JPY", in_force_only=True,
               hot_loss=1.0, cold_loss=0.01).table
    market = row(t, TOKYO, "JP", MARKET, "")
    assert market["coverage_ratio"] == pytest.approx(36e9 / (36e9 + 11.64e9))
    assert "liability_reserve" not in market["rule"]


# == one rule in every market: capital floors are mandated_capital, never covered ==============================

def test_global_group_dubai_and_eu_treat_capital_the_same_way():
    # the global group (USD, fixed overheads USD 900 m) loses 1 % of its cold storage:
    # 0.01 × 0.96 × USD 60 bn = USD 576 m
    t = stress(PROFILES, jurisdictions=["EU", "AE"], as_of=AS_OF, currency="USD", cold_loss=0.01).table
    eu, ae = row(t, GLOBAL, "EU", "eu.mica"), row(t, GLOBAL, "AE", "ae.vara")
    for r in (eu, ae):
        assert r["customer_loss"] == pytest.approx(0.01 * 0.96 * 60e9)
        assert r["covered"] == 0.0  # no rule of either market sets resources aside for customer losses
        assert r["coverage_ratio"] == 0.0
        assert "capital floors (mandated_capital, not counted as cover)" in r["rule"]
    # MiCA Art. 67: max(EUR 150,000, ¼ × fixed overheads) = 0.25 × USD 900 m = USD 225 m
    assert eu["mandated_capital"] == pytest.approx(0.25 * 900e6)
    # VARA Company Rulebook Rule VI.B.1-2 (upper tier, cumulative): exchange, custody, broker-dealer and
    # transfer each 25 % of fixed overheads → 4 × 0.25 × USD 900 m = USD 900 m (≈ AED 3.3 bn)
    assert ae["mandated_capital"] == pytest.approx(4 * 0.25 * 900e6)
    assert ae["mandated_capital_local"] == pytest.approx(4 * 0.25 * 900e6 * 3.6725)  # AED 3.6725 per USD peg


def test_capital_is_never_covered_in_any_market():
    t = stress(PROFILES, as_of=AS_OF, currency="USD", scenarios=["central"], hot_loss=1.0, cold_loss=0.1).table
    ob = compare(PROFILES, as_of=AS_OF, currency="USD", scenarios=["central"]).obligations
    covered_obligations = set(ob.loc[ob["category"] == "capital", "obligation"])
    for rule in t["rule"]:
        head = rule.split("; capital floors")[0]
        for o in covered_obligations - {"cold_storage_shortfall"}:
            assert f"{o} " not in head.replace("stacked: ", ""), (o, rule)


# == losses at the incident's exchange rate =====================================================================

def test_coincheck_against_a_usd_profile_is_about_usd_530_m():
    # JPY 58 bn on 2018-01-26; ECB that day: EUR 1 = USD 1.2436 = JPY 135.95 → 58 bn × 1.2436 / 135.95
    # = USD 530.6 m (the comparison date's rate would give about USD 370 m)
    p = make_profile(name="us", currency="USD", services="custody", client_crypto_assets=100e9,
                     hot_wallet_share=0.5)
    r = row(stress([p], jurisdictions=["EU"], as_of=AS_OF, currency="USD", incident="coincheck-2018").table,
            "us", "EU", "eu.mica")
    assert r["customer_loss"] == pytest.approx(58e9 * 1.2436 / 135.95)
    assert r["customer_loss"] == pytest.approx(530e6, rel=0.005)
    assert r["loss_fx_basis"] == "incident_date"
    assert "2018-01-26" in r["loss_fx"]
    snap = ecb_table().on(dt.date(2018, 1, 26))
    assert (snap.per_eur["USD"], snap.per_eur["JPY"]) == (1.2436, 135.95)  # the rates written above


def test_a_date_without_a_rate_goes_through_the_usd_figure():
    # a made-up rates history with USD and JPY from 2020 only and no HKD: Gatecoin (2016-05-09, HKD 15.5 m,
    # USD 2 m) has no HKD rate → USD 2 m; 2016 has no rate at all → the comparison's rate (named as such)
    table = ecb_table()
    scen = pd.DataFrame({"loss_scenario": ["gatecoin-2016"], "kind": ["incident"], "amount": [15.5e6],
                         "amount_currency": ["HKD"], "loss_date": [dt.date(2016, 5, 9)],
                         "loss_date_basis": ["the date"], "amount_usd": [2e6]})
    no_hkd = type(table)(table.per_eur[["USD", "JPY"]], source="test")
    snap = table.on(dt.date(2016, 5, 9))
    out = incident_fx(scen, ["JPY"], table.on(AS_OF), no_hkd).iloc[0]
    assert out["loss_fx_basis"] == "usd_figure"
    # USD 2 m × (JPY per USD on 2016-05-09) / HKD 15.5 m: the factor applied to the HKD amount
    assert out["incident_factor"] * 15.5e6 == pytest.approx(2e6 * snap.per_eur["JPY"] / snap.per_eur["USD"])
    late = type(table)(table.per_eur.loc["2020-01-01":, ["USD", "JPY", "HKD"]], source="test")
    fx_now = table.on(AS_OF)
    out = incident_fx(scen, ["JPY"], fx_now, late).iloc[0]
    assert out["loss_fx_basis"] == "comparison_date"
    assert out["incident_factor"] == pytest.approx(fx_now.rate("HKD", "JPY"))
    assert "the comparison's rate" in out["loss_fx"]


def test_month_only_date_uses_the_first_of_the_month():
    inc = load_incidents().set_index("slug")
    assert inc.loc["jpex-2023", "loss_date"] == dt.date(2023, 9, 1)
    assert "first day of the month" in inc.loc["jpex-2023", "loss_date_basis"]


# == what customers actually got back ============================================================================

def test_recovery_and_who_paid_beside_the_mandated_cover():
    p = make_profile(name="jp", currency="JPY", services="custody", client_crypto_assets=10e12,
                     hot_wallet_share=0.5)
    t = stress([p], jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=["central"],
               incidents=["coincheck-2018", "zaif-2018", "dmm-bitcoin-2024", "wazirx-2024"]).table
    got = t[t["regime"] == MARKET].set_index("loss_scenario")
    assert got.loc["coincheck-2018", "recovery_rate"] == 1.0  # recovery_rate_pct 100
    assert got.loc["coincheck-2018", "paid_by"] == "firm"
    assert got.loc["zaif-2018", "paid_by"] == "rescuer"
    assert got.loc["dmm-bitcoin-2024", "paid_by"] == "parent"
    assert got.loc["wazirx-2024", "paid_by"] == "customers"
    assert np.isnan(got.loc["wazirx-2024", "recovery_rate"])  # no percentage in the sources
    assert "Paid in JPY from own funds" in got.loc["coincheck-2018", "customer_outcome"]


def test_every_payer_reading_quotes_the_outcome_text():
    inc = load_incidents().set_index("id")
    out = load_outcomes()
    assert set(out["id"]) == set(inc.index)
    for r in out.itertuples(index=False):
        assert r.paid_by_evidence and r.paid_by_evidence in inc.loc[r.id, "customer_outcome"], r.id


# == properties ==================================================================================================

money = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
regime_st = st.tuples(money, money)  # (hot-only resources, any-loss resources)


def _rows(regimes: list[tuple[float, float]]) -> pd.DataFrame:
    rows = []
    for i, (hot, any_) in enumerate(regimes):
        for ob, amt in ((f"hot_{i}", hot), (f"any_{i}", any_), (f"cap_{i}", 1e6)):
            rows.append(dict(profile="p", jurisdiction="ZZ", regime=f"zz.r{i}", obligation=ob,
                             category="capital" if ob.startswith("cap") else "loss_cover", amount=amt,
                             currency="EUR", status="in_force", scenario="", funding_forms="own_funds",
                             overlap_group="", reason=""))
    return pd.DataFrame(rows)


def _specs(n: int) -> pd.DataFrame:
    return pd.DataFrame([dict(jurisdiction="ZZ", regime=f"zz.r{i}", obligation=f"{k}_{i}", absorbs=a,
                              ring_fenced=True, regime_status="in_force", stack=0)
                         for i in range(n) for k, a in (("hot", "hot"), ("any", "any"), ("cap", "any"))])


def _covered(regimes, hot_loss, cold_loss) -> pd.DataFrame:
    res = absorbing_resources(_rows(regimes), _specs(len(regimes)))
    c = apply_cover(np.full(len(res), hot_loss), np.full(len(res), cold_loss), np.zeros(len(res)),
                    res["res_hot"].to_numpy(), res["res_any"].to_numpy())
    return res.assign(covered=c["covered"], resources=c["resources"], ratio=c["coverage_ratio"])


@settings(max_examples=30, deadline=None)
@given(regimes=st.lists(regime_st, min_size=1, max_size=4), hot=money, cold=money)
def test_market_row_between_its_best_regime_and_the_sum_of_its_resources(regimes, hot, cold):
    t = _covered(regimes, hot, cold)
    market = t[t["regime"] == MARKET].iloc[0]
    each = t[t["regime"] != MARKET]
    assert market["covered"] >= each["covered"].max() * (1 - 1e-12)
    assert market["covered"] <= (hot + cold) * (1 + 1e-12)
    assert market["covered"] <= sum(h + a for h, a in regimes) * (1 + 1e-12) + 1e-6
    assert market["mandated_capital"] == pytest.approx(1e6 * len(regimes))  # capital floors never count


@settings(max_examples=30, deadline=None)
@given(regimes=st.lists(regime_st, min_size=1, max_size=3), extra=regime_st, hot=money, cold=money,
       k=st.floats(0, 1))
def test_market_coverage_never_falls_when_the_loss_shrinks_or_a_regime_is_added(regimes, extra, hot, cold, k):
    # the loss shrinks: the same hot and cold shares, each scaled by k ≤ 1
    base = _covered(regimes, hot, cold)
    ratio = base.loc[base["regime"] == MARKET, "ratio"].iloc[0]
    smaller = _covered(regimes, hot * k, cold * k)
    r_small = smaller.loc[smaller["regime"] == MARKET, "ratio"].iloc[0]
    if (hot + cold) * k > 0:
        assert r_small >= ratio - 1e-9
    more = _covered(regimes + [extra], hot, cold)
    market_more = more.loc[more["regime"] == MARKET].iloc[0]
    if hot + cold > 0:
        assert market_more["ratio"] >= ratio - 1e-9
    assert market_more["covered"] >= base.loc[base["regime"] == MARKET, "covered"].iloc[0] * (1 - 1e-12)


def test_market_row_with_own_funds_counts_every_stacked_regime_as_tied_up():
    # JPY 300 bn of client crypto, 3 % hot; own funds JPY 20 bn; 10 % of cold lost = 0.1 × 291 bn = 29.1 bn.
    # The market (central) ties up minimum capital 10 m + PGC 9 bn + reserve (0.0002 × 6 tn + 0.01 × 291 bn
    # = 4.11 bn) = 13.12 bn → free 6.88 bn; covered = reserve 4.11 bn + own funds 6.88 bn = 10.99 bn
    p = make_profile(name="tokyo", currency="JPY", services="custody;trading_platform;exchange_fiat;exchange_crypto",
                     client_crypto_assets=300e9, hot_wallet_share=0.03, annual_trading_volume=6e12,
                     fixed_overheads=2e9, annual_operating_expenses=3e9, own_funds=20e9)
    t = stress([p], jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=["central"], cold_loss=0.1,
               with_own_funds=True).table
    market = row(t, "tokyo", "JP", MARKET, "central")
    assert market["covered_by_own_funds"] == pytest.approx(20e9 - (10e6 + 9e9 + 4.11e9))
    assert market["covered"] == pytest.approx(4.11e9 + 6.88e9)


@pytest.mark.parametrize("statuses, worst", [
    (("in_force", "enacted"), "enacted"),
    (("guidance", "enacted"), "enacted"),
    (("enacted", "proposed"), "proposed"),
    (("enacted", "assumed"), "assumed"),
])
def test_enacted_ranks_after_guidance_and_before_proposed(statuses, worst):
    # two regimes, each with a resource for any loss; the market row carries the worst status of the two
    rows = pd.DataFrame([dict(profile="p", jurisdiction="ZZ", regime=f"zz.r{i}", obligation=f"any_{i}",
                              category="loss_cover", amount=10.0, currency="EUR", status=s, scenario="",
                              funding_forms="own_funds", overlap_group="", reason="")
                         for i, s in enumerate(statuses)])
    specs = pd.DataFrame([dict(jurisdiction="ZZ", regime=f"zz.r{i}", obligation=f"any_{i}", absorbs="any",
                               ring_fenced=True, regime_status=s, stack=i) for i, s in enumerate(statuses)])
    res = absorbing_resources(rows, specs).set_index("regime")
    assert res.loc[MARKET, "status"] == worst
    assert res.loc[MARKET, "res_any"] == 20.0  # 10 + 10: both regimes stacked


def test_stack_order_is_the_plugins_declaration_else_hot_first():
    from types import SimpleNamespace as NS

    from comparisons.stress.replay import spec_table

    obligations = (NS(id="reserve", regime="x.bill", absorbs="any", ring_fenced=True, category="loss_cover"),
                   NS(id="backing", regime="x.law", absorbs="hot", ring_fenced=True, category="loss_cover"),
                   NS(id="fund", regime="x.law", absorbs="any", ring_fenced=True, category="loss_cover"))
    regimes = (NS(id="x.law", status="in_force"), NS(id="x.bill", status="proposed"))
    default = spec_table([NS(code="X", regimes=regimes, obligations=obligations)])
    # default: hot-only first, then any-loss resources in declaration order
    assert list(default.sort_values("stack")["obligation"]) == ["backing", "reserve", "fund"]
    declared = spec_table([NS(code="X", regimes=regimes, obligations=obligations,
                              stress_order=("x.law", "reserve"))])
    # stress_order names regimes and/or obligations: x.law's obligations first (in declaration order), then reserve
    assert list(declared.sort_values("stack", kind="stable")["obligation"]) == ["backing", "fund", "reserve"]
