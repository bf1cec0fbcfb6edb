"""Atlantis (FICTIONAL) — the rules of the invented Virtual Asset Act 2025, vectorised over profiles.

Atlantis is not a real market: the Act, its sections and its figures are invented for the xjur plug-in
author's guide. The shape is real: a capital floor, cover for hot-wallet assets with a cap on insurance, a cap
on hot storage, client money, and a proposed reserve with a consultation range.

Each function encodes one (fictional) provision; its docstring paraphrases it and cites it, as a built-in
jurisdiction would. Every function takes whole columns and returns arrays: no per-profile Python.
Figures come from ``parameters.yaml``; this module holds formulas only. Amounts are in EUR: xjur converts the
profiles into the plug-in's currency before ``assess`` sees them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number, percent, percents, services_of


def is_custodian(profiles: pd.DataFrame) -> np.ndarray:
    """Virtual Asset Act 2025 (fictional), s. 2: a custodian is a provider that holds or controls client
    crypto-assets (the ``custody`` service of Contract 1). Sections 18, 20 and the proposed s. 20A apply to
    custodians only."""
    return services_of(profiles, "custody")


def minimum_capital(
    profiles: pd.DataFrame, floor: ParameterValue, opex_multiplier: ParameterValue
) -> tuple[np.ndarray, np.ndarray]:
    """Virtual Asset Act 2025 (fictional), s. 12(1): a licensed provider holds own funds of at least the
    higher of (a) a fixed floor and (b) three months of operating expenses (0.25 × the last 12 months').
    Returns the requirement and the expenses term."""
    opex_term = opex_multiplier.number() * profiles["annual_operating_expenses"].to_numpy(dtype="float64")
    return np.maximum(floor.number(), opex_term), opex_term


def hot_assets(profiles: pd.DataFrame) -> np.ndarray:
    """Client crypto-assets held outside cold storage: client crypto-assets × hot-wallet share."""
    return profiles["client_crypto_assets"].to_numpy(dtype="float64") * profiles["hot_wallet_share"].to_numpy(
        dtype="float64")


def hot_wallet_cover(profiles: pd.DataFrame, ratio: ParameterValue) -> np.ndarray:
    """Virtual Asset Act 2025 (fictional), s. 20(1): a custodian keeps cover (own funds, a bank guarantee or,
    within the FSA's limit of Guidance Note GN-3 para 4.2, insurance) equal to the value of the client
    crypto-assets it holds outside cold storage, computed on its actual split."""
    return ratio.number() * hot_assets(profiles)


def cold_storage_shortfall(profiles: pd.DataFrame, cap: ParameterValue) -> np.ndarray:
    """Virtual Asset Act 2025 (fictional), s. 18(2): no more than 10 % of client crypto-assets may be held
    outside cold storage. The shortfall is the value that must move to cold storage for the profile's hot
    share to meet the cap (0 when it already does)."""
    excess_share = np.maximum(profiles["hot_wallet_share"].to_numpy(dtype="float64") - cap.number(), 0.0)
    return excess_share * profiles["client_crypto_assets"].to_numpy(dtype="float64")


def client_money(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """Virtual Asset Act 2025 (fictional), s. 25(1): client money is held in a segregated account at a
    licensed bank by the end of the next business day — all of it."""
    return share.number() * profiles["client_fiat"].to_numpy(dtype="float64")


def incident_reserve(
    profiles: pd.DataFrame, rate: float, loss_multiple: ParameterValue
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Consultation Paper CP 26/1 (fictional), paras 3.4-3.5, proposed s. 20A: a custodian would keep an
    incident reserve of the higher of a rate (0.1 %-0.5 %, consulted on) × client crypto-assets and the
    customer losses of its recent incidents (a multiple the paper does not give: assumed 1.0).
    Returns the reserve, the rate term and the loss term."""
    rate_term = rate * profiles["client_crypto_assets"].to_numpy(dtype="float64")
    loss_term = loss_multiple.number() * profiles["recent_incident_losses"].to_numpy(dtype="float64")
    return np.maximum(rate_term, loss_term), rate_term, loss_term


# --- the `basis` column: the formula with the profile's numbers, one line ---------------------------------

def basis_capital(floor: float, mult: float, opex: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``max(EUR 250,000 [floor], 0.25 × EUR 4,000,000 [annual opex]) = EUR 1,000,000``."""
    return ("max(" + money("EUR", floor) + " [floor], " + number(mult) + " × " + money("EUR", opex)
            + " [annual opex]) = " + money("EUR", amount))


def basis_hot_cover(ratio: float, assets: np.ndarray, share: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``1 × EUR 200,000,000 × 4 % [hot share] = EUR 8,000,000``."""
    pct = percents(np.asarray(share, dtype="float64"))
    return (number(ratio) + " × " + money("EUR", assets) + " × " + pct + " [hot share] = " + money("EUR", amount))


def basis_shortfall(share: np.ndarray, cap: float, assets: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``max(0, 12 % − 10 % [cap]) × EUR 50,000,000 = EUR 1,000,000``."""
    pct = percents(np.asarray(share, dtype="float64"))
    return ("max(0, " + pct + " − " + percent(cap) + " [cap]) × " + money("EUR", assets) + " = "
            + money("EUR", amount))


def basis_reserve(rate: float, assets: np.ndarray, mult: float, losses: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``max(0.25 % × EUR 200,000,000, 1 × EUR 0 [recent incident losses]) = EUR 500,000``."""
    return ("max(" + percent(rate) + " × " + money("EUR", assets) + ", " + number(mult) + " × "
            + money("EUR", losses) + " [recent incident losses]) = " + money("EUR", amount))
