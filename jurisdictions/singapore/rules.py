"""Singapore rules for digital payment token (DPT) service providers under the Payment Services Act 2019,
vectorised over profiles.

Each function encodes one provision; its docstring paraphrases it and cites it. Parameters come from
``parameters.yaml`` (rulebook ids, ../shared/rulebook/other_jurisdictions.md §2). Amounts are in SGD: the
comparison converts the profiles into SGD before they reach these functions. Every profile is treated as a
Major Payment Institution (MPI) providing a DPT service.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number


def base_capital(profiles: pd.DataFrame, mpi: ParameterValue) -> np.ndarray:
    """PS Regulations 2019 reg. 12: a Major Payment Institution keeps base capital of at least S$250,000 (a
    foreign company: net head-office funds of the same amount)."""
    return np.full(len(profiles), mpi.number())


def monthly_transactions(profiles: pd.DataFrame, months: ParameterValue) -> np.ndarray:
    """Proxy (assumed): average monthly transactions of the DPT service = annual_trading_volume / 12."""
    return profiles["annual_trading_volume"].to_numpy() / months.number()


def security_deposit(monthly: np.ndarray, low: ParameterValue, high: ParameterValue,
                     threshold: ParameterValue) -> np.ndarray:
    """PS Regulations 2019 reg. 13: an MPI gives MAS security of S$100,000 if its average monthly
    transactions do not exceed S$6m for each payment service it provides, and S$200,000 otherwise."""
    return np.where(monthly <= threshold.number(), low.number(), high.number())


def cold_storage_shortfall(profiles: pd.DataFrame, cold_min: ParameterValue) -> tuple[np.ndarray, float]:
    """MAS Guidelines on Consumer Protection Measures by DPT Service Providers (guidance): MAS expects at
    least 90 % of customer DPTs in cold wallets. The value that must move to cold storage is
    ``max(0, hot share − (1 − 0.90)) × customer DPTs``. Returns it and the hot cap (0.10, derived)."""
    cap = round(1.0 - cold_min.number(), 12)  # 1 − 0.80 = 0.2 exactly (no binary remainder at the cap)
    share = profiles["hot_wallet_share"].to_numpy()
    return np.maximum(0.0, share - cap) * profiles["client_crypto_assets"].to_numpy(), cap


def customer_dpt_on_trust(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """PSA s.23 and the PS Regulations as amended from 2024-10-04 (S 287/2024): customer DPTs are held on
    trust for customers in addresses separate from the provider's own, reconciled daily, not commingled even
    with the customer's consent, and not lent or staked for retail customers."""
    return share.number() * profiles["client_crypto_assets"].to_numpy()


def customer_money(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """PS Regulations reg. 13A (S 287/2024), PSA s.23: every MPI providing a DPT service is a prescribed
    institution and safeguards customer money with financial institutions in Singapore."""
    return share.number() * profiles["client_fiat"].to_numpy()


# --- basis lines -------------------------------------------------------------------------------------

def basis_deposit(monthly: np.ndarray, threshold: float, amount: np.ndarray) -> pd.Series:
    """``SGD 60,000,000 a month (annual volume / 12, assumed) > SGD 6,000,000 → SGD 200,000``."""
    cmp = pd.Series(np.where(monthly <= threshold, " ≤ ", " > "))
    return (money("SGD", monthly) + " a month (annual volume / 12, assumed)" + cmp + money("SGD", threshold)
            + " → " + money("SGD", amount))


def basis_shortfall(profiles: pd.DataFrame, cap: float, amount: np.ndarray) -> pd.Series:
    """``max(0, 0.3 hot − 0.1 allowed) × SGD 1,000 = SGD 200``."""
    return ("max(0, " + number(profiles["hot_wallet_share"].to_numpy()) + " hot − " + number(cap)
            + " allowed) × " + money("SGD", profiles["client_crypto_assets"].to_numpy()) + " = "
            + money("SGD", amount))
