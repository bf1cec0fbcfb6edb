"""Costs from the compact obligations table (categorical text, no ``basis``) equal costs from the Contract 2 table.

``compare`` hands large batches to the cost step in a compact form: the Contract 2 columns without ``basis``,
every text column a pandas Categorical, ``profile`` coded by the profile's row position. ``cost_table`` must
give the same rows, in the same order, with the same numbers and texts, from either form; its own text columns
are Categoricals.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate_profiles
from comparisons import compare
from comparisons.costs.assumptions import CostAssumptions, load_assumptions
from comparisons.costs.summary import cost_summary
from comparisons.costs import COST_COLUMNS, NUMBER_COLUMNS, cost_table
from comparisons.costs.text_codes import compact_codes
from comparisons.costs.funding import FundingMix
from comparisons.load import load_profiles
from comparisons.formatting import compact
from jurisdictions.framework import concat_obligations, obligation_rows
from tests.conftest import AS_OF
from tests.test_costs import BN, FX, HK_2PC_HOT, M, XX_J, XX_PARAMS

TEXT = ["profile", "jurisdiction", "regime", "obligation", "category", "currency", "status", "scenario",
        "funding_forms", "overlap_group", "citation", "reason"]


def compact_form(ob: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """The compact form of an obligations table, built by hand as the brief describes it."""
    c = ob.drop(columns="basis").astype({k: "category" for k in TEXT if k != "profile"})
    c["profile"] = pd.Categorical(ob["profile"], categories=profiles["name"])
    return c


def costs_of(result, obligations, funding=None) -> pd.DataFrame:
    return cost_table(obligations, result.jurisdictions, result.profiles, fx=result.fx, as_of=result.as_of,
                      currency=result.currency, assumptions=CostAssumptions.read(load_assumptions(), result.as_of),
                      parameters=result.parameters, funding=funding)


def assert_same_costs(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Value for value: same columns, rows and order; texts equal as strings; numbers equal (NaN = NaN)."""
    assert list(a.columns) == list(b.columns) == list(COST_COLUMNS)
    assert len(a) == len(b)
    for c in COST_COLUMNS:
        x, y = a[c], b[c]
        if c in NUMBER_COLUMNS:
            np.testing.assert_array_equal(x.to_numpy(dtype="float64"), y.to_numpy(dtype="float64"), err_msg=c)
        else:
            assert (x.astype(object).to_numpy() == y.astype(object).to_numpy()).all(), c


def assert_lean(costs: pd.DataFrame) -> None:
    for c in COST_COLUMNS:
        if c in NUMBER_COLUMNS:
            assert costs[c].dtype == "float64", c
        elif c == "ties_up":
            assert costs[c].dtype == bool
        else:
            assert isinstance(costs[c].dtype, pd.CategoricalDtype), c


# -- the compact form gives the same cost table ------------------------------------------------------------

def test_example_profiles_compact_and_object_forms_give_the_same_costs():
    r = compare("examples/profiles.yaml", jurisdictions=["JP", "EU", "HK"], as_of="2026-11-25", currency="USD",
                scenarios=["all"])
    ob = r.obligations
    assert "basis" in ob.columns and not isinstance(ob["jurisdiction"].dtype, pd.CategoricalDtype)  # the plain form
    plain = costs_of(r, ob)
    lean = costs_of(r, compact_form(ob, r.profiles))
    assert_same_costs(lean, plain)
    assert_lean(lean)
    assert_lean(plain)
    # and the comparison's own cost table (computed from what compare hands over) is the same
    assert_same_costs(r.costs, plain)
    # every obligation row with an amount has cost rows; the not-applicable ones have none
    assert len(plain) >= int(ob["amount"].notna().sum())
    assert set(plain["form"].astype(str)) <= {"", "unfunded", "own_funds", "insurance", "trust_funds",
                                              "bank_guarantee", "same_kind_crypto", "segregation"}


@pytest.mark.parametrize("n, seed", [(2000, 7), (3000, 20261125)])
def test_generated_batches_compact_and_object_forms_give_the_same_costs(n, seed):
    frame = load_profiles(generate_profiles(n, seed=seed))
    r = compare(frame, ["JP", "EU", "HK"], as_of="2026-11-25", currency="USD", scenarios=["all"], progress=False)
    ob = r.obligations
    plain = costs_of(r, ob)
    lean = costs_of(r, compact_form(ob, r.profiles))
    assert_same_costs(lean, plain)
    assert_lean(lean)
    # the texts that carry a row's own amounts are there: split cover parts and overlap members
    text = lean["assumptions"].astype(str)
    assert text.str.contains(r"\[cold part HKD [\d.,]+ (?:k|m|bn|tn) × 1 %").any()
    note = lean["note"].astype(str)
    absorbed = note.str.startswith("overlap group hk.financial_resources: met by the resources held for ")
    assert absorbed.any()
    assert (lean.loc[absorbed.to_numpy(), ["funded_amount", "annual_cost"]].to_numpy() == 0).all()
    # the summary is the same from either form
    pd.testing.assert_frame_equal(cost_summary(lean, r.profiles, r.fx, "USD", r.scenarios),
                                  cost_summary(plain, r.profiles, r.fx, "USD", r.scenarios))


def test_rows_not_in_blocks_of_one_kind_keep_their_order():
    # 45,000 obligation rows shuffled: the cost rows follow the shuffled obligation rows, each row's cost rows
    # as in the ordered table
    frame = load_profiles(generate_profiles(3000, seed=3))
    r = compare(frame, ["JP", "EU", "HK"], as_of="2026-11-25", currency="USD", scenarios=["all"], progress=False)
    ob = compact_form(r.obligations, r.profiles)
    ordered = costs_of(r, ob)
    perm = np.random.default_rng(5).permutation(len(ob))
    shuffled = costs_of(r, ob.iloc[perm].reset_index(drop=True))
    key = ["profile", "jurisdiction", "regime", "obligation", "scenario"]
    rows_of: dict[tuple, list[int]] = {}
    for i, k in enumerate(zip(*(ordered[c].astype(str) for c in key))):
        rows_of.setdefault(k, []).append(i)
    expected = [i for k in zip(*(ob.iloc[perm][c].astype(str) for c in key)) for i in rows_of.get(k, [])]
    assert len(expected) == len(shuffled)
    assert_same_costs(shuffled, ordered.iloc[expected].reset_index(drop=True))


def test_a_user_funding_mix_gives_the_same_costs_from_either_form():
    frame = load_profiles(generate_profiles(500, seed=11))
    r = compare(frame, ["JP", "EU", "HK"], as_of="2026-11-25", currency="USD", scenarios=["all"], progress=False)
    mix = FundingMix({("HK", "compensation_cover"): {"insurance": 0.9, "bank_guarantee": 0.1},
                      ("EU", "prudential_safeguards"): {"own_funds": 0.5}})
    plain = costs_of(r, r.obligations, mix)
    lean = costs_of(r, compact_form(r.obligations, r.profiles), mix)
    assert_same_costs(lean, plain)
    assert (lean.loc[lean["jurisdiction"] == "EU", "mix"].astype(str).isin(["user", "cheapest", ""])).all()
    assert (lean["mix"] == "user").any()


# -- worked example through the compact form ---------------------------------------------------------------

def test_hong_kong_split_cover_worked_example_in_compact_form():
    # client VA HKD 10 bn, 2 % hot: cover = 0.5 × 9.8 bn + 1.0 × 0.2 bn = 5.1 bn, all insured (fixed mix),
    # capacity out of the way: 4.9 bn × 1 % + 0.2 bn × 10 % = 49 m + 20 m = HKD 69 m a year.
    # cap_a 100 m × 11.25 % = 11.25 m carries the group; cap_b (50 m, 5.625 m standalone) shows 0 and a note.
    frame = load_profiles([HK_2PC_HOT])
    rows = []
    for ob, amount in (("cover_split", 5.1 * BN), ("cap_a", 100 * M), ("cap_b", 50 * M)):
        s = XX_J.spec(ob)
        rows.append(obligation_rows(frame, jurisdiction="XX", regime="xx.rules", obligation=ob, category=s.category,
                                    amount=amount, currency="HKD", status="in_force", citation="XX", basis="test",
                                    funding_forms=s.funding_forms, overlap_group=s.overlap_group))
    ob = concat_obligations(rows)
    lean = compact_form(ob, frame)
    args = dict(fx=FX, as_of=AS_OF, currency="USD", parameters={"XX": XX_PARAMS},
                assumptions=CostAssumptions.read(load_assumptions({"cost_cap_single_insured_max": 1e12}), AS_OF),
                funding=FundingMix({("XX", "cover_split"): {"insurance": 1.0}}))
    costs = cost_table(lean, [XX_J], frame, **args)
    assert_same_costs(costs, cost_table(ob, [XX_J], frame, **args))
    cover = costs[costs["obligation"] == "cover_split"]
    assert list(cover["form"]) == ["insurance"]
    assert cover["annual_cost"].iloc[0] == pytest.approx(4.9 * BN * 0.01 + 0.2 * BN * 0.10)  # 69 m
    assert cover["annual_cost_ref"].iloc[0] == pytest.approx(69 * M / 7.8)  # HKD → USD at 7.8
    assert "[cold part HKD 4.9 bn × 1 % + hot part HKD 200 m × 10 %]" in cover["assumptions"].iloc[0]
    a = costs[costs["obligation"] == "cap_a"].iloc[0]
    b = costs[costs["obligation"] == "cap_b"].iloc[0]
    assert a["annual_cost"] == pytest.approx(100 * M * 0.1125)
    assert b["annual_cost"] == 0 and b["funded_amount"] == 0 and not b["ties_up"]
    assert b["note"] == ("overlap group xx.fr: met by the resources held for cap_a "
                         "(standalone cost HKD 5.62 m a year, not counted)")
    assert_lean(costs)


# -- the rounded amounts in texts -----------------------------------------------------------------------------

EDGES = [0.0, 0.4, 0.5, 1.5, 2.5, 999.4999, 999.5, 999.5001, 1000.0, 9.995e3, 99_950.0, 999_499.0, 999_500.0,
         1e6, 4.9e9, 9.9949999e9, 9.995e9, 999.5e12, 1e15, 2.5e21, 1e300, -0.0, -5.0, -2.5e6, float("nan"),
         float("inf"), float("-inf"), 5e-324]


def test_compact_codes_give_compact_text_for_each_value():
    values = np.array(EDGES + list(np.random.default_rng(1).lognormal(10, 6, 20_000)))
    codes, texts = compact_codes(values)
    assert [texts[c] for c in codes] == [compact(v) for v in values.tolist()]
    # few texts for many values: a text per distinct rounded amount, not per value
    assert len(texts) < len(values) / 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.floats(0, 1e16), st.integers(0, 10**13).map(float)), min_size=1, max_size=50))
def test_compact_codes_property(values):
    codes, texts = compact_codes(np.array(values, dtype="float64"))
    assert [texts[c] for c in codes] == [compact(v) for v in values]  # NaN included: "n/a"
