"""Properties every jurisdiction must keep (run over every installed plug-in, so new markets are covered).

- a profile in another currency gives the same result after conversion;
- more client assets never lower a cover;
- amounts are never negative, and NaN only with a reason.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from jurisdictions.framework import SERVICES, discover
from tests.conftest import AS_OF, make_profile

CODES = discover().codes()
money = st.floats(min_value=0, max_value=1e13, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1)


@st.composite
def profiles(draw):
    return make_profile(
        name="p", currency="EUR", services=";".join(sorted(draw(st.sets(st.sampled_from(SERVICES), min_size=1)))),
        client_crypto_assets=draw(money), hot_wallet_share=draw(share), client_fiat=draw(money),
        annual_trading_volume=draw(money), fixed_overheads=draw(money), annual_operating_expenses=draw(money),
        own_funds=draw(st.floats(min_value=-1e10, max_value=1e13)), adjusted_liabilities=draw(money),
        recent_incident_losses=draw(money),
    )


def amounts(rows: pd.DataFrame) -> pd.Series:
    return rows.set_index(["profile", "regime", "obligation", "scenario"])["amount"]


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=25, deadline=None)
@given(p=profiles(), ccy=st.sampled_from(["USD", "JPY", "HKD", "GBP", "KRW", "SGD", "AED"]))
def test_other_currency_gives_same_result_after_conversion(code, p, ccy):
    rate = fx_snapshot(AS_OF).rate("EUR", ccy)
    # the same fiat markets as the original (they default to the profile's own currency, e.g. Korea's KRW floor)
    twin = dict(p, name="twin", currency=ccy, fiat_markets=p.get("fiat_markets", p["currency"]))
    for f in ("client_crypto_assets", "client_fiat", "annual_trading_volume", "fixed_overheads",
              "annual_operating_expenses", "own_funds", "adjusted_liabilities", "recent_incident_losses"):
        twin[f] = p[f] * rate
    rows = compare([p, twin], jurisdictions=[code], as_of=AS_OF, scenarios=["all"]).obligations
    a = amounts(rows[rows.profile == "p"]).droplevel(0)
    b = amounts(rows[rows.profile == "twin"]).droplevel(0)
    # floors switch exactly at the converted amount, so compare with a relative tolerance
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=25, deadline=None)
@given(p=profiles(), more=money)
def test_more_client_assets_never_lower_a_cover(code, p, more):
    richer = dict(p, name="richer", client_crypto_assets=p["client_crypto_assets"] + more,
                  client_fiat=p["client_fiat"] + more)
    rows = compare([p, richer], jurisdictions=[code], as_of=AS_OF, scenarios=["all"]).obligations
    covers = rows[rows.category.isin(["loss_cover", "custody", "client_money"])]
    a = amounts(covers[covers.profile == "p"]).droplevel(0)
    b = amounts(covers[covers.profile == "richer"]).droplevel(0)
    a, b = a.to_numpy(), b.to_numpy()
    both = ~np.isnan(a) & ~np.isnan(b)  # a regime that does not apply (NaN + reason) has nothing to compare
    assert (b[both] >= a[both] * (1 - 1e-12)).all()
    # NaN means "no amount can be given" (with its reason): a positive cover never turns into that
    assert not (np.isnan(b) & ~np.isnan(a) & (np.nan_to_num(a) > 0)).any()


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=25, deadline=None)
@given(p=profiles())
def test_amounts_never_negative_and_nan_only_with_reason(code, p):
    rows = compare([p], jurisdictions=[code], as_of=AS_OF, scenarios=["all"]).obligations
    assert len(rows) > 0
    assert (rows["amount"].dropna() >= 0).all()
    assert (rows.loc[rows["amount"].isna(), "reason"] != "").all()
    assert rows["amount_ref"].notna().sum() == rows["amount"].notna().sum()


@settings(max_examples=25, deadline=None)
@given(batch=st.lists(profiles(), min_size=1, max_size=6),
       ccys=st.lists(st.sampled_from(["EUR", "USD", "JPY", "HKD"]), min_size=6, max_size=6))
def test_the_compact_batch_path_gives_the_same_rows_as_the_text_path(batch, ccys):
    """Whatever the batch, deferring the text changes no amount, status, reason or warning."""
    batch = [{**p, "name": f"p{i}", "currency": ccys[i]} for i, p in enumerate(batch)]
    eager = compare(batch, CODES, as_of=AS_OF, scenarios=["all"], defer_text=False)
    compact = compare(batch, CODES, as_of=AS_OF, scenarios=["all"], defer_text=True)
    pd.testing.assert_frame_equal(compact.amounts.astype(object), eager.amounts.astype(object))
    pd.testing.assert_frame_equal(compact.obligations, eager.obligations)
    assert compact.warnings == eager.warnings
