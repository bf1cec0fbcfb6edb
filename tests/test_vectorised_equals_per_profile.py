"""The batch path gives, row for row, what the per-profile path gives.

200 generated profiles (seeded, mixed currencies and services) go through ``compare`` in one batch (the
vectorised validator, every rule over whole columns) and one at a time through the pydantic ``Profile`` model;
every obligation row must be equal in every column, amounts to the last bit and ``basis`` text included.
The benchmark's plain-numpy floor must compute the same amounts, or the benchmark would time other work.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import CURRENCIES, generate_profiles
from benchmarks.numpy_floor import floor_inputs, floor_parameters, numpy_floor
from comparisons import compare, load_profiles
from comparisons.compare import fx_snapshot
from jurisdictions.framework import COLUMNS, SERVICES, Profile, discover
from tests.conftest import AS_OF

N = 200
KEY = ["profile", "jurisdiction", "regime", "obligation", "scenario"]


@pytest.fixture(scope="module")
def setting():
    reg = discover()
    codes = [c for c in ("JP", "EU", "HK") if c in reg.jurisdictions]
    assert "EU" in codes
    return reg, codes, fx_snapshot(AS_OF)


@pytest.fixture(scope="module")
def profiles() -> pd.DataFrame:
    return generate_profiles(N, seed=8)


def _sorted(ob: pd.DataFrame) -> pd.DataFrame:
    return ob.sort_values(KEY, kind="stable").reset_index(drop=True)[list(COLUMNS)]


def test_generated_profiles_are_valid_and_varied(profiles):
    frame = load_profiles(profiles)
    assert len(frame) == N and frame["name"].is_unique
    assert set(frame["currency"]) == set(CURRENCIES)  # 200 draws from four currencies: all four appear
    assert (frame["hot_wallet_share"] > 0.05).any() and (frame["hot_wallet_share"] <= 0.02).any()
    assert frame[[f"svc_{s}" for s in SERVICES]].any(axis=1).all()
    # the same seed gives the same profiles; another seed other ones
    pd.testing.assert_frame_equal(generate_profiles(N, seed=8), profiles)
    assert not generate_profiles(N, seed=9)["client_crypto_assets"].equals(profiles["client_crypto_assets"])


def test_batch_equals_one_by_one_through_the_pydantic_model(setting, profiles):
    reg, codes, rates = setting
    batch = compare(profiles, codes, as_of=AS_OF, currency="USD", scenarios=["all"], registry=reg, fx=rates)
    singles = []
    for rec in profiles.to_dict("records"):
        one = Profile.model_validate(rec)
        singles.append(compare([one], codes, as_of=AS_OF, currency="USD", scenarios=["all"], registry=reg,
                               fx=rates).obligations)
    a, b = _sorted(batch.obligations), _sorted(pd.concat(singles, ignore_index=True))
    # JP: 4 + 4 reserve scenarios, EU: 2, HK: 6 VATP rows and the planned dealer/custodian capital per profile
    per_profile = {"JP": 8, "EU": 2, "HK": 7}
    assert len(a) == N * sum(per_profile[c] for c in codes)
    assert len(a) == len(b)
    for col in COLUMNS:
        left, right = a[col].to_numpy(), b[col].to_numpy()
        if col in ("amount", "amount_ref"):
            same = (left == right) | (np.isnan(left) & np.isnan(right))
        else:
            same = left == right
        assert same.all(), f"column {col!r} differs, e.g. row {a.loc[~same, KEY].iloc[0].to_dict()}"


def test_services_as_lists_give_the_same_rows(setting, profiles):
    reg, codes, rates = setting
    head = profiles.head(40)
    lists = head.assign(services=[s.split(";")[::-1] for s in head["services"]])  # reversed order, as lists
    kw = dict(as_of=AS_OF, currency="EUR", scenarios=["central"], registry=reg, fx=rates)
    pd.testing.assert_frame_equal(_sorted(compare(head, codes, **kw).obligations),
                                  _sorted(compare(lists, codes, **kw).obligations))


def test_numpy_floor_computes_the_same_amounts(setting, profiles):
    reg, codes, rates = setting
    ob = compare(profiles, codes, as_of=AS_OF, currency="USD", scenarios=["all"], registry=reg,
                 fx=rates).obligations
    params = {k: v for k, v in floor_parameters(AS_OF).items() if k in codes}
    floor = numpy_floor(floor_inputs(profiles), dict(rates.per_eur), params, "USD")
    checked = 0
    for key, arr in floor.items():
        if key.endswith((".ref", ".cost")):
            continue
        code, name = key.split(".", 1)
        scenario = ""
        if name.endswith(")"):
            name, scenario = name[:-1].split(" (")
        rows = ob[(ob["jurisdiction"] == code) & (ob["obligation"] == name) & (ob["scenario"] == scenario)]
        np.testing.assert_allclose(rows["amount"].to_numpy(), arr, rtol=1e-12, atol=0, equal_nan=True)
        np.testing.assert_allclose(rows["amount_ref"].to_numpy(), floor[key + ".ref"], rtol=1e-12, equal_nan=True)
        checked += 1
    assert checked == sum({"JP": 7, "EU": 2, "HK": 6}[c] for c in codes)


# --- the text helpers: the batch formatters write exactly what the one-value path writes ---------------------

EDGE = [0.0, -0.0, 0.4, -0.4, 0.5, 1.5, 2.5, -0.5, -2.5, 999.5, 1_000.0, 123_456.5, 1_234_567.891, 2.0**53,
        2.0**53 + 2, -(2.0**53), 1e19, -1e300, 1e300, float("nan"), float("inf"), float("-inf"), 0.0000005,
        0.0000015, 1e-7, 3.5300000001, 12.345678, 0.25, 0.0002]


@pytest.mark.parametrize("size", [len(EDGE), 5_000])  # 5,000: the bulk path, with repeated values (dedupe)
def test_money_and_number_match_the_scalar_formatting(size):
    from jurisdictions.framework import money, number

    rng = np.random.default_rng(3)
    values = np.resize(np.array(EDGE), size) * (1 if size == len(EDGE) else rng.choice([1.0, 1.0, 7.0], size))
    assert list(money("EUR", values)) == [money("EUR", float(v)) for v in values]
    assert list(money("EUR", values, decimals=2)) == [money("EUR", float(v), decimals=2) for v in values]
    assert list(number(values)) == [number(float(v)) for v in values]
    # the scalar path is Python's own format: 2.5 rounds to even, -0.4 keeps its sign, 2**53 is exact
    assert [money("EUR", v) for v in (2.5, -0.4, 2.0**53, float("inf"), float("nan"))] == [
        "EUR 2", "EUR -0", "EUR 9,007,199,254,740,992", "EUR unlimited", "EUR n/a"]
    assert [number(v) for v in (0.25, 0.0002, 1_000.0, 12.345678)] == ["0.25", "0.0002", "1,000", "12.345678"]


def test_join_text_equals_the_plus_chain():
    from jurisdictions.framework import join_text, money, number

    amounts = np.array([125_000.0, 3_000_000.0, 750_000.5, float("nan")])
    chain = "max(" + money("EUR", amounts) + ", " + number(amounts / 4) + " × " + money("EUR", amounts) + ")"
    joined = join_text("max(", money("EUR", amounts), ", ", number(amounts / 4), " × ", money("EUR", amounts), ")")
    assert list(joined) == list(chain)
    assert joined[0] == "max(EUR 125,000, 31,250 × EUR 125,000)"
    with pytest.raises(ValueError, match="lengths"):
        join_text("a", money("EUR", amounts), money("EUR", amounts[:2]))
