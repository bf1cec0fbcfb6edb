"""Atlantis (FICTIONAL) — the rules of the invented Virtual Asset Act 2025, vectorised over profiles.

Atlantis is not a real market: the Act, its sections and its figures are invented for the xjur plug-in
author's guide. The shape is real: a capital floor, cover for hot-wallet assets with a cap on insurance, a cap
on hot storage, client money, and a proposed reserve with a consultation range.

Each rule encodes one (fictional) provision; its docstring paraphrases it and cites it, as a built-in
jurisdiction would. A rule takes the profile columns ``p`` (whole arrays, in EUR) and the parameter reader ``q``
(ids of ``parameters.yaml``) and returns the amount and the numbers its basis line shows: no per-profile
Python, no figures in code.
"""
from __future__ import annotations

import numpy as np


def minimum_capital(p, q):
    """Virtual Asset Act 2025 (fictional), s. 12(1): a licensed provider holds own funds of at least the higher
    of (a) a fixed floor and (b) three months of operating expenses (0.25 × the last 12 months')."""
    floor, mult = q("atl_capital_floor"), q("atl_opex_multiplier")
    return np.maximum(floor, mult * p.annual_operating_expenses), dict(
        floor=floor, mult=mult, opex=p.annual_operating_expenses)


def hot_wallet_cover(p, q):
    """Virtual Asset Act 2025 (fictional), s. 20(1): a custodian keeps cover (own funds, a bank guarantee or,
    within the FSA's limit of Guidance Note GN-3 para 4.2, insurance) equal to the value of the client
    crypto-assets it holds outside cold storage, computed on its actual split."""
    ratio = q("atl_hot_cover_ratio")
    return ratio * p.client_crypto_assets * p.hot_wallet_share, dict(
        ratio=ratio, assets=p.client_crypto_assets, hot=p.hot_wallet_share)


def cold_storage_shortfall(p, q):
    """Virtual Asset Act 2025 (fictional), s. 18(2): no more than 10 % of client crypto-assets may be held
    outside cold storage. The shortfall is the value that must move to cold storage for the profile's hot share
    to meet the cap (0 when it already does)."""
    cap = q("atl_hot_wallet_cap")
    return np.maximum(p.hot_wallet_share - cap, 0.0) * p.client_crypto_assets, dict(
        hot=p.hot_wallet_share, cap=cap, assets=p.client_crypto_assets)


def client_money(p, q):
    """Virtual Asset Act 2025 (fictional), s. 25(1): client money is held in a segregated account at a licensed
    bank by the end of the next business day — all of it."""
    return q("atl_client_money_share") * p.client_fiat, dict(fiat=p.client_fiat)


def incident_reserve(p, q):
    """Consultation Paper CP 26/1 (fictional), paras 3.4-3.5, proposed s. 20A: a custodian would keep an incident
    reserve of the higher of a rate (0.1 %-0.5 %, consulted on) × client crypto-assets and the customer losses of
    its recent incidents (a multiple the paper does not give: assumed 1.0). The assumed multiple decides a row's
    status only where the loss term binds."""
    rate, mult = q.peek("atl_incident_reserve_rate"), q.peek("atl_incident_reserve_loss_multiple")
    q.decide("atl_incident_reserve_rate")  # the consulted rate is read in every row
    amount = q.max(("atl_incident_reserve_rate", rate * p.client_crypto_assets),
                   ("atl_incident_reserve_loss_multiple", mult * p.recent_incident_losses))
    return amount, dict(rate=rate, assets=p.client_crypto_assets, mult=mult, losses=p.recent_incident_losses)


def above_hot_cap(p, q):
    """s. 18(2): a custodian above the 10 % cap on hot storage, with the value to move to cold storage (the
    check hangs on the whole Act: the custody service marks the custodians s. 18 applies to)."""
    shortfall, terms = cold_storage_shortfall(p, q)
    return (p.hot_wallet_share > terms["cap"]) & p.offers("custody"), dict(terms, shortfall=shortfall)
