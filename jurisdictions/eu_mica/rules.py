"""EU MiCA rules for crypto-asset service providers (Regulation (EU) 2023/1114), vectorised over profiles.

Each function encodes one provision; its docstring paraphrases the provision and cites it, so that the code
can be checked against the text line by line. Parameters come from ``parameters.yaml`` (rulebook ids).
Amounts are in EUR: the comparison converts the profiles into EUR before they reach these functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, join_text, money, number, services_of

#: Annex IV classes: the services of each class (ESMA register letters in brackets).
CLASS_1_SERVICES = ("execution", "placing", "reception_transmission", "advice", "portfolio_management", "transfer")
CLASS_2_SERVICES = ("custody", "exchange_fiat", "exchange_crypto")
CLASS_3_SERVICES = ("trading_platform",)


def casp_class(profiles: pd.DataFrame) -> np.ndarray:
    """Annex IV class of each profile: the highest class among its services.

    MiCA Annex IV sets three classes: class 1 (execution (e), placing (f), reception and transmission (g),
    advice (h), portfolio management (i), transfer (j)); class 2 (class 1 services plus custody and
    administration (a), exchange for funds (c), exchange for other crypto-assets (d)); class 3 (class 2
    services plus operation of a trading platform (b)). ESMA Q&A 2343 (guidance): the amount is that of the
    authorised service with the highest class; a firm need not provide the lower-class services.
    """
    cls = np.ones(len(profiles), dtype=np.int8)
    cls = np.where(services_of(profiles, *CLASS_2_SERVICES), 2, cls)
    cls = np.where(services_of(profiles, *CLASS_3_SERVICES), 3, cls)
    return cls


def relies_on_highest_class_reading(profiles: pd.DataFrame, cls: np.ndarray) -> np.ndarray:
    """Whether a profile's class follows only from ESMA Q&A 2343, not from the words of Annex IV.

    Annex IV describes class 2 as "class 1 services plus ..." and class 3 as "class 2 services plus ...".
    A class 2 or 3 firm that does not offer every lower-class service is placed in its class by the Q&A
    (guidance), not by Annex IV itself.
    """
    all_c1 = profiles[[f"svc_{s}" for s in CLASS_1_SERVICES]].to_numpy().all(axis=1)
    all_c2 = profiles[[f"svc_{s}" for s in CLASS_2_SERVICES]].to_numpy().all(axis=1)
    return ((cls >= 2) & ~all_c1) | ((cls == 3) & ~all_c2)


def permanent_minimum_capital(cls: np.ndarray, pmc: dict[int, ParameterValue]) -> np.ndarray:
    """MiCA Art. 67(1)(a) and Annex IV: EUR 50,000 (class 1), 125,000 (class 2) or 150,000 (class 3)."""
    return np.select([cls == 1, cls == 2, cls == 3], [pmc[1].number(), pmc[2].number(), pmc[3].number()])


def prudential_safeguards(
    profiles: pd.DataFrame, pmc: np.ndarray, fo_multiplier: ParameterValue
) -> tuple[np.ndarray, np.ndarray]:
    """MiCA Art. 67(1): CASPs shall at all times have prudential safeguards equal to at least the higher of
    (a) the permanent minimum capital of Annex IV and (b) one quarter of the fixed overheads of the
    preceding year, reviewed annually (projected overheads in the first year, Art. 67(2)); fixed overheads as
    Art. 67(3) defines them. Returns the requirement and the fixed-overheads term.
    """
    fo_term = fo_multiplier.number() * profiles["fixed_overheads"].to_numpy()
    return np.maximum(pmc, fo_term), fo_term


def client_funds_safeguarding(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """MiCA Art. 70(3): client funds (other than e-money tokens) are placed with a credit institution or a
    central bank by the end of the business day following receipt, in an account separately identifiable from
    the CASP's own. The whole of the client funds is to be safeguarded."""
    return share.number() * profiles["client_fiat"].to_numpy()


def basis_prudential(cls: np.ndarray, pmc: np.ndarray, fo: np.ndarray, mult: float, amount: np.ndarray) -> pd.Series:
    """``max(EUR 125,000 [Annex IV class 2], 0.25 × EUR 3,000,000) = EUR 750,000``."""
    return pd.Series(join_text(
        "max(", money("EUR", pmc), " [Annex IV class ", number(cls), "], ",
        number(mult), " × ", money("EUR", fo), ") = ", money("EUR", amount),
    ), dtype=object)
