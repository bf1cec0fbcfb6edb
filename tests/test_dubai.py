"""Dubai VARA: worked examples computed by hand from Company Rulebook Part VI Rules VI.B-E (rulebook
other_jurisdictions.md §3), with the assumed mapping of profile services to VARA activities."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.sensitivity import override
from jurisdictions.dubai import jurisdiction as AE
from jurisdictions.framework import SERVICES
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)


def aed(**kw):
    return make_profile(currency="AED", **kw)


def ae_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    result = compare(list(profiles), jurisdictions=["AE"], currency="AED", **kw)
    return result.obligations.set_index(["profile", "obligation"])


@pytest.mark.parametrize(
    "services, fao, expected, status",
    [
        # Custody: max(AED 600,000, 0.25 × 1,000,000 = 250,000) = 600,000 (direct mapping: in_force)
        ("custody", 1_000_000, 600_000, "in_force"),
        # Custody: max(600,000, 0.25 × 4,000,000 = 1,000,000) = 1,000,000
        ("custody", 4_000_000, 1_000_000, "in_force"),
        # platform + custody + exchange_fiat (conversion on the platform: Exchange, assumed):
        # Exchange max(1,500,000, 0.25 × 8,000,000 = 2,000,000) + Custody max(600,000, 2,000,000) = 4,000,000
        ("trading_platform;custody;exchange_fiat", 8_000_000, 4_000_000, "assumed"),
        # platform + custody, small FAO: 1,500,000 + 600,000 = 2,100,000 (cumulative, Rule VI.B.2)
        ("trading_platform;custody", 0, 2_100_000, "in_force"),
        # exchange_fiat without a platform → Broker-Dealer max(600,000, 0.25 × 1,000,000) = 600,000 (assumed)
        ("exchange_fiat", 1_000_000, 600_000, "assumed"),
        # Advisory: fixed AED 100,000 only, whatever the overheads
        ("advice", 10_000_000, 100_000, "in_force"),
        # VA Management and Investment 500,000 + VA Transfer and Settlement 500,000 = 1,000,000
        ("portfolio_management;transfer", 0, 1_000_000, "in_force"),
        # execution + reception: one Broker-Dealer activity, max(600,000, 0.25 × 3,000,000 = 750,000) = 750,000
        ("execution;reception_transmission", 3_000_000, 750_000, "assumed"),
    ],
)
def test_paid_up_capital(services, fao, expected, status):
    rows = ae_rows(aed(name="p", services=services, fixed_overheads=fao))
    row = rows.loc[("p", "paid_up_capital")]
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == status
    assert row["basis"].endswith(f"= AED {expected:,}")
    assert (row["category"], row["funding_forms"]) == ("capital", "own_funds")
    assert "VI.B.1" in row["citation"]


def test_capital_status_comes_from_the_binding_term_of_the_activities_needed():
    # the Exchange FAO share replaced by an assumed what-if value (same 0.25): it decides only rows that need
    # Exchange and where 25 % of overheads beats the AED 1.5 m fixed amount
    what_if = override(AE.parameters(), "ae_capital_exchange_fao_share", 0.25)
    rows = ae_rows(aed(name="big", services="trading_platform", fixed_overheads=8_000_000),
                   aed(name="small", services="trading_platform", fixed_overheads=1_000_000),
                   aed(name="custody", services="custody", fixed_overheads=8_000_000), parameters=what_if)
    big, small, custody = (rows.loc[(n, "paid_up_capital")] for n in ("big", "small", "custody"))
    assert (big["amount"], big["status"]) == (pytest.approx(0.25 * 8_000_000), "assumed")  # 2 m > 1.5 m
    assert (small["amount"], small["status"]) == (pytest.approx(1_500_000), "in_force")  # 0.25 × 1 m < 1.5 m
    assert (custody["amount"], custody["status"]) == (pytest.approx(0.25 * 8_000_000), "in_force")  # no Exchange


def test_paid_up_capital_basis_lists_each_activity():
    rows = ae_rows(aed(name="p", services="trading_platform;custody", fixed_overheads=8_000_000))
    assert rows.loc[("p", "paid_up_capital"), "basis"] == (
        "Exchange max(AED 1,500,000, 0.25 × AED 8,000,000) + Custody max(AED 600,000, 0.25 × AED 8,000,000)"
        " = AED 4,000,000")


def test_net_liquid_assets():
    rows = ae_rows(aed(name="p", annual_operating_expenses=12_000_000))
    row = rows.loc[("p", "net_liquid_assets")]
    # 1.2 × (12,000,000 / 12 = 1,000,000 a month) = AED 1,200,000
    assert row["amount"] == pytest.approx(1_200_000)
    assert row["basis"] == "1.2 × AED 1,000,000 monthly opex (annual / 12) = AED 1,200,000"
    assert (row["category"], row["status"]) == ("liquidity", "in_force")


def test_reserve_assets_are_custody_in_kind():
    rows = ae_rows(aed(name="p", client_crypto_assets=5_000_000_000, hot_wallet_share=0.1))
    row = rows.loc[("p", "reserve_assets")]
    assert row["amount"] == 5_000_000_000  # 100 % of client liabilities, 1:1 in the same asset
    assert (row["category"], row["funding_forms"]) == ("custody", "same_kind_crypto")
    spec = AE.spec("reserve_assets")
    assert spec.absorbs == ""  # the reserve is the clients' own assets: it absorbs none of their loss


def test_hot_wallet_insurance_has_no_amount_but_a_reason():
    rows = ae_rows(aed(name="hot", client_crypto_assets=1_000_000, hot_wallet_share=0.2),
                   aed(name="cold", client_crypto_assets=1_000_000, hot_wallet_share=0.0))
    hot = rows.loc[("hot", "hot_wallet_insurance")]
    assert hot["amount"] != hot["amount"]  # NaN
    assert "sets no amount" in hot["reason"]
    assert hot["basis"] == "no amount"  # a row without an amount has no formula line (framework text)
    assert (hot["status"], hot["citation"]) == ("in_force", "VARA Company Rulebook Rule VI.D")
    assert rows.loc[("cold", "hot_wallet_insurance"), "amount"] == 0.0
    assert rows.loc[("cold", "hot_wallet_insurance"), "reason"] == ""
    assert rows.loc[("cold", "hot_wallet_insurance"), "basis"] == "no virtual assets in hot wallets = AED 0"


def test_scope_every_service_is_a_vara_activity_some_by_assumption():
    scope = AE.regime("ae.vara").scope
    assert sorted(scope.services + scope.assumed_services) == sorted(SERVICES)  # each service exactly once
    assert set(scope.assumed_services) == {"execution", "placing", "reception_transmission", "exchange_fiat",
                                           "exchange_crypto"}
    rows = ae_rows(aed(name="dealer", services="exchange_fiat", annual_operating_expenses=12_000_000),
                   aed(name="custodian", services="custody;exchange_fiat", annual_operating_expenses=12_000_000))
    # a dealer is under VARA only through the assumed mapping (Broker-Dealer): every row is assumed
    assert (rows.loc["dealer", "status"] == "assumed").all()
    assert rows.loc[("dealer", "net_liquid_assets"), "amount"] == pytest.approx(1.2 * 12_000_000 / 12)
    # a custodian is in scope for sure; only its capital rests on the mapping (Custody + Broker-Dealer
    # 600,000 + 600,000 = AED 1,200,000 with no overheads)
    assert rows.loc[("custodian", "net_liquid_assets"), "status"] == "in_force"
    assert rows.loc[("custodian", "paid_up_capital"), "status"] == "assumed"
    assert rows.loc[("custodian", "paid_up_capital"), "amount"] == pytest.approx(600_000 + 600_000)
    assert not rows["reason"].str.startswith("not in scope").any()


def test_before_the_regulations_rows_are_blank():
    rows = ae_rows(aed(name="p"), as_of="2023-02-06")
    assert rows["amount"].isna().all()
    assert rows["reason"].str.contains("applies from 2023-02-07").all()


def test_capital_and_liquidity_share_an_overlap_group():
    assert AE.spec("paid_up_capital").overlap_group == AE.spec("net_liquid_assets").overlap_group == "ae.prudential"
    assert AE.parameters().latest("ae_service_activity_map").status == "assumed"


service_sets = st.sets(st.sampled_from(SERVICES), min_size=1)
money = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(services=service_sets, extra=st.sampled_from(SERVICES), fao=money, rise=money, opex=money)
def test_capital_never_falls_with_more_services_or_overheads(services, extra, fao, rise, opex):
    base = aed(name="base", services=";".join(sorted(services)), fixed_overheads=fao, annual_operating_expenses=opex)
    more_fao = dict(base, name="more_fao", fixed_overheads=fao + rise)
    more_svc = dict(base, name="more_svc", services=";".join(sorted(services | {extra})))
    rows = ae_rows(base, more_fao, more_svc)
    assert (rows["amount"].dropna() >= 0).all()
    a = rows.loc[("base", "paid_up_capital"), "amount"]
    assert rows.loc[("more_fao", "paid_up_capital"), "amount"] >= a
    assert rows.loc[("more_svc", "paid_up_capital"), "amount"] >= a
    assert a >= 100_000  # at least the smallest activity amount (Advisory)
