"""Brazil (BCB SPSAV regime): worked examples computed by hand from Res. BCB 520 and the reported minimum
capital figures (rulebook americas_and_more.md §5)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.report.charts import PALETTE, color_of
from jurisdictions.framework import discover
from tests.conftest import AS_OF, EXAMPLES, make_profile

FX = fx_snapshot(AS_OF)


def brl(**kw):
    return make_profile(currency="BRL", **kw)


def br(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    return compare(list(profiles), jurisdictions=["BR"], currency="BRL", **kw)


def br_rows(*profiles, **kw):
    return br(*profiles, **kw).obligations.set_index(["profile", "obligation"])


def test_brazil_is_registered_with_a_fixed_colour():
    # the contract tests (tests/test_plugin_contract.py) run over every registered market, this one included
    assert "BR" in discover().codes()
    assert color_of("BR") == PALETTE["BR"]  # a fixed colour in every chart


@pytest.mark.parametrize("services, kind, expected", [
    ("custody;exchange_fiat", "broker", 37_200_000),     # custody + intermediation: broker, R$37.2 m
    ("custody", "custodian", 18_600_000),                # custody alone: custodian, R$18.6 m
    ("exchange_crypto;execution", "intermediary", 10_800_000),  # intermediation alone: R$10.8 m
    ("trading_platform", "intermediary", 10_800_000),
])
def test_minimum_capital_by_type_is_the_reported_figure(services, kind, expected):
    row = br_rows(brl(name="p", services=services)).loc[("p", "minimum_capital")]
    assert row["amount"] == expected
    assert row["status"] == "assumed"  # a reported figure (press), Contract 2's "assumed"
    assert f"SPSAV {kind}" in row["basis"] and "reported" in row["basis"]
    assert (row["category"], row["funding_forms"]) == ("capital", "own_funds")


def test_transfer_alone_is_assumed_intermediation():
    row = br_rows(brl(name="p", services="transfer")).loc[("p", "minimum_capital")]
    assert row["amount"] == 10_800_000 and row["status"] == "assumed"


def test_the_jr14_reading_is_one_parameter_file_away():
    override = EXAMPLES / "parameters" / "br_jr14_reading.yaml"
    row = br_rows(brl(name="p", services="custody"), parameters=override).loc[("p", "minimum_capital")]
    # JR 14 reading: cost parcel R$2,000,000 × 1 category + R$3,000,000 custody parcel × 60 % own-funds factor
    assert row["amount"] == pytest.approx(2_000_000 * 1 + 3_000_000 * 0.60)
    assert row["status"] == "assumed"
    broker = br_rows(brl(name="b"), parameters=override).loc[("b", "minimum_capital")]
    assert broker["amount"] == 37_200_000  # the other types keep the reported figures


def test_own_assets_in_client_wallets_at_most_five_percent():
    row = br_rows(brl(name="p", client_crypto_assets=200e6)).loc[("p", "own_assets_in_client_wallets_max")]
    assert row["amount"] == pytest.approx(0.05 * 200e6)  # 5 % × R$200 m = R$10 m (a ceiling)
    assert row["status"] == "in_force" and row["citation"].endswith("†")
    assert "BRL 10,000,000" in row["basis"] and "ceiling" in row["basis"]


def test_client_assets_and_money_are_segregated():
    rows = br_rows(brl(name="p", client_crypto_assets=200e6, client_fiat=50e6))
    assert rows.loc[("p", "client_asset_segregation"), "amount"] == pytest.approx(1.0 * 200e6)  # all client crypto
    assert rows.loc[("p", "client_fiat_segregation"), "amount"] == pytest.approx(1.0 * 50e6)  # all client money
    assert rows.loc[("p", "client_fiat_segregation"), "category"] == "client_money"


def test_incumbent_window_is_a_note():
    notes = [w["message"] for w in br(brl(name="p")).warnings if w.get("level") == "note"]
    assert any("270 days (to 2026-10-30)" in m for m in notes)


def test_before_the_start_rows_are_blank_with_the_reason():
    rows = br_rows(brl(name="p"), as_of=dt.date(2026, 2, 1))
    row = rows.loc[("p", "minimum_capital")]
    assert np.isnan(row["amount"]) and "2026-02-02" in row["reason"]


def test_an_adviser_is_not_in_scope():
    row = br_rows(brl(name="p", services="advice")).loc[("p", "minimum_capital")]
    assert np.isnan(row["amount"])
    assert row["reason"].startswith("not in scope:") and "custody" in row["reason"] and "transfer" in row["reason"]


@settings(max_examples=25, deadline=None)
@given(crypto=st.floats(0, 1e12), fiat=st.floats(0, 1e12),
       services=st.sampled_from(["custody", "custody;exchange_fiat", "exchange_fiat", "trading_platform;custody"]))
def test_capital_is_one_of_the_three_figures_and_the_ceiling_is_five_percent(crypto, fiat, services):
    rows = br_rows(brl(name="p", services=services, client_crypto_assets=crypto, client_fiat=fiat))
    assert rows.loc[("p", "minimum_capital"), "amount"] in (10_800_000, 18_600_000, 37_200_000)
    assert rows.loc[("p", "own_assets_in_client_wallets_max"), "amount"] == pytest.approx(0.05 * crypto)


def test_the_briefing_shows_the_three_markets(tmp_path):
    from comparisons.report.briefing import brief

    out = tmp_path / "b.html"
    brief([brl(name="p", services="custody", client_crypto_assets=200e6)], out, jurisdictions=["BR", "CA", "CH"],
          as_of=AS_OF, fx=FX, currency="BRL")
    html = out.read_text(encoding="utf-8")
    for text in ("Brazil (BCB SPSAV regime)", "Canada (CIRO custody framework", "Switzerland (FINMA",
                 "18,600,000",  # the custodian's reported capital
                 "no amount was found"):  # Canada's insurance: no amount, with the reason
        assert text in html, text
