"""Funding: the cheapest allowed mix (greedy over tranches, vectorised), a user's fixed mix, and its checks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.costs.funding import FundingError, FundingMix, Tranche, allocate, load_funding
from tests.conftest import AS_OF, make_profile
from comparisons.costs.summary import cost_summary
from tests.test_costs import BN, FX, HK_2PC_HOT, M, XX_J, by_form, xx_costs


def t(form, rate, limit=np.inf, n=1, label=""):
    return Tranche(form, np.full(n, rate, dtype=float), np.full(n, limit, dtype=float), label)


# -- allocate ----------------------------------------------------------------------------------------------

def test_allocate_fills_the_cheapest_tranche_first_within_its_limits():
    # 100 to fund: insurance cold part (1 %, up to 40), insurance hot part (10 %, up to 30), own funds (12 %)
    tr = [t("insurance", 0.01, 40), t("insurance", 0.10, 30), t("own_funds", 0.12)]
    alloc, unfunded = allocate(np.array([100.0]), tr)
    assert alloc.tolist() == [[40.0, 30.0, 30.0]]
    assert unfunded.tolist() == [0.0]
    # the same with insurance limited to 50 in total (a capacity): 40 cold + 10 hot, own funds 50
    alloc, _ = allocate(np.array([100.0]), tr, {"insurance": np.array([50.0])})
    assert alloc.tolist() == [[40.0, 10.0, 50.0]]


def test_allocate_leaves_floating_point_residue_unfunded_by_any_form():
    # HK compensation cover of exchange-0000018: amount 0.5 × 718,778,937.4 + 1.0 × 33,554,051.2 computed in one
    # expression; the insurance limit summed from the two parts falls 1.86e-08 short of it. That residue is not
    # funding: trust funds take nothing (no cost row) and nothing is left unfunded
    amount = 392_943_519.9487637
    tr = [t("insurance", 0.0177, amount - 1.862645149230957e-08), t("trust_funds", 0.1125)]
    alloc, unfunded = allocate(np.array([amount]), tr)
    assert alloc[0, 1] == 0.0 and alloc[0, 0] == pytest.approx(amount, rel=1e-15)
    assert unfunded.tolist() == [0.0]
    # a real remainder (one unit of currency) still goes to the next form
    tr = [t("insurance", 0.0177, amount - 1.0), t("trust_funds", 0.1125)]
    alloc, _ = allocate(np.array([amount]), tr)
    assert alloc[0, 1] == pytest.approx(1.0)


def test_allocate_fixed_shares_first_then_the_cheapest():
    tr = [t("own_funds", 0.12), t("insurance", 0.01), t("bank_guarantee", 0.02)]
    # 30 % own funds fixed; the rest (70) to the cheapest: insurance
    alloc, _ = allocate(np.array([100.0]), tr, fixed={"own_funds": 0.3})
    assert alloc.tolist() == [[30.0, 70.0, 0.0]]
    # a fixed share beyond the form's limit is cut back to it; the rest to the cheapest other form
    alloc, _ = allocate(np.array([100.0]), tr, {"insurance": np.array([20.0])}, fixed={"insurance": 1.0})
    assert alloc.tolist() == [[0.0, 20.0, 80.0]]


def test_allocate_reports_what_no_form_can_meet():
    # only insurance allowed, limited to 60: 40 of 100 unfunded
    alloc, unfunded = allocate(np.array([100.0]), [t("insurance", 0.01)], {"insurance": np.array([60.0])})
    assert alloc.tolist() == [[60.0]] and unfunded.tolist() == [40.0]


def test_allocate_is_vectorised_over_rows_with_different_orders():
    # row 0: insurance cheaper; row 1: own funds cheaper
    tr = [Tranche("insurance", np.array([0.01, 0.20]), np.array([np.inf, np.inf])),
          Tranche("own_funds", np.array([0.12, 0.12]), np.array([np.inf, np.inf]))]
    alloc, _ = allocate(np.array([10.0, 20.0]), tr)
    assert alloc.tolist() == [[10.0, 0.0], [0.0, 20.0]]


def test_unfunded_part_is_reported_in_the_cost_rows():
    # cover_mix may be met only by insurance; HKD 5 bn > the HKD 4.68 bn limit (USD 600 m × 7.8)
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"cover_mix": 5 * BN})
    f = by_form(costs, "cover_mix")
    assert f.loc["unfunded", "funded_amount"] == pytest.approx(5 * BN - 600 * M * 7.8)
    assert np.isnan(costs[costs["form"] == "unfunded"]["annual_cost"]).all()
    costs, frame = xx_costs([make_profile(name="p", currency="HKD")], {"cover_mix": 5 * BN}, as_frame=True)
    s = cost_summary(costs, frame, FX, "USD").iloc[0]
    assert np.isnan(s["annual_cost"])  # part of the obligation cannot be met: no total cost
    assert s["unfunded_ref"] == pytest.approx((5 * BN - 600 * M * 7.8) / 7.8)


# -- properties ------------------------------------------------------------------------------------------

FORMS = ("own_funds", "insurance", "trust_funds", "bank_guarantee", "same_kind_crypto")


@settings(max_examples=25, deadline=None)
@given(amount=st.floats(0, 2e10), hot=st.floats(0, 1), prem=st.floats(0.05, 0.4))
def test_cheapest_mix_never_costs_more_than_any_single_allowed_form(amount, hot, prem):
    p = dict(HK_2PC_HOT, hot_wallet_share=hot)  # no own funds: a bank guarantee needs full cash collateral
    assumptions = {"equity_premium": prem}
    cheapest = xx_costs([p], {"cover_split": amount}, assumptions=assumptions)["annual_cost"].sum()
    for form in FORMS:
        # the whole amount in one form (cut back where a limit binds, the rest to the cheapest other form)
        single = xx_costs([p], {"cover_split": amount}, assumptions=assumptions,
                          funding=FundingMix({("XX", "cover_split"): {form: 1.0}}))["annual_cost"].sum()
        assert cheapest <= single + 1e-9 * abs(single) + 1e-6
    # and never more than the single forms no limit binds on, priced by hand:
    # own funds and trust money: (3 % HKD yield + premium) − 3 % earned; a guarantee: 2 % fee + collateral
    # carried as trust money; own crypto: the cost of equity 3 % + premium
    by_hand = {"own_funds": prem, "trust_funds": prem, "bank_guarantee": 0.02 + prem, "same_kind_crypto": 0.03 + prem}
    assert cheapest <= min(by_hand.values()) * amount * (1 + 1e-9) + 1e-6  # all rates > 0 here


@settings(max_examples=25, deadline=None)
@given(amount=st.floats(0, 2e10), hot=st.floats(0, 1), coc=st.floats(0.0, 0.5), bump=st.floats(0, 0.4),
       scenario=st.sampled_from(["low", "central", "high"]))
def test_raising_the_equity_premium_never_lowers_the_cost(amount, hot, coc, bump, scenario):
    p = dict(HK_2PC_HOT, hot_wallet_share=hot)
    obligations = {"cover_split_no_guarantee": amount, "own": amount / 10, "crypto": amount / 20}
    lo = xx_costs([p], obligations, assumptions={"equity_premium": coc})["annual_cost"].sum()
    hi = xx_costs([p], obligations, assumptions={"equity_premium": min(coc + bump, 0.95)})["annual_cost"].sum()
    assert hi >= lo - 1e-9 * abs(lo) - 1e-6
    lo_r = xx_costs([p], {"capped_reserve": amount}, scenario=scenario,
                    assumptions={"equity_premium": coc})["annual_cost"].sum()
    hi_r = xx_costs([p], {"capped_reserve": amount}, scenario=scenario,
                    assumptions={"equity_premium": min(coc + bump, 0.95)})["annual_cost"].sum()
    assert hi_r >= lo_r - 1e-9 * abs(lo_r) - 1e-6


@settings(max_examples=15, deadline=None)
@given(overheads=st.floats(0, 8e9), coc=st.floats(0.05, 0.3), rate=st.floats(0.001, 0.5))
def test_eu_cheapest_mix_is_no_dearer_than_own_funds_or_insurance_alone(overheads, coc, rate):
    p = make_profile(name="p", services="custody", fixed_overheads=overheads)
    kw = dict(jurisdictions=["EU"], as_of=AS_OF, currency="EUR",
              assumptions={"equity_premium": coc, "insurance_rate_prudential": rate})
    cheapest = compare([p], **kw).costs["annual_cost"].sum()
    for form in ("own_funds", "insurance"):
        single = compare([p], funding={"EU": {"prudential_safeguards": {form: 1.0}}}, **kw).costs["annual_cost"].sum()
        assert cheapest <= single + 1e-9 * abs(single) + 1e-6


# -- the user's fixed mix ----------------------------------------------------------------------------------

def test_fixed_mix_file_changes_the_cost(tmp_path):
    f = tmp_path / "mix.yaml"
    f.write_text("EU:\n  prudential_safeguards:\n    own_funds: 1.0\n", encoding="utf-8")
    r = compare([make_profile(name="p", services="custody", fixed_overheads=3_000_000)], jurisdictions=["EU"],
                as_of=AS_OF, currency="EUR", funding=str(f))
    c = r.costs.set_index("obligation")
    # 750,000 × ((2 % + 11.25 %) − 2 %) = EUR 84,375 (instead of 15,000 insured)
    assert c.loc["prudential_safeguards", "form"] == "own_funds"
    assert c.loc["prudential_safeguards", "annual_cost"] == pytest.approx(84_375)
    assert c.loc["prudential_safeguards", "mix"] == "user"


def test_fixed_share_above_the_regimes_cap_is_cut_back_with_a_note():
    # capped reserve, central: insurance at most 50 %; the user asks for 80 %
    costs = xx_costs([make_profile(name="p", currency="HKD")], {"capped_reserve": 1 * BN}, scenario="central",
                     funding=FundingMix({("XX", "capped_reserve"): {"insurance": 0.8}}))
    f = by_form(costs, "capped_reserve")
    assert f.loc["insurance", "funded_amount"] == pytest.approx(0.5 * BN)
    assert f.loc["own_funds", "funded_amount"] == pytest.approx(0.5 * BN)
    assert "the user's share 0.8 of insurance is not allowed in full" in costs[costs["form"] == "insurance"].iloc[0]["note"]


@pytest.mark.parametrize("text, message", [
    ("XY:\n  own: {own_funds: 1}\n", r"mix.yaml: XY: not a jurisdiction of this comparison \(XX\)"),
    ("XX:\n  onw: {own_funds: 1}\n", r"mix.yaml: XX.onw: XX has no obligation 'onw' \(did you mean 'own'\?\)"),
    ("XX:\n  own: {insurance: 1}\n", r"mix.yaml: XX.own.insurance: XX own may be met only by own_funds"),
    ("XX:\n  own: {own_fund: 1}\n", r"mix.yaml: XX.own.own_fund: unknown funding form \(did you mean 'own_funds'\?\)"),
    ("XX:\n  own: {own_funds: 1.5}\n", r"mix.yaml: XX.own.own_funds: share 1.5 is not a number between 0 and 1"),
    ("XX:\n  cover_split: {own_funds: 0.6, insurance: 0.6}\n", r"mix.yaml: XX.cover_split: shares add up to 1.2, more than 1"),
    ("- 1\n", r"mix.yaml: a funding file maps"),
])
def test_funding_file_errors_name_the_file_and_the_key(tmp_path, text, message):
    f = tmp_path / "mix.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(FundingError, match=message):
        load_funding(str(f), [XX_J])


def test_funding_file_may_name_installed_markets_not_in_this_comparison(tmp_path):
    f = tmp_path / "mix.yaml"
    f.write_text("funding:\n  XX: {own: {own_funds: 1}}\n  EU: {prudential_safeguards: {insurance: 1}}\n",
                 encoding="utf-8")
    mix = load_funding(str(f), [XX_J], known_codes=["EU", "XX"])
    assert mix.for_obligation("XX", "own") == {"own_funds": 1.0}
    assert mix.for_obligation("EU", "prudential_safeguards") == {}


def test_cli_bad_funding_file_exits_2_naming_file_and_key(tmp_path):
    from tests.test_cli import run

    f = tmp_path / "mix.yaml"
    f.write_text("EU:\n  prudential_safeguards: {trust_funds: 1}\n", encoding="utf-8")
    r = run("compare", "examples/profiles.yaml", "-j", "EU", "--funding", str(f), "--as-of", "2026-11-25")
    assert r.returncode == 2
    assert "mix.yaml: EU.prudential_safeguards.trust_funds: EU prudential_safeguards may be met only by own_funds, insurance" in r.stderr
    assert "Traceback" not in r.stderr


# -- the fast fill paths give what the plain greedy fill gives ------------------------------------------------

def plain_allocate(amount, tranches, form_limits=None, fixed=None):
    """The greedy fill written plainly (one gather per step for every row, whatever the orders): the
    reference the column-by-column paths of ``allocate`` must match exactly."""
    amount = np.nan_to_num(np.asarray(amount, dtype="float64"), nan=0.0)
    n, T = len(amount), len(tranches)
    forms = list(dict.fromkeys(t.form for t in tranches))
    form_idx = np.array([forms.index(t.form) for t in tranches], dtype=int)
    rates = np.column_stack([np.broadcast_to(t.rate, (n,)) for t in tranches])
    t_left = np.column_stack([np.broadcast_to(t.limit, (n,)).astype("float64") for t in tranches])
    f_left = np.full((n, len(forms)), np.inf)
    for f, lim in (form_limits or {}).items():
        f_left[:, forms.index(f)] = np.maximum(np.broadcast_to(lim, (n,)), 0.0)

    def fill(need, allowed):
        out = np.zeros((n, T))
        order = np.argsort(np.where(allowed[None, :], rates, np.inf), axis=1, kind="stable")
        rows = np.arange(n)
        for k in range(T):
            t = order[:, k]
            f = form_idx[t]
            take = np.minimum(need, np.minimum(t_left[rows, t], f_left[rows, f]))
            take = np.where(allowed[t], np.maximum(take, 0.0), 0.0)
            out[rows, t] += take
            t_left[rows, t] -= take
            f_left[rows, f] -= take
            need = need - take
        return out

    alloc = np.zeros((n, T))
    need = amount.copy()
    for f, share in (fixed or {}).items():
        got = fill(np.minimum(share * amount, need), form_idx == forms.index(f))
        alloc += got
        need -= got.sum(axis=1)
    alloc += fill(need, np.ones(T, dtype=bool))
    tolerance = 1e-9 * np.maximum(amount, 1.0)  # a billionth of the amount: residue, not funding
    alloc[alloc <= tolerance[:, None]] = 0.0
    unfunded = np.maximum(amount - alloc.sum(axis=1), 0.0)
    return alloc, np.where(unfunded <= tolerance, 0.0, unfunded)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 40), uniform=st.booleans(), fixed_share=st.sampled_from([0.0, 0.3, 1.0]))
def test_allocate_equals_the_plain_greedy_fill(data, n, uniform, fixed_share):
    # insurance in three parts (cold 1 %, hot 10 %, an "unsplit" part at a per-row storage-mix rate, its limit 0
    # where the split applies), own funds unlimited, a guarantee: the shapes of Hong Kong's cover
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    amount = rng.choice([0.0, 1.0, 5e6, 3e9], n) * rng.uniform(0.5, 2, n)
    split = rng.uniform(0, 1, n) < 0.8
    mix = np.full(n, 0.05) if uniform else rng.uniform(0.01, 0.1, n)
    tranches = [
        Tranche("insurance", np.full(n, 0.01), np.where(split, 0.6 * amount, 0.0), "cold part"),
        Tranche("insurance", np.full(n, 0.10), np.where(split, 0.4 * amount, 0.0), "hot part"),
        Tranche("insurance", mix, np.where(split, 0.0, np.inf), "unsplit"),
        Tranche("own_funds", np.full(n, 0.12), np.full(n, np.inf)),
        Tranche("bank_guarantee", np.full(n, 0.02), np.full(n, np.inf)),
    ]
    limits = {"insurance": np.where(rng.uniform(0, 1, n) < 0.5, 2e9, np.inf)}
    fixed = {"insurance": fixed_share} if fixed_share else None
    got, unfunded = allocate(amount, tranches, limits, fixed)
    want, want_unfunded = plain_allocate(amount, tranches, limits, fixed)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(unfunded, want_unfunded)
    # and with a single tranche, no limits: everything to it
    alloc, rest = allocate(amount, [Tranche("own_funds", np.full(n, 0.12), np.full(n, np.inf))])
    np.testing.assert_array_equal(alloc[:, 0], amount)
    assert (rest == 0).all()


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 30), T=st.integers(1, 7))
def test_patterns_rank_tranches_as_a_stable_argsort_with_nan_last(data, n, T):
    from comparisons.costs.funding import _patterns

    # values with ties, infinities and NaN: a row's rank of each tranche is its place in np.argsort's stable order
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    ranked = rng.choice([0.01, 0.02, 0.1, np.inf, np.nan], (n, T))
    rank, pattern, first = _patterns(ranked)
    order = np.argsort(ranked, axis=1, kind="stable")
    want = np.empty_like(order)
    np.put_along_axis(want, order, np.arange(T)[None, :].repeat(n, axis=0), axis=1)
    np.testing.assert_array_equal(rank, want)
    # rows share a pattern exactly when they share an order; `first` names a row of each pattern
    same = (order[:, None, :] == order[None, :, :]).all(axis=2)
    np.testing.assert_array_equal(pattern[:, None] == pattern[None, :], same)
    assert (pattern[first] == np.arange(len(first))).all()


def test_allocate_with_nan_rates_and_limits_matches_the_plain_fill():
    # a NaN rate sorts last (np.argsort) and a NaN limit makes the rows it reaches NaN, in both fills
    rates = np.array([0.01, np.nan, 0.1, 0.02])
    tranches = [Tranche("insurance", np.array([0.01, np.nan, 0.1, 0.01]), np.array([5.0, np.nan, np.inf, 0.0])),
                Tranche("own_funds", np.array([0.12, 0.12, np.nan, 0.12]), np.full(4, np.inf)),
                Tranche("trust_funds", rates, np.array([np.inf, 3.0, np.nan, 2.0]))]
    amount = np.array([10.0, 10.0, 10.0, 10.0])
    got, unfunded = allocate(amount, tranches, {"trust_funds": np.array([np.inf, np.nan, 1.0, np.inf])})
    want, want_unfunded = plain_allocate(amount, tranches, {"trust_funds": np.array([np.inf, np.nan, 1.0, np.inf])})
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(unfunded, want_unfunded)
