"""South Korea (Virtual Asset User Protection Act): worked examples computed by hand from the Enforcement
Decree as pre-announced (rulebook other_jurisdictions.md §1)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.explain import explain
from jurisdictions.south_korea import jurisdiction as KR
from tests.conftest import AS_OF, make_profile

TN = 1_000_000_000_000
BN = 1_000_000_000


def krw(**kw):
    return make_profile(currency="KRW", **kw)


FX = fx_snapshot(AS_OF)  # read the ECB history once for the whole module


def kr_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    result = compare(list(profiles), jurisdictions=["KR"], currency="KRW", **kw)
    return result.obligations.set_index(["profile", "obligation"])


@pytest.mark.parametrize(
    "hot_share, expected",
    [
        (0.30, 100 * BN),  # max(0, 0.30 − (1 − 0.80)) × KRW 1 tn = 0.10 × 1 tn = KRW 100 bn
        (0.20, 0.0),       # exactly at the 20 % hot cap: nothing to move
        (0.15, 0.0),       # below the cap: max(0, 0.15 − 0.20) = 0
        (1.00, 800 * BN),  # everything hot: 0.80 × 1 tn must move to cold wallets
    ],
)
def test_cold_storage_shortfall(hot_share, expected):
    rows = kr_rows(krw(name="p", client_crypto_assets=TN, hot_wallet_share=hot_share))
    row = rows.loc[("p", "cold_storage_shortfall")]
    assert row["amount"] == pytest.approx(expected)
    assert row["category"] == "custody"
    assert row["status"] == "in_force"  # in_force † in the rulebook: the dagger is in the parameter note
    assert "art. 6" in row["citation"]


@pytest.mark.parametrize(
    "services, assets, hot, expected, floor_label",
    [
        # KRW market (exchange_fiat): max(KRW 3 bn, 0.05 × 0.10 × 1 tn = 5 bn) = KRW 5 bn
        ("custody;exchange_fiat", TN, 0.10, 5 * BN, "KRW-market floor"),
        # KRW market: max(3 bn, 0.05 × 0.02 × 1 tn = 1 bn) = KRW 3 bn (floor binds)
        ("custody;exchange_fiat", TN, 0.02, 3 * BN, "KRW-market floor"),
        # coin-only exchange: max(0.5 bn, 0.05 × 0.02 × 1 tn = 1 bn) = KRW 1 bn
        ("trading_platform;exchange_crypto", TN, 0.02, 1 * BN, "coin-market/custody floor"),
        # custody provider: max(0.5 bn, 0.05 × 0.04 × 100 bn = 0.2 bn) = KRW 0.5 bn (floor binds)
        ("custody", 100 * BN, 0.04, 0.5 * BN, "coin-market/custody floor"),
    ],
)
def test_hot_wallet_cover(services, assets, hot, expected, floor_label):
    rows = kr_rows(krw(name="p", services=services, client_crypto_assets=assets, hot_wallet_share=hot))
    row = rows.loc[("p", "hot_wallet_cover")]
    assert row["amount"] == pytest.approx(expected)
    assert floor_label in row["basis"]
    assert row["basis"].endswith(f"= KRW {expected:,.0f}")
    assert row["funding_forms"] == "insurance;own_funds"
    assert row["category"] == "loss_cover"
    assert row["status"] == "in_force"


def test_hot_wallet_cover_basis_text():
    rows = kr_rows(krw(name="p", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.10))
    assert rows.loc[("p", "hot_wallet_cover"), "basis"] == (
        "max(KRW 3,000,000,000 [KRW-market floor], 0.05 × KRW 100,000,000,000 hot) = KRW 5,000,000,000")


def test_no_cover_for_a_firm_that_holds_no_users_assets():
    # an adviser with no users' virtual assets is neither an exchange nor a wallet/custody provider: KRW 0
    rows = kr_rows(krw(name="adviser", services="advice", client_crypto_assets=0.0),
                   krw(name="adviser_holding", services="advice", client_crypto_assets=10 * BN, hot_wallet_share=0.1))
    assert rows.loc[("adviser", "hot_wallet_cover"), "amount"] == 0.0
    # holding users' assets brings the 0.5 bn floor: max(0.5 bn, 0.05 × 0.1 × 10 bn = 0.05 bn) = 0.5 bn
    assert rows.loc[("adviser_holding", "hot_wallet_cover"), "amount"] == pytest.approx(0.5 * BN)


def test_client_fiat_deposit_and_in_kind_holding():
    rows = kr_rows(krw(name="p", client_fiat=250 * BN, client_crypto_assets=TN, hot_wallet_share=0.05))
    fiat = rows.loc[("p", "client_fiat_deposit")]
    assert fiat["amount"] == 250 * BN  # 100 % of users' KRW deposits with a bank (Act art. 6)
    assert (fiat["category"], fiat["funding_forms"]) == ("client_money", "segregation")
    held = rows.loc[("p", "client_crypto_in_kind")]
    assert held["amount"] == TN  # 1:1 of what is owed to users
    assert (held["category"], held["funding_forms"]) == ("custody", "same_kind_crypto")


def test_usd_profile_is_converted_into_krw():
    krw_per_usd = FX.rate("USD", "KRW")
    usd = make_profile(name="usd", currency="USD", services="custody;exchange_fiat",
                       client_crypto_assets=1e9, hot_wallet_share=0.1)
    rows = kr_rows(usd)
    # 0.05 × 0.1 × USD 1 bn = USD 5 m, in KRW; compared with the KRW 3 bn floor
    assert rows.loc[("usd", "hot_wallet_cover"), "amount"] == pytest.approx(max(3 * BN, 5e6 * krw_per_usd))
    assert rows.loc[("usd", "hot_wallet_cover"), "currency"] == "KRW"


def test_before_the_act_applies_rows_are_blank_with_reason():
    rows = kr_rows(krw(name="p", client_crypto_assets=TN, hot_wallet_share=0.3), as_of="2024-07-18")
    assert rows["amount"].isna().all()
    assert rows["reason"].str.contains("applies from 2024-07-19").all()
    assert len(kr_rows(krw(name="p"), as_of="2024-07-19")["amount"].dropna()) == 4


def test_spec_fields_for_costs_and_stress():
    cover = KR.spec("hot_wallet_cover")
    assert (cover.insurance_kind, cover.absorbs, cover.ring_fenced) == ("hot", "hot", True)
    assert set(cover.funding_forms) == {"insurance", "own_funds"}
    assert KR.spec("cold_storage_shortfall").absorbs == ""
    params = KR.parameters()
    for spec in KR.obligations:
        for pid in spec.parameters:
            assert params.at(pid, AS_OF).citation  # every parameter named by a spec exists and is cited
    assert params.at("kr_hot_cover_combination", AS_OF).status == "assumed"
    assert "†" in params.at("kr_cold_min_share", AS_OF).note


def test_explain_hot_wallet_cover():
    ex = explain([krw(name="p", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.1)],
                 "p", "KR", "hot_wallet_cover", as_of=AS_OF)
    assert ex.inputs["hot_wallet_share"] == 0.1
    assert "kr_hot_cover_ratio" in set(ex.parameters["id"])
    assert ex.rows["amount"].iloc[0] == pytest.approx(5 * BN)


money = st.floats(min_value=0, max_value=1e15, allow_nan=False)
share = st.floats(min_value=0, max_value=1)
services = st.sampled_from(["custody", "custody;exchange_fiat", "trading_platform;exchange_crypto", "advice"])


@settings(max_examples=60, deadline=None)
@given(svc=services, assets=money, more=money, hot=share)
def test_more_client_assets_never_lower_cover_and_amounts_never_negative(svc, assets, more, hot):
    base = krw(name="base", services=svc, client_crypto_assets=assets, hot_wallet_share=hot)
    bigger = dict(base, name="bigger", client_crypto_assets=assets + more)
    rows = kr_rows(base, bigger)
    assert (rows["amount"] >= 0).all()
    for ob in ("hot_wallet_cover", "cold_storage_shortfall", "client_crypto_in_kind"):
        assert rows.loc[("bigger", ob), "amount"] >= rows.loc[("base", ob), "amount"]
    a = rows.loc[("base", "hot_wallet_cover"), "amount"]
    assert a >= 0.05 * hot * assets * (1 - 1e-12)  # never below 5 % of the hot-wallet value
    assert rows.loc[("base", "cold_storage_shortfall"), "amount"] <= assets * (1 + 1e-12)
    assert not math.isnan(a)
