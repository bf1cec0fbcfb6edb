"""Synthetic but plausible exchange profiles for the benchmark (Contract 1, CSV layout).

Everything is drawn from one seeded numpy generator, vectorised, so a million profiles take well under a
second. The magnitudes are invented but realistic: client crypto-assets log-normal around USD 50m (a few
firms in the tens of billions), hot-wallet shares mostly a few per cent (some above Japan's 5 % and Hong
Kong's 2 % caps), fiat, volume, overheads and expenses tied to the firm's size, currencies mixed
JPY / EUR / USD / HKD, services drawn from business archetypes (exchange, broker, custodian, adviser) plus a
few random extra services.

The result is a DataFrame in the CSV layout of Contract 1: one column per field, ``services`` as a
``;``-separated string, money in the profile's currency. It is *not* a validated frame: it goes through
``load_profiles`` / ``validate_frame`` like a user's CSV would.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import SERVICES

#: Mix of profile currencies and rough units per USD (only to make magnitudes plausible; not FX data).
CURRENCIES: tuple[str, ...] = ("JPY", "EUR", "USD", "HKD")
CURRENCY_WEIGHTS: tuple[float, ...] = (0.30, 0.30, 0.25, 0.15)
UNITS_PER_USD: tuple[float, ...] = (150.0, 0.92, 1.0, 7.8)

#: Business archetypes: the services each one always offers, and how common it is.
ARCHETYPES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("custody", "trading_platform", "exchange_fiat", "exchange_crypto", "transfer"), 0.40),  # exchange
    (("custody", "exchange_fiat", "exchange_crypto", "execution", "reception_transmission"), 0.25),  # broker
    (("custody", "transfer"), 0.15),  # custodian / wallet provider
    (("advice", "portfolio_management", "reception_transmission"), 0.10),  # adviser / manager
    (("trading_platform",), 0.05),  # platform operator only
    (("exchange_crypto", "execution"), 0.05),  # swap desk
)
EXTRA_SERVICE_PROBABILITY = 0.05  # each service not in the archetype is added with this probability


def service_strings(matrix: np.ndarray) -> np.ndarray:
    """``;``-joined service codes (in SERVICES order) for each row of a boolean rows × SERVICES matrix.

    Rows are encoded as bit masks, so only the distinct combinations (at most 1,024) are joined in Python.
    """
    weights = (1 << np.arange(len(SERVICES), dtype=np.int64))
    masks = matrix.astype(np.int64) @ weights
    uniq, inverse = np.unique(masks, return_inverse=True)
    joined = np.array(
        [";".join(s for j, s in enumerate(SERVICES) if m >> j & 1) for m in uniq], dtype=object
    )
    return joined[inverse]


def generate_profiles(n: int, seed: int = 20261125) -> pd.DataFrame:
    """``n`` synthetic profiles as a DataFrame in the CSV layout of Contract 1 (seeded, reproducible)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)

    ccy_idx = rng.choice(len(CURRENCIES), size=n, p=CURRENCY_WEIGHTS)
    per_usd = np.asarray(UNITS_PER_USD)[ccy_idx]

    # size of the business in USD: client crypto log-normal, median USD 50m, sigma 2 (0.1 % above ~USD 25bn)
    crypto_usd = rng.lognormal(mean=np.log(50e6), sigma=2.0, size=n)
    # hot share: mostly 1-5 %, a tail above the Japanese (5 %) and Hong Kong (2 %) caps
    hot = np.clip(rng.beta(1.5, 40.0, size=n) * np.where(rng.random(n) < 0.1, 4.0, 1.0), 0.0, 1.0)
    fiat_usd = crypto_usd * rng.lognormal(np.log(0.15), 0.8, size=n)
    volume_usd = crypto_usd * rng.lognormal(np.log(8.0), 1.0, size=n)
    overheads_usd = 1e6 + 0.01 * crypto_usd * rng.lognormal(0.0, 0.7, size=n)
    opex_usd = overheads_usd * rng.uniform(1.2, 2.5, size=n)
    own_funds_usd = (crypto_usd * rng.lognormal(np.log(0.05), 0.9, size=n)
                     - np.where(rng.random(n) < 0.03, crypto_usd * 0.2, 0.0))  # 3 % in trouble
    adj_liab_usd = (fiat_usd + overheads_usd) * rng.uniform(0.05, 0.5, size=n)
    users = np.floor(crypto_usd / rng.lognormal(np.log(2_000.0), 1.0, size=n)).astype(np.int64)
    had_incident = rng.random(n) < 0.03
    losses_usd = np.where(had_incident, crypto_usd * hot * rng.uniform(0.05, 1.0, size=n), 0.0)

    archetype = rng.choice(len(ARCHETYPES), size=n, p=[w for _, w in ARCHETYPES])
    base = np.zeros((len(ARCHETYPES), len(SERVICES)), dtype=bool)
    for a, (services, _) in enumerate(ARCHETYPES):
        base[a, [SERVICES.index(s) for s in services]] = True
    matrix = base[archetype] | (rng.random((n, len(SERVICES))) < EXTRA_SERVICE_PROBABILITY)

    def money(usd: np.ndarray) -> np.ndarray:
        return np.round(usd * per_usd, 0)

    width = max(7, len(str(n)))
    names = np.char.add("exchange-", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    return pd.DataFrame({
        "name": names,
        "currency": np.asarray(CURRENCIES, dtype=object)[ccy_idx],
        "services": service_strings(matrix),
        "client_crypto_assets": money(crypto_usd),
        "hot_wallet_share": np.round(hot, 4),
        "client_fiat": money(fiat_usd),
        "annual_trading_volume": money(volume_usd),
        "fixed_overheads": money(overheads_usd),
        "annual_operating_expenses": money(opex_usd),
        "own_funds": money(own_funds_usd),
        "adjusted_liabilities": money(adj_liab_usd),
        "active_users": users,
        "recent_incident_losses": money(losses_usd),
    })
