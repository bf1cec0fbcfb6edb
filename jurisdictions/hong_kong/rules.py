"""Hong Kong SFC rules for virtual asset trading platform operators, vectorised over profiles.

Each function encodes one provision of the SFC Guidelines for Virtual Asset Trading Platform Operators
(VATP Guidelines, paragraph numbers of [CC23] Appendix A, in force 2023-06-01); its docstring paraphrases
the provision and cites it. Parameters come from ``parameters.yaml`` (rulebook ids). Amounts are in HKD:
the comparison converts the profiles into HKD before they reach these functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number, percent, percents, services_of

#: Services that make a profile a virtual asset trading platform: operating a VA exchange (a platform on
#: which offers to buy or sell VA are made or accepted and which holds client money or VA), AMLO Part 5B.
#: A firm offering only custody, advice, transfer or order transmission is not a VATP (the rulebook covers
#: no standalone custodian or dealer regime); its rows are blank with a reason. This scope is a modelling
#: choice read from the rulebook overview (§1), not a figure.
VATP_SERVICES = ("trading_platform", "exchange_fiat", "exchange_crypto")


def is_vatp(profiles: pd.DataFrame) -> np.ndarray:
    """Whether each profile operates a virtual asset trading platform (AMLO Part 5B; rulebook §1).

    Since 1 June 2023 a centralised platform trading virtual assets must be licensed by the SFC; the VATP
    Guidelines then apply in full. Read here as: the profile offers a trading platform or exchange services.
    """
    return services_of(profiles, *VATP_SERVICES)


def storage_split(profiles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Client virtual assets held cold and held hot or other (rulebook §5: V_total = V_cold + V_hot + V_other).

    The profile's ``hot_wallet_share`` is the share outside cold storage (hot, warm and other online storage),
    so it is the "hot and other storage" of para 10.22. Returns (cold, hot_and_other) in HKD.
    """
    total = profiles["client_crypto_assets"].to_numpy(dtype="float64")
    hot = profiles["hot_wallet_share"].to_numpy(dtype="float64") * total
    return total - hot, hot


def compensation_cover(
    profiles: pd.DataFrame, cold_share: ParameterValue, hot_share: ParameterValue
) -> np.ndarray:
    """VATP Guidelines para 10.22: the operator keeps an SFC-approved compensation arrangement covering
    potential loss of client virtual assets — 50 % of the value of client VA held in cold storage and 100 %
    of the value of those held in hot and other storage (the "Compensated Amount"), on the actual split,
    monitored daily (para 10.23).

    Computed as ``V × (c_cold + (c_hot − c_cold) × h)``, algebraically ``c_cold × V_cold + c_hot × V_hot``
    with ``V_cold = (1 − h) V`` and ``V_hot = h V``; this form keeps the result monotone in the hot share
    ``h`` to the last bit of floating point.
    """
    total = profiles["client_crypto_assets"].to_numpy(dtype="float64")
    h = profiles["hot_wallet_share"].to_numpy(dtype="float64")
    c_cold, c_hot = cold_share.number(), hot_share.number()
    return total * (c_cold + (c_hot - c_cold) * h)


def hot_storage_cap(cold_min: ParameterValue) -> float:
    """The largest share of client VA outside cold storage: 1 − 98 % = 2 % (para 10.6(c); rulebook
    ``hk_hot_other_storage_max_share``, in_force, derived). Rounded to drop the floating-point tail of 1 − 0.98."""
    return round(1.0 - cold_min.number(), 12)


def cold_storage_shortfall(profiles: pd.DataFrame, cold_min: ParameterValue) -> np.ndarray:
    """VATP Guidelines para 10.6(c): at least 98 % of client virtual assets are held in cold storage
    (exceptions case by case). The shortfall is the value that must move from hot and other storage to cold
    storage for the profile to meet the ratio: max(0, hot share − 2 %) × client VA (0 when it already does).
    Measured in aggregate (per asset or aggregate is not stated: rulebook ``hk_cold_ratio_basis``, unknown).
    """
    total = profiles["client_crypto_assets"].to_numpy(dtype="float64")
    h = profiles["hot_wallet_share"].to_numpy(dtype="float64")
    return np.maximum(0.0, h - hot_storage_cap(cold_min)) * total


def paid_up_capital(n: int, minimum: ParameterValue) -> np.ndarray:
    """VATP Guidelines para 6.2: the operator maintains paid-up share capital of not less than HK$5,000,000."""
    return np.full(n, minimum.number())


def required_liquid_capital(
    profiles: pd.DataFrame, floor: ParameterValue, basic_rate: ParameterValue
) -> tuple[np.ndarray, np.ndarray]:
    """VATP Guidelines para 6.3(b): the operator maintains at all times liquid capital not less than its
    required liquid capital, the higher of HK$3,000,000 and the "basic amount" of the Financial Resources
    Rules (Cap. 571N) s.2 — taken as 5 % of adjusted liabilities (assumed in the rulebook; client margin
    items for futures and options are not modelled). Returns the requirement and the basic amount.
    """
    basic = basic_rate.number() * profiles["adjusted_liabilities"].to_numpy(dtype="float64")
    return np.maximum(floor.number(), basic), basic


def liquid_assets_opex(profiles: pd.DataFrame, months: ParameterValue) -> np.ndarray:
    """VATP Guidelines para 6.1: the operator holds liquid assets in Hong Kong (cash, deposits, treasury
    bills, certificates of deposit; not virtual assets) equal to at least 12 months of its actual operating
    expenses, calculated on a rolling basis. ``annual_operating_expenses`` covers the last 12 months.
    """
    return months.number() / 12.0 * profiles["annual_operating_expenses"].to_numpy(dtype="float64")


def client_fiat_segregation(profiles: pd.DataFrame) -> np.ndarray:
    """VATP Guidelines para 10.11(b): client money is paid into a segregated account with an authorized
    financial institution in Hong Kong (or one the SFC agrees to) within one business day of receipt.
    The whole of the client money is segregated."""
    return profiles["client_fiat"].to_numpy(dtype="float64")


# --- basis lines (one line per profile: the formula with the profile's numbers) ----------------------------
# Pieces are joined as numpy object arrays (several times faster than pandas string Series on large batches);
# a number formatted once is reused where the line repeats it.

def _join(*parts: str | pd.Series | np.ndarray) -> np.ndarray:
    """Concatenate literal strings and per-profile strings element-wise (vectorised)."""
    out: np.ndarray | str = ""
    for part in parts:
        out = out + (part if isinstance(part, str) else np.asarray(part, dtype=object))
    return np.asarray(out, dtype=object)


def _hkd(values: np.ndarray | float) -> np.ndarray | str:
    v = money("HKD", values)
    return v if isinstance(v, str) else v.to_numpy(dtype=object)


def _share(x: float) -> str:
    """A cover share as the rule writes it: ``0.5``, ``1.0``."""
    s = number(x)
    return s if "." in s else f"{s}.0"


def basis_compensation(cold: np.ndarray, hot: np.ndarray, c_cold: float, c_hot: float,
                       amount: np.ndarray) -> np.ndarray:
    """``0.5 × HKD 9,800,000,000 [cold] + 1.0 × HKD 200,000,000 [hot] = HKD 5,100,000,000``."""
    return _join(_share(c_cold) + " × ", _hkd(cold), " [cold] + " + _share(c_hot) + " × ", _hkd(hot),
                 " [hot] = ", _hkd(amount))


def basis_cold_shortfall(profiles: pd.DataFrame, cap: float, cold_min: float, amount: np.ndarray) -> np.ndarray:
    """``max(0, 5 % hot − 2 % [≥ 98 % cold]) × HKD 10,000,000,000 = HKD 300,000,000``."""
    h = percents(profiles["hot_wallet_share"].to_numpy(dtype="float64"))
    return _join("max(0, ", h, " hot − " + percent(cap) + " [≥ " + percent(cold_min) + " cold]) × ",
                 _hkd(profiles["client_crypto_assets"].to_numpy(dtype="float64")), " = ", _hkd(amount))


def basis_liquid_capital(floor: float, rate: float, liabilities: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """``max(HKD 3,000,000 [floor], 0.05 × HKD 200,000,000 [adjusted liabilities; ...]) = HKD 10,000,000``."""
    return _join("max(" + money("HKD", floor) + " [floor], " + number(rate) + " × ", _hkd(liabilities),
                 " [adjusted liabilities; basic amount, assumed]) = ", _hkd(amount))


def basis_opex(months: float, opex: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """``12/12 × HKD 400,000,000 [operating expenses, last 12 months] = HKD 400,000,000 ...``."""
    opex_text = _hkd(opex)
    amount_text = opex_text if months == 12 else _hkd(amount)
    return _join(number(months) + "/12 × ", opex_text, " [operating expenses, last 12 months] = ", amount_text,
                 " in liquid assets in Hong Kong (no virtual assets)")


def basis_client_money(client_fiat: np.ndarray, days: float, amount: np.ndarray) -> np.ndarray:
    """``client money HKD 2,000,000,000 in segregated accounts ... within 1 business day = HKD 2,000,000,000``."""
    fiat_text = _hkd(client_fiat)
    amount_text = fiat_text if np.array_equal(client_fiat, amount) else _hkd(amount)
    return _join("client money ", fiat_text, " in segregated accounts with an authorized financial institution "
                 "within " + number(days) + " business day = ", amount_text)
