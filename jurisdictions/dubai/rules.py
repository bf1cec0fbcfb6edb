"""Dubai VARA rules (Virtual Assets and Related Activities Regulations 2023, Company Rulebook Part VI),
vectorised over profiles.

Each function encodes one provision; its docstring paraphrases it and cites it. Parameters come from
``parameters.yaml`` (rulebook ids, ../shared/rulebook/other_jurisdictions.md §3). Amounts are in AED: the
comparison converts the profiles into AED before they reach these functions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jurisdictions.framework import ParameterValue, money, number, services_of

MONTHS_PER_YEAR = 12  # monthly operating expenses = annual operating expenses / 12 (a unit conversion)


@dataclass(frozen=True)
class Activity:
    """A VARA licensed activity and its capital parameters (``fao`` empty: fixed amount only)."""

    id: str
    label: str
    fixed: str  # parameter id of the fixed AED amount
    fao: str = ""  # parameter id of the share of fixed annual overheads


ACTIVITIES: tuple[Activity, ...] = (
    Activity("exchange", "Exchange", "ae_capital_exchange", "ae_capital_exchange_fao_share"),
    Activity("broker_dealer", "Broker-Dealer", "ae_capital_broker_dealer", "ae_capital_broker_dealer_fao_share"),
    Activity("custody", "Custody", "ae_capital_custody", "ae_capital_custody_fao_share"),
    Activity("va_management_investment", "VA Management and Investment", "ae_capital_va_management_investment",
             "ae_capital_va_management_investment_fao_share"),
    Activity("va_transfer_settlement", "VA Transfer and Settlement", "ae_capital_va_transfer_settlement",
             "ae_capital_va_transfer_settlement_fao_share"),
    Activity("advisory", "Advisory", "ae_capital_advisory"),
)
CAPITAL_PARAMS: tuple[str, ...] = tuple(p for a in ACTIVITIES for p in (a.fixed, a.fao) if p)

#: Services mapped to an activity one-to-one (status of the capital figures).
DIRECT = {"trading_platform": "exchange", "custody": "custody", "advice": "advisory",
          "portfolio_management": "va_management_investment", "transfer": "va_transfer_settlement"}
#: Services whose activity is a judgement (parameter ae_service_activity_map, assumed).
BROKER_SERVICES = ("execution", "placing", "reception_transmission")
CONVERSION_SERVICES = ("exchange_fiat", "exchange_crypto")


def activities(profiles: pd.DataFrame) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The VARA activities each profile needs, and where that rests on a judgement mapping (assumed).

    Mapping (parameter ``ae_service_activity_map``): trading_platform → Exchange, custody → Custody, advice →
    Advisory, portfolio_management → VA Management and Investment, transfer → VA Transfer and Settlement;
    execution, placing and reception/transmission → Broker-Dealer; exchange for funds or other crypto →
    Exchange when the profile runs a trading platform, else Broker-Dealer. Lending and Borrowing is never
    reached (no profile service).
    """
    platform = services_of(profiles, "trading_platform")
    conversion = services_of(profiles, *CONVERSION_SERVICES)
    broker = services_of(profiles, *BROKER_SERVICES)
    needs = {a.id: np.zeros(len(profiles), dtype=bool) for a in ACTIVITIES}
    for service, activity in DIRECT.items():
        needs[activity] = needs[activity] | services_of(profiles, service)
    needs["broker_dealer"] = needs["broker_dealer"] | broker | (conversion & ~platform)
    return needs, broker | conversion


def paid_up_capital(profiles: pd.DataFrame, needs: dict[str, np.ndarray],
                    p: dict[str, ParameterValue]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Company Rulebook Rule VI.B.1: for each licensed activity, paid-up capital of the higher of a fixed AED
    amount and a share of fixed annual overheads (upper tier: no VARA-licensed or approved custodian);
    Rule VI.B.2: the requirements are cumulative across activities. Returns the total and each activity's
    term (0 where the activity is not needed)."""
    fao = profiles["fixed_overheads"].to_numpy()
    terms = {}
    for a in ACTIVITIES:
        share = p[a.fao].number() if a.fao else 0.0
        terms[a.id] = np.where(needs[a.id], np.maximum(p[a.fixed].number(), share * fao), 0.0)
    return sum(terms.values(), np.zeros(len(profiles))), terms


def net_liquid_assets(profiles: pd.DataFrame, multiple: ParameterValue) -> tuple[np.ndarray, np.ndarray]:
    """Company Rulebook Rule VI.C: net liquid assets of at least 1.2 times monthly operating expenses (cash,
    cash equivalents or fully backed USD/AED fiat-referenced VAs). Returns the requirement and monthly opex."""
    monthly = profiles["annual_operating_expenses"].to_numpy() / MONTHS_PER_YEAR
    return multiple.number() * monthly, monthly


def reserve_assets(profiles: pd.DataFrame, share: ParameterValue) -> np.ndarray:
    """Company Rulebook Rule VI.E: reserve assets equal to 100 % of client liabilities, held one-for-one in the
    same virtual asset, reconciled daily and independently audited at least every six months.

    Modelled as a custody obligation (category ``custody``, form ``same_kind_crypto``), not loss cover: the
    reserve assets are the client assets themselves held against what is owed, not a separate fund, so a
    theft of them is the customer loss and they absorb none of it.
    """
    return share.number() * profiles["client_crypto_assets"].to_numpy()


# --- basis lines -------------------------------------------------------------------------------------

def basis_capital(profiles: pd.DataFrame, needs: dict[str, np.ndarray], p: dict[str, ParameterValue],
                  total: np.ndarray) -> pd.Series:
    """``Exchange max(AED 1,500,000, 0.25 × AED 8,000,000) + Custody max(AED 600,000, 0.25 × AED 8,000,000)
    = AED 4,000,000`` (activities summed, Rule VI.B.2)."""
    n = len(profiles)
    fao = money("AED", profiles["fixed_overheads"].to_numpy())
    text = pd.Series([""] * n, dtype=object)
    for a in ACTIVITIES:
        term = (a.label + " max(" + money("AED", p[a.fixed].number()) + ", " + number(p[a.fao].number()) + " × "
                + fao + ")") if a.fao else pd.Series([a.label + " " + money("AED", p[a.fixed].number())] * n)
        sep = pd.Series(np.where(text == "", "", " + "))
        text = text + pd.Series(np.where(needs[a.id], sep + term, ""))
    text = text.where(text != "", "no VARA activity")
    return text + " = " + money("AED", total)


def basis_nla(monthly: np.ndarray, multiple: float, amount: np.ndarray) -> pd.Series:
    """``1.2 × AED 1,000,000 monthly opex (annual / 12) = AED 1,200,000``."""
    return number(multiple) + " × " + money("AED", monthly) + " monthly opex (annual / 12) = " + money("AED", amount)
