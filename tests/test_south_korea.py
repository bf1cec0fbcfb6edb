"""South Korea (Virtual Asset User Protection Act): worked examples computed by hand from the Enforcement
Decree as pre-announced (rulebook other_jurisdictions.md §1)."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.explain import explain
from comparisons.sensitivity import override
from jurisdictions.framework import validate_frame
from jurisdictions.south_korea import COLD, FIAT, HOT, IN_KIND, jurisdiction as KR
from tests.conftest import AS_OF, make_profile

TN = 1_000_000_000_000
BN = 1_000_000_000


def krw(**kw):
    return make_profile(currency="KRW", **kw)


FX = fx_snapshot(AS_OF)  # read the ECB history once for the whole module


def kr_rows(*profiles, fiat_markets=None, parameters=None, **kw):
    """Rows through ``compare`` (``fiat_markets``: that Contract 1 field of every profile; "none": no fiat
    market); with ``parameters``, the plug-in's ``assess`` on the KRW profiles."""
    if fiat_markets is not None:
        profiles = tuple(dict(p, fiat_markets=fiat_markets) for p in profiles)
    if parameters is not None:
        frame = validate_frame(pd.DataFrame(list(profiles)), source="test")
        return KR.assess(frame, AS_OF, parameters=parameters).set_index(["profile", "obligation"])
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
    assert row["status"] == "in_force"
    assert row["citation"] == COLD + " †"  # kr_cold_min_share is in_force † in the rulebook (decree pre-announced)


@pytest.mark.parametrize(
    "services, markets, assets, hot, expected, floor_label",
    [
        # KRW market (fiat exchange, KRW profile): max(KRW 3 bn, 0.05 × 0.10 × 1 tn = 5 bn) = KRW 5 bn
        ("custody;exchange_fiat", None, TN, 0.10, 5 * BN, "KRW-market floor"),
        # KRW market: max(3 bn, 0.05 × 0.02 × 1 tn = 1 bn) = KRW 3 bn (floor binds)
        ("custody;exchange_fiat", None, TN, 0.02, 3 * BN, "KRW-market floor"),
        # a platform whose fiat market is KRW (the profile's currency by default): max(3 bn, 1 bn) = KRW 3 bn
        ("trading_platform;exchange_crypto", None, TN, 0.02, 3 * BN, "KRW-market floor"),
        # coin-only exchange (no fiat market): max(0.5 bn, 0.05 × 0.02 × 1 tn = 1 bn) = KRW 1 bn
        ("trading_platform;exchange_crypto", "none", TN, 0.02, 1 * BN, "coin-market/custody floor"),
        # fiat exchange whose fiat market is USD, not KRW: max(0.5 bn, 1 bn) = KRW 1 bn
        ("custody;exchange_fiat", "USD", TN, 0.02, 1 * BN, "coin-market/custody floor"),
        # custody provider (runs no market, even in KRW): max(0.5 bn, 0.05 × 0.04 × 100 bn = 0.2 bn) = KRW 0.5 bn
        ("custody", None, 100 * BN, 0.04, 0.5 * BN, "coin-market/custody floor"),
    ],
)
def test_hot_wallet_cover(services, markets, assets, hot, expected, floor_label):
    rows = kr_rows(krw(name="p", services=services, client_crypto_assets=assets, hot_wallet_share=hot),
                   fiat_markets=markets)
    row = rows.loc[("p", "hot_wallet_cover")]
    assert row["amount"] == pytest.approx(expected)
    assert floor_label in row["basis"]
    assert row["basis"].endswith(f"= KRW {expected:,.0f}")
    assert row["funding_forms"] == "insurance;own_funds"
    assert row["category"] == "loss_cover"
    assert row["status"] == "in_force"
    assert row["citation"] == HOT + " †"  # floors and ratio are in_force † (decree as pre-announced)


def test_status_and_dagger_come_from_the_term_that_binds():
    # kr_hot_cover_ratio replaced by an assumed what-if value (not flagged †): rows where 5 % of the hot value
    # binds are assumed and cite the decree without †; rows where the † floor binds stay in_force †
    params = KR.parameters(override(KR.parameters(), "kr_hot_cover_ratio", 0.05))
    rows = kr_rows(krw(name="ratio", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.1),
                   krw(name="floor", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.02),
                   parameters=params)
    ratio, floor = rows.loc[("ratio", "hot_wallet_cover")], rows.loc[("floor", "hot_wallet_cover")]
    assert ratio["amount"] == pytest.approx(0.05 * 0.1 * TN)  # 5 bn > the KRW 3 bn floor
    assert (ratio["status"], ratio["citation"]) == ("assumed", HOT)
    assert floor["amount"] == pytest.approx(3 * BN)  # 0.05 × 0.02 × 1 tn = 1 bn < 3 bn
    assert (floor["status"], floor["citation"]) == ("in_force", HOT + " †")


def test_scope_vasps_only_and_assumed_mapping():
    rows = kr_rows(krw(name="adviser", services="advice;portfolio_management", client_crypto_assets=TN),
                   krw(name="dealer", services="exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.1),
                   krw(name="exchange", services="trading_platform;exchange_fiat", client_crypto_assets=TN))
    adviser = rows.loc["adviser"]
    assert adviser["amount"].isna().all() and len(adviser) == 5  # 4 rows of the Act, 1 of the bank guideline
    adviser = adviser.drop(index="bank_guideline_reserve")
    for reason in adviser["reason"]:
        assert reason.startswith("not in scope: kr.vaupa applies to virtual asset service providers")
        assert "would apply with services custody, trading_platform, exchange_fiat" in reason
    # a dealer exchanging virtual assets for won is a VASP (and runs a KRW market) only under the assumed
    # mappings: every row assumed
    assert (rows.loc["dealer", "status"] == "assumed").all()
    assert rows.loc[("dealer", "hot_wallet_cover"), "amount"] == pytest.approx(5 * BN)  # max(3 bn, 0.05 × 0.1 × 1 tn)
    exchange = rows.loc["exchange", "status"]
    assert (exchange.drop(index="bank_guideline_reserve") == "in_force").all()  # the Act names exchanges
    assert exchange["bank_guideline_reserve"] == "guidance"  # a banks' guideline, not the Act
    rows = kr_rows(krw(name="p", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.10))
    assert rows.loc[("p", "hot_wallet_cover"), "basis"] == (
        "max(KRW 3,000,000,000 [KRW-market floor], 0.05 × KRW 100,000,000,000 hot) = KRW 5,000,000,000")


def test_no_cover_for_a_firm_that_holds_no_users_assets():
    # a broker (in scope, assumed) with no users' virtual assets is neither an exchange nor a wallet/custody
    # provider: no floor, KRW 0
    rows = kr_rows(krw(name="broker", services="reception_transmission", client_crypto_assets=0.0),
                   krw(name="broker_holding", services="reception_transmission", client_crypto_assets=10 * BN,
                       hot_wallet_share=0.1))
    assert rows.loc[("broker", "hot_wallet_cover"), "amount"] == 0.0
    # holding users' assets but running no market brings the 0.5 bn floor: max(0.5 bn, 0.05 × 0.1 × 10 bn) = 0.5 bn
    assert rows.loc[("broker_holding", "hot_wallet_cover"), "amount"] == pytest.approx(0.5 * BN)


def test_client_fiat_deposit_and_in_kind_holding():
    rows = kr_rows(krw(name="p", client_fiat=250 * BN, client_crypto_assets=TN, hot_wallet_share=0.05))
    fiat = rows.loc[("p", "client_fiat_deposit")]
    assert fiat["amount"] == 250 * BN  # 100 % of users' KRW deposits with a bank (Act art. 6)
    assert (fiat["category"], fiat["funding_forms"]) == ("client_money", "segregation")
    held = rows.loc[("p", "client_crypto_in_kind")]
    assert held["amount"] == TN  # 1:1 of what is owed to users
    assert (held["category"], held["funding_forms"]) == ("custody", "same_kind_crypto")
    assert fiat["citation"] == FIAT  # kr_fiat_at_bank_share is in_force without † in the rulebook
    assert held["citation"] == IN_KIND + " †"  # kr_in_kind_holding is in_force †


def test_usd_profile_is_converted_into_krw():
    krw_per_usd = FX.rate("USD", "KRW")
    usd = make_profile(name="usd", currency="USD", services="custody;exchange_fiat",
                       client_crypto_assets=1e9, hot_wallet_share=0.1)
    rows = kr_rows(usd)
    # 0.05 × 0.1 × USD 1 bn = USD 5 m, in KRW; its fiat market is USD (its currency), not KRW: compared with the
    # KRW 0.5 bn coin-market floor (before issue 14 any exchange_fiat service brought the KRW 3 bn floor)
    assert rows.loc[("usd", "hot_wallet_cover"), "amount"] == pytest.approx(max(0.5 * BN, 5e6 * krw_per_usd))
    assert "[coin-market/custody floor]" in rows.loc[("usd", "hot_wallet_cover"), "basis"]
    assert rows.loc[("usd", "hot_wallet_cover"), "currency"] == "KRW"


def test_before_the_act_applies_rows_are_blank_with_reason():
    rows = kr_rows(krw(name="p", client_crypto_assets=TN, hot_wallet_share=0.3), as_of="2024-07-18")
    act = rows.drop(index=("p", "bank_guideline_reserve"))
    assert act["amount"].isna().all()
    assert act["reason"].str.contains("applies from 2024-07-19").all()
    # the banks' guideline (from 2023-09) already applies: floor KRW 3 bn, as client_fiat is 0
    assert rows.loc[("p", "bank_guideline_reserve"), "amount"] == 3 * BN
    assert len(kr_rows(krw(name="p"), as_of="2024-07-19")["amount"].dropna()) == 5


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
    flagged = {"kr_cold_min_share", "kr_hot_cover_ratio", "kr_hot_cover_floor_krw_market",
               "kr_hot_cover_floor_coin_market_custody", "kr_in_kind_holding",  # in_force † in rulebook §1.2
               "kr_bank_guideline_reserve_rate", "kr_bank_guideline_reserve_floor",
               "kr_bank_guideline_reserve_cap"}  # guidance † (added rows of §1.2)
    assert {pid for pid in params.ids() if params.latest(pid).unverified} == flagged


def test_explain_hot_wallet_cover():
    ex = explain([krw(name="p", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.1)],
                 "p", "KR", "hot_wallet_cover", as_of=AS_OF)
    assert ex.inputs["hot_wallet_share"] == 0.1
    assert "kr_hot_cover_ratio" in set(ex.parameters["id"])
    assert ex.rows["amount"].iloc[0] == pytest.approx(5 * BN)


money = st.floats(min_value=0, max_value=1e15, allow_nan=False)
share = st.floats(min_value=0, max_value=1)
services = st.sampled_from(["custody", "custody;exchange_fiat", "trading_platform;exchange_crypto",
                            "reception_transmission"])


@settings(max_examples=60, deadline=None)
@given(svc=services, assets=money, more=money, hot=share)
def test_more_client_assets_never_lower_cover_and_amounts_never_negative(svc, assets, more, hot):
    base = krw(name="base", services=svc, client_crypto_assets=assets, hot_wallet_share=hot)
    bigger = dict(base, name="bigger", client_crypto_assets=assets + more)
    rows = kr_rows(base, bigger)
    assert (rows["amount"].dropna() >= 0).all()
    assert rows["amount"].isna().sum() == rows["reason"].astype(bool).sum()  # no amount only with a reason
    for ob in ("hot_wallet_cover", "cold_storage_shortfall", "client_crypto_in_kind"):
        assert rows.loc[("bigger", ob), "amount"] >= rows.loc[("base", ob), "amount"]
    a = rows.loc[("base", "hot_wallet_cover"), "amount"]
    assert a >= 0.05 * hot * assets * (1 - 1e-12)  # never below 5 % of the hot-wallet value
    assert rows.loc[("base", "cold_storage_shortfall"), "amount"] <= assets * (1 + 1e-12)
    assert not math.isnan(a)


# --- the banks' guideline on real-name accounts: hacking-compensation reserve (guidance †) -------------------

@pytest.mark.parametrize(
    "deposits, expected",
    [
        (50 * BN, 0.3 * 50 * BN),  # 0.3 × KRW 50 bn = KRW 15 bn, between the 3 bn floor and the 20 bn cap
        (100 * BN, 20 * BN),       # 0.3 × KRW 100 bn = KRW 30 bn, capped at KRW 20 bn
        (5 * BN, 3 * BN),          # 0.3 × KRW 5 bn = KRW 1.5 bn, raised to the KRW 3 bn floor
    ],
)
def test_bank_guideline_reserve_for_a_krw_market(deposits, expected):
    rows = kr_rows(krw(name="x", services="trading_platform;exchange_fiat", client_fiat=deposits),
                   fiat_markets="KRW")
    row = rows.loc[("x", "bank_guideline_reserve")]
    assert row["amount"] == pytest.approx(expected)
    assert (row["regime"], row["status"], row["category"]) == ("kr.bank_guideline", "guidance", "loss_cover")
    assert row["citation"].endswith(" †")
    assert "client_fiat as proxy" in row["basis"] and "daily average user deposits" in row["basis"]


def test_bank_guideline_reserve_basis_and_who_is_out_of_scope():
    rows = kr_rows(krw(name="x", services="trading_platform", client_fiat=50 * BN), fiat_markets="KRW")
    assert rows.loc[("x", "bank_guideline_reserve"), "basis"] == (
        "min(KRW 20,000,000,000 [cap], max(KRW 3,000,000,000 [floor], 0.3 × KRW 50,000,000,000 [daily average "
        "user deposits: client_fiat as proxy])) = KRW 15,000,000,000")
    out = kr_rows(krw(name="usd_market", services="trading_platform", client_fiat=50 * BN), fiat_markets="USD")
    row = out.loc[("usd_market", "bank_guideline_reserve")]
    assert math.isnan(row["amount"])
    assert row["reason"].startswith("not in scope: kr.bank_guideline") and "a fiat market in KRW" in row["reason"]


def test_bank_guideline_reserve_counts_as_cover_for_customer_losses():
    spec = KR.spec("bank_guideline_reserve")
    assert (spec.absorbs, spec.ring_fenced, spec.category) == ("any", True, "loss_cover")


@settings(max_examples=60, deadline=None)
@given(deposits=st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_bank_guideline_reserve_stays_within_floor_and_cap(deposits):
    rows = kr_rows(krw(name="x", services="trading_platform", client_fiat=deposits), fiat_markets="KRW")
    amount = rows.loc[("x", "bank_guideline_reserve"), "amount"]
    assert 3 * BN <= amount <= 20 * BN
    assert amount == pytest.approx(min(20 * BN, max(3 * BN, 0.3 * deposits)))


def test_stress_counts_the_bank_reserve_as_cover_beside_the_hot_wallet_cover():
    from comparisons.stress import stress

    p = krw(name="kx", services="trading_platform;custody", fiat_markets="KRW", client_fiat=50 * BN,
            client_crypto_assets=TN, hot_wallet_share=0.1)
    result = compare([p], jurisdictions=["KR"], as_of=AS_OF, currency="KRW", fx=FX)
    t = stress(result, hot_loss=0.5).table.set_index("regime")
    # loss 0.5 × 0.1 × KRW 1 tn = KRW 50 bn; hot-wallet cover max(3 bn, 0.05 × 100 bn) = 5 bn; bank reserve
    # 0.3 × 50 bn = 15 bn; together 20 bn
    assert t.loc["kr.vaupa", "covered_local"] == pytest.approx(5 * BN)
    assert t.loc["kr.bank_guideline", "covered_local"] == pytest.approx(0.3 * 50 * BN)
    assert t.loc["all", "covered_local"] == pytest.approx(5 * BN + 15 * BN)
    assert t.loc["all", "customer_loss_local"] == pytest.approx(0.5 * 0.1 * TN)


def test_explain_flags_unverified_parameters():
    # the 5 % hot-wallet ratio is flagged † in the rulebook (decree as pre-announced): explain says so
    ex = explain([krw(name="p", services="custody;exchange_fiat", client_crypto_assets=TN, hot_wallet_share=0.1)],
                 "p", "KR", "hot_wallet_cover", as_of=AS_OF)
    flags = dict(zip(ex.parameters["id"], ex.parameters["unverified"]))
    assert bool(flags["kr_hot_cover_ratio"]) is True
    assert bool(flags["kr_hot_cover_combination"]) is False  # an assumption, not a † figure
