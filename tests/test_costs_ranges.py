"""Costs people can decide on (issue 16): one equity premium in every currency, bounded guarantees, capacity
per insured and per group, assumption sets low/central/high, the robustness view, unknowns, licence costs.

Hand-worked numbers come from comparisons/data/cost_assumptions.yaml (central: equity premium 11.25 %,
insurance 1 % cold / 10 % hot / 2 % prudential, guarantee fee 2 %, capacity USD 600 m; low/high ends: premium
8 %/20 %, cold 0.2 %/3 %, hot 8 %/20 %, prudential 1 %/5 %, fee 1 %/4 %, capacity 600 m/500 m) and from
rulebook/costs.md §4 for the licence costs.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.costs import cost_table
from comparisons.costs.assumptions import CostAssumptions, load_assumptions
from comparisons.fx import FxSnapshot
from comparisons.load import load_profiles
from jurisdictions.framework import concat_obligations, obligation_rows
from tests.conftest import AS_OF, make_profile
from tests.test_costs import BN, FX, M, XX_J, XX_PARAMS, HK_2PC_HOT, by_form, xx_costs

GLOBAL = "Global exchange group (illustrative)"
OSAKA = "Osaka mid-size exchange (illustrative)"
# visible rates for the currency test: units per EUR; USD 1.0, JPY 150, GBP 0.8
FX_JG = FxSnapshot(as_of=AS_OF, date=AS_OF, per_eur={"EUR": 1.0, "USD": 1.0, "JPY": 150.0, "GBP": 0.8, "HKD": 7.8},
                   source="test rates")


@pytest.fixture(scope="module")
def examples_result():
    return compare("examples/profiles.yaml", as_of="2026-11-25")


def own_funds_cost_ref(currency: str, amount: float, assumptions=None, assumption_set: str = "central") -> float:
    """The USD cost of an own-funds requirement of ``amount`` (in ``currency``) in a hand-made market."""
    frame = load_profiles([make_profile(name="p", currency=currency)])
    rows = obligation_rows(frame, jurisdiction="XX", regime="xx.rules", obligation="own", category="capital",
                           amount=amount, currency=currency, status="in_force", citation="XX", basis="test",
                           funding_forms=("own_funds",))
    costs = cost_table(concat_obligations([rows]), [XX_J], frame, fx=FX_JG, as_of=AS_OF, currency="USD",
                       assumptions=CostAssumptions.read(load_assumptions(assumptions), AS_OF, assumption_set),
                       parameters={"XX": XX_PARAMS})
    return float(costs["annual_cost_ref"].sum())


# -- 1. one equity premium in every currency ---------------------------------------------------------------

def test_the_same_usd_requirement_in_own_funds_costs_the_same_in_japan_and_the_uk():
    # USD 100 m of own funds: JPY 15 bn (× 150) in Japan, GBP 80 m (× 0.8) in the UK.
    # cost of equity JPY = 0.5 % + 11.25 % = 11.75 %, less the 0.5 % earned = 11.25 %;
    # cost of equity GBP = 4 % + 11.25 % = 15.25 %, less the 4 % earned = 11.25 %: USD 11.25 m either way
    jp = own_funds_cost_ref("JPY", 100 * M * 150)
    uk = own_funds_cost_ref("GBP", 100 * M * 0.8)
    assert jp == pytest.approx(0.1125 * 100 * M)
    assert uk == pytest.approx(jp, rel=0.005)  # ±0.5 %
    # (under the former rule, one 15 % cost of equity less each currency's yield, they differed: (15 % − 0.5 %) /
    # (15 % − 4 %) − 1 ≈ 31.8 % dearer in Japan)


def test_real_japan_and_uk_own_funds_rows_carry_the_same_unit_cost():
    p = make_profile(name="p", currency="USD", services="custody;exchange_fiat", fixed_overheads=40 * M,
                     client_crypto_assets=1 * BN, annual_operating_expenses=50 * M)
    r = compare([p], jurisdictions=["JP", "UK"], as_of=AS_OF, currency="USD")
    c = r.costs
    own = c[(c["form"] == "own_funds") & (c["funded_amount"] > 0)]
    assert set(own["jurisdiction"]) == {"JP", "UK"}
    assert own["unit_cost"].to_numpy() == pytest.approx(0.1125)  # the premium, in yen and in sterling alike


def test_own_crypto_costs_the_full_cost_of_equity_in_its_currency():
    # Japan's performance-guarantee crypto: own crypto held as backing earns nothing: 0.5 % + 11.25 % = 11.75 %
    p = make_profile(name="p", currency="JPY", services="custody;exchange_fiat", client_crypto_assets=100 * BN,
                     hot_wallet_share=0.04)
    r = compare([p], jurisdictions=["JP"], as_of=AS_OF, currency="JPY")
    pgc = r.costs[r.costs["obligation"] == "performance_guarantee_crypto"].iloc[0]
    assert pgc["unit_cost"] == pytest.approx(0.005 + 0.1125)


def test_a_former_cost_of_capital_reads_as_the_usd_cost_of_equity_with_a_note():
    # cost_of_capital 15 % → equity premium 15 % − 3.75 % (USD yield) = 11.25 %: the same costs as the default
    legacy = own_funds_cost_ref("GBP", 80 * M, assumptions={"cost_of_capital": 0.15})
    assert legacy == pytest.approx(own_funds_cost_ref("GBP", 80 * M))
    r = compare([make_profile(name="p", services="custody", fixed_overheads=3 * M)], jurisdictions=["EU"],
                as_of=AS_OF, assumptions={"cost_of_capital": 0.20})
    a = CostAssumptions.read(r.assumptions, AS_OF)
    assert a.equity_premium == pytest.approx(0.20 - 0.0375)
    notes = [w["message"] for w in r.to_dict()["warnings"]]
    assert any("cost_of_capital read as the USD cost of equity" in m and "equity_premium" in m for m in notes)


# -- 2. bank guarantees are bounded -------------------------------------------------------------------------

def test_global_groups_hong_kong_cover_has_no_more_unsecured_guarantee_than_its_own_funds(examples_result):
    r = examples_result
    hk = r.costs[(r.costs["profile"] == GLOBAL) & (r.costs["obligation"] == "compensation_cover")]
    f = hk.groupby("form", observed=True)[["funded_amount_ref", "annual_cost_ref"]].sum()
    # cover = 0.5 × USD 57.6 bn cold + 1.0 × USD 2.4 bn hot = USD 31.2 bn (client assets 60 bn, 4 % hot)
    assert f["funded_amount_ref"].sum() == pytest.approx(0.5 * 57.6 * BN + 2.4 * BN)
    # insurance to the USD 600 m capacity at the cold rate: 600 m × 1 % = USD 6 m
    assert f.loc["insurance", "funded_amount_ref"] == pytest.approx(600 * M)
    # guarantee unsecured only up to the group's own funds, USD 5 bn, at 2 % = USD 100 m
    assert f.loc["bank_guarantee", "funded_amount_ref"] == pytest.approx(5 * BN)
    assert f.loc["bank_guarantee", "annual_cost_ref"] == pytest.approx(5 * BN * 0.02)
    # the rest, 31.2 − 0.6 − 5 = USD 25.6 bn, as trust money at 11.25 % (cheaper than a guarantee with cash
    # collateral at 2 % + 11.25 %): USD 2.88 bn. Total 6 m + 100 m + 2,880 m = USD 2,986 m a year
    assert f.loc["trust_funds", "funded_amount_ref"] == pytest.approx(25.6 * BN)
    assert f["annual_cost_ref"].sum() == pytest.approx(6 * M + 100 * M + 25.6 * BN * 0.1125)
    for s in ("low", "high"):  # under every assumption set too
        c = r.costs_under(s)
        g = c[(c["profile"] == GLOBAL) & (c["form"] == "bank_guarantee")]["funded_amount_ref"].sum()
        assert g <= 5 * BN * (1 + 1e-12)


@settings(max_examples=25, deadline=None)
@given(own=st.floats(0, 3e10), amount=st.floats(0, 2e10), hot=st.floats(0, 1))
def test_unsecured_guarantee_never_exceeds_own_funds(own, amount, hot):
    p = dict(HK_2PC_HOT, own_funds=own, hot_wallet_share=hot)
    c = xx_costs([p], {"cover_split": amount, "guarantee": amount / 3})
    g = c[c["form"] == "bank_guarantee"]
    # cost = 2 % × guaranteed + 11.25 % × collateralised, so collateralised = (cost − 2 % × guaranteed) / 11.25 %
    # and the unsecured part = guaranteed − collateralised; all rows of the entity together stay within own funds
    collateral = (g["annual_cost"] - 0.02 * g["funded_amount"]) / 0.1125
    unsecured = g["funded_amount"] - collateral
    assert unsecured.sum() <= own * (1 + 1e-6) + 1.0


# -- 3. capacity per insured, per group ----------------------------------------------------------------------

def test_one_entitys_insured_obligations_in_one_market_share_the_capacity():
    cap = 600 * M * 7.8  # USD 600 m → HKD 4.68 bn
    # two insured obligations of one profile: cover_mix (insurance only, HKD 3 bn, 0 % hot: 1 %) takes 3 bn
    # first; prudential (insurance only, HKD 3 bn at 2 %) gets the 1.68 bn left; 1.32 bn stays unfunded
    two = [make_profile(name="a", currency="HKD"), make_profile(name="b", currency="HKD")]
    c = xx_costs(two, {"cover_mix": np.array([3 * BN, 3 * BN]), "prudential": np.array([3 * BN, 1 * BN])})
    for prof, pru_insured in (("a", cap - 3 * BN), ("b", 1 * BN)):  # b needs only 1 bn: within what is left
        mine = c[c["profile"] == prof]
        insured = mine[mine["form"] == "insurance"]["funded_amount"].sum()
        assert insured <= cap * (1 + 1e-12)
        assert by_form(mine, "prudential").loc["insurance", "funded_amount"] == pytest.approx(pru_insured)
    a = c[c["profile"] == "a"]
    assert by_form(a, "prudential").loc["unfunded", "funded_amount"] == pytest.approx(3 * BN - (cap - 3 * BN))
    assert "shared by this entity's insured obligations" in a[a["form"] == "insurance"]["assumptions"].iloc[-1]


def test_a_plans_entities_share_the_groups_insurance_line():
    from comparisons.planning.plan import plan

    r = plan("examples/plan.yaml")
    split = r.capacity_split.set_index("market")
    ins = r.costs[r.costs["form"] == "insurance"].groupby("jurisdiction")["funded_amount_ref"].sum()
    # JP insures half its reserve, EU its whole EUR requirement (0.25 × fixed overheads); HK, listed last,
    # may insure only what they leave of the USD 600 m line: 600 m − JP − EU (not 600 m of its own)
    assert ins["EU"] == pytest.approx(0.25 * 900 * M * 0.20)  # 0.25 × (20 % of USD 900 m) = USD 45 m
    assert ins["HK"] == pytest.approx(600 * M - ins["JP"] - ins["EU"])
    assert ins.sum() <= 600 * M * (1 + 1e-9)
    assert split.loc["HK", "line_left"] == pytest.approx(600 * M - ins["JP"] - ins["EU"])
    assert split.loc["HK", "line_left_after"] == pytest.approx(0, abs=1e-3)
    hk = r.costs[(r.costs["jurisdiction"] == "HK") & (r.costs["form"] == "insurance")]
    assert "left of the group's line" in hk["assumptions"].iloc[0]
    assert any("insurance capacity is per group" in w["message"] and "HK insured" in w["message"]
               for w in r.warnings)


# -- 4. assumption sets, ranges, robustness ------------------------------------------------------------------

def test_cost_ranges_are_the_market_costs_under_each_set(examples_result):
    cr = examples_result.cost_ranges()
    g = cr[(cr["profile"] == GLOBAL) & (cr["jurisdiction"] == "UK")].iloc[0]
    # the UK own-funds requirement of the group, USD 225 m, is its only cost: 225 m × premium of each set
    assert (g["low"], g["central"], g["high"]) == pytest.approx((225 * M * 0.08, 225 * M * 0.1125, 225 * M * 0.20))
    assert (cr["low"] <= cr["central"] * (1 + 1e-12)).all() and (cr["central"] <= cr["high"] * (1 + 1e-12)).all()
    s = examples_result.cost_summary()
    merged = s.merge(cr, on=["profile", "jurisdiction", "scenario"])
    assert merged["central"].to_numpy() == pytest.approx(merged["annual_cost_ref"].to_numpy())
    assert merged["low"].to_numpy() == pytest.approx(merged["annual_cost_low_ref"].to_numpy())


def test_json_carries_cost_ranges_per_profile_market_and_scenario(examples_result):
    doc = json.loads(examples_result.to_json())
    rows = doc["cost_ranges"]
    assert rows and set(rows[0]) == {"profile", "jurisdiction", "scenario", "currency", "low", "central", "high"}
    uk = next(x for x in rows if x["profile"] == GLOBAL and x["jurisdiction"] == "UK")
    assert uk["high"] == pytest.approx(225 * M * 0.20) and uk["currency"] == "USD"
    assert len(examples_result.to_dict()["cost_ranges"]) == len(rows)  # the two writers agree


def test_the_robustness_table_names_the_assumption_that_decides_each_flip(examples_result):
    rob = examples_result.robustness()
    t = rob.table.set_index("profile")
    # the global group: Hong Kong dearest and Canada cheapest under every set (Canada asks for no capital and
    # prices no insurance: its rules move crypto to custodians and hold client assets in trust), nothing flips them
    assert (t.loc[GLOBAL, "dearest_central"], t.loc[GLOBAL, "cheapest_central"]) == ("HK", "CA")
    assert t.loc[GLOBAL, "dearest_holds"] and t.loc[GLOBAL, "dearest_depends_on"] == ""
    # no conclusion of the six examples flips (the Osaka dealer runs no platform, so Hong Kong's platform rules
    # do not reach it): every one holds under every set
    assert t["dearest_holds"].all() and t["cheapest_holds"].all()
    # Osaka as a platform operator: HK dearest centrally (cold-storage cover insured at 1 %), but Japan under
    # the low set. Japan's cost is mostly own crypto at the cost of equity, HK's mostly cold insurance: a higher
    # equity premium (20 %) or cheaper cold cover (0.2 %) makes Japan dearest, so those two decide the flip
    frame = load_profiles("examples/profiles.yaml")
    platform = frame[frame["name"] == OSAKA].drop(columns=[c for c in frame.columns if c.startswith("svc_")])
    platform = platform.assign(services="custody;trading_platform;exchange_fiat;exchange_crypto")
    rob = compare(platform, as_of="2026-11-25").robustness()
    o = rob.table.set_index("profile").loc[OSAKA]
    assert (o["dearest_low"], o["dearest_central"], o["dearest_high"]) == ("JP", "HK", "HK")
    assert not o["dearest_holds"]
    assert o["dearest_depends_on"].split(", ") == ["equity_premium", "insurance_rate_cold"]
    flips = rob.tornado[(rob.tornado["profile"] == OSAKA) & rob.tornado["flips_dearest"]]
    assert set(zip(flips["assumption"], flips["end"])) == {("equity_premium", "high"), ("insurance_rate_cold", "low")}
    assert set(flips["dearest"]) == {"JP"}
    # every flip is named: a conclusion that does not hold under every set depends on a named assumption,
    # and every named assumption has a tornado row that flips it
    for prof, row in rob.table.set_index("profile").iterrows():
        for what in ("cheapest", "dearest"):
            for pid in filter(None, row[f"{what}_depends_on"].split(", ")):
                tr = rob.tornado[(rob.tornado["profile"] == prof) & (rob.tornado["assumption"] == pid)]
                assert tr[f"flips_{what}"].any()
    sw = rob.swings[(rob.swings["profile"] == OSAKA) & (rob.swings["assumption"] == "equity_premium")]
    assert (sw["low_end"] <= sw["high_end"]).all()


def test_tornado_chart_draws_each_assumption_per_market(examples_result):
    from comparisons.report import charts

    ch = examples_result.chart("tornado", profile=OSAKA)
    spec = charts.spec(ch)
    data = charts.tornado_data(examples_result.robustness(), profile=OSAKA)
    assert data["assumption"].iloc[0] in ("insurance_rate_cold", "equity_premium")  # the largest swing first
    assert "Osaka" in json.dumps(spec)


def test_large_batches_cost_at_central_only_unless_asked(examples_result):
    s = examples_result.cost_summary(ranges=False, licence=False)
    assert "annual_cost_low_ref" not in s and "licence_yearly_low_ref" not in s
    r = compare("examples/profiles.yaml", as_of="2026-11-25")
    doc = r.to_dict(ranges=False)
    assert all(x["low"] is None and x["high"] is None for x in doc["cost_ranges"])
    assert not any(k[0] == "costs_under" for k in r.extras if isinstance(k, tuple))  # no other set was costed
    assert any("central assumption set only" in w["message"] for w in doc["warnings"])


# -- 5. unknowns ----------------------------------------------------------------------------------------------

def test_eu_insured_cost_warns_that_it_rests_on_unknowns():
    p = make_profile(name="p", services="custody", fixed_overheads=3 * M)
    r = compare([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR")
    ins = r.costs[r.costs["form"] == "insurance"].iloc[0]
    assert "cost_prem_eu_art67_policy: unknown" in ins["note"] and "how a policy limit counts" in ins["note"]
    w = [x for x in r.cost_warnings() if x["jurisdiction"] == "EU"]
    assert len(w) == 1 and w[0]["profile"] == "p" and "what-if" in w[0]["message"]
    # funded by own funds instead: no insured part, no warning
    r2 = compare([p], jurisdictions=["EU"], as_of=AS_OF, currency="EUR",
                 funding={"EU": {"prudential_safeguards": {"own_funds": 1.0}}})
    assert r2.cost_warnings() == []


# -- 6. licence and compliance costs ------------------------------------------------------------------------

def test_licence_costs_per_market_from_the_rulebook(examples_result):
    lic = examples_result.licence_costs()
    eu = lic[lic["jurisdiction"] == "EU"]
    one_off = eu[eu["kind"] == "one_off"]
    # application €5–30k + legal €50–100k + cyber audit €30–50k = €85k–180k one-off (costs.md §4)
    assert (one_off["low"].sum(), one_off["high"].sum()) == (85_000, 180_000)
    assert set(eu.loc[eu["status"] == "unknown", "id"]) == {"cost_eu_mt_casp_fees", "cost_eu_cy_fees"}
    assert eu.loc[eu["status"] == "unknown", "low"].isna().all()  # unknown stays unknown, never 0
    sg = lic[lic["jurisdiction"] == "SG"].iloc[0]
    assert (sg["low"], sg["currency"], sg["kind"]) == (10_000, "SGD", "yearly")
    assert sg["low_ref"] == pytest.approx(10_000 * examples_result.fx.rate("SGD", "USD"))
    hk = lic[lic["jurisdiction"] == "HK"]
    assert len(hk) == 1 and hk["status"].iloc[0] == "unknown" and np.isnan(hk["low"].iloc[0])
    s = examples_result.cost_summary().set_index(["profile", "jurisdiction"])
    row = s.loc[(GLOBAL, "EU")]
    rate = examples_result.fx.rate("EUR", "USD")
    assert row["licence_one_off_low_ref"] == pytest.approx(85_000 * rate)
    assert row["licence_yearly_low_ref"] == pytest.approx(2_550 * rate)  # AMF €2,550 (+ ESMA fee 0, assumed)
    assert "Malta" in row["licence_unknown"]
    assert np.isnan(s.loc[(GLOBAL, "HK"), "licence_one_off_low_ref"])
    # never mixed into the carrying cost: the annual cost equals the cost table's sum
    c = examples_result.costs
    assert row["annual_cost_ref"] == pytest.approx(
        c[(c["profile"] == GLOBAL) & (c["jurisdiction"] == "EU")]["annual_cost_ref"].sum())


# -- properties ---------------------------------------------------------------------------------------------

RATE_IDS = ("insurance_rate_cold", "insurance_rate_hot", "insurance_rate_prudential", "bank_guarantee_fee",
            "equity_premium")
OBLIGATIONS = {"cover_split": 1.0, "capped_reserve": 0.5, "prudential": 0.2, "guarantee": 0.1, "crypto": 0.05}


def _total(p, amount, assumptions, scenario=""):
    return sum(xx_costs([p], {ob: amount * k}, assumptions=assumptions, scenario=scenario or
                        ("central" if ob == "capped_reserve" else ""))["annual_cost"].sum()
               for ob, k in OBLIGATIONS.items())


@settings(max_examples=20, deadline=None)
@given(pid=st.sampled_from(RATE_IDS), base=st.floats(0.0, 0.4), bump=st.floats(0, 0.4), amount=st.floats(0, 2e10),
       hot=st.floats(0, 1), own=st.floats(0, 1e10))
def test_a_higher_premium_fee_or_equity_premium_never_lowers_a_cost(pid, base, bump, amount, hot, own):
    p = dict(HK_2PC_HOT, hot_wallet_share=hot, own_funds=own)
    lo = _total(p, amount, {pid: base})
    hi = _total(p, amount, {pid: min(base + bump, 0.95)})
    assert hi >= lo - 1e-9 * abs(lo) - 1e-6


@settings(max_examples=20, deadline=None)
@given(cap=st.floats(1e6, 5e9), more=st.floats(0, 5e9), amount=st.floats(0, 2e10), hot=st.floats(0, 1))
def test_a_larger_capacity_never_raises_a_cost(cap, more, amount, hot):
    p = dict(HK_2PC_HOT, hot_wallet_share=hot)
    small = xx_costs([p], {"cover_split": amount}, assumptions={"cost_cap_single_insured_max": cap})
    large = xx_costs([p], {"cover_split": amount}, assumptions={"cost_cap_single_insured_max": cap + more})
    assert large["annual_cost"].sum() <= small["annual_cost"].sum() * (1 + 1e-9) + 1e-6


def _set_total(p, amounts, assumption_set):
    """The summed cost of each obligation costed on its own (no capacity shared between them)."""
    frame = load_profiles([p])
    total = 0.0
    for ob, amount in amounts.items():
        s = XX_J.spec(ob)
        rows = obligation_rows(frame, jurisdiction="XX", regime="xx.rules", obligation=ob, category=s.category,
                               amount=amount, currency="HKD", status="in_force", citation="XX", basis="test",
                               funding_forms=s.funding_forms, scenario="central" if s.scenarios else "")
        costs = cost_table(concat_obligations([rows]), [XX_J], frame, fx=FX, as_of=AS_OF, currency="USD",
                           assumptions=CostAssumptions.read(load_assumptions(), AS_OF, assumption_set),
                           parameters={"XX": XX_PARAMS})
        total += costs["annual_cost"].fillna(np.inf).sum()  # an unfunded part: no finite cost
    return total


@settings(max_examples=20, deadline=None)
@given(amount=st.floats(0, 2e10), hot=st.floats(0, 1), own=st.floats(0, 1e10))
def test_costs_under_low_never_exceed_central_nor_central_high(amount, hot, own):
    p = dict(HK_2PC_HOT, hot_wallet_share=hot, own_funds=own)
    amounts = {ob: amount * k for ob, k in OBLIGATIONS.items() if ob != "prudential"}
    amounts["cover_mix"] = amount / 7
    low, central, high = (_set_total(p, amounts, s) for s in ("low", "central", "high"))
    if not np.isfinite(high):  # the smaller high-set capacity may leave part of an insurance-only cover unfunded
        return
    assert low <= central * (1 + 1e-9) + 1e-6
    assert central <= high * (1 + 1e-9) + 1e-6
