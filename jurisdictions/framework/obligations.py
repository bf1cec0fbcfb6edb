"""Contract 2: the obligations table, one long table that every jurisdiction emits.

Plug-ins build their rows with :func:`obligation_rows` (vectorised over profiles) and format the ``basis``
column with :func:`money` / :func:`number`, so that every market writes amounts the same way.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .status import OUTPUT_STATUSES

COLUMNS: tuple[str, ...] = (
    "profile", "jurisdiction", "regime", "obligation", "category", "amount", "currency", "amount_ref",
    "status", "scenario", "funding_forms", "overlap_group", "citation", "basis", "reason",
)
CATEGORIES: tuple[str, ...] = ("capital", "liquidity", "loss_cover", "custody", "client_money")
FUNDING_FORMS: tuple[str, ...] = (
    "own_funds", "insurance", "trust_funds", "bank_guarantee", "same_kind_crypto", "segregation",
)
SCENARIOS: tuple[str, ...] = ("low", "central", "high")


def empty_obligations() -> pd.DataFrame:
    """An obligations table with no rows and the Contract 2 columns."""
    df = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("amount", "amount_ref") else object) for c in COLUMNS})
    return df


def obligation_rows(
    profiles: pd.DataFrame,
    *,
    jurisdiction: str,
    regime: str,
    obligation: str,
    category: str,
    amount: np.ndarray | pd.Series,
    currency: str,
    status: str | np.ndarray,
    citation: str,
    basis: str | pd.Series | np.ndarray,
    funding_forms: Sequence[str],
    overlap_group: str = "",
    scenario: str = "",
    reason: str | pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """Rows of one obligation for every profile (``amount_ref`` is filled in by the comparison).

    ``amount`` may be NaN only where ``reason`` says why; this is checked here so that a plug-in cannot
    emit an unexplained blank.
    """
    if category not in CATEGORIES:
        raise ValueError(f"category {category!r} is not one of {CATEGORIES}")
    bad_forms = [f for f in funding_forms if f not in FUNDING_FORMS]
    if bad_forms:
        raise ValueError(f"funding forms {bad_forms} are not in {FUNDING_FORMS}")
    n = len(profiles)
    amt = np.asarray(amount, dtype="float64")
    if amt.shape != (n,):
        amt = np.broadcast_to(amt, (n,)).copy()
    reasons = (
        np.full(n, "", dtype=object) if reason is None else np.broadcast_to(np.asarray(reason, dtype=object), (n,))
    )
    unexplained = np.isnan(amt) & (reasons == "")
    if unexplained.any():
        raise ValueError(f"{regime}/{obligation}: NaN amount without a reason")
    if (amt < 0).any():
        raise ValueError(f"{regime}/{obligation}: negative amount")
    st = np.broadcast_to(np.asarray(status, dtype=object), (n,))
    if not set(np.unique(st)) <= set(OUTPUT_STATUSES):
        raise ValueError(f"{regime}/{obligation}: status must be one of {OUTPUT_STATUSES}")
    return pd.DataFrame(
        {
            "profile": profiles["name"].to_numpy(),
            "jurisdiction": jurisdiction,
            "regime": regime,
            "obligation": obligation,
            "category": category,
            "amount": amt,
            "currency": currency,
            "amount_ref": np.nan,
            "status": st,
            "scenario": scenario,
            "funding_forms": ";".join(funding_forms),
            "overlap_group": overlap_group,
            "citation": citation,
            "basis": np.broadcast_to(np.asarray(basis, dtype=object), (n,)),
            "reason": reasons,
        },
        columns=list(COLUMNS),
    )


def concat_obligations(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate obligation frames (keeps the Contract 2 column order)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_obligations()
    return pd.concat(frames, ignore_index=True)[list(COLUMNS)]


def _thousands(values: np.ndarray, decimals: int) -> pd.Series:
    v = pd.Series(np.asarray(values, dtype="float64"))
    fmt = f"{{:,.{decimals}f}}".format
    return v.map(lambda x: "n/a" if x != x else ("unlimited" if x == np.inf else fmt(x)))


def money(currency: str, values: np.ndarray | pd.Series | float, decimals: int = 0) -> pd.Series | str:
    """``"EUR 125,000"`` for each value (vectorised); a scalar in gives a scalar out."""
    if np.ndim(values) == 0:
        return f"{currency} {_thousands(np.array([values]), decimals).iloc[0]}"
    return currency + " " + _thousands(np.asarray(values), decimals)


def number(values: np.ndarray | pd.Series | float) -> pd.Series | str:
    """A plain number as written in a rule (``0.25``, ``0.0002``, ``1,000``)."""
    def one(x: float) -> str:
        if x != x:
            return "n/a"
        if float(x).is_integer():
            return f"{x:,.0f}"
        return f"{x:,.6f}".rstrip("0").rstrip(".")
    if np.ndim(values) == 0:
        return one(float(values))
    return pd.Series(np.asarray(values, dtype="float64")).map(one)


def percent(value: float) -> str:
    """``0.05`` → ``"5 %"`` (for rule text)."""
    p = value * 100
    return f"{p:.6f}".rstrip("0").rstrip(".") + " %"
