"""UK FCA proposals (CP25/15, CP25/42) for the prudential regime of cryptoasset firms, vectorised.

Each function encodes one proposed rule; its docstring paraphrases it and cites the consultation paper.
Parameters come from ``parameters.yaml`` (rulebook ids, ../shared/rulebook/other_jurisdictions.md §4).
Amounts are in GBP: the comparison converts the profiles into GBP before they reach these functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number, services_of
from jurisdictions.framework.status import PARAMETER_STATUSES, output_status

#: PMR parameter of each group of profile services (parameter id → services).
PMR_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("uk_pmr_range_other_principal_dealer", ("exchange_fiat", "exchange_crypto")),
    ("uk_pmr_trading_platform", ("trading_platform",)),
    ("uk_pmr_custodian", ("custody",)),
    ("uk_pmr_range_other_arranger", ("execution", "placing", "reception_transmission")),
    ("uk_pmr_other_services", ("advice", "portfolio_management", "transfer")),
)
PMR_PARAMS: tuple[str, ...] = tuple(pid for pid, _ in PMR_GROUPS)
_RANK = {s: i for i, s in enumerate(PARAMETER_STATUSES)}


def permanent_minimum_requirement(profiles: pd.DataFrame, p: dict[str, ParameterValue],
                                  aggregation: ParameterValue) -> tuple[np.ndarray, np.ndarray]:
    """CP25/15 and CP25/42 (proposed): a permanent minimum requirement by type of firm — custodian
    GBP 150,000; from GBP 75,000 (arrangers, agency brokers) to GBP 750,000 (principal dealers); trading
    platform not known (assumed). A firm with several activities takes the highest (assumed).

    Returns the PMR and its status: the best status among the groups that reach the PMR, made no better
    than the aggregation assumption where the profile's groups have different PMRs.
    """
    offered = np.column_stack([services_of(profiles, *svcs) for _, svcs in PMR_GROUPS])
    values = np.array([p[pid].number() for pid in PMR_PARAMS])
    ranks = np.array([_RANK[p[pid].status] for pid in PMR_PARAMS])
    levels = np.where(offered, values, -np.inf)
    pmr = levels.max(axis=1)
    pmr = np.where(np.isfinite(pmr), pmr, 0.0)
    reaching = offered & (levels == pmr[:, None])
    rank = np.where(reaching, ranks, len(PARAMETER_STATUSES)).min(axis=1)
    lowest = np.where(offered, values, np.inf).min(axis=1)
    several = offered.any(axis=1) & (lowest < pmr)
    rank = np.where(several, np.maximum(rank, _RANK[aggregation.status]), rank)
    rank = np.minimum(rank, len(PARAMETER_STATUSES) - 1)
    status = np.array([output_status(s) for s in PARAMETER_STATUSES], dtype=object)[rank]
    return pmr, status


def fixed_overheads_requirement(profiles: pd.DataFrame, multiplier: ParameterValue) -> np.ndarray:
    """CP25/15 (proposed): the fixed overheads requirement is one quarter of the previous year's fixed
    overheads."""
    return multiplier.number() * profiles["fixed_overheads"].to_numpy()


def k_factor_requirement(profiles: pd.DataFrame, custody: ParameterValue) -> np.ndarray:
    """CP25/15 (reported): K-factor requirement of a custodian = 0.04 % of client cryptoassets safeguarded
    (the only K-factor with a known coefficient)."""
    return custody.number() * profiles["client_crypto_assets"].to_numpy()


def own_funds_requirement(pmr: np.ndarray, for_: np.ndarray, kfr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CP25/15 (proposed): own funds of at least the highest of the permanent minimum requirement, the fixed
    overheads requirement and the K-factor requirement (composition: CET1 ≥ 56 %, CET1 + AT1 ≥ 75 %).
    Returns the requirement and which term binds (0 PMR, 1 FOR, 2 KFR; ties go to the earlier term)."""
    terms = np.column_stack([pmr, for_, kfr])
    return terms.max(axis=1), terms.argmax(axis=1)


def basic_liquid_assets(for_: np.ndarray, share: ParameterValue) -> np.ndarray:
    """CP25/15 (proposed): basic liquid assets of one third of the fixed overheads requirement, held in core
    liquid assets."""
    return share.number() * for_


# --- basis lines -------------------------------------------------------------------------------------

def basis_ofr(pmr: np.ndarray, mult: float, fo: np.ndarray, k: float, assets: np.ndarray,
              amount: np.ndarray) -> pd.Series:
    """``max(PMR GBP 150,000, 0.25 × GBP 2,000,000, 0.0004 × GBP 1,000,000,000) = GBP 500,000``."""
    return ("max(PMR " + money("GBP", pmr) + ", " + number(mult) + " × " + money("GBP", fo) + " FO, "
            + number(k) + " × " + money("GBP", assets) + " client cryptoassets) = " + money("GBP", amount))


def basis_blar(share: float, for_: np.ndarray, amount: np.ndarray) -> pd.Series:
    """``1/3 × GBP 500,000 FOR = GBP 166,667``."""
    factor = "1/3" if abs(share - 1 / 3) < 1e-9 else number(share)
    return factor + " × " + money("GBP", for_) + " FOR = " + money("GBP", amount)
