"""Singapore (Payment Services Act 2019, DPT services): worked examples computed by hand from PS Regulations
regs. 12, 13, 13A and MAS's cold-storage guideline (rulebook other_jurisdictions.md §2)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from jurisdictions.framework import ParameterSet, parse_parameters
from jurisdictions.singapore import jurisdiction as SG
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)


def sgd(**kw):
    return make_profile(currency="SGD", **kw)


def sg_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    result = compare(list(profiles), jurisdictions=["SG"], currency="SGD", **kw)
    return result.obligations.set_index(["profile", "obligation"])


def test_base_capital_of_a_major_payment_institution():
    rows = sg_rows(sgd(name="p"))
    row = rows.loc[("p", "base_capital")]
    assert row["amount"] == 250_000  # PS Regulations reg. 12, MPI
    assert (row["status"], row["category"], row["funding_forms"]) == ("in_force", "capital", "own_funds")
    assert "reg. 12" in row["citation"]


@pytest.mark.parametrize(
    "annual_volume, expected, sign",
    [
        (72_000_000, 100_000, "≤"),   # 72,000,000 / 12 = 6,000,000 a month ≤ S$6m → S$100,000
        (72_000_012, 200_000, ">"),   # 72,000,012 / 12 = 6,000,001 a month > S$6m → S$200,000
        (0, 100_000, "≤"),            # no volume: the lower deposit
        (1_200_000_000, 200_000, ">"),  # S$100m a month → S$200,000
    ],
)
def test_security_deposit_on_annual_volume_over_twelve(annual_volume, expected, sign):
    rows = sg_rows(sgd(name="p", annual_trading_volume=annual_volume))
    row = rows.loc[("p", "security_deposit")]
    assert row["amount"] == expected
    # the monthly-transactions proxy is an assumption, so every security-deposit row is assumed
    assert row["status"] == "assumed"
    assert f" {sign} SGD 6,000,000 → SGD {expected:,}" in row["basis"]
    assert "annual volume / 12, assumed" in row["basis"]


def test_cold_storage_shortfall_is_guidance():
    rows = sg_rows(sgd(name="p", client_crypto_assets=1_000_000, hot_wallet_share=0.25),
                   sgd(name="q", client_crypto_assets=1_000_000, hot_wallet_share=0.10))
    # max(0, 0.25 − (1 − 0.90)) × S$1,000,000 = 0.15 × 1,000,000 = S$150,000
    assert rows.loc[("p", "cold_storage_shortfall"), "amount"] == pytest.approx(150_000)
    # exactly at the 10 % hot share the guideline allows: nothing to move
    assert rows.loc[("q", "cold_storage_shortfall"), "amount"] == 0.0
    assert rows.loc[("p", "cold_storage_shortfall"), "status"] == "guidance"
    assert rows.loc[("p", "cold_storage_shortfall"), "basis"] == (
        "max(0, 0.25 hot − 0.1 allowed) × SGD 1,000,000 = SGD 150,000")


def test_customer_dpts_on_trust_and_customer_money():
    rows = sg_rows(sgd(name="p", client_crypto_assets=9_000_000, client_fiat=2_000_000))
    dpt = rows.loc[("p", "client_dpt_trust")]
    assert dpt["amount"] == 9_000_000  # all customer DPTs on trust
    assert (dpt["category"], dpt["funding_forms"], dpt["status"]) == ("custody", "segregation", "in_force")
    cash = rows.loc[("p", "client_money_safeguarding")]
    assert cash["amount"] == 2_000_000  # all customer money safeguarded
    assert (cash["category"], cash["funding_forms"]) == ("client_money", "segregation")
    assert "13A" in cash["citation"]


def test_customer_asset_measures_are_blank_before_4_october_2024():
    rows = sg_rows(sgd(name="p", client_crypto_assets=1e6, hot_wallet_share=0.5, client_fiat=1e6),
                   as_of="2024-10-03")
    for ob in ("cold_storage_shortfall", "client_dpt_trust", "client_money_safeguarding"):
        assert pd_isna(rows.loc[("p", ob), "amount"])
        # the measures of S 287/2024 apply from 2024-10-04 (declared on the obligations): blank before, never 0
        assert rows.loc[("p", ob), "reason"] == f"{ob} (sg.psa_dpt) does not apply on 2024-10-03 (applies from 2024-10-04)"
    assert rows.loc[("p", "base_capital"), "amount"] == 250_000  # capital rules already applied
    on_the_day = sg_rows(sgd(name="p", client_crypto_assets=1e6, hot_wallet_share=0.5), as_of="2024-10-04")
    # max(0, 0.5 − 0.1) × 1,000,000 = S$400,000
    assert on_the_day.loc[("p", "cold_storage_shortfall"), "amount"] == pytest.approx(400_000)


def test_before_the_act_commenced_everything_is_blank():
    rows = sg_rows(sgd(name="p"), as_of="2020-01-27")
    assert rows["amount"].isna().all()
    assert rows["reason"].str.contains("applies from 2020-01-28").all()


def test_threshold_is_data_a_user_can_override():
    override = parse_parameters({"sg_mpi_deposit_threshold": {"values": [
        {"effective_from": "2026-01-01", "value": 10_000_000, "status": "assumed", "citation": "what-if"}]}},
        "what-if.yaml")
    rows = sg_rows(sgd(name="p", annual_trading_volume=96_000_000), parameters=override)
    # 96,000,000 / 12 = 8,000,000 ≤ 10,000,000 (overridden threshold) → S$100,000
    assert rows.loc[("p", "security_deposit"), "amount"] == 100_000
    assert isinstance(override, ParameterSet)


def test_scope_dpt_services_and_assumed_mappings():
    rows = sg_rows(sgd(name="adviser", services="advice;portfolio_management", client_crypto_assets=1e6),
                   sgd(name="custodian", services="custody", client_crypto_assets=3_000_000, client_fiat=500_000),
                   sgd(name="dealer", services="exchange_crypto", client_crypto_assets=3_000_000))
    # advice and portfolio management are not DPT services: blank rows naming what would bring the firm in
    adviser = rows.loc["adviser"]
    assert adviser["amount"].isna().all()
    assert adviser["reason"].str.startswith("not in scope: sg.psa_dpt applies to DPT service providers").all()
    assert adviser["reason"].str.contains("exchange_fiat, exchange_crypto, trading_platform, custody").all()
    # custody alone is a DPT service only under an assumed reading: same amounts, every row assumed
    custodian = rows.loc["custodian"]
    assert custodian.loc["base_capital", "amount"] == 250_000
    assert custodian.loc["client_dpt_trust", "amount"] == 3_000_000  # 1.0 × S$3,000,000 on trust
    assert custodian.loc["client_money_safeguarding", "amount"] == 500_000  # 1.0 × S$500,000
    assert (custodian["status"] == "assumed").all()
    # dealing in DPTs is a DPT service: the in-force rows stay in force
    assert rows.loc[("dealer", "base_capital"), "status"] == "in_force"
    assert rows.loc[("dealer", "client_dpt_trust"), "status"] == "in_force"


def test_deposit_status_comes_from_the_deposit_that_applies():
    # a what-if: the proxy checked (in force), the S$200,000 deposit only assumed; the S$100,000 rows keep in_force
    override = parse_parameters({
        "sg_monthly_transactions_proxy": {"values": [
            {"effective_from": "2026-01-01", "value": 12, "status": "in_force", "citation": "checked"}]},
        "sg_mpi_security_deposit_high": {"values": [
            {"effective_from": "2026-01-01", "value": 200_000, "status": "assumed", "citation": "what-if"}]}},
        "what-if.yaml")
    rows = sg_rows(sgd(name="small", annual_trading_volume=60_000_000),
                   sgd(name="large", annual_trading_volume=120_000_000), parameters=override)
    # 60 m / 12 = 5 m ≤ 6 m → S$100,000 (in force); 120 m / 12 = 10 m > 6 m → S$200,000 (assumed)
    assert rows.loc[("small", "security_deposit"), ["amount", "status"]].tolist() == [100_000, "in_force"]
    assert rows.loc[("large", "security_deposit"), ["amount", "status"]].tolist() == [200_000, "assumed"]


def test_spec_fields():
    params = SG.parameters()
    for spec in SG.obligations:
        assert spec.absorbs == ""  # no Singapore resource is mandated to absorb customer losses
        for pid in spec.parameters:
            assert params.latest(pid).citation
    assert SG.spec("base_capital").overlap_group == SG.spec("security_deposit").overlap_group == "sg.capital"


def pd_isna(x) -> bool:
    return x != x


money = st.floats(min_value=0, max_value=1e13, allow_nan=False)
share = st.floats(min_value=0, max_value=1)


@settings(max_examples=40, deadline=None)
@given(volume=money, more=money, assets=money, more_assets=money, hot=share)
def test_amounts_never_negative_and_never_fall_with_size(volume, more, assets, more_assets, hot):
    base = sgd(name="base", annual_trading_volume=volume, client_crypto_assets=assets, hot_wallet_share=hot)
    bigger = dict(base, name="bigger", annual_trading_volume=volume + more, client_crypto_assets=assets + more_assets)
    rows = sg_rows(base, bigger)
    assert (rows["amount"] >= 0).all()
    for ob in ("security_deposit", "cold_storage_shortfall", "client_dpt_trust"):
        assert rows.loc[("bigger", ob), "amount"] >= rows.loc[("base", ob), "amount"]
    assert rows.loc[("base", "security_deposit"), "amount"] in (100_000, 200_000)
