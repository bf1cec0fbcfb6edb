"""Shared fixtures: profiles built in code, so every test shows its inputs."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 25)


def make_profile(**overrides) -> dict:
    """A plain profile (EUR, custody + exchange, everything small); override any field."""
    base = dict(
        name="test", currency="EUR", services="custody;exchange_fiat", client_crypto_assets=0.0,
        hot_wallet_share=0.0, client_fiat=0.0, annual_trading_volume=0.0, fixed_overheads=0.0,
        annual_operating_expenses=0.0, own_funds=0.0,
    )
    base.update(overrides)
    return base


@pytest.fixture
def profile():
    return make_profile


@pytest.fixture
def examples() -> Path:
    return EXAMPLES / "profiles.yaml"
