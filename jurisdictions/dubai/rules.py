"""Dubai VARA rules (Company Rulebook Part VI), vectorised: each rule paraphrases and cites its provision, reads
the profile columns ``p`` (AED) and the parameters through ``q`` (ids of rulebook other_jurisdictions.md §3) and
returns the amount and the numbers its basis line shows."""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import money, number

#: VARA licensed activities: id, label; capital parameters ``ae_capital_<id>`` (fixed AED amount) and
#: ``ae_capital_<id>_fao_share`` (share of fixed annual overheads; Advisory has none).
ACTIVITIES = (("exchange", "Exchange"), ("broker_dealer", "Broker-Dealer"), ("custody", "Custody"),
              ("va_management_investment", "VA Management and Investment"),
              ("va_transfer_settlement", "VA Transfer and Settlement"), ("advisory", "Advisory"))
#: Services mapped to an activity one-to-one (they keep the status of the capital figures).
DIRECT = {"trading_platform": "exchange", "custody": "custody", "advice": "advisory",
          "portfolio_management": "va_management_investment", "transfer": "va_transfer_settlement"}
#: Services whose activity is a judgement (parameter ae_service_activity_map, assumed).
BROKER_SERVICES = ("execution", "placing", "reception_transmission")
CONVERSION_SERVICES = ("exchange_fiat", "exchange_crypto")


def activities(p) -> tuple[dict, np.ndarray]:
    """The VARA activities each profile needs (parameter ``ae_service_activity_map``: ``DIRECT`` pairs; dealing
    and arranging → Broker-Dealer; conversion → Exchange on the firm's own platform, else Broker-Dealer; no
    service reaches Lending and Borrowing), and the rows where that rests on the judgement (assumed)."""
    needs = {activity: p.offers(service) for service, activity in DIRECT.items()}
    broker, conversion = p.offers(*BROKER_SERVICES), p.offers(*CONVERSION_SERVICES)
    needs["broker_dealer"] = broker | (conversion & ~needs["exchange"])
    return needs, broker | conversion


def paid_up_capital(p, q):
    """Company Rulebook Rule VI.B.1: for each licensed activity, paid-up capital of the higher of a fixed AED
    amount and a share of fixed annual overheads (upper tier: no VARA-licensed or approved custodian):
    Exchange max(1.5 m, 25 % FAO), Broker-Dealer max(600 k, 25 %), Custody max(600 k, 25 %), VA Management and
    Investment max(500 k, 25 %), VA Transfer and Settlement max(500 k, 25 %), Advisory 100 k. Rule VI.B.2: the
    requirements are cumulative across activities. Services map to activities by ae_service_activity_map
    (assumed): rows that rest on its dealing, arranging or conversion pairs are assumed."""
    needs, judged = activities(p)
    fao, total, shown = p.fixed_overheads, np.zeros(p.n), {}
    for a, _ in ACTIVITIES:
        fixed, share = q.peek(f"ae_capital_{a}"), (q.peek(f"ae_capital_{a}_fao_share") if a != "advisory" else 0)
        q.decide(f"ae_capital_{a}", needs[a] & (fixed >= share * fao))  # the binding term, where a is needed
        if share:
            q.decide(f"ae_capital_{a}_fao_share", needs[a] & (share * fao > fixed))
        total, shown[a] = total + np.where(needs[a], np.maximum(fixed, share * fao), 0.0), (fixed, share)
    q.decide("ae_capital_aggregation")
    q.decide("ae_service_activity_map", judged)
    return total, dict(needs=needs, fao=fao, figures=shown)


def capital_basis(terms: dict) -> str:
    """The capital line, ``Exchange max(AED 1,500,000, 0.25 × AED 8,000,000) + Advisory AED 100,000 = ...``: the
    activities differ from row to row, so their text is joined here (term ``activities``) when basis is read."""
    fao = np.asarray(money("AED", terms["fao"]), dtype=object)
    text = np.full(len(fao), "", dtype=object)
    for a, label in ACTIVITIES:
        fixed, share = terms["figures"][a]
        term = label + (f" max({money('AED', fixed)}, {number(share)} × " + fao + ")" if share
                        else " " + money("AED", fixed))
        text = np.where(terms["needs"][a], text + np.where(text == "", "", " + ") + term, text)
    terms["activities"] = text  # every firm in scope carries on at least one activity
    return "{activities} = {amount:money}"


def net_liquid_assets(p, q):
    """Company Rulebook Rule VI.C: net liquid assets of at least 1.2 times monthly operating expenses (cash,
    cash equivalents or fully backed USD/AED fiat-referenced VAs); monthly = annual operating expenses / 12.
    Paid-up capital held in such assets counts toward both (same overlap group)."""
    monthly = p.annual_operating_expenses / 12  # a unit conversion: twelve months a year
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
