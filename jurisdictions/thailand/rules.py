"""Thai rules (SEC, Emergency Decree on Digital Asset Businesses B.E. 2561), vectorised: each rule paraphrases and
cites its provision, reads the profile columns ``p`` (THB) and the parameters through ``q`` (ids of rulebook
americas_and_more.md §9), and returns the amount and the numbers its basis line shows."""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import storage

#: The basis line's label of the minimum net capital: holding customer assets or not.
NC_LABELS = np.array([" [holds no customer assets]", " [holds customer assets]"], dtype=object)
#: The basis line's label of the hot cap: the general 90 % cold rule or the small-operator allowance.
CAP_LABELS = np.array([" [90 % cold rule]", " [client assets ≤ small-operator threshold]"], dtype=object)


def holds_customer_assets(p) -> np.ndarray:
    """Rows of operators holding customer assets: a custody service, or customer crypto or money held."""
    return p.offers("custody") | (p.client_crypto_assets > 0) | (p.client_fiat > 0)


def minimum_net_capital(p, q):
    """SEC capital notifications (October 2024, from 2024-11-01) †: a digital asset business operator keeps net
    capital of at least THB 25 million when it holds customer assets, THB 5 million otherwise. The NC charges
    that may raise it (hot share, foreign custody) are not known: the floor alone."""
    holds = holds_customer_assets(p)
    with_assets, without = q.peek("th_min_nc_custody"), q.peek("th_min_nc_no_custody")
    q.decide("th_min_nc_custody", holds)
    q.decide("th_min_nc_no_custody", ~holds)
    return np.where(holds, with_assets, without), dict(label=NC_LABELS[holds.astype(int)])


def hot_cap(p, q) -> tuple[np.ndarray, np.ndarray]:
    """SEC notifications †: at least 90 % of customer assets cold, so at most 1 − 0.90 = 10 % hot; an operator
    with customer assets of at most THB 1 bn may keep up to 50 % hot (from 2024-11-01). Returns the cap and the
    rows of small operators; records which parameters decide each row."""
    general = storage.hot_cap(q, "th_cold_min_share")  # 1 − 0.90 = 0.1 exactly
    small = p.client_crypto_assets <= q.peek("th_small_operator_client_assets_max")
    q.decide(("th_small_operator_client_assets_max", "th_small_operator_hot_max"), small)
    return np.where(small, max(general, q.peek("th_small_operator_hot_max")), general), small


def cold_storage_shortfall(p, q):
    """SEC notifications †: an operator keeps no less than 90 % of customers' digital assets, by value, in cold
    wallets; one with customer assets of at most THB 1 bn may keep up to 50 % hot. The value that must move to
    cold storage: max(0, hot share − allowed hot share) × customer digital assets (0 when it complies)."""
    cap, small = hot_cap(p, q)
    amount, terms = storage.value_to_move(p, cap)
    return amount, dict(terms, label=CAP_LABELS[small.astype(int)])


def custodian_cold_storage_shortfall(p, q):
    """SEC Board resolution of 2025-03-06 (proposed; in-force date not known): a digital asset custodian keeps at
    least 95 % (from 90 %) of customers' digital assets cold, so at most 5 % hot. As a what-if: max(0, hot share −
    (1 − 0.95)) × customer digital assets. The rulebook gives no small-operator allowance for it."""
    return storage.value_to_move(p, storage.hot_cap(q, "th_custodian_cold_min_share"))


def above_hot_cap(p, q):
    """SEC notifications †: hot share above the allowed share, with the value to move to cold storage."""
    shortfall, terms = cold_storage_shortfall(p, q)
    return shortfall > 0, dict(terms, shortfall=shortfall)
