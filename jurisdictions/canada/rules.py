"""Canadian rules for crypto-asset trading platforms (CIRO's interim Digital Asset Custody Framework; CSA staff
practice for pre-registration undertakings), vectorised over profiles.

Each function encodes one provision; its docstring paraphrases it and cites it. ``p`` holds the profile columns
(amounts in CAD), ``q`` reads the parameters of ``parameters.yaml`` (rulebook americas_and_more.md §8).
"""
from __future__ import annotations

import numpy as np


def in_house_share(p) -> np.ndarray:
    """Share of client crypto held in house: 1 − the share with approved third-party custodians (Contract 1
    ``third_party_custody_share``, default 0: everything in house)."""
    return 1.0 - p.optional("third_party_custody_share", 0.0)


def custodian_placement_shortfall(p, q):
    """CIRO Digital Asset Custody Framework (interim, 2026-02-03): a dealer may hold at most 20 % of the crypto
    it holds in house, so at least 80 % with approved custodians. The value to place with custodians is
    max(0, in-house share − 20 %) × client crypto (0 when it complies); in-house share = 1 − third-party share."""
    cap = q("ca_internal_custody_max")
    inside = in_house_share(p)
    return np.maximum(0.0, inside - cap) * p.client_crypto_assets, dict(
        inside=inside, cap=cap, crypto=p.client_crypto_assets)


def above_internal_custody_cap(p, q):
    """CIRO Digital Asset Custody Framework: in-house share above the 20 % cap, with the value to place."""
    shortfall, terms = custodian_placement_shortfall(p, q)
    return terms["inside"] > terms["cap"], dict(terms, shortfall=shortfall)


def custodian_tier_caps(p, q):
    """CIRO Digital Asset Custody Framework: per-custodian concentration caps by tier (a note about the market;
    the profile does not split its custodians)."""
    return True, dict(t1=q("ca_tier_cap_1"), t2=q("ca_tier_cap_2"), t3=q("ca_tier_cap_3"), t4=q("ca_tier_cap_4"))


def client_crypto_in_trust(p, q):
    """CSA Staff Notice 21-332 (pre-registration undertakings): client crypto-assets held in trust for clients,
    separate from the platform's own, not pledged or lent (all of them)."""
    share = q("ca_client_assets_in_trust_share")
    return share * p.client_crypto_assets, dict(share=share, crypto=p.client_crypto_assets)


def client_cash_in_trust(p, q):
    """CSA Staff Notice 21-332: client cash held in trust, separate, with a Canadian custodian (all of it)."""
    share = q("ca_client_assets_in_trust_share")
    return share * p.client_fiat, dict(share=share, fiat=p.client_fiat)
