"""Switzerland (FINMA): which licence a profile needs (public deposits = client money, the DESIGN.md proxy) and
its capital, worked by hand from BankA art. 1b, BankO and FinMIO art. 13 (rulebook americas_and_more.md §7)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.report.charts import PALETTE, color_of
from jurisdictions.framework import discover
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)


def chf(**kw):
    kw.setdefault("services", "custody;exchange_fiat")
    return make_profile(currency="CHF", **kw)


def ch_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    return compare(list(profiles), jurisdictions=["CH"], currency="CHF", **kw).obligations.set_index(
        ["profile", "obligation"])


def test_switzerland_is_registered_with_a_fixed_colour():
    # the contract tests (tests/test_plugin_contract.py) run over every registered market, this one included
    assert "CH" in discover().codes()
    assert color_of("CH") == PALETTE["CH"]  # a fixed colour in every chart


def test_fintech_licence_with_fifty_million_of_public_deposits():
    rows = ch_rows(chf(name="p", client_fiat=50e6))
    row = rows.loc[("p", "fintech_licence_capital")]
    # max(CHF 300,000, 3 % × CHF 50 m = CHF 1.5 m) = CHF 1.5 m
    assert row["amount"] == pytest.approx(max(300_000, 0.03 * 50e6))
    assert row["status"] == "in_force" and row["citation"].endswith("†")
    assert "CHF 1,500,000" in row["basis"] and "public deposits (client money)" in row["basis"]
    bank = rows.loc[("p", "bank_licence_capital")]
    assert np.isnan(bank["amount"]) and "no bank licence needed" in bank["reason"]


@pytest.mark.parametrize("deposits, expected", [
    (5e6, 300_000),                 # max(300,000, 3 % × 5 m = 150,000) = the floor
    (10e6, 300_000),                # 3 % × 10 m = 300,000: the two terms meet
    (100e6, 0.03 * 100e6),          # at the CHF 100 m cap: 3 % × 100 m = CHF 3 m
])
def test_fintech_capital_is_the_larger_of_the_floor_and_three_percent(deposits, expected):
    row = ch_rows(chf(name="p", client_fiat=deposits)).loc[("p", "fintech_licence_capital")]
    assert row["amount"] == pytest.approx(expected)


def test_above_the_fintech_cap_a_bank_licence_with_ten_million():
    rows = ch_rows(chf(name="p", client_fiat=150e6))
    assert rows.loc[("p", "bank_licence_capital"), "amount"] == 10_000_000  # BankO: CHF 10 m fully paid
    fintech = rows.loc[("p", "fintech_licence_capital")]
    assert np.isnan(fintech["amount"]) and "bank licence is needed" in fintech["reason"]


def test_segregated_custody_without_deposits_has_no_prudential_row():
    rows = ch_rows(chf(name="p", services="custody", client_crypto_assets=500e6, client_fiat=0))
    for ob in ("fintech_licence_capital", "bank_licence_capital"):
        assert np.isnan(rows.loc[("p", ob), "amount"])
    assert "AML self-regulatory membership needs no prudential licence" in rows.loc[("p", "fintech_licence_capital"),
                                                                                     "reason"]


def test_deposits_within_the_sandbox_need_no_licence():
    row = ch_rows(chf(name="p", client_fiat=800_000)).loc[("p", "fintech_licence_capital")]
    assert np.isnan(row["amount"]) and "CHF 1 m sandbox" in row["reason"]


def test_dlt_trading_facility_is_for_tokenised_securities_only():
    rows = ch_rows(chf(name="a", services="trading_platform"), chf(name="b", services="trading_platform;custody"),
                   chf(name="c", services="exchange_fiat"))
    a, b = rows.loc[("a", "dlt_trading_facility_capital")], rows.loc[("b", "dlt_trading_facility_capital")]
    assert a["amount"] == 1_000_000  # FinMIO art. 13(1)
    assert b["amount"] == 5_000_000  # FinMIO art. 13(1bis): with custody
    assert a["status"] == b["status"] == "assumed"  # that the platform lists DLT securities is assumed
    assert "tokenised securities only" in a["basis"]
    c = rows.loc[("c", "dlt_trading_facility_capital")]
    assert np.isnan(c["amount"]) and c["reason"].startswith("not in scope:")


def test_the_crypto_institution_licence_is_proposed_with_no_figure():
    row = ch_rows(chf(name="p")).loc[("p", "crypto_institution_capital")]
    assert np.isnan(row["amount"]) and "no capital figure" in row["reason"]
    assert row["status"] == "proposed"


@settings(max_examples=25, deadline=None)
@given(deposits=st.floats(0, 1e10))
def test_at_most_one_deposit_licence_and_the_right_one(deposits):
    rows = ch_rows(chf(name="p", client_fiat=deposits))
    fintech, bank = (rows.loc[("p", ob), "amount"] for ob in ("fintech_licence_capital", "bank_licence_capital"))
    assert not (np.isfinite(fintech) and np.isfinite(bank))
    if 1e6 < deposits <= 100e6:
        assert fintech == pytest.approx(max(300_000, 0.03 * deposits))
    assert np.isfinite(bank) == (deposits > 100e6)


def test_a_plan_licenses_in_brazil_canada_and_switzerland():
    from comparisons.planning import plan

    group = dict(make_profile(name="Group", currency="USD", services="custody;trading_platform;exchange_fiat"),
                 client_crypto_assets=10e9, client_fiat=2e9, fixed_overheads=200e6, own_funds=1e9)
    r = plan({"name": "t", "as_of": AS_OF.isoformat(), "currency": "USD", "group": group,
              "markets": [{"jurisdiction": c, "share": 0.01} for c in ("BR", "CA", "CH")]})
    assert list(r.market_summary()["jurisdiction"]) and set(r.market_summary()["jurisdiction"]) == {"BR", "CA", "CH"}
    ob = r.obligations.set_index(["jurisdiction", "obligation"])["amount"]
    # CH: 1 % × USD 2 bn = USD 20 m of public deposits in CHF; max(CHF 300,000, 3 % × that)
    deposits = 0.01 * 2e9 * r.fx.rate("USD", "CHF")
    assert ob[("CH", "fintech_licence_capital")] == pytest.approx(max(300_000, 0.03 * deposits))
    # CA: 1 % × USD 10 bn in CAD, all in house: (1 − 0.20) × that to place with custodians
    assert ob[("CA", "custodian_placement_shortfall")] == pytest.approx(0.80 * 0.01 * 10e9 * r.fx.rate("USD", "CAD"))
    assert ob[("BR", "minimum_capital")] == 37_200_000  # custody + intermediation: broker (reported R$37.2 m)
