"""South Korean rules for virtual asset service providers (Virtual Asset User Protection Act), vectorised.

Each function encodes one provision; its docstring paraphrases it and cites it. Parameters come from
``parameters.yaml`` (rulebook ids, ../shared/rulebook/other_jurisdictions.md §1). Amounts are in KRW: the
comparison converts the profiles into KRW before they reach these functions. The profile's market values
stand in for the decree's "economic value" (one-year average KRW prices).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number, services_of

#: Services that make a profile an exchange or a wallet/custody provider (the VASPs that hold users' assets).
HOLDING_SERVICES = ("custody", "trading_platform", "exchange_fiat", "exchange_crypto")
#: Service taken to mean the exchange runs a KRW market (exchange of virtual assets for won).
KRW_MARKET_SERVICES = ("exchange_fiat",)


def hot_assets(profiles: pd.DataFrame) -> np.ndarray:
    """Users' virtual assets kept outside cold wallets, on the profile's actual split (KRW)."""
    return profiles["hot_wallet_share"].to_numpy() * profiles["client_crypto_assets"].to_numpy()


def cold_storage_shortfall(profiles: pd.DataFrame, cold_min: ParameterValue) -> tuple[np.ndarray, float]:
    """Enforcement Decree art. 6: a VASP keeps at least 80 % of users' virtual assets, by economic value, in
    cold wallets (computed monthly). The value that must move to cold storage is
    ``max(0, hot share − (1 − 0.80)) × users' virtual assets``. Returns it and the hot cap (0.20, derived).
    """
    cap = round(1.0 - cold_min.number(), 12)  # 1 − 0.80 = 0.2 exactly (no binary remainder at the cap)
    share = profiles["hot_wallet_share"].to_numpy()
    return np.maximum(0.0, share - cap) * profiles["client_crypto_assets"].to_numpy(), cap


def holds_users_assets(profiles: pd.DataFrame) -> np.ndarray:
    """Whether the profile is an exchange or a wallet/custody provider, or holds users' virtual assets."""
    return services_of(profiles, *HOLDING_SERVICES) | (profiles["client_crypto_assets"].to_numpy() > 0)


def hot_cover_floor(profiles: pd.DataFrame, floor_krw_market: ParameterValue,
                    floor_coin_custody: ParameterValue) -> tuple[np.ndarray, np.ndarray]:
    """Enforcement Decree (hot-wallet cover): floor of KRW 3bn for exchanges with a KRW market, KRW 0.5bn
    for coin-only exchanges and wallet or custody providers; none for a firm that holds no users' assets.
    Returns the floor and whether the KRW-market floor applies."""
    krw = services_of(profiles, *KRW_MARKET_SERVICES)
    floor = np.where(krw, floor_krw_market.number(), floor_coin_custody.number())
    return np.where(holds_users_assets(profiles), floor, 0.0), krw


def hot_wallet_cover(profiles: pd.DataFrame, ratio: ParameterValue, floor: np.ndarray) -> np.ndarray:
    """Act and Enforcement Decree: for users' virtual assets in hot wallets the VASP buys insurance or
    mutual-aid cover with a limit of at least 5 % of their economic value, or sets aside an equal reserve,
    and never less than the floor: ``max(floor, 0.05 × hot-wallet value)``."""
    return np.maximum(floor, ratio.number() * hot_assets(profiles))


def client_fiat_deposit(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """Act art. 6: users' KRW deposits are held with a bank as management institution, segregated from the
    VASP's own money and invested only in safe assets; the bank repays users directly if the VASP fails."""
    return share.number() * profiles["client_fiat"].to_numpy()


def client_crypto_in_kind(profiles: pd.DataFrame, ratio: ParameterValue) -> np.ndarray:
    """Act: the VASP keeps virtual assets of the same type and quantity as it owes users (1:1 per asset;
    modelled in aggregate by value)."""
    return ratio.number() * profiles["client_crypto_assets"].to_numpy()


# --- basis lines -------------------------------------------------------------------------------------

def basis_shortfall(profiles: pd.DataFrame, cap: float, amount: np.ndarray) -> pd.Series:
    """``max(0, 0.3 − 0.2) × KRW 1,000 = KRW 100``."""
    return ("max(0, " + number(profiles["hot_wallet_share"].to_numpy()) + " hot − " + number(cap)
            + " allowed) × " + money("KRW", profiles["client_crypto_assets"].to_numpy()) + " = "
            + money("KRW", amount))


def basis_hot_cover(profiles: pd.DataFrame, ratio: float, floor: np.ndarray, krw: np.ndarray,
                    holds: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``max(KRW 3,000,000,000 [KRW-market floor], 0.05 × KRW 300,000,000,000 hot) = KRW 15,000,000,000``."""
    label = pd.Series(np.where(krw, " [KRW-market floor]", " [coin-market/custody floor]"))
    text = ("max(" + money("KRW", floor) + label + ", " + number(ratio) + " × "
            + money("KRW", hot_assets(profiles)) + " hot) = " + money("KRW", amount))
    return text.where(holds, "no exchange or custody service and no users' virtual assets = KRW 0")
