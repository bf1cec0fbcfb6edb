"""Plug-in contract v2 changed how markets are declared, not what they compute: every in-scope row of the
examples has the amount it had before (a table saved from the code before the change), and every row that lost
its amount is a `not in scope` row that names what would bring the firm in. The one change on purpose: Korea's
KRW-market floor follows `fiat_markets` (DESIGN.md Contract 1)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from comparisons import compare, load_profiles
from tests.conftest import EXAMPLES, ROOT

BEFORE = ROOT / "tests" / "data" / "amounts_before_plugin_v2.csv"
KEYS = ["profile", "jurisdiction", "regime", "obligation", "scenario"]
#: rows whose amount changed on purpose (issue 14): Korea's KRW-market floor now follows fiat_markets
ON_PURPOSE = {("KR", "kr.vaupa")}


@pytest.fixture(scope="module")
def joined() -> pd.DataFrame:
    before = pd.read_csv(BEFORE, keep_default_na=False, na_values=[""]).fillna({"scenario": ""})
    before["amount"] = pd.to_numeric(before["amount"])
    now = compare(load_profiles(EXAMPLES / "profiles.yaml"), as_of="2026-11-25", currency="USD",
                  scenarios=["low", "central", "high"]).obligations
    now = now[now["regime"].isin(set(before["regime"]))]
    return before.merge(now[KEYS + ["amount", "reason", "status"]], on=KEYS, how="left", suffixes=("_before", ""))


def test_every_row_of_before_is_still_there(joined):
    assert joined["reason"].notna().all(), joined[joined["reason"].isna()][KEYS]


def test_in_scope_amounts_are_unchanged(joined):
    kept = joined[joined["amount"].notna()]
    assert len(kept) > 100  # most rows keep an amount
    for r in kept.itertuples(index=False):
        if (r.jurisdiction, r.regime) in ON_PURPOSE:
            continue
        assert r.amount == pytest.approx(r.amount_before, rel=1e-9, abs=1e-6), (r.profile, r.obligation)


def test_rows_that_lost_their_amount_are_out_of_scope_with_a_reason(joined):
    lost = joined[joined["amount"].isna() & joined["amount_before"].notna()]
    assert len(lost) > 0  # the scope changes of issue 14 (e.g. the Lisbon adviser in Japan)
    for r in lost.itertuples(index=False):
        assert r.reason.startswith("not in scope: "), (r.profile, r.obligation, r.reason)
        assert "would apply with" in r.reason


def test_the_lisbon_adviser_is_not_a_japanese_exchange(joined):
    rows = joined[(joined["profile"] == "Lisbon crypto adviser (illustrative)") & (joined["jurisdiction"] == "JP")]
    assert len(rows) == 7  # four PSA rows and the reserve's three scenarios
    assert rows["amount"].isna().all()
    assert all("custody" in r and "trading_platform" in r for r in rows["reason"])
    assert not math.isnan(rows["amount_before"].iloc[0])  # before: JPY 10 m of capital
