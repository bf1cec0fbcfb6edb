"""Stress tests: worked examples computed by hand, generic spec-driven behaviour, properties and the CLI."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.stress.replay import (
    COLUMNS, KEY_COLUMNS, StressError, StressResult, absorbing_resources, apply_cover, spec_table, stress,
)
from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, Regime, XjurError, concat_obligations, obligation_rows,
)
from tests.conftest import AS_OF, EXAMPLES, ROOT, make_profile
from tests.conftest import run_xjur as run_cli

# -- the profile of the brief: JPY 300 bn of client crypto, 3 % hot ------------------------------------------
#   hot  = 0.03 × 300 bn = JPY 9 bn;  cold = 0.97 × 300 bn = JPY 291 bn
JP_PROFILE = make_profile(
    name="tokyo", currency="JPY", services="custody;trading_platform;exchange_fiat;exchange_crypto",
    client_crypto_assets=300e9, hot_wallet_share=0.03, annual_trading_volume=6e12,
    fixed_overheads=2e9, annual_operating_expenses=3e9, own_funds=20e9,
)


def rows_of(result: StressResult) -> pd.DataFrame:
    return result.table.set_index(["regime", "scenario"])


# == generic behaviour, on a hand-built plug-in (no real jurisdiction involved) ===============================

class Toy(Jurisdiction):
    """A made-up market in EUR: one regime in force, one proposal with reserve scenarios."""

    code = "ZZ"
    name = "Toyland"
    currency = "EUR"
    regimes = (
        Regime("zz.law", "Toy law", "in_force", dt.date(2020, 1, 1), "Toy Act"),
        Regime("zz.bill", "Toy bill", "proposed", None, "Toy Bill"),
    )
    reads = ("client_crypto_assets", "hot_wallet_share")
    parameters_file = ROOT / "jurisdictions" / "eu_mica" / "parameters.yaml"
    obligations = (
        ObligationSpec("hot_backing", "zz.law", "loss_cover", ("same_kind_crypto",), "1.0 × hot", "s1",
                       absorbs="hot"),
        ObligationSpec("fund_a", "zz.law", "loss_cover", ("own_funds",), "100", "s2", overlap_group="zz.g",
                       absorbs="any"),
        ObligationSpec("fund_b", "zz.law", "loss_cover", ("own_funds",), "300", "s3", overlap_group="zz.g",
                       absorbs="any"),
        ObligationSpec("floor", "zz.law", "capital", ("own_funds",), "50", "s4"),
        # a general capital floor declared as absorbing any loss (as MiCA's prudential safeguards are): it is
        # reported in mandated_capital, never covered
        ObligationSpec("prudential", "zz.law", "capital", ("own_funds",), "70", "s7", absorbs="any",
                       ring_fenced=False),
        ObligationSpec("segregation", "zz.law", "client_money", ("segregation",), "client fiat", "s5"),
        ObligationSpec("reserve", "zz.bill", "loss_cover", ("own_funds",), "10 / 1,000", "s6", scenarios=True,
                       absorbs="any"),
    )

    def assess(self, profiles, as_of, scenarios=("central",), parameters=None):
        hot = profiles["client_crypto_assets"].to_numpy() * profiles["hot_wallet_share"].to_numpy()
        common = dict(jurisdiction="ZZ", currency="EUR", status="in_force", basis="toy")
        frames = [
            obligation_rows(profiles, regime="zz.law", obligation="hot_backing", category="loss_cover", amount=hot,
                            citation="s1", funding_forms=("same_kind_crypto",), **common),
            obligation_rows(profiles, regime="zz.law", obligation="fund_a", category="loss_cover", amount=100.0,
                            citation="s2", funding_forms=("own_funds",), overlap_group="zz.g", **common),
            obligation_rows(profiles, regime="zz.law", obligation="fund_b", category="loss_cover", amount=300.0,
                            citation="s3", funding_forms=("own_funds",), overlap_group="zz.g", **common),
            obligation_rows(profiles, regime="zz.law", obligation="floor", category="capital", amount=50.0,
                            citation="s4", funding_forms=("own_funds",), **common),
            obligation_rows(profiles, regime="zz.law", obligation="prudential", category="capital", amount=70.0,
                            citation="s7", funding_forms=("own_funds",), **common),
            obligation_rows(profiles, regime="zz.law", obligation="segregation", category="client_money",
                            amount=profiles["client_fiat"].to_numpy(), citation="s5", funding_forms=("segregation",),
                            **common),
        ]
        for sc, amt in (("low", 10.0), ("high", 1000.0)):
            if sc in scenarios:
                frames.append(obligation_rows(
                    profiles, regime="zz.bill", obligation="reserve", category="loss_cover", amount=amt,
                    citation="s6", funding_forms=("own_funds",), scenario=sc, jurisdiction="ZZ", currency="EUR",
                    status="proposed", basis="toy"))
        return concat_obligations(frames)


TOY_PROFILE = make_profile(name="toy", client_crypto_assets=10_000.0, hot_wallet_share=0.05, client_fiat=777.0,
                           own_funds=2_000.0)


def toy_stress(**kw) -> StressResult:
    return stress([TOY_PROFILE], jurisdictions=[Toy()], as_of=AS_OF, currency="EUR", scenarios=["low", "high"],
                  **kw)


def test_toy_hot_loss_uses_hot_resources_and_the_largest_of_an_overlap_group():
    # hot holdings = 0.05 × 10,000 = 500; cold = 9,500. Loss: 100 % hot = 500.
    t = rows_of(toy_stress(hot_loss=1.0))
    law = t.loc[("zz.law", "")]
    # hot_backing 500 (hot only) meets the 500 first; fund_a/fund_b share group zz.g → max(100, 300) = 300;
    # floor, prudential (capital floors) and segregation cover nothing. Resources = 500 + 300 = 800;
    # covered = min(500, 500) = 500. Capital floors beside it: floor 50 + prudential 70 = 120.
    assert law["customer_loss"] == pytest.approx(500)
    assert law["resources"] == pytest.approx(800)
    assert law["covered"] == pytest.approx(500)
    assert law["uncovered"] == pytest.approx(0)
    assert law["coverage_ratio"] == pytest.approx(1.0)
    assert "hot_backing EUR 500 (hot-wallet losses only)" in law["rule"]
    assert "fund_b EUR 300 (any customer loss)" in law["rule"]
    assert "prudential EUR" not in law["rule"] and "segregation" not in law["rule"]
    assert law["mandated_capital"] == pytest.approx(50 + 70)
    assert "capital floors (mandated_capital, not counted as cover) EUR 120" in law["rule"]


def test_toy_cold_loss_ignores_hot_only_resources():
    # 10 % of cold = 0.1 × 9,500 = 950. hot_backing does not apply; group zz.g gives 300 → 300 / 950 = 31.6 %
    t = rows_of(toy_stress(cold_loss=0.1))
    law = t.loc[("zz.law", "")]
    assert law["customer_loss"] == pytest.approx(950)
    assert law["resources"] == pytest.approx(300)
    assert law["covered"] == pytest.approx(300)
    assert law["uncovered"] == pytest.approx(650)
    assert law["coverage_ratio"] == pytest.approx(300 / 950)
    assert "hot-only resources do not apply" in law["rule"]


def test_toy_mixed_loss_hot_first_then_any():
    # hot 100 % (500) + cold 10 % (950) = 1,450: hot_backing covers 500, zz.g covers 300 → 800 / 1,450
    law = rows_of(toy_stress(hot_loss=1.0, cold_loss=0.1)).loc[("zz.law", "")]
    assert law["covered"] == pytest.approx(800)
    assert law["uncovered"] == pytest.approx(650)
    assert law["coverage_ratio"] == pytest.approx(800 / 1450)


def test_toy_proposal_one_row_per_reserve_scenario():
    # cold 10 % = 950: reserve low 10 → 10 / 950; high 1,000 → 950 / 950
    t = rows_of(toy_stress(cold_loss=0.1))
    assert t.loc[("zz.bill", "low"), "covered"] == pytest.approx(10)
    assert t.loc[("zz.bill", "low"), "coverage_ratio"] == pytest.approx(10 / 950)
    assert t.loc[("zz.bill", "high"), "covered"] == pytest.approx(950)
    assert t.loc[("zz.bill", "high"), "coverage_ratio"] == pytest.approx(1.0)
    assert t.loc[("zz.bill", "low"), "status"] == "proposed"
    table = toy_stress(cold_loss=0.1).table
    assert list(table["regime"] + "/" + table["scenario"]) == [
        "zz.law/", "zz.bill/low", "zz.bill/high", "all/low", "all/high"]
    # the market rows stack the law in force (zz.g 300 for any loss) and the bill: low 300 + 10 = 310 of 950;
    # high 300 + 1,000 ≥ 950 → 100 %
    assert t.loc[("all", "low"), "covered"] == pytest.approx(310)
    assert t.loc[("all", "high"), "coverage_ratio"] == pytest.approx(1.0)
    assert t.loc[("all", "low"), "status"] == "proposed"  # the worst status of the resources stacked


def test_toy_own_funds_above_what_the_rules_tie_up():
    # own funds 2,000. zz.law ties up: hot_backing 500 (own crypto) + zz.g max(100, 300) = 300 + floor 50
    # + prudential 70 = 920 (segregation is client money, not counted) → free 2,000 − 920 = 1,080.
    # cold 10 % = 950: zz.g covers 300, own funds the remaining 650 → 100 %.
    r = toy_stress(cold_loss=0.1, with_own_funds=True)
    law = rows_of(r).loc[("zz.law", "")]
    assert law["covered"] == pytest.approx(950)
    assert law["covered_by_own_funds"] == pytest.approx(650)
    assert law["resources"] == pytest.approx(300 + 1080)
    assert "own funds above the rules' requirements EUR 1.08 k" in law["rule"]
    # zz.bill [high] stacks on the law in force: tied = 920 + reserve 1,000 = 1,920 → free 80.
    # reserve 1,000 covers all 950 → own funds not needed.
    high = rows_of(r).loc[("zz.bill", "high")]
    assert high["covered_by_own_funds"] == pytest.approx(0)
    assert "tied up EUR 1.92 k" in high["rule"]
    # zz.bill [low]: tied = 920 + 10 = 930 → free 1,070; reserve 10 + own funds 940 = 950
    low = rows_of(r).loc[("zz.bill", "low")]
    assert low["covered_by_own_funds"] == pytest.approx(940)
    assert low["coverage_ratio"] == pytest.approx(1.0)


def test_hand_built_rows_absorbing_resources():
    # Contract 2 rows built by hand: PGC-like 9 bn (hot), reserve 4.11 bn (any, central), a capital floor.
    ob = pd.DataFrame([
        dict(profile="p", jurisdiction="JP", regime="jp.psa", obligation="performance_guarantee_crypto",
             category="loss_cover", amount=9e9, currency="JPY", status="in_force", scenario="",
             funding_forms="same_kind_crypto", overlap_group="", reason=""),
        dict(profile="p", jurisdiction="JP", regime="jp.psa", obligation="minimum_capital", category="capital",
             amount=1e7, currency="JPY", status="in_force", scenario="", funding_forms="own_funds",
             overlap_group="", reason=""),
        dict(profile="p", jurisdiction="JP", regime="jp.liability_reserve", obligation="liability_reserve",
             category="loss_cover", amount=4.11e9, currency="JPY", status="assumed", scenario="central",
             funding_forms="own_funds;insurance", overlap_group="", reason=""),
    ])
    specs = pd.DataFrame([
        dict(jurisdiction="JP", regime="jp.psa", obligation="performance_guarantee_crypto", absorbs="hot",
             ring_fenced=True, regime_status="in_force"),
        dict(jurisdiction="JP", regime="jp.psa", obligation="minimum_capital", absorbs="", ring_fenced=False,
             regime_status="in_force"),
        dict(jurisdiction="JP", regime="jp.liability_reserve", obligation="liability_reserve", absorbs="any",
             ring_fenced=True, regime_status="proposed"),
    ])
    res = absorbing_resources(ob, specs).set_index(["regime", "scenario"])
    assert res.loc[("jp.psa", ""), "res_hot"] == 9e9
    assert res.loc[("jp.psa", ""), "res_any"] == 0.0
    assert res.loc[("jp.liability_reserve", "central"), "res_any"] == 4.11e9
    assert res.loc[("jp.liability_reserve", "central"), "status"] == "assumed"
    # 10 % of cold (29.1 bn): PGC covers nothing; the reserve 4.11 / 29.1 = 14.1 %
    psa = apply_cover(0.0, 29.1e9, 0.0, res.loc[("jp.psa", ""), "res_hot"], res.loc[("jp.psa", ""), "res_any"])
    assert float(psa["covered"]) == 0.0
    rsv = apply_cover(0.0, 29.1e9, 0.0, 0.0, 4.11e9)
    assert float(rsv["coverage_ratio"]) == pytest.approx(4.11 / 29.1)


def test_blank_resource_gives_n_a_with_the_reason():
    ob = pd.DataFrame([dict(profile="p", jurisdiction="ZZ", regime="zz.law", obligation="hot_backing",
                            category="loss_cover", amount=np.nan, currency="EUR", status="in_force", scenario="",
                            funding_forms="insurance", overlap_group="", reason="no amount set by the rule")])
    specs = spec_table([Toy()])
    res = absorbing_resources(ob, specs)
    assert bool(res["na_hot"].iloc[0]) and res["na_reason_hot"].iloc[0] == "no amount set by the rule"


# == EU (MiCA): prudential safeguards are a capital floor, reported beside the cover =============================

def test_eu_prudential_safeguards_are_mandated_capital_not_cover():
    # custody (class 2): max(EUR 125,000, 0.25 × EUR 4,000,000 = 1,000,000) = EUR 1,000,000 of capital
    # hot = 0.05 × EUR 100 m = EUR 5 m, all lost: nothing MiCA sets aside for customer losses → 0 % covered
    p = make_profile(name="casp", services="custody", client_crypto_assets=100e6, hot_wallet_share=0.05,
                     fixed_overheads=4e6)
    r = stress([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR", hot_loss=1.0)
    row = r.table.iloc[0]
    assert (row["jurisdiction"], row["regime"], row["scenario"]) == ("EU", "eu.mica", "")
    assert row["customer_loss"] == pytest.approx(5e6)
    assert row["resources"] == 0.0
    assert row["covered"] == 0.0
    assert row["uncovered"] == pytest.approx(5e6)
    assert row["coverage_ratio"] == 0.0
    assert row["mandated_capital"] == pytest.approx(1e6)
    assert "capital floors (mandated_capital, not counted as cover) EUR 1 m" in row["rule"]
    assert row["currency"] == "EUR"


def test_eu_with_own_funds():
    # own funds EUR 3 m − safeguards 1 m tied up = 2 m free; loss 5 m: own funds cover 2 m (40 %)
    p = make_profile(name="casp", services="custody", client_crypto_assets=100e6, hot_wallet_share=0.05,
                     fixed_overheads=4e6, own_funds=3e6)
    row = stress([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR", hot_loss=1.0,
                 with_own_funds=True).table.iloc[0]
    assert row["covered"] == pytest.approx(2e6)
    assert row["covered_by_own_funds"] == pytest.approx(2e6)
    assert row["coverage_ratio"] == pytest.approx(0.4)


def test_amounts_are_reported_in_the_reference_currency(tmp_path):
    # the same EUR case reported in JPY with a rates file: EUR 1 = JPY 150 → loss JPY 750 m, capital JPY 150 m
    p = make_profile(name="casp", services="custody", client_crypto_assets=100e6, hot_wallet_share=0.05,
                     fixed_overheads=4e6)
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,per_eur\nJPY,150\nUSD,1.0\nHKD,8\n", encoding="utf-8")
    row = stress([p], jurisdictions=["EU"], as_of=AS_OF, currency="JPY", hot_loss=1.0,
                 fx=str(rates)).table.iloc[0]
    assert row["currency"] == "JPY"
    assert row["customer_loss"] == pytest.approx(750e6)
    assert row["mandated_capital"] == pytest.approx(150e6)  # EUR 1 m × 150
    assert row["mandated_capital_local"] == pytest.approx(1e6)
    assert row["customer_loss_local"] == pytest.approx(5e6)  # EUR, the jurisdiction's currency
    assert row["jurisdiction_currency"] == "EUR"


# == Japan and Hong Kong: the worked examples of the brief ====================================================

@pytest.fixture(scope="module")
def jp_hk():
    pytest.importorskip("jurisdictions.japan")
    pytest.importorskip("jurisdictions.hong_kong")
    return ["JP", "EU", "HK"]


def test_whole_hot_wallet_lost(jp_hk):
    t = rows_of(stress([JP_PROFILE], jurisdictions=jp_hk, as_of=AS_OF, currency="JPY", hot_loss=1.0))
    # loss = 1.0 × 0.03 × 300 bn = JPY 9 bn
    psa = t.loc[("jp.psa", "")]
    assert psa["customer_loss"] == pytest.approx(9e9)
    # performance-guarantee crypto = 1.0 × hot client crypto = 9 bn, for hot-wallet losses → 100 %
    assert psa["resources"] == pytest.approx(9e9)
    assert psa["coverage_ratio"] == pytest.approx(1.0)
    assert "performance_guarantee_crypto" in psa["rule"] and "hot-wallet losses only" in psa["rule"]
    hk = t.loc[("hk.sfc_vatp", "")]
    # compensation cover = 0.5 × 291 bn + 1.0 × 9 bn = JPY 154.5 bn → 100 %
    assert hk["resources"] == pytest.approx(154.5e9, rel=1e-9)
    assert hk["covered"] == pytest.approx(9e9)
    assert hk["coverage_ratio"] == pytest.approx(1.0)
    eu = t.loc[("eu.mica", "")]
    # prudential safeguards: class 3, max(EUR 150,000, 0.25 × JPY 2 bn = JPY 500 m) = JPY 500 m of capital,
    # reported beside the cover, not in it
    assert eu["mandated_capital"] == pytest.approx(500e6, rel=1e-9)
    assert eu["coverage_ratio"] == 0.0


def test_ten_percent_of_cold_lost(jp_hk):
    t = rows_of(stress([JP_PROFILE], jurisdictions=jp_hk, as_of=AS_OF, currency="JPY", cold_loss=0.1,
                       scenarios=["central"]))
    # loss = 0.1 × 291 bn = JPY 29.1 bn
    psa = t.loc[("jp.psa", "")]
    assert psa["customer_loss"] == pytest.approx(29.1e9)
    assert psa["covered"] == 0.0  # the guarantee backs hot-wallet losses only
    assert psa["coverage_ratio"] == 0.0
    reserve = t.loc[("jp.liability_reserve", "central")]
    # central reserve = 0.0002 × 6 tn + 0.01 × 291 bn = 1.2 bn + 2.91 bn = JPY 4.11 bn → 4.11 / 29.1 = 14.1 %
    assert reserve["resources"] == pytest.approx(4.11e9)
    assert reserve["covered"] == pytest.approx(4.11e9)
    assert reserve["uncovered"] == pytest.approx(29.1e9 - 4.11e9)
    assert reserve["coverage_ratio"] == pytest.approx(0.141237, abs=1e-6)
    assert reserve["status"] == "assumed"
    hk = t.loc[("hk.sfc_vatp", "")]
    assert hk["coverage_ratio"] == pytest.approx(1.0)  # 154.5 bn ≥ 29.1 bn


def test_jp_own_funds_on_top_of_the_rules(jp_hk):
    # own funds JPY 20 bn. jp.psa ties up minimum capital JPY 10 m + PGC 9 bn = 9.01 bn → free 10.99 bn.
    # 10 % of cold (29.1 bn): PGC 0 + own funds 10.99 bn → 10.99 / 29.1 = 37.8 %.
    t = rows_of(stress([JP_PROFILE], jurisdictions=["JP"], as_of=AS_OF, currency="JPY", cold_loss=0.1,
                       with_own_funds=True))
    psa = t.loc[("jp.psa", "")]
    assert psa["covered_by_own_funds"] == pytest.approx(10.99e9)
    assert psa["coverage_ratio"] == pytest.approx(10.99 / 29.1)
    # the central reserve stacks on jp.psa: tied = 9.01 bn + 4.11 bn = 13.12 bn → free 6.88 bn;
    # covered = 4.11 + 6.88 = 10.99 bn
    rsv = t.loc[("jp.liability_reserve", "central")]
    assert rsv["covered_by_own_funds"] == pytest.approx(6.88e9)
    assert rsv["covered"] == pytest.approx(10.99e9)


# == historical incidents ======================================================================================

def test_coincheck_replayed_and_capped_at_the_hot_wallet(jp_hk):
    r = stress([JP_PROFILE], jurisdictions=["JP"], as_of=AS_OF, currency="JPY", incident="coincheck-2018")
    psa = rows_of(r).loc[("jp.psa", "")]
    # JPY 58 bn from the hot wallet, but the profile holds only 9 bn there → capped at 9 bn; PGC 9 bn → 100 %
    assert psa["customer_loss"] == pytest.approx(9e9)
    assert psa["hot_loss"] == pytest.approx(9e9)
    assert bool(psa["capped"])
    assert "capped at the profile's holdings in the hot wallet: JPY 9 bn (incident: JPY 58 bn)" in psa["loss_note"]
    assert psa["coverage_ratio"] == pytest.approx(1.0)
    assert any("coincheck-2018" in w["message"] and "capped" in w["message"] for w in r.warnings)


def test_dmm_bitcoin_unknown_wallet_is_not_met_by_hot_only_resources(jp_hk):
    # wallet_type empty in the data → unattributed: JPY 48.2 bn from all client crypto (300 bn, not capped)
    t = rows_of(stress([JP_PROFILE], jurisdictions=["JP"], as_of=AS_OF, currency="JPY",
                       incident="dmm_bitcoin_2024"))
    psa = t.loc[("jp.psa", "")]
    assert psa["customer_loss"] == pytest.approx(48.2e9)
    assert psa["unattributed_loss"] == pytest.approx(48.2e9)
    assert psa["covered"] == 0.0
    assert "not known to be from the hot wallet" in psa["rule"]
    # central reserve 4.11 bn / 48.2 bn = 8.5 %
    assert t.loc[("jp.liability_reserve", "central"), "coverage_ratio"] == pytest.approx(4.11 / 48.2)


def test_incident_loss_is_converted_at_the_incident_dates_ecb_rate(tmp_path):
    # Bybit 2025-02-21: USD 1,400-1,460 m → midpoint USD 1,430 m, from the cold wallet. ECB on 2025-02-21:
    # EUR 1 = USD 1.0465 = JPY 157.46 → USD 1,430 m × 157.46 / 1.0465 = JPY 215.16 bn (cold wallet 291 bn).
    # The comparison's own rates file (EUR 1 = USD 1 = JPY 150) is not used for the incident's loss.
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,per_eur\nUSD,1.0\nJPY,150\n", encoding="utf-8")
    row = stress([JP_PROFILE], jurisdictions=["EU"], as_of=AS_OF, currency="JPY", incident="bybit-2025",
                 fx=str(rates)).table.iloc[0]
    assert row["cold_loss"] == pytest.approx(1430e6 * 157.46 / 1.0465)
    assert row["customer_loss"] == pytest.approx(1430e6 * 157.46 / 1.0465)
    assert not row["capped"]
    assert row["loss_fx_basis"] == "incident_date"
    assert "ECB rate of the incident's date 2025-02-21" in row["loss_fx"]
    # low end of the range: USD 1,400 m × 157.46 / 1.0465
    low = stress([JP_PROFILE], jurisdictions=["EU"], as_of=AS_OF, currency="JPY", incident="bybit-2025",
                 fx=str(rates), loss_point="low").table.iloc[0]
    assert low["customer_loss"] == pytest.approx(1400e6 * 157.46 / 1.0465)


def test_all_incidents_skip_those_without_an_amount():
    r = stress([JP_PROFILE], jurisdictions=["EU"], as_of=AS_OF, all_incidents=True)
    replayed = set(r.table["loss_scenario"])
    assert "coincheck-2018" in replayed and "bybit-2025" in replayed
    assert not {"quadrigacx-2019", "aax-2022", "ftx-japan-2022"} & replayed
    assert len(replayed) == 20  # 23 incidents, 3 without a loss amount
    assert any("aax-2022 not replayed" in w["message"] for w in r.warnings)


def test_profile_without_client_crypto_has_no_loss():
    p = make_profile(name="adviser", services="advice", fixed_overheads=100_000)
    row = stress([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR", hot_loss=1.0).table.iloc[0]
    assert row["customer_loss"] == 0.0
    assert np.isnan(row["coverage_ratio"])  # nothing to cover: no ratio


# == validation ================================================================================================

@pytest.mark.parametrize("kw, message", [
    (dict(), "exactly one way"),
    (dict(incident="coincheck-2018", hot_loss=0.5), "exactly one way"),
    (dict(all_incidents=True, cold_loss=0.5), "exactly one way"),
    (dict(hot_loss=1.5), r"hot_loss 1.5 is outside \[0, 1\]"),
    (dict(cold_loss=-0.1), r"cold_loss -0.1 is outside \[0, 1\]"),
    (dict(hot_loss="lots"), "is not a number"),
    (dict(incident="coinchek-2018"), "did you mean 'coincheck-2018'"),
    (dict(incident="aax-2022"), "no loss amount"),
    (dict(hot_loss=0.1, loss_point="mean"), "loss_point"),
])
def test_bad_input_is_an_xjur_error(kw, message):
    with pytest.raises(XjurError, match=message):
        stress([JP_PROFILE], jurisdictions=["EU"], as_of=AS_OF, **kw)


def test_stress_error_is_an_xjur_error():
    assert issubclass(StressError, XjurError)


# == result shape ===============================================================================================

def test_to_dict_rows_carry_the_keys():
    r = stress(str(EXAMPLES / "profiles.yaml"), jurisdictions=["EU"], as_of=AS_OF, currency="EUR",
               incidents=["coincheck-2018", "bybit_2025"])
    doc = r.to_dict()
    assert doc["as_of"] == "2026-11-25" and doc["currency"] == "EUR"
    assert doc["fx"]["date"] <= "2026-11-25"
    assert len(doc["stress"]) == 6 * 2 * 2  # 6 example profiles × 2 incidents × (1 regime + the market row)
    for row in doc["stress"]:
        assert set(KEY_COLUMNS) <= set(row)
    json.loads(r.to_json())
    assert list(r.table.columns) == list(COLUMNS)


def test_a_comparison_result_can_be_stressed_directly():
    result = compare([TOY_PROFILE], jurisdictions=[Toy()], as_of=AS_OF, currency="EUR", scenarios=["low"])
    r = stress(result, hot_loss=1.0)
    assert r.comparison is result
    with pytest.raises(StressError, match="not both"):
        stress(result, hot_loss=1.0, currency="USD")


def test_vectorised_over_many_profiles():
    # 300 profiles in one call, each hot wallet fully lost; EU safeguards max(125,000, 0.25 × FO_i)
    n = 300
    fo = np.linspace(0, 4e6, n)
    frame = pd.DataFrame([make_profile(name=f"p{i}", services="custody", client_crypto_assets=100e6,
                                       hot_wallet_share=0.05, fixed_overheads=fo[i]) for i in range(n)])
    t = stress(frame, jurisdictions=["EU"], as_of=AS_OF, currency="EUR", hot_loss=1.0).table
    assert len(t) == 2 * n  # eu.mica and the market row per profile
    t = t[t["regime"] == "eu.mica"]
    np.testing.assert_allclose(t["mandated_capital"], np.maximum(125_000, 0.25 * fo))
    np.testing.assert_allclose(t["covered"], 0.0)


# == properties =================================================================================================

money = st.floats(min_value=0, max_value=1e13, allow_nan=False, allow_infinity=False)
EU_FX = fx_snapshot(AS_OF)  # the ECB rates, read once for the end-to-end property test


@settings(max_examples=300, deadline=None)
@given(hot=money, cold=money, unk=money, rh=money, ra=money, of=money)
def test_cover_properties(hot, cold, unk, rh, ra, of):
    c = {k: float(v) for k, v in apply_cover(hot, cold, unk, rh, ra, of).items()}
    loss = hot + cold + unk
    assert c["covered"] + c["uncovered"] == pytest.approx(loss, rel=1e-9, abs=1e-6)
    assert 0 <= c["covered"] <= loss * (1 + 1e-12) + 1e-6
    if loss > 0:
        assert 0.0 <= c["coverage_ratio"] <= 1.0


@settings(max_examples=300, deadline=None)
@given(hot=money, cold=money, unk=money, rh=money, ra=money, of=money, extra=money,
       which=st.sampled_from(["rh", "ra", "of"]))
def test_more_resources_never_lower_coverage(hot, cold, unk, rh, ra, of, extra, which):
    base = apply_cover(hot, cold, unk, rh, ra, of)
    more = dict(rh=rh, ra=ra, of=of)
    more[which] += extra
    bigger = apply_cover(hot, cold, unk, more["rh"], more["ra"], more["of"])
    assert float(bigger["covered"]) >= float(base["covered"]) - 1e-6
    if hot + cold + unk > 0:
        assert float(bigger["coverage_ratio"]) >= float(base["coverage_ratio"]) - 1e-12


@settings(max_examples=25, deadline=None)
@given(assets=st.floats(min_value=0, max_value=1e12), h=st.floats(min_value=0, max_value=1),
       fo=st.floats(min_value=0, max_value=1e9), own=st.floats(min_value=-1e9, max_value=1e10),
       hl=st.floats(min_value=0, max_value=1), cl=st.floats(min_value=0, max_value=1),
       with_own=st.booleans())
def test_end_to_end_properties_eu(assets, h, fo, own, hl, cl, with_own):
    p = make_profile(name="p", services="custody", client_crypto_assets=assets, hot_wallet_share=h,
                     fixed_overheads=fo, own_funds=own)
    kw = dict(jurisdictions=["EU"], as_of=AS_OF, currency="EUR", hot_loss=hl, cold_loss=cl, fx=EU_FX)
    row = stress([p], with_own_funds=with_own, **kw).table.iloc[0]
    # loss = hl × h × assets + cl × (1 − h) × assets
    assert row["customer_loss"] == pytest.approx(hl * h * assets + cl * (1 - h) * assets, rel=1e-9, abs=1e-3)
    assert row["covered"] + row["uncovered"] == pytest.approx(row["customer_loss"], rel=1e-9, abs=1e-3)
    if row["customer_loss"] > 0:
        assert 0.0 <= row["coverage_ratio"] <= 1.0
        # adding the firm's own funds (more resources) never lowers coverage
        more = stress([p], with_own_funds=True, **kw).table.iloc[0]
        assert more["coverage_ratio"] >= row["coverage_ratio"] - 1e-12


# == CLI ========================================================================================================



def test_cli_all_incidents_on_every_example():
    out = run_cli("stress", "examples/profiles.yaml", "--all-incidents", "--as-of", "2026-11-25", "-f", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["as_of"] == "2026-11-25" and doc["currency"] == "USD"
    profiles = {r["profile"] for r in doc["stress"]}
    assert len(profiles) == 6
    incidents = {r["loss_scenario"] for r in doc["stress"]}
    assert len(incidents) == 20
    for row in doc["stress"]:
        assert set(KEY_COLUMNS) <= set(row)
    # every example × every replayed incident × every regime row of the comparison
    regimes = {(r["jurisdiction"], r["regime"], r["scenario"]) for r in doc["stress"]}
    assert len(doc["stress"]) == 6 * 20 * len(regimes)


def test_cli_table_and_output_file(tmp_path):
    out = run_cli("stress", "examples/profiles.yaml", "--incident", "coincheck-2018", "--as-of", "2026-11-25",
                  "-j", "EU")
    assert out.returncode == 0, out.stderr
    assert "Frankfurt CASP (illustrative) — customer loss covered" in out.stdout
    assert "coincheck-2018" in out.stdout and "*" in out.stdout and "capped at what the profile holds" in out.stdout
    flat = " ".join(out.stdout.split())
    assert "capital floors, reported as mandated_capital and not counted as cover: prudential_safeguards" in flat
    assert "converted: ECB rate of the incident's date 2018-01-26" in flat
    assert "100 % (firm)" in flat  # what Coincheck's customers got back, and who paid
    target = tmp_path / "stress.csv"
    out = run_cli("stress", "examples/profiles.yaml", "--hot-loss", "1", "--cold-loss", "0.1", "-j", "EU",
                  "--as-of", "2026-11-25", "--currency", "EUR", "-f", "csv", "-o", str(target))
    assert out.returncode == 0, out.stderr
    csv = pd.read_csv(target)
    assert list(csv.columns) == list(COLUMNS)
    assert set(csv["loss_scenario"]) == {"hot 100 % + cold 10 %"}


@pytest.mark.parametrize("args, message", [
    (("--incident", "coinchek-2018"), "did you mean 'coincheck-2018'"),
    (("--hot-loss", "2"), "outside [0, 1]"),
    (("--hot-loss", "0.5", "--all-incidents"), "exactly one way"),
])
def test_cli_bad_input_exits_2_without_traceback(args, message):
    out = run_cli("stress", "examples/profiles.yaml", "-j", "EU", *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_list_incidents():
    out = run_cli("stress", "--list-incidents")
    assert out.returncode == 0, out.stderr
    assert "dmm-bitcoin-2024" in out.stdout
