"""Dubai VARA rules (Virtual Assets and Related Activities Regulations 2023, Company Rulebook Part VI),
vectorised over profiles.

Each function encodes one provision; its docstring paraphrases it and cites it. A rule reads the profile
columns ``p`` (amounts in AED) and the parameters through ``q`` (rulebook ids, ../shared/rulebook/
other_jurisdictions.md §3) and returns the amount and the numbers its basis line shows.
"""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import money, number

MONTHS_PER_YEAR = 12  # monthly operating expenses = annual operating expenses / 12 (a unit conversion)

#: VARA licensed activities: (id, label, parameter of the fixed AED amount, of the FAO share or "").
ACTIVITIES = (
    ("exchange", "Exchange", "ae_capital_exchange", "ae_capital_exchange_fao_share"),
    ("broker_dealer", "Broker-Dealer", "ae_capital_broker_dealer", "ae_capital_broker_dealer_fao_share"),
    ("custody", "Custody", "ae_capital_custody", "ae_capital_custody_fao_share"),
    ("va_management_investment", "VA Management and Investment", "ae_capital_va_management_investment",
     "ae_capital_va_management_investment_fao_share"),
    ("va_transfer_settlement", "VA Transfer and Settlement", "ae_capital_va_transfer_settlement",
     "ae_capital_va_transfer_settlement_fao_share"),
    ("advisory", "Advisory", "ae_capital_advisory", ""),
)
#: Services mapped to an activity one-to-one (they keep the status of the capital figures).
DIRECT = {"trading_platform": "exchange", "custody": "custody", "advice": "advisory",
          "portfolio_management": "va_management_investment", "transfer": "va_transfer_settlement"}
#: Services whose activity is a judgement (parameter ae_service_activity_map, assumed).
BROKER_SERVICES = ("execution", "placing", "reception_transmission")
CONVERSION_SERVICES = ("exchange_fiat", "exchange_crypto")


def activities(p) -> tuple[dict, np.ndarray]:
    """The VARA activities each profile needs, and where that rests on a judgement mapping (assumed).

    Mapping (parameter ``ae_service_activity_map``): trading_platform → Exchange, custody → Custody, advice →
    Advisory, portfolio_management → VA Management and Investment, transfer → VA Transfer and Settlement;
    execution, placing and reception/transmission → Broker-Dealer; exchange for funds or other crypto →
    Exchange when the profile runs a trading platform, else Broker-Dealer. Lending and Borrowing is never
    reached (no profile service).
    """
    needs = {a: np.zeros(p.n, dtype=bool) for a, *_ in ACTIVITIES}
    for service, activity in DIRECT.items():
        needs[activity] = needs[activity] | p.offers(service)
    broker, conversion = p.offers(*BROKER_SERVICES), p.offers(*CONVERSION_SERVICES)
    needs["broker_dealer"] = needs["broker_dealer"] | broker | (conversion & ~p.offers("trading_platform"))
    return needs, broker | conversion


def paid_up_capital(p, q):
    """Company Rulebook Rule VI.B.1: for each licensed activity, paid-up capital of the higher of a fixed AED
    amount and a share of fixed annual overheads (upper tier: no VARA-licensed or approved custodian):
    Exchange max(1.5 m, 25 % FAO), Broker-Dealer max(600 k, 25 %), Custody max(600 k, 25 %), VA Management and
    Investment max(500 k, 25 %), VA Transfer and Settlement max(500 k, 25 %), Advisory 100 k. Rule VI.B.2: the
    requirements are cumulative across activities. Services map to activities as ``activities`` says; the
    rows whose activities rest on the judgement mapping are assumed."""
    needs, judged = activities(p)
    fao, total, shown = p.fixed_overheads, np.zeros(p.n), {}
    for a, _, fixed_id, share_id in ACTIVITIES:
        fixed, share = q.peek(fixed_id), (q.peek(share_id) if share_id else 0.0)
        q.decide(fixed_id, needs[a] & (fixed >= share * fao))  # the binding term, for rows needing the activity
        if share_id:
            q.decide(share_id, needs[a] & (share * fao > fixed))
        total = total + np.where(needs[a], np.maximum(fixed, share * fao), 0.0)
        shown[a] = (fixed, share)
    q.decide("ae_capital_aggregation")
    q.decide("ae_service_activity_map", judged)
    return total, dict(needs=needs, fao=fao, figures=shown)


def capital_basis(terms: dict) -> str:
    """The capital line, ``Exchange max(AED 1,500,000, 0.25 × AED 8,000,000) + Custody AED ... = AED ...``: the
    activities differ from row to row, so their text is joined here (term ``activities``) when basis is read."""
    fao = np.asarray(money("AED", terms["fao"]), dtype=object)
    text = np.full(len(fao), "", dtype=object)
    for a, label, _, share_id in ACTIVITIES:
        fixed, share = terms["figures"][a]
        term = (label + " max(" + money("AED", fixed) + ", " + number(share) + " × " + fao + ")") if share_id \
            else label + " " + money("AED", fixed)
        text = np.where(terms["needs"][a], text + np.where(text == "", "", " + ") + term, text)
    terms["activities"] = np.where(text == "", "no VARA activity", text)
    return "{activities} = {amount:money}"


def net_liquid_assets(p, q):
    """Company Rulebook Rule VI.C: net liquid assets of at least 1.2 times monthly operating expenses (cash,
    cash equivalents or fully backed USD/AED fiat-referenced VAs); monthly = annual operating expenses / 12.
    Paid-up capital held in such assets counts toward both (same overlap group)."""
    monthly = p.annual_operating_expenses / MONTHS_PER_YEAR
    multiple = q("ae_net_liquid_assets_multiple")
    return multiple * monthly, dict(multiple=multiple, monthly=monthly)


def reserve_assets(p, q):
    """Company Rulebook Rule VI.E: reserve assets equal to 100 % of client liabilities, held one-for-one in the
    same virtual asset, reconciled daily and independently audited at least every six months. A custody
    obligation, not loss cover: the reserve assets are the client assets themselves held against what is owed,
    so a theft of them is the customer loss and they absorb none of it."""
    return q("ae_reserve_assets_share") * p.client_crypto_assets, dict(crypto=p.client_crypto_assets)


def hot_wallet_insurance(p, q):
    """Company Rulebook Rule VI.D: commercial crime insurance for all virtual assets in hot wallets, of an
    amount adequate to the firm's size and complexity, set per licence: no amount (with the reason) where the
    profile holds virtual assets in hot wallets, AED 0 where it holds none."""
    q.text("ae_hot_wallet_crime_insurance")
    has_hot = p.hot_wallet_share * p.client_crypto_assets > 0
    return np.where(has_hot, np.nan, 0.0), dict(reason="VARA requires crime insurance for all VAs in hot wallets "
                                                       "but sets no amount (set per licence, Rule VI.D)")
