"""Japanese rules for crypto-asset exchange service providers (CAESPs), vectorised over profiles.

Each function encodes one provision (or, for the liability reserve, one stated modelling assumption); its
docstring paraphrases it and cites it, so that the code can be checked against the text line by line.
Parameters come from ``parameters.yaml`` (rulebook ids). Amounts are in JPY: the comparison converts the
profiles into JPY before they reach these functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number


def _col(profiles: pd.DataFrame, field: str) -> np.ndarray:
    return profiles[field].to_numpy(dtype="float64")


# --- jp.psa (in force) -----------------------------------------------------------------------------------

def minimum_capital(profiles: pd.DataFrame, paid_in: ParameterValue) -> np.ndarray:
    """CO Order on exchange providers Art. 9 (delegated by PSA Art. 63-5(1)(iii)): a CAESP must have paid-in
    capital of at least JPY 10 million and net assets that are not negative (registration requirements).
    The amount is the paid-in capital floor; the net-assets test is a warning (``Japan.notes``).
    """
    return np.full(len(profiles), paid_in.number())


def performance_guarantee(profiles: pd.DataFrame, ratio: ParameterValue) -> np.ndarray:
    """PSA Art. 63-11-2(1): a CAESP must hold, as its own property, crypto-assets of the same kind and in the
    same quantity as the customers' crypto-assets it manages outside the cold method (performance-guarantee
    crypto-assets), kept cold and segregated. In JPY on the profile's pooled split:
    ratio × hot share × client crypto.
    """
    return ratio.number() * _col(profiles, "hot_wallet_share") * _col(profiles, "client_crypto_assets")


def client_fiat_trust(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """PSA Art. 63-11(1): customers' money must be entrusted to a trust company etc. (100 %; since 2020-05-01
    a bank deposit is no longer an alternative)."""
    return share.number() * _col(profiles, "client_fiat")


def cold_storage_shortfall(profiles: pd.DataFrame, max_non_cold: ParameterValue) -> np.ndarray:
    """CAESP CO Order Art. 27(2): at most 5 % of the JPY value of all customer crypto managed (pooled across
    coins) may be held other than by the cold method. The shortfall is the value that must move to cold
    storage for the profile to meet the cap: max(0, hot share − 5 %) × client crypto (0 when it complies).
    """
    excess = np.maximum(0.0, _col(profiles, "hot_wallet_share") - max_non_cold.number())
    return excess * _col(profiles, "client_crypto_assets")


# --- jp.liability_reserve (proposed; the form and every coefficient are assumed) -------------------------

def cold_client_crypto(profiles: pd.DataFrame) -> np.ndarray:
    """Customer crypto held by the cold method: (1 − hot share) × client crypto. The reserve is reported to
    address the cold part (the hot part is backed in kind by PGC) (rulebook §4.1 ``jp_reserve_scope``)."""
    return (1.0 - _col(profiles, "hot_wallet_share")) * _col(profiles, "client_crypto_assets")


def liability_reserve(
    profiles: pd.DataFrame, a: float, b: float, floor: float, cap: float, c: float
) -> tuple[np.ndarray, np.ndarray]:
    """Proposed liability reserve (責任準備金): the Financial System Council WG (final report 10 Dec 2025)
    proposes making a reserve mandatory for fast compensation after unauthorised outflows, sized with regard
    to securities-firm practice (FIEA Art. 46-5: by trading volume), the scale of past outflows and the
    firm's incident history. No formula is published; the model is the rulebook's assumed form (§4.3, §4.5):

        R = min(cap, max(floor, a × annual trading volume + b × cold client crypto)) + c × recent incident losses

    ``cap`` may be inf (no cap). Returns the reserve and the bounded base term (before the incident term).
    """
    base = a * _col(profiles, "annual_trading_volume") + b * cold_client_crypto(profiles)
    bounded = np.minimum(cap, np.maximum(floor, base))
    return bounded + c * _col(profiles, "recent_incident_losses"), bounded


# --- basis lines (the formula with the profile's numbers) --------------------------------------------------

def _pct(values: np.ndarray) -> pd.Series:
    return number(np.asarray(values, dtype="float64") * 100) + " %"


def basis_minimum_capital(paid_in: float, net_assets: float, amount: np.ndarray) -> pd.Series:
    """``paid-in capital ≥ JPY 10,000,000 and net assets ≥ JPY 0 = JPY 10,000,000``."""
    return f"paid-in capital ≥ {money('JPY', paid_in)} and net assets ≥ {money('JPY', net_assets)} = " + money(
        "JPY", amount)


def basis_performance_guarantee(profiles: pd.DataFrame, ratio: float, amount: np.ndarray) -> pd.Series:
    """``1 × 3 % hot × JPY 300,000,000,000 client crypto = JPY 9,000,000,000 (same-kind crypto)``."""
    return (number(ratio) + " × " + _pct(_col(profiles, "hot_wallet_share")) + " hot × "
            + money("JPY", _col(profiles, "client_crypto_assets")) + " client crypto = " + money("JPY", amount)
            + " (same-kind crypto)")


def basis_client_fiat_trust(profiles: pd.DataFrame, share: float, amount: np.ndarray) -> pd.Series:
    """``100 % × JPY 250,000,000,000 client money in trust = JPY 250,000,000,000``."""
    return (_pct(np.full(len(profiles), share)) + " × " + money("JPY", _col(profiles, "client_fiat"))
            + " client money in trust = " + money("JPY", amount))


def basis_cold_storage_shortfall(profiles: pd.DataFrame, cap: float, amount: np.ndarray) -> pd.Series:
    """``max(0, 8 % hot − 5 % cap) × JPY 300,000,000,000 = JPY 9,000,000,000 to move to cold storage``."""
    return ("max(0, " + _pct(_col(profiles, "hot_wallet_share")) + " hot − " + _pct(np.full(len(profiles), cap))
            + " cap) × " + money("JPY", _col(profiles, "client_crypto_assets")) + " = " + money("JPY", amount)
            + " to move to cold storage")


def basis_liability_reserve(
    profiles: pd.DataFrame, a: float, b: float, floor: float, cap: float, c: float, amount: np.ndarray
) -> pd.Series:
    """``min(JPY 40,000,000,000, max(JPY 200,000,000, 0.0002 × JPY 6,000,000,000,000 + 0.01 ×
    JPY 291,000,000,000)) + 0.5 × JPY 0 = JPY 4,110,000,000`` (without ``min(...)`` when there is no cap)."""
    inner = ("max(" + money("JPY", floor) + ", " + number(a) + " × "
             + money("JPY", _col(profiles, "annual_trading_volume"))
             + " + " + number(b) + " × " + money("JPY", cold_client_crypto(profiles)) + ")")
    bounded = inner if np.isinf(cap) else "min(" + money("JPY", cap) + ", " + inner + ")"
    tail = " (no cap)" if np.isinf(cap) else ""
    return (bounded + " + " + number(c) + " × " + money("JPY", _col(profiles, "recent_incident_losses"))
            + " = " + money("JPY", amount) + tail)
