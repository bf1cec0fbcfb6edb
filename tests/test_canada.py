"""Canada (CIRO Digital Asset Custody Framework; CSA Staff Notice 21-332): worked examples computed by hand from
the 20 % in-house cap and the trust rule (rulebook americas_and_more.md §8)."""
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


def cad(**kw):
    kw.setdefault("services", "trading_platform;custody")
    return make_profile(currency="CAD", **kw)


def ca(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    return compare(list(profiles), jurisdictions=["CA"], currency="CAD", **kw)


def ca_rows(*profiles, **kw):
    return ca(*profiles, **kw).obligations.set_index(["profile", "obligation"])


def test_canada_is_registered_with_a_fixed_colour():
    # the contract tests (tests/test_plugin_contract.py) run over every registered market, this one included
    assert "CA" in discover().codes()
    assert color_of("CA") == PALETTE["CA"]  # a fixed colour in every chart


def test_everything_in_house_by_default_moves_eighty_percent_to_custodians():
    result = ca(cad(name="p", client_crypto_assets=1e9))  # third_party_custody_share not given: 0, all in house
    row = result.obligations.set_index(["profile", "obligation"]).loc[("p", "custodian_placement_shortfall")]
    # (100 % in house − 20 % cap) × CAD 1 bn = CAD 800 m to place with approved custodians
    assert row["amount"] == pytest.approx((1.0 - 0.20) * 1e9)
    assert (row["category"], row["status"]) == ("custody", "in_force")
    assert "CAD 800,000,000 to place with approved custodians" in row["basis"]
    warnings = [w["message"] for w in result.warnings if w.get("level") == "warning"]
    assert any("in-house share 100 % is above the 20 % cap: CAD 800,000,000" in m for m in warnings)


@pytest.mark.parametrize("third_party, expected", [
    (0.5, (0.5 - 0.20) * 1e9),   # 50 % in house − 20 % = 30 % × CAD 1 bn = CAD 300 m
    (0.8, 0.0),                  # exactly 80 % with custodians: complies
    (0.95, 0.0),                 # 5 % in house: complies
])
def test_third_party_share_reduces_what_must_move(third_party, expected):
    row = ca_rows(cad(name="p", client_crypto_assets=1e9, third_party_custody_share=third_party)).loc[
        ("p", "custodian_placement_shortfall")]
    assert row["amount"] == pytest.approx(expected)


def test_insurance_is_required_with_no_amount():
    row = ca_rows(cad(name="p", client_crypto_assets=1e9)).loc[("p", "custody_insurance")]
    assert np.isnan(row["amount"])
    assert "no amount was found" in row["reason"]
    assert (row["category"], row["funding_forms"]) == ("loss_cover", "insurance")


def test_client_crypto_and_cash_in_trust_are_guidance():
    rows = ca_rows(cad(name="p", client_crypto_assets=1e9, client_fiat=40e6))
    assert rows.loc[("p", "client_crypto_in_trust"), "amount"] == pytest.approx(1.0 * 1e9)  # all client crypto
    assert rows.loc[("p", "client_cash_in_trust"), "amount"] == pytest.approx(1.0 * 40e6)  # all client cash
    assert set(rows["status"][rows.index.get_level_values(1).str.endswith("_in_trust")]) == {"guidance"}


def test_tier_caps_are_a_note():
    notes = [w["message"] for w in ca(cad(name="p")).warnings if w.get("level") == "note"]
    assert any("100 % (Tier 1), 100 % (Tier 2), 75 % (Tier 3) or 40 % (Tier 4)" in m for m in notes)


def test_custody_alone_is_assumed_and_an_adviser_is_out_of_scope():
    rows = ca_rows(cad(name="c", services="custody", client_crypto_assets=1e6), cad(name="a", services="advice"))
    assert rows.loc[("c", "custodian_placement_shortfall"), "status"] == "assumed"
    row = rows.loc[("a", "custodian_placement_shortfall")]
    assert np.isnan(row["amount"]) and row["reason"].startswith("not in scope:") and "trading_platform" in row["reason"]


@settings(max_examples=25, deadline=None)
@given(crypto=st.floats(0, 1e12), third_party=st.floats(0, 1))
def test_placing_the_shortfall_brings_the_in_house_share_within_the_cap(crypto, third_party):
    row = ca_rows(cad(name="p", client_crypto_assets=crypto, third_party_custody_share=third_party)).loc[
        ("p", "custodian_placement_shortfall")]
    moved = row["amount"]
    assert moved == pytest.approx(max(0.0, (1 - third_party) - 0.20) * crypto, abs=1e-6)
    assert (1 - third_party) * crypto - moved <= 0.20 * crypto + 1e-3


def test_stress_shows_the_insurance_as_unknown_not_as_zero():
    from comparisons.stress import stress

    result = ca(cad(name="p", client_crypto_assets=1e9, hot_wallet_share=0.1))
    table = stress(result, hot_loss=0.5).table
    row = table[(table["regime"] == "ca.ciro_custody")].iloc[0]
    # the loss: 50 % × 10 % hot × CAD 1 bn = CAD 50 m; what the required insurance absorbs is not known
    assert row["customer_loss"] == pytest.approx(0.5 * 0.1 * 1e9)
    assert np.isnan(row["covered"]) and "no amount was found" in row["rule"]
