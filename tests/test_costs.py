"""Costs: unit costs by funding form, insurance priced by storage, capacity, overlap groups, summaries.

Worked examples by hand from comparisons/data/cost_assumptions.yaml, central set (equity premium 11.25 %,
so own funds and trust money cost 11.25 % in every currency and own crypto yield + 11.25 %; HKD yield 3 %,
JPY yield 0.5 %, EUR yield 2 %, insurance 1 % cold / 10 % hot / 2 % prudential, bank guarantee 2 % unsecured
up to the firm's own funds, largest insurance limit USD 600 m) and from the obligation specs. Hand-made plug-ins (an "XX" market in HKD) keep the
arithmetic independent of the real jurisdictions; the HK/JP/EU tests then use the real plug-ins.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from comparisons import compare
from comparisons.costs.assumptions import CostAssumptions, load_assumptions
from comparisons.costs import cost_table
from comparisons.fx import FxSnapshot
from comparisons.costs.funding import FundingMix
from comparisons.load import load_profiles
from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, ParameterError, Regime, concat_obligations, obligation_rows, parse_parameters,
)
from tests.conftest import AS_OF, make_profile

# Visible FX for the hand-made tests: units per EUR. USD→HKD = 7.8 / 1.0 = 7.8; USD→JPY = 150.
FX = FxSnapshot(as_of=AS_OF, date=AS_OF, per_eur={"EUR": 1.0, "USD": 1.0, "HKD": 7.8, "JPY": 150.0, "CHF": 1.0},
                source="test rates")
BN = 1e9
M = 1e6

XX_PARAMS = parse_parameters({
    "xx_cover_cold": {"unit": "fraction", "values": [
        {"effective_from": "2020-01-01", "value": 0.5, "status": "in_force", "citation": "XX rule 1"}]},
    "xx_cover_hot": {"unit": "fraction", "values": [
        {"effective_from": "2020-01-01", "value": 1.0, "status": "in_force", "citation": "XX rule 1"}]},
    "xx_insurance_share_max": {"unit": "fraction", "values": [
        {"effective_from": "2020-01-01", "scenarios": {"low": 0.75, "central": 0.5, "high": 0.25},
         "status": "assumed", "citation": "XX rule 2"}]},
}, "xx.yaml")

COVER_FORMS = ("own_funds", "insurance", "trust_funds", "bank_guarantee", "same_kind_crypto")


def spec(id, forms, category="loss_cover", **kw):
    return ObligationSpec(id=id, regime="xx.rules", category=category, funding_forms=tuple(forms), formula="test",
                          citation="XX", **kw)


class XX(Jurisdiction):
    """A hand-made market in HKD with Hong Kong-like cover and a Japan-like capped reserve."""

    code = "XX"
    name = "Test market"
    currency = "HKD"
    regimes = (Regime("xx.rules", "XX rules", "in_force", dt.date(2020, 1, 1), "XX Act"),)
    reads = ()
    obligations = (
        spec("cover_split", COVER_FORMS, insurance_kind="split",
             cover_parts=(("cold", "xx_cover_cold"), ("hot", "xx_cover_hot"))),
        spec("cover_split_no_guarantee", ("own_funds", "insurance"), insurance_kind="split",
             cover_parts=(("cold", "xx_cover_cold"), ("hot", "xx_cover_hot"))),
        spec("cover_mix", ("insurance",), insurance_kind="storage_mix"),
        spec("capped_reserve", ("own_funds", "insurance"), insurance_kind="cold", scenarios=True,
             form_caps=(("insurance", "xx_insurance_share_max"),)),
        spec("own", ("own_funds",), category="capital"),
        spec("trust", ("trust_funds",), category="capital"),
        spec("crypto", ("same_kind_crypto",)),
        spec("guarantee", ("bank_guarantee",)),
        spec("prudential", ("insurance",), category="capital", insurance_kind="prudential"),
        spec("cap_a", ("own_funds",), category="capital", overlap_group="xx.fr"),
        spec("cap_b", ("own_funds",), category="capital", overlap_group="xx.fr"),
        spec("client_money", ("trust_funds",), category="client_money"),
        spec("cold_storage_shortfall", ("segregation",), category="custody"),
        spec("client_in_kind", ("same_kind_crypto",), category="custody"),
    )

    def parameters(self, overrides=None):
        return XX_PARAMS


XX_J = XX()


def xx_costs(profiles, amounts: dict, *, assumptions=None, funding=None, scenario="", ccy="HKD", as_frame=False):
    """Cost rows of hand-made XX obligations (``amounts``: obligation id → amount per profile)."""
    frame = load_profiles(profiles)
    rows = []
    for ob, amount in amounts.items():
        s = XX_J.spec(ob)
        rows.append(obligation_rows(frame, jurisdiction="XX", regime="xx.rules", obligation=ob, category=s.category,
                                    amount=amount, currency=ccy, status="in_force", citation="XX", basis="test",
                                    funding_forms=s.funding_forms, overlap_group=s.overlap_group, scenario=scenario))
    costs = cost_table(concat_obligations(rows), [XX_J], frame, fx=FX, as_of=AS_OF, currency="USD",
                       assumptions=CostAssumptions.read(load_assumptions(assumptions), AS_OF),
                       parameters={"XX": XX_PARAMS}, funding=funding)
    return (costs, frame) if as_frame else costs


def by_form(costs, obligation):
    sel = costs[costs["obligation"] == obligation]
    return sel.groupby("form")[["funded_amount", "annual_cost"]].sum()


HK_2PC_HOT = make_profile(name="hk", currency="HKD", client_crypto_assets=10 * BN, hot_wallet_share=0.02)


# -- unit costs by form ----------------------------------------------------------------------------------

@pytest.mark.parametrize("obligation, expected", [
    # own funds: 100 m × ((3 % HKD yield + 11.25 % premium) − 3 % earned) = HKD 11.25 m
    ("own", 100 * M * ((0.03 + 0.1125) - 0.03)),
    ("trust", 100 * M * 0.1125),             # funds on trust: the same, 11.25 m
    ("crypto", 100 * M * (0.03 + 0.1125)),   # own crypto: 100 m × (3 % + 11.25 %) = 14.25 m (earns no yield)
    ("guarantee", 100 * M * 0.02),           # bank guarantee within own funds (200 m): 100 m × 2 % = 2 m
    ("prudential", 100 * M * 0.02),          # prudential policy: 100 m × 2 % = 2 m
])
def test_unit_cost_of_each_form(obligation, expected):
    costs = xx_costs([make_profile(name="p", currency="HKD", own_funds=200 * M)], {obligation: 100 * M})
    row = costs.iloc[0]
    assert row["annual_cost"] == pytest.approx(expected)
    assert row["funded_amount"] == pytest.approx(100 * M)
    assert row["currency"] == "HKD"
    # reference currency: HKD → USD at 1 / 7.8
    assert row["annual_cost_ref"] == pytest.approx(expected / 7.8)
    assert row["ref_currency"] == "USD"
    assert "(assumed)" in row["assumptions"]


def test_own_funds_names_the_assumptions_it_used():
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"own": 100 * M})
    assert costs.iloc[0]["assumptions"] == (
        "own_funds: cost of equity = reserve_yield_hkd 3 % (assumed) + equity_premium 11.25 % (assumed) = 14.25 % "
        "− the 3 % they earn = 11.25 % a year")
    assert costs.iloc[0]["ties_up"]


def test_storage_mix_insurance_rate():
    # 4 % hot: rate = 0.04 × 10 % + 0.96 × 1 % = 1.36 %; HKD 100 m × 1.36 % = HKD 1.36 m
    costs = xx_costs([make_profile(name="p", currency="HKD", hot_wallet_share=0.04)], {"cover_mix": 100 * M})
    assert costs.iloc[0]["annual_cost"] == pytest.approx(1.36 * M)
    assert costs.iloc[0]["unit_cost"] == pytest.approx(0.0136)


def test_client_money_client_assets_and_storage_moves_cost_nothing():
    costs = xx_costs([make_profile(name="p", currency="HKD")],
                     {"client_money": 500 * M, "client_in_kind": 900 * M, "cold_storage_shortfall": 80 * M})
    cm = costs[costs["obligation"] == "client_money"].iloc[0]
    assert cm["annual_cost"] == 0 and cm["funded_amount"] == 500 * M and not cm["ties_up"]
    assert cm["form"] == "trust_funds" and "clients' own money" in cm["note"]
    # client assets held 1:1 in kind (e.g. VARA reserve assets) are the clients', not the firm's crypto
    ck = costs[costs["obligation"] == "client_in_kind"].iloc[0]
    assert ck["annual_cost"] == 0 and ck["funded_amount"] == 900 * M and not ck["ties_up"]
    assert "clients' own assets" in ck["note"]
    cs = costs[costs["obligation"] == "cold_storage_shortfall"].iloc[0]
    assert cs["annual_cost"] == 0 and cs["funded_amount"] == 0 and "storage move" in cs["note"]


# -- Hong Kong's split cover -----------------------------------------------------------------------------

def test_hk_split_cover_priced_with_insurance_when_capacity_does_not_bind():
    # client VA HKD 10 bn, 2 % hot: cover = 0.5 × 9.8 bn + 1.0 × 0.2 bn = 5.1 bn
    cover = 0.5 * 9.8 * BN + 1.0 * 0.2 * BN
    assert cover == pytest.approx(5.1 * BN)
    # all insured (fixed mix), capacity raised out of the way:
    # 4.9 bn × 1 % + 0.2 bn × 10 % = 49 m + 20 m = HKD 69 m a year
    costs = xx_costs([HK_2PC_HOT], {"cover_split": cover}, assumptions={"cost_cap_single_insured_max": 1e12},
                     funding=FundingMix({("XX", "cover_split"): {"insurance": 1.0}}))
    f = by_form(costs, "cover_split")
    assert list(f.index) == ["insurance"]
    assert f.loc["insurance", "annual_cost"] == pytest.approx(69 * M)
    assert f.loc["insurance", "funded_amount"] == pytest.approx(5.1 * BN)
    text = costs.iloc[0]["assumptions"]
    assert "cold part HKD 4.9 bn × 1 %" in text and "hot part HKD 200 m × 10 %" in text


def test_hk_split_cover_cheapest_mix_without_capacity_limit_uses_hot_insurance_before_own_funds():
    # own funds cost 11.25 %, hot insurance 10 %, cold insurance 1 %: all insured, HKD 69 m
    costs = xx_costs([HK_2PC_HOT], {"cover_split_no_guarantee": 5.1 * BN},
                     assumptions={"cost_cap_single_insured_max": 1e12})
    f = by_form(costs, "cover_split_no_guarantee")
    assert f["annual_cost"].sum() == pytest.approx(4.9 * BN * 0.01 + 0.2 * BN * 0.10)


def test_capacity_limit_forces_the_rest_into_the_next_cheapest_form():
    cap_hkd = 600 * M * 7.8  # USD 600 m × 7.8 HKD/USD = HKD 4.68 bn
    # only own funds (11.25 %) and insurance allowed: insure the cheapest part (cold, 1 %) up to the limit;
    # the rest, 5.1 bn − 4.68 bn = 0.42 bn, goes to own funds (hot insurance would be cheaper, but the
    # limit is used up): 4.68 bn × 1 % + 0.42 bn × 11.25 % = 46.8 m + 47.25 m = HKD 94.05 m
    costs = xx_costs([HK_2PC_HOT], {"cover_split_no_guarantee": 5.1 * BN})
    f = by_form(costs, "cover_split_no_guarantee")
    assert f.loc["insurance", "funded_amount"] == pytest.approx(cap_hkd)
    assert f.loc["own_funds", "funded_amount"] == pytest.approx(5.1 * BN - cap_hkd)
    assert f["annual_cost"].sum() == pytest.approx(cap_hkd * 0.01 + (5.1 * BN - cap_hkd) * 0.1125)
    assert f["annual_cost"].sum() == pytest.approx(94.05 * M)
    ins = costs[costs["form"] == "insurance"].iloc[0]
    assert "cost_cap_single_insured_max USD 600,000,000 (reported) = HKD 4.68 bn" in ins["note"]


def test_capacity_limit_with_a_bank_guarantee_allowed():
    cap_hkd = 600 * M * 7.8  # HKD 4.68 bn
    # all five cover forms, own funds HKD 1 bn: cold insurance 1 % up to the limit, then the unsecured guarantee
    # at 2 % (within the 1 bn of own funds; cheaper than hot insurance at 10 % and own funds at 11.25 %):
    # 4.68 bn × 1 % + 0.42 bn × 2 % = 46.8 m + 8.4 m = 55.2 m
    rich = dict(HK_2PC_HOT, own_funds=1 * BN)
    for funding in (None, FundingMix({("XX", "cover_split"): {"insurance": 1.0}})):
        costs = xx_costs([rich], {"cover_split": 5.1 * BN}, funding=funding)
        f = by_form(costs, "cover_split")
        assert f.loc["bank_guarantee", "funded_amount"] == pytest.approx(5.1 * BN - cap_hkd)
        assert f["annual_cost"].sum() == pytest.approx(55.2 * M)


def test_bank_guarantee_is_unsecured_only_up_to_the_firms_own_funds():
    cap_hkd = 600 * M * 7.8  # HKD 4.68 bn
    # own funds HKD 100 m: the bank guarantees 100 m unsecured (2 %); above that it wants cash collateral,
    # 2 % fee + 11.25 % carry = 13.25 %, dearer than own funds or trust money at 11.25 %: so
    # 4.68 bn × 1 % + 0.1 bn × 2 % + 0.32 bn × 11.25 % = 46.8 m + 2 m + 36 m = HKD 84.8 m
    p = dict(HK_2PC_HOT, own_funds=100 * M)
    f = by_form(xx_costs([p], {"cover_split": 5.1 * BN}), "cover_split")
    assert f.loc["bank_guarantee", "funded_amount"] == pytest.approx(100 * M)
    assert f.loc["own_funds", "funded_amount"] == pytest.approx(5.1 * BN - cap_hkd - 100 * M)
    assert f["annual_cost"].sum() == pytest.approx(46.8 * M + 2 * M + 36 * M)
    # a guarantee only (no other form): 0.1 bn × 2 % + 0.9 bn × (2 % + 11.25 %) = 2 m + 119.25 m = 121.25 m
    g = xx_costs([dict(make_profile(name="g", currency="HKD"), own_funds=100 * M)], {"guarantee": 1 * BN})
    assert g["annual_cost"].sum() == pytest.approx(0.1 * BN * 0.02 + 0.9 * BN * (0.02 + 0.1125))
    assert "unsecured part HKD 100 m × 2 %" in g.iloc[0]["assumptions"]
    assert "cash-collateralised part HKD 900 m × 13.25 %" in g.iloc[0]["assumptions"]


# -- form caps by scenario, overlap groups, several profiles at once ------------------------------------

@pytest.mark.parametrize("scenario, share", [("low", 0.75), ("central", 0.5), ("high", 0.25)])
def test_insurance_share_cap_per_scenario(scenario, share):
    # HKD 1 bn reserve; insurance (cold, 1 %) may meet at most `share`; own funds (11.25 %) the rest
    # central: 0.5 bn × 1 % + 0.5 bn × 11.25 % = 5 m + 56.25 m = 61.25 m
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"capped_reserve": 1 * BN}, scenario=scenario)
    f = by_form(costs, "capped_reserve")
    assert f.loc["insurance", "funded_amount"] == pytest.approx(share * BN)
    assert f["annual_cost"].sum() == pytest.approx(share * BN * 0.01 + (1 - share) * BN * 0.1125)
    assert f"xx_insurance_share_max {share} [{scenario}]" in costs[costs["form"] == "insurance"].iloc[0]["note"]


def test_overlap_group_costs_its_largest_member():
    # cap_a 100 m × 11.25 % = 11.25 m, cap_b 50 m × 11.25 % = 5.625 m, same group: the group costs 11.25 m
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"cap_a": 100 * M, "cap_b": 50 * M, "own": 10 * M})
    assert costs["annual_cost"].sum() == pytest.approx(11.25 * M + 10 * M * 0.1125)
    b = costs[costs["obligation"] == "cap_b"].iloc[0]
    assert b["annual_cost"] == 0 and b["funded_amount"] == 0
    assert "met by the resources held for cap_a" in b["note"] and "HKD 5.62 m" in b["note"]  # 5.625 m shown to 3 figures


def test_many_profiles_in_one_call():
    profiles = [dict(make_profile(name=f"p{i}", currency="HKD"), hot_wallet_share=h) for i, h in enumerate((0.0, 0.5, 1.0))]
    costs = xx_costs(profiles, {"cover_mix": np.array([100 * M, 200 * M, 300 * M])})
    # rates 1 %, 0.5 × 10 % + 0.5 × 1 % = 5.5 %, 10 %
    assert costs.set_index("profile")["annual_cost"].to_dict() == pytest.approx(
        {"p0": 1 * M, "p1": 200 * M * 0.055, "p2": 30 * M})


def test_profiles_in_another_currency_convert_client_assets_for_the_split():
    # profile in USD: USD 1 bn of client VA, 10 % hot → HKD 7.8 bn: cold 7.02 bn, hot 0.78 bn
    # cover = 0.5 × 7.02 + 0.78 = 4.29 bn (below the HKD 4.68 bn limit): 3.51 bn × 1 % + 0.78 bn × 10 % = 113.1 m
    p = make_profile(name="u", currency="USD", client_crypto_assets=1 * BN, hot_wallet_share=0.1)
    costs = xx_costs([p], {"cover_split_no_guarantee": 4.29 * BN})
    assert costs["annual_cost"].sum() == pytest.approx(3.51 * BN * 0.01 + 0.78 * BN * 0.10)


def test_zero_amount_gives_one_row_with_nothing_to_fund():
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"own": 0.0})
    assert len(costs) == 1
    assert costs.iloc[0]["form"] == "" and costs.iloc[0]["note"] == "nothing to fund"
    assert costs.iloc[0]["annual_cost"] == 0


def test_not_applicable_rows_get_no_cost_row():
    frame = load_profiles([make_profile(name="p", currency="HKD")])
    rows = obligation_rows(frame, jurisdiction="XX", regime="xx.rules", obligation="own", category="capital",
                           amount=float("nan"), currency="HKD", status="in_force", citation="XX", basis="n/a",
                           funding_forms=("own_funds",), reason="not in force")
    costs = cost_table(rows, [XX_J], frame, fx=FX, as_of=AS_OF, currency="USD",
                       assumptions=CostAssumptions.read(load_assumptions(), AS_OF))
    assert costs.empty


# -- assumptions -----------------------------------------------------------------------------------------

def test_builtin_assumptions_are_dated_and_cited():
    pset = load_assumptions()
    a = CostAssumptions.read(pset, AS_OF)
    assert a.equity_premium == 0.1125
    assert a.cost_of_equity("USD") == pytest.approx(0.0375 + 0.1125)  # 15 % in USD
    lo, hi = CostAssumptions.read(pset, AS_OF, "low"), CostAssumptions.read(pset, AS_OF, "high")
    assert (lo.equity_premium, hi.equity_premium) == (0.08, 0.20)  # range 8–20 % (costs.md §5)
    assert (lo.guarantee_fee, hi.guarantee_fee) == (0.01, 0.04)  # range 1–4 % (costs.md §5)
    assert (lo.capacity[0], hi.capacity[0]) == (600e6, 500e6)  # high set: the smaller Lloyd's line
    assert {c: a.reserve_yield(c) for c in ("JPY", "EUR", "HKD", "USD", "KRW", "SGD", "GBP", "AED")} == {
        "JPY": 0.005, "EUR": 0.02, "HKD": 0.03, "USD": 0.0375, "KRW": 0.025, "SGD": 0.02, "GBP": 0.04, "AED": 0.0375}
    assert (a.insurance_rate("cold"), a.insurance_rate("hot"), a.insurance_rate("prudential")) == (0.01, 0.10, 0.02)
    assert a.guarantee_fee == 0.02
    assert a.capacity == (600_000_000, "USD")
    assert pset.latest("cost_cap_single_insured_max").status == "reported"
    for pid in pset.ids():
        v = pset.latest(pid)
        assert v.citation and v.note, pid
        if pid not in ("cost_cap_single_insured_max",):
            assert v.status == "assumed", pid
    with pytest.raises(ParameterError, match="no value on 2009-12-31"):
        CostAssumptions.read(pset, dt.date(2009, 12, 31))


def test_unknown_currency_falls_back_to_no_yield_and_a_user_file_can_add_one(tmp_path):
    # own crypto costs the cost of equity: 100 m × (0 % fallback yield + 11.25 %) = 11.25 m
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"crypto": 100 * M}, ccy="CHF")
    assert costs.iloc[0]["annual_cost"] == pytest.approx(11.25 * M)
    assert "reserve_yield_other 0 %" in costs.iloc[0]["assumptions"]
    f = tmp_path / "a.yaml"
    f.write_text("reserve_yield_chf:\n  unit: fraction per year\n  values:\n    - effective_from: 2020-01-01\n"
                 "      value: 0.01\n      status: assumed\n      citation: my bank\n", encoding="utf-8")
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"crypto": 100 * M}, ccy="CHF", assumptions=str(f))
    assert costs.iloc[0]["annual_cost"] == pytest.approx(12.25 * M)  # 100 m × (1 % + 11.25 %)
    assert "reserve_yield_chf 1 % (assumed, user)" in costs.iloc[0]["assumptions"]


def test_assumption_errors_name_the_file_and_the_id(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("equity_premum:\n  values:\n    - {effective_from: 2020-01-01, value: 0.2, status: assumed, "
                 "citation: me}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad.yaml: 'equity_premum' is not a cost assumption \(did you mean 'equity_premium'\?\)"):
        load_assumptions(str(f))
    with pytest.raises(ParameterError, match="not a fraction per year"):
        CostAssumptions.read(load_assumptions({"cost_of_capital": 15}), AS_OF)


# -- the real plug-ins -------------------------------------------------------------------------------------

def test_eu_prudential_safeguards_insured_at_the_prudential_rate():
    # class 2, FO 3 m: requirement max(125,000, 0.25 × 3,000,000) = EUR 750,000
    # insurance 2 % < own funds (2 % + 11.25 %) − 2 % = 11.25 %: 750,000 × 2 % = EUR 15,000
    r = compare([make_profile(name="p", services="custody", fixed_overheads=3_000_000)], jurisdictions=["EU"],
                as_of=AS_OF, currency="EUR")
    c = r.costs.set_index("obligation")
    assert c.loc["prudential_safeguards", "form"] == "insurance"
    assert c.loc["prudential_safeguards", "annual_cost"] == pytest.approx(15_000)
    assert c.loc["client_funds_safeguarding", "annual_cost"] == 0
    # a dearer policy (20 %) makes own funds the cheapest: 750,000 × 11.25 % = EUR 84,375
    r2 = compare([make_profile(name="p", services="custody", fixed_overheads=3_000_000)], jurisdictions=["EU"],
                 as_of=AS_OF, currency="EUR", assumptions={"insurance_rate_prudential": 0.2})
    c2 = r2.costs.set_index("obligation")
    assert c2.loc["prudential_safeguards", "form"] == "own_funds"
    assert c2.loc["prudential_safeguards", "annual_cost"] == pytest.approx(84_375)


def test_eu_capacity_limit_at_the_comparison_fx():
    # FO EUR 4 bn → requirement 0.25 × 4 bn = EUR 1 bn; insurance capped at USD 600 m in EUR
    r = compare([make_profile(name="p", services="custody", fixed_overheads=4 * BN)], jurisdictions=["EU"],
                as_of=AS_OF, currency="USD")
    cap_eur = 600 * M * r.fx.rate("USD", "EUR")
    f = r.costs.groupby("form")["annual_cost"].sum()
    assert f["insurance"] == pytest.approx(cap_eur * 0.02)
    assert f["own_funds"] == pytest.approx((1 * BN - cap_eur) * 0.1125)


def test_cost_summary_per_profile_and_jurisdiction():
    # Frankfurt-like CASP: FO EUR 60 m → 15 m requirement; 15 m × 2 % = EUR 300,000 a year (insured);
    # trading volume EUR 40 bn: 300,000 / 40 bn × 10,000 = 0.075 bp
    p = make_profile(name="f", services="custody;trading_platform", fixed_overheads=60 * M,
                     annual_trading_volume=40 * BN, client_fiat=400 * M)
    r = compare([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR")
    s = r.cost_summary().iloc[0]
    assert (s["profile"], s["jurisdiction"], s["scenario"]) == ("f", "EU", "")
    assert s["annual_cost"] == pytest.approx(300_000)
    assert s["insured"] == pytest.approx(15 * M)
    assert s["resources_tied_up"] == 0  # insurance is bought; client funds are the clients'
    assert s["cost_bp_of_volume"] == pytest.approx(0.075)


def test_json_output_carries_the_costs_array():
    r = compare([make_profile(name="p", services="custody", fixed_overheads=3_000_000)], jurisdictions=["EU"],
                as_of=AS_OF, currency="EUR")
    doc = r.to_dict()
    rows = {c["obligation"]: c for c in doc["costs"]}
    assert rows["prudential_safeguards"]["annual_cost"] == pytest.approx(15_000)
    assert {"profile", "jurisdiction", "regime", "obligation", "scenario", "form", "funded_amount", "annual_cost",
            "currency", "annual_cost_ref", "ref_currency", "assumptions"} <= set(rows["prudential_safeguards"])


def test_hong_kong_cover_of_the_2_percent_hot_example():
    pytest.importorskip("jurisdictions.hong_kong")
    p = dict(make_profile(name="hk", currency="HKD", services="custody;trading_platform"),
             client_crypto_assets=10 * BN, hot_wallet_share=0.02)
    r = compare([p], jurisdictions=["HK"], as_of=AS_OF, currency="USD",
                funding={"HK": {"compensation_cover": {"insurance": 1.0}}})
    ob = r.obligations.set_index("obligation")
    assert ob.loc["compensation_cover", "amount"] == pytest.approx(5.1 * BN)  # 0.5 × 9.8 bn + 1.0 × 0.2 bn
    cap_hkd = 600 * M * r.fx.rate("USD", "HKD")  # USD 600 m at the comparison's FX (≈ HKD 4.7 bn)
    assert 4.9 * BN > cap_hkd > 4.5 * BN
    f = by_form(r.costs, "compensation_cover")
    # insurance to the limit, all of it on cold storage (1 %); the rest 5.1 bn − cap to the next-cheapest
    # allowed form: with no own funds the bank wants full cash collateral (2 % + 11.25 %), so trust money at
    # 11.25 %
    assert f.loc["insurance", "funded_amount"] == pytest.approx(cap_hkd)
    assert f.loc["trust_funds", "funded_amount"] == pytest.approx(5.1 * BN - cap_hkd)
    assert f["annual_cost"].sum() == pytest.approx(cap_hkd * 0.01 + (5.1 * BN - cap_hkd) * 0.1125)
    # without the limit: 4.9 bn × 1 % + 0.2 bn × 10 % = HKD 69 m
    r2 = compare([p], jurisdictions=["HK"], as_of=AS_OF, currency="USD",
                 funding={"HK": {"compensation_cover": {"insurance": 1.0}}},
                 assumptions={"cost_cap_single_insured_max": 1e12})
    assert by_form(r2.costs, "compensation_cover").loc["insurance", "annual_cost"] == pytest.approx(69 * M)


def test_japan_reserve_insurance_share_and_same_kind_crypto():
    pytest.importorskip("jurisdictions.japan")
    p = dict(make_profile(name="jp", currency="JPY", services="custody;exchange_fiat"),
             client_crypto_assets=100 * BN, hot_wallet_share=0.04, annual_trading_volume=1000 * BN)
    r = compare([p], jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=["all"])
    ob = r.obligations.set_index(["obligation", "scenario"])
    c = r.costs
    # PGC: same-kind crypto at the yen cost of equity: amount × (0.5 % + 11.25 %) = amount × 11.75 %
    pgc = ob.loc[("performance_guarantee_crypto", ""), "amount"]
    assert c[c["obligation"] == "performance_guarantee_crypto"]["annual_cost"].sum() == pytest.approx(pgc * 0.1175)
    # reserve (central): insurance (cold, 1 %) at most 50 %, own funds (the 11.25 % premium) the rest
    for scenario, s in (("low", 0.75), ("central", 0.5), ("high", 0.25)):
        R = ob.loc[("liability_reserve", scenario), "amount"]
        rows = c[(c["obligation"] == "liability_reserve") & (c["scenario"] == scenario)].set_index("form")
        assert rows.loc["insurance", "funded_amount"] == pytest.approx(s * R)
        assert rows["annual_cost"].sum() == pytest.approx(s * R * 0.01 + (1 - s) * R * 0.1125)
    # the client fiat trust is the clients' money: no cost
    assert c[c["obligation"] == "client_fiat_trust"]["annual_cost"].sum() == 0
    # the securities analogue allows no insurance: all own funds at the premium
    R = ob.loc[("liability_reserve", "fiea_analogue"), "amount"]  # 0.00008 × JPY 1 tn = JPY 80 m
    assert R == pytest.approx(0.00008 * 1000 * BN)
    rows = c[(c["obligation"] == "liability_reserve") & (c["scenario"] == "fiea_analogue")]
    assert rows["annual_cost"].sum() == pytest.approx(R * 0.1125)
    summ = r.cost_summary().set_index("scenario")
    assert list(summ.index) == ["low", "central", "high", "fiea_analogue"]  # one row per reserve scenario


def test_cli_compare_table_has_a_cost_section_and_takes_assumptions(tmp_path):
    from tests.test_cli import run

    f = tmp_path / "a.yaml"
    f.write_text("insurance_rate_prudential:\n  values:\n    - {effective_from: 2020-01-01, value: 0.05, "
                 "status: assumed, citation: broker quote}\n", encoding="utf-8")
    r = run("compare", "examples/profiles.yaml", "-j", "EU", "--as-of", "2026-11-25", "--assumptions", str(f))
    assert r.returncode == 0, r.stderr
    assert "Annual cost of the obligations" in r.stdout
    assert "insurance_rate_prudential 5 % (assumed, user)" in r.stdout.replace("\n", " ")
    j = run("compare", "examples/profiles.yaml", "-j", "EU", "--as-of", "2026-11-25", "--assumptions", str(f),
            "--format", "json")
    doc = json.loads(j.stdout)
    fr = [c for c in doc["costs"] if c["profile"] == "Frankfurt CASP (illustrative)"
          and c["obligation"] == "prudential_safeguards"]
    # EUR 15 m requirement insured at the user's 5 %: EUR 750,000
    assert [c["form"] for c in fr] == ["insurance"] and fr[0]["annual_cost"] == pytest.approx(750_000)
    bad = tmp_path / "b.yaml"
    bad.write_text("insurance_rate_cold:\n  values:\n    - {effective_from: 2020-01-01, value: 1, status: assumed, "
                   "citation: x}\n", encoding="utf-8")
    r = run("compare", "examples/profiles.yaml", "-j", "EU", "--assumptions", str(bad))
    assert r.returncode == 2 and "insurance_rate_cold: 1.0 is not a fraction per year" in r.stderr
    assert "Traceback" not in r.stderr


def test_own_funds_cost_is_never_negative_when_the_yield_exceeds_the_cost_of_capital():
    # a former cost_of_capital of 2 % is read as the USD cost of equity: premium 2 % − 3.75 % = −1.75 %;
    # own funds cost max(0, −1.75 %) = 0, never a negative cost
    from comparisons import compare
    from tests.conftest import make_profile

    r = compare([make_profile(name="p", currency="EUR", services="custody", fixed_overheads=4_000_000)],
                jurisdictions=["EU"], as_of="2026-11-25", currency="EUR",
                assumptions={"cost_of_capital": 0.02, "reserve_yield_eur": 0.05},
                funding={"EU": {"prudential_safeguards": {"own_funds": 1.0}}})
    costs = r.costs
    assert (costs["annual_cost"] >= 0).all()
    assert costs.loc[costs["form"] == "own_funds", "annual_cost"].sum() == 0
    assert any("cost_of_capital read as the USD cost of equity" in w["message"] for w in r.cost_warnings())
