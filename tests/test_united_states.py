"""United States (state money transmission under the MTMA, New York's BitLicense, California's DFAL, the GENIUS
Act): worked examples computed by hand from the statute text (rulebook americas_and_more.md §1–4)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.planning import plan
from comparisons.stress import stress
from jurisdictions.framework import discover
from jurisdictions.framework.contract_tests import check_jurisdiction
from jurisdictions.united_states import jurisdiction as US
from jurisdictions.united_states import rules
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)
REG = discover().with_jurisdiction(US)  # the shared venv's metadata may predate the US entry point


def usd(**kw):
    kw.setdefault("services", "custody;exchange_fiat")
    return make_profile(currency="USD", **kw)


def us_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    result = compare(list(profiles), jurisdictions=["US"], currency="USD", registry=REG, **kw)
    return result.obligations.set_index(["profile", "obligation"])


def test_the_plugin_meets_the_contract_on_every_regime_date():
    for day in (AS_OF, dt.date(2023, 8, 31), dt.date(2026, 6, 30), dt.date(2028, 7, 18)):
        assert not check_jurisdiction(US, as_of=day)


# --- us.mtma: tangible net worth (Tex. Fin. Code §152.351(a)) ------------------------------------------------

@pytest.mark.parametrize("assets, expected", [
    (50e6, 1_500_000),      # max(100,000, 3 % × 50 m = 1.5 m) = 1.5 m
    (2e6, 100_000),         # max(100,000, 3 % × 2 m = 60,000) = 100,000: the floor binds
    (500e6, 11_000_000),    # 3 m + 2 % × (500 m − 100 m) = 3 m + 8 m = 11 m
    (5e9, 41_000_000),      # 21 m + 0.5 % × (5 bn − 1 bn) = 21 m + 20 m = 41 m
])
def test_tangible_net_worth_tiers(assets, expected):
    rows = us_rows(usd(name="p", total_assets=assets, us_states="TX"))
    row = rows.loc[("p", "tangible_net_worth")]
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == "in_force"  # Texas is a confirmed adopter, total assets given
    assert row["citation"] == "Tex. Fin. Code §152.351(a) (MTMA)"
    assert "total assets" in row["basis"]


def test_net_worth_is_held_once_whatever_the_number_of_states():
    # three model-law states, USD 50 m total assets: still 3 % × 50 m = 1.5 m (not 3 × 1.5 m)
    rows = us_rows(usd(name="p", total_assets=50e6, us_states="TX;SD;NE"))
    assert rows.loc[("p", "tangible_net_worth"), "amount"] == pytest.approx(0.03 * 50e6)


def test_without_total_assets_own_funds_plus_client_money_stand_in_and_the_row_is_assumed():
    # 40 m own funds + 10 m client money = 50 m → 3 % × 50 m = 1.5 m, assumed
    rows = us_rows(usd(name="p", own_funds=40e6, client_fiat=10e6, us_states="TX"))
    row = rows.loc[("p", "tangible_net_worth")]
    assert row["amount"] == pytest.approx(0.03 * (40e6 + 10e6))
    assert row["status"] == "assumed"


# --- us.mtma: surety bonds (SDCL 51A-17-100(2)(a); Neb. Rev. Stat. 8-2731(2)) ---------------------------

@pytest.mark.parametrize("liability, expected", [
    (80_000, 100_000),      # max(100,000, 80,000) = 100,000: the floor
    (2_000_000, 500_000),   # min(500,000, 2 m) = 500,000: the cap
    (300_000, 300_000),     # between floor and cap: 100 % × 300,000
])
def test_one_states_bond(liability, expected):
    rows = us_rows(usd(name="p", client_fiat=liability, us_states="SD"))
    row = rows.loc[("p", "surety_bonds")]
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == "in_force"
    assert rules.state_bond(liability, 100_000, 1.0, 500_000) == pytest.approx(expected)


def test_bonds_add_up_over_states_with_client_money_spread_evenly():
    # USD 900,000 client money over TX, SD, NE (NY has its own law): 300,000 each → 3 × 300,000 = 900,000
    rows = us_rows(usd(name="p", client_fiat=900_000, us_states="TX;SD;NE;NY"))
    row = rows.loc[("p", "surety_bonds")]
    assert row["amount"] == pytest.approx(3 * 300_000)
    assert row["status"] == "assumed"  # the even split of client money over several states is assumed
    # USD 90,000 over the same three: 30,000 each, each bond at the 100,000 floor → 300,000
    rows = us_rows(usd(name="p", client_fiat=90_000, us_states="TX;SD;NE"))
    assert rows.loc[("p", "surety_bonds"), "amount"] == pytest.approx(3 * 100_000)


def test_a_state_the_rulebook_does_not_confirm_is_assessed_as_assumed():
    # Florida is not among the adopters the rulebook names: the model law stands in for it (assumed)
    rows = us_rows(usd(name="p", client_fiat=80_000, total_assets=50e6, us_states="FL"))
    assert rows.loc[("p", "surety_bonds"), "amount"] == pytest.approx(100_000)
    assert rows.loc[("p", "surety_bonds"), "status"] == "assumed"
    assert rows.loc[("p", "tangible_net_worth"), "status"] == "assumed"


def test_without_us_states_one_representative_state_plus_ny_and_ca_are_assumed():
    rows = us_rows(usd(name="p", client_fiat=2_000_000, total_assets=50e6, client_crypto_assets=7e6))
    # one model-law state holds all client money: min(500,000, 2 m) = 500,000
    assert rows.loc[("p", "surety_bonds"), "amount"] == pytest.approx(500_000)
    # New York and California licences assumed: their 1:1 rows hold the USD 7 m client crypto
    assert rows.loc[("p", "ny_customer_crypto_in_kind"), "amount"] == pytest.approx(7e6)
    assert rows.loc[("p", "ca_customer_assets_in_kind"), "amount"] == pytest.approx(7e6)
    for ob in ("tangible_net_worth", "surety_bonds", "ny_customer_crypto_in_kind", "ca_initial_net_worth"):
        assert rows.loc[("p", ob), "status"] == "assumed"


def test_only_ny_and_ca_listed_means_no_model_law_rows():
    rows = us_rows(usd(name="p", client_fiat=1e6, us_states="NY;CA"))
    for ob in ("tangible_net_worth", "surety_bonds", "permissible_investments"):
        assert np.isnan(rows.loc[("p", ob), "amount"])
        assert "no money transmission (model-law) state" in rows.loc[("p", ob), "reason"]


# --- us.mtma: permissible investments (Tex. Fin. Code §152.355) ---------------------------------------------

def test_permissible_investments_cover_client_money_and_crypto_in_states_covering_virtual_currency():
    # TX and ME (ME's law covers virtual currency): 100 % × 4 m client money; 100 % × 1/2 × 6 m client crypto
    rows = us_rows(usd(name="p", client_fiat=4e6, client_crypto_assets=6e6, us_states="TX;ME"))
    assert rows.loc[("p", "permissible_investments"), "amount"] == pytest.approx(1.0 * 4e6)
    assert rows.loc[("p", "permissible_investments_vc"), "amount"] == pytest.approx(1.0 * 0.5 * 6e6)
    # TX alone: its law does not reach virtual currency
    rows = us_rows(usd(name="p", client_fiat=4e6, client_crypto_assets=6e6, us_states="TX"))
    assert rows.loc[("p", "permissible_investments_vc"), "amount"] == 0


# --- us.ny_bitlicense ---------------------------------------------------------------------------------------

def test_new_york_capital_and_bond_have_no_amount_and_the_superintendent_reason():
    rows = us_rows(usd(name="p", client_crypto_assets=3e6, us_states="NY"))
    for ob in ("ny_capital", "ny_bond_or_trust"):
        row = rows.loc[("p", ob)]
        assert np.isnan(row["amount"])
        assert "set by the Superintendent per licensee" in row["reason"]
    assert rows.loc[("p", "ny_capital"), "citation"] == "23 NYCRR §200.8"
    # 1:1 in kind: 1 × USD 3 m
    assert rows.loc[("p", "ny_customer_crypto_in_kind"), "amount"] == pytest.approx(3e6)
    assert rows.loc[("p", "ny_customer_crypto_in_kind"), "citation"].endswith("†")


def test_a_users_new_york_capital_appears_with_the_users_file_as_its_source(tmp_path):
    f = tmp_path / "ny.yaml"
    f.write_text(yaml.safe_dump({"us_ny_capital_requirement": {"unit": "USD", "values": [
        {"effective_from": "2015-06-01", "value": 10_000_000, "status": "in_force",
         "citation": "NYDFS licence conditions (user)"}]}}), encoding="utf-8")
    rows = us_rows(usd(name="p", us_states="NY"), parameters=f)
    row = rows.loc[("p", "ny_capital")]
    assert row["amount"] == pytest.approx(10_000_000)
    assert "user file" in row["citation"] and str(f) in row["citation"]
    assert "USD 10,000,000" in row["basis"]


def test_not_licensed_in_new_york_gives_no_new_york_amount():
    rows = us_rows(usd(name="p", client_crypto_assets=3e6, us_states="TX"))
    assert np.isnan(rows.loc[("p", "ny_customer_crypto_in_kind"), "amount"])
    assert "New York is not among the profile's us_states" in rows.loc[("p", "ny_customer_crypto_in_kind"), "reason"]


# --- us.ca_dfal -------------------------------------------------------------------------------------------

def test_california_from_july_2026():
    p = usd(name="p", client_crypto_assets=2e6, us_states="CA")
    rows = us_rows(p)
    assert rows.loc[("p", "ca_initial_net_worth"), "amount"] == pytest.approx(100_000)
    assert rows.loc[("p", "ca_initial_net_worth"), "status"] == "guidance"
    assert rows.loc[("p", "ca_initial_net_worth"), "citation"].endswith("†")
    assert rows.loc[("p", "ca_customer_assets_in_kind"), "amount"] == pytest.approx(2e6)  # 1 × 2 m
    for ob in ("ca_capital", "ca_bond_or_trust"):
        assert np.isnan(rows.loc[("p", ob), "amount"])
        assert "set by the DFPI" in rows.loc[("p", ob), "reason"]
    before = us_rows(p, as_of=dt.date(2026, 6, 30), fx=fx_snapshot(dt.date(2026, 6, 30)))
    assert np.isnan(before.loc[("p", "ca_initial_net_worth"), "amount"])
    assert "applies from 2026-07-01" in before.loc[("p", "ca_initial_net_worth"), "reason"]


# --- us.genius ------------------------------------------------------------------------------------------

def test_genius_rows_are_enacted_with_no_amount_and_a_note_on_permitted_stablecoins():
    result = compare([usd(name="p")], jurisdictions=["US"], currency="USD", as_of=AS_OF, fx=FX, registry=REG)
    row = result.obligations.set_index("obligation").loc["stablecoin_reserve_custody"]
    assert row["status"] == "enacted" and np.isnan(row["amount"])
    assert "supervised custodians" in row["reason"]
    notes = [w["message"] for w in result.warnings if w.get("jurisdiction") == "US"]
    assert any("from 2028-07-18" in m and "permitted issuers" in m for m in notes)
    assert any("no cold-storage ratio" in m for m in notes)


# --- scope ------------------------------------------------------------------------------------------------

def test_an_advice_only_firm_is_out_of_scope_naming_the_services():
    rows = us_rows(usd(name="p", services="advice", client_fiat=1e6))
    row = rows.loc[("p", "surety_bonds")]
    assert np.isnan(row["amount"])
    assert row["reason"].startswith("not in scope:") and "exchange_fiat" in row["reason"]
    assert rows.loc[("p", "ny_capital"), "reason"].startswith("not in scope:")


# --- costs, stress, plan ------------------------------------------------------------------------------------

def test_bond_cost_uses_the_assumed_surety_premium():
    result = compare([usd(name="p", client_fiat=2e6, us_states="TX")], jurisdictions=["US"], currency="USD",
                     as_of=AS_OF, fx=FX, registry=REG)
    c = result.costs
    bond = c[(c["obligation"] == "surety_bonds")]
    # cheapest form: a surety bond at 2 % (central) of USD 500,000 = USD 10,000 a year
    assert bond["annual_cost"].sum() == pytest.approx(0.02 * 500_000)
    assert "insurance_rate_surety" in " ".join(bond["assumptions"].astype(str))


def test_stress_counts_permissible_investments_in_trust_and_bonds_not_net_worth():
    # ME covers virtual currency: PI 1 × 10 m client crypto in trust; bond min(500,000, 1 m client money)
    result = compare([usd(name="p", client_fiat=1e6, client_crypto_assets=10e6, hot_wallet_share=0.1,
                          total_assets=50e6, us_states="ME")], jurisdictions=["US"], currency="USD", as_of=AS_OF,
                     fx=FX, registry=REG)
    s = stress(result, hot_loss=1.0)
    row = s.table[(s.table["jurisdiction"] == "US") & (s.table["regime"] == "us.mtma")].iloc[0]
    # loss: 100 % of the hot 10 % × 10 m = 1 m; resources 10 m PI + 500,000 bond cover it all
    assert row["customer_loss"] == pytest.approx(0.1 * 10e6)
    assert row["covered"] == pytest.approx(0.1 * 10e6)


def test_a_us_entity_in_a_plan():
    group = dict(usd(name="Group", services="custody;exchange_fiat;trading_platform"), client_crypto_assets=10e9,
                 client_fiat=2e9, own_funds=1e9, total_assets=3e9, hot_wallet_share=0.03)
    r = plan({"name": "t", "as_of": AS_OF.isoformat(), "currency": "USD", "group": group,
              "markets": [{"jurisdiction": "US", "share": 0.25}]}, registry=REG)
    e = r.entities.iloc[0]
    assert e["total_assets"] == pytest.approx(0.25 * 3e9)  # 750 m
    ob = r.obligations.set_index("obligation")
    # 3 m + 2 % × (750 m − 100 m) = 16 m
    assert ob.loc["tangible_net_worth", "amount"] == pytest.approx(3e6 + 0.02 * 650e6)
    # one representative state holds the entity's 0.25 × 2 bn client money: the bond is at its 500,000 cap
    assert ob.loc["surety_bonds", "amount"] == pytest.approx(500_000)
    assert r.market_summary().iloc[0]["annual_cost_ref"] > 0


# --- properties ---------------------------------------------------------------------------------------------

PARAMS = (100_000, 0.03, 100e6, 3e6, 0.02, 1e9, 21e6, 0.005)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e13), st.floats(0, 1e13))
def test_net_worth_never_falls_as_total_assets_rise(a, b):
    lo, hi = sorted((a, b))
    assert rules.tnw_requirement(hi, *PARAMS) >= rules.tnw_requirement(lo, *PARAMS) - 1e-6 * max(1.0, lo)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e12), min_size=1, max_size=20))
def test_each_states_bond_stays_within_floor_and_cap(liabilities):
    bonds = rules.state_bond(np.array(liabilities), 100_000, 1.0, 500_000)
    assert ((bonds >= 100_000) & (bonds <= 500_000)).all()


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 1e11), st.integers(1, 6))
def test_plugin_bond_is_states_times_a_bounded_bond(fiat, k):
    states = ";".join(["TX", "SD", "NE", "AZ", "WV", "IL"][:k])
    rows = us_rows(usd(name="p", client_fiat=fiat, us_states=states))
    amount = rows.loc[("p", "surety_bonds"), "amount"]
    assert k * 100_000 - 1e-6 <= amount <= k * 500_000 + 1e-6


def test_a_plan_share_named_for_total_assets_scales_it():
    group = dict(usd(name="Group"), client_fiat=2e9, own_funds=1e9, total_assets=3e9)
    r = plan({"name": "t", "as_of": AS_OF.isoformat(), "currency": "USD", "group": group,
              "markets": [{"jurisdiction": "US", "share": {"default": 0.5, "total_assets": 0.1}}]}, registry=REG)
    assert r.entities.iloc[0]["total_assets"] == pytest.approx(0.1 * 3e9)  # the named share, not the default
    assert r.entities.iloc[0]["client_fiat"] == pytest.approx(0.5 * 2e9)
