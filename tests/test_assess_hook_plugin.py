"""A plug-in written against the low-level ``assess`` hook only (Contract 3), as every plug-in was before the
declarative contract, keeps working: it loads, compares, costs and stresses. The fixture is the example Atlantis
plug-in as it stood then, under the code HOOK (tests/fixtures/hook_plugin)."""
from __future__ import annotations

import pandas as pd
import pytest

from comparisons import compare
from comparisons.stress import stress
from jurisdictions.framework import discover, is_declarative
from tests.conftest import make_profile
from tests.fixtures.hook_plugin import jurisdiction as HOOK

CUSTODIAN = make_profile(name="custodian", services="custody;exchange_fiat", client_crypto_assets=200e6,
                         hot_wallet_share=0.12, client_fiat=30e6, annual_operating_expenses=4e6, own_funds=10e6)


@pytest.fixture(scope="module")
def result():
    registry = discover().with_jurisdiction(HOOK)
    return compare([CUSTODIAN], jurisdictions=["HOOK", "EU"], as_of="2026-11-25", registry=registry,
                   scenarios=["all"])


def test_the_hook_plugin_is_not_declarative_and_is_called_through_assess():
    assert not is_declarative(HOOK)
    assert type(HOOK).assess is not type(HOOK).__mro__[1].assess  # it overrides the hook


def test_it_compares(result):
    ob = result.obligations.set_index(["jurisdiction", "obligation", "scenario"])
    # s. 12(1): max(EUR 300,000, 0.25 × EUR 4 m = EUR 1 m) = EUR 1 m
    assert ob.loc[("HOOK", "minimum_capital", ""), "amount"] == pytest.approx(1e6)
    # s. 20(1): 1 × EUR 200 m × 12 % hot = EUR 24 m
    assert ob.loc[("HOOK", "hot_wallet_cover", ""), "amount"] == pytest.approx(24e6)
    assert ob.loc[("HOOK", "hot_wallet_cover", ""), "basis"] == "1 × EUR 200,000,000 × 12 % [hot share] = EUR 24,000,000"
    # CP 26/1: max(0.25 % × EUR 200 m = EUR 500,000, 1 × EUR 0) = EUR 500,000 (central)
    assert ob.loc[("HOOK", "incident_reserve", "central"), "amount"] == pytest.approx(0.0025 * 200e6)


def test_it_costs(result):
    costs = result.costs
    hook = costs[costs["jurisdiction"] == "HOOK"]
    assert set(hook["obligation"]) >= {"minimum_capital", "hot_wallet_cover"}
    assert (hook["annual_cost"].dropna() >= 0).all() and hook["annual_cost"].sum() > 0


def test_it_stresses(result):
    table = stress(result, hot_loss=1.0, cold_loss=0.0).table
    hook = table[table["jurisdiction"] == "HOOK"]
    assert len(hook) > 0
    # the hot-wallet cover (EUR 24 m) absorbs a loss of the whole hot wallet (12 % × EUR 200 m = EUR 24 m)
    assert hook["covered"].max() == pytest.approx(24e6 * result.fx.rate("EUR", result.currency))


def test_deferred_text_reruns_the_hook_with_text_on():
    registry = discover().with_jurisdiction(HOOK)
    eager = compare([CUSTODIAN], jurisdictions=["HOOK"], as_of="2026-11-25", registry=registry, defer_text=False)
    lazy = compare([CUSTODIAN], jurisdictions=["HOOK"], as_of="2026-11-25", registry=registry, defer_text=True)
    pd.testing.assert_frame_equal(lazy.obligations, eager.obligations)
