"""United Kingdom (FCA final rules PS26/12 under SI 2026/102, applying from 2027-10-25; proposals CP25/15, CP25/42
where the final text was not read): worked examples computed by hand from the own funds requirement
max(PMR, FOR, KFR) and basic liquid assets (rulebook other_jurisdictions.md §4.0, §4.2). Before 2027-10-25 the
regime is upcoming: rows are evaluated with the values of its start and labelled enacted where a final value
decides them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pandas as pd

from comparisons import compare
from comparisons.compare import fx_snapshot
from jurisdictions.framework import SERVICES, validate_frame
from jurisdictions.united_kingdom import jurisdiction as UK
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)


def gbp(**kw):
    return make_profile(currency="GBP", **kw)


def uk_rows(*profiles, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    result = compare(list(profiles), jurisdictions=["UK"], currency="GBP", **kw)
    return result.obligations.set_index(["profile", "obligation"])


@pytest.mark.parametrize(
    "services, overheads, assets, expected, status",
    [
        # custodian: max(PMR 150,000, FOR 0.25 × 400,000 = 100,000, KFR 0.0004 × 100 m = 40,000) = 150,000
        # (the custody PMR is final: CRYPTOPRU 4.2.1R, enacted †)
        ("custody", 400_000, 100_000_000, 150_000, "enacted"),
        # custodian: max(150,000, 0.25 × 2,000,000 = 500,000, 40,000) = 500,000 (FOR binds)
        ("custody", 2_000_000, 100_000_000, 500_000, "proposed"),
        # custodian: max(150,000, 0, 0.0004 × 1,000,000,000 = 400,000) = 400,000 (final K-factor → enacted)
        ("custody", 0, 1_000_000_000, 400_000, "enacted"),
        # agency broker: PMR 75,000 (bottom of the CP25/42 range)
        ("execution", 0, 0, 75_000, "proposed"),
        # trading platform: PMR unknown, GBP 750,000 assumed
        ("trading_platform", 0, 0, 750_000, "assumed"),
        # principal dealer + platform: both 750,000; the proposed figure reaches the PMR on its own
        ("exchange_fiat;trading_platform", 0, 0, 750_000, "proposed"),
        # custody + execution: highest of 150,000 and 75,000 = 150,000, resting on the assumed aggregation
        ("custody;execution", 0, 0, 150_000, "assumed"),
        # trading platform with large overheads: FOR 0.25 × 4,000,000 = 1,000,000 binds, so the assumed
        # platform PMR (750,000) does not decide the row → proposed
        ("trading_platform", 4_000_000, 0, 1_000_000, "proposed"),
        # custody + execution with FOR 0.25 × 1,000,000 = 250,000 binding: the assumed aggregation decides nothing
        ("custody;execution", 1_000_000, 0, 250_000, "proposed"),
        # advice + agency broking: PMR 75,000; FOR 0.25 × 1,000,000 = 250,000 binds → proposed
        ("advice;execution", 1_000_000, 0, 250_000, "proposed"),
        # advice alone: same numbers, but only the assumed scope (advice not named) brings it in → assumed
        ("advice", 1_000_000, 0, 250_000, "assumed"),
    ],
)
def test_own_funds_requirement(services, overheads, assets, expected, status):
    rows = uk_rows(gbp(name="p", services=services, fixed_overheads=overheads, client_crypto_assets=assets))
    row = rows.loc[("p", "own_funds_requirement")]
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == status
    assert row["basis"].endswith(f"= GBP {expected:,}")
    assert (row["category"], row["funding_forms"], row["currency"]) == ("capital", "own_funds", "GBP")
    assert "CP25/15" in row["citation"]


def test_own_funds_basis_text():
    rows = uk_rows(gbp(name="p", services="custody", fixed_overheads=2_000_000, client_crypto_assets=100_000_000))
    assert rows.loc[("p", "own_funds_requirement"), "basis"] == (
        "max(PMR GBP 150,000, 0.25 × GBP 2,000,000 FO, 0.0004 × GBP 100,000,000 client cryptoassets) = GBP 500,000")


def test_basic_liquid_assets_is_a_third_of_the_for():
    rows = uk_rows(gbp(name="p", fixed_overheads=3_000_000))
    row = rows.loc[("p", "basic_liquid_assets")]
    # FOR = 0.25 × 3,000,000 = 750,000; BLAR = 750,000 / 3 = 250,000
    assert row["amount"] == pytest.approx(250_000)
    assert row["basis"] == "1/3 × GBP 750,000 FOR = GBP 250,000"
    assert (row["category"], row["status"]) == ("liquidity", "proposed")


def test_a_custodian_of_2_bn_compared_before_the_start_gets_the_k_factor_labelled_enacted():
    """Issue 15's worked case: safeguarding GBP 2 bn with GBP 2 m of fixed overheads, on 2026-12-03."""
    result = compare([gbp(name="c", services="custody", fixed_overheads=2_000_000, client_crypto_assets=2e9)],
                     jurisdictions=["UK"], currency="GBP", as_of="2026-12-03", fx=FX)
    row = result.obligations.set_index("obligation").loc["own_funds_requirement"]
    k, minimum, fixed = 0.0004 * 2e9, 150_000, 0.25 * 2_000_000  # 800,000 > 150,000 and > 500,000
    assert row["amount"] == pytest.approx(k) == pytest.approx(800_000)
    assert k > minimum and k > fixed
    assert row["basis"] == ("max(PMR GBP 150,000, 0.25 × GBP 2,000,000 FO, 0.0004 × GBP 2,000,000,000 client "
                            "cryptoassets) = GBP 800,000")
    assert row["status"] == "enacted"  # the regime applies later; the binding K-factor is a final value
    assert row["citation"].endswith(" †")  # CRYPTOPRU 4.5.1R read through a secondary copy
    notes = [w["message"] for w in result.warnings if w["jurisdiction"] == "UK"]
    assert any("enacted" in m and "2027-10-25" in m for m in notes)
    # the basic liquid assets rest on a value whose final text was not read: proposed
    assert result.obligations.set_index("obligation").loc["basic_liquid_assets", "status"] == "proposed"


def test_from_its_start_the_regime_counts_as_in_force_and_is_left_out_in_force_only_before():
    late = compare([gbp(name="p", services="custody", client_crypto_assets=1e9)], jurisdictions=["UK"],
                   currency="GBP", as_of="2027-10-25", fx=FX)
    row = late.obligations.set_index("obligation").loc["own_funds_requirement"]
    assert row["amount"] == pytest.approx(0.0004 * 1e9)  # 0.04 % × GBP 1 bn = GBP 400,000 > GBP 150,000
    assert row["status"] == "in_force"
    assert not [w for w in late.warnings if w["jurisdiction"] == "UK" and "upcoming" in w["message"]]
    only = compare([gbp(name="p")], jurisdictions=["UK"], as_of=AS_OF, fx=FX, in_force_only=True)
    assert only.obligations.empty


def test_before_the_start_the_final_values_are_read_not_the_proposals():
    # on 2020-01-01 the regime is upcoming: the custody PMR read is the final one of 2027-10-25 (enacted †)
    early = compare([gbp(name="p", services="custody")], jurisdictions=["UK"], as_of="2020-01-01", fx=FX)
    row = early.obligations.set_index("obligation").loc["own_funds_requirement"]
    assert (row["amount"], row["status"]) == (150_000, "enacted")


def test_spec_fields():
    ofr = UK.spec("own_funds_requirement")
    assert (ofr.absorbs, ofr.ring_fenced) == ("any", False)  # like MiCA's safeguards: not ring-fenced for clients
    assert UK.spec("basic_liquid_assets").overlap_group == ofr.overlap_group == "uk.prudential"
    params = UK.parameters()
    assert params.latest("uk_kfactor_custody").status == "enacted"
    assert params.latest("uk_kfactor_custody").unverified  # enacted † in the rulebook
    assert params.latest("uk_pmr_custodian").effective_from.isoformat() == "2027-10-25"
    assert params.latest("uk_pmr_trading_platform").status == "assumed"
    assert params.latest("uk_for_multiplier").status == "proposed"  # final text not read
    regime = UK.regimes[0]
    assert (regime.status, regime.in_force_from.isoformat()) == ("enacted", "2027-10-25")
    assert "SI 2026/102" in regime.citation and regime.facts_as_of.isoformat() == "2026-06-30"


@pytest.mark.parametrize("service", ["advice", "portfolio_management", "transfer"])
def test_services_not_named_in_the_proposals_are_in_scope_by_assumption(service):
    # PMR 75,000 (assumed, uk_pmr_other_services); FOR 0.25 × 400,000 = 100,000 binds; BLAR 100,000 / 3
    rows = uk_rows(gbp(name="p", services=service, fixed_overheads=400_000))
    assert rows.loc[("p", "own_funds_requirement"), "amount"] == pytest.approx(0.25 * 400_000)
    assert rows.loc[("p", "basic_liquid_assets"), "amount"] == pytest.approx(0.25 * 400_000 / 3)
    assert (rows["status"] == "assumed").all()  # the scope rests on a mapping the rulebook does not state
    # the same firm also arranging deals (reception and transmission) is in scope for certain → proposed
    rows = uk_rows(gbp(name="p", services=f"{service};reception_transmission", fixed_overheads=400_000))
    assert (rows["status"] == "proposed").all()


def test_named_activities_bring_a_firm_in_and_no_service_leaves_it_out():
    scope = UK.regimes[0].scope
    assert set(scope.services) == {"custody", "trading_platform", "exchange_fiat", "exchange_crypto", "execution",
                                   "placing", "reception_transmission"}
    assert set(scope.services + scope.assumed_services) == set(SERVICES)
    # Contract 1 asks for at least one service; a frame with none (straight to assess) is out of scope
    frame = validate_frame(pd.DataFrame([gbp(name="none", services="custody", fixed_overheads=1_000_000)]))
    frame[[f"svc_{s}" for s in SERVICES]] = False
    reasons = set(UK.assess(frame, AS_OF).set_index("obligation")["reason"])
    (reason,) = reasons  # both obligations, one reason
    assert reason.startswith("not in scope: uk.cryptopru applies to cryptoasset firms (custody, trading platforms")
    assert all(s in reason.split("would apply with services ")[1] for s in SERVICES)


service_sets = st.sets(st.sampled_from(SERVICES), min_size=1)
money = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(services=service_sets, fo=money, assets=money, more=money)
def test_requirement_never_falls_with_overheads_or_assets(services, fo, assets, more):
    base = gbp(name="base", services=";".join(sorted(services)), fixed_overheads=fo, client_crypto_assets=assets)
    bigger = dict(base, name="bigger", fixed_overheads=fo + more, client_crypto_assets=assets + more)
    rows = uk_rows(base, bigger)
    assert (rows["amount"] >= 0).all()
    for ob in ("own_funds_requirement", "basic_liquid_assets"):
        assert rows.loc[("bigger", ob), "amount"] >= rows.loc[("base", ob), "amount"]
    a = rows.loc[("base", "own_funds_requirement"), "amount"]
    assert a >= 75_000 and a >= 0.25 * fo * (1 - 1e-12) and a >= 0.0004 * assets * (1 - 1e-12)
