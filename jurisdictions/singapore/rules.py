"""Singapore rules for digital payment token (DPT) service providers (Payment Services Act 2019), vectorised:
each docstring paraphrases and cites its provision; ``p`` the profile columns (SGD), ``q`` the parameters (rulebook
ids, other_jurisdictions.md §2). Every firm in scope is a Major Payment Institution (no MPI threshold given)."""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import hot_cap, value_to_move


def base_capital(p, q):
    """PS Regulations 2019 reg. 12: a Major Payment Institution keeps base capital of at least S$250,000 (a
    foreign company: net head-office funds of the same amount)."""
    return np.full(p.n, q("sg_mpi_base_capital"))


def security_deposit(p, q):
    """PS Regulations 2019 reg. 13: an MPI gives MAS security of S$100,000 if its average monthly transactions
    do not exceed S$6m for each payment service it provides, and S$200,000 otherwise. Average monthly
    transactions of the DPT service = annual trading volume / 12 (an assumed proxy: one DPT service, trading
    volume standing for the value of transactions)."""
    monthly = p.annual_trading_volume / q("sg_monthly_transactions_proxy")
    threshold = q("sg_mpi_deposit_threshold")
    low = monthly <= threshold
    q.decide("sg_mpi_security_deposit_low", low)
    q.decide("sg_mpi_security_deposit_high", ~low)
    return np.where(low, q.peek("sg_mpi_security_deposit_low"), q.peek("sg_mpi_security_deposit_high")), dict(
        monthly=monthly, threshold=threshold, cmp=np.where(low, "≤", ">"))


def cold_storage_shortfall(p, q):
    """MAS Guidelines on Consumer Protection Measures by DPT Service Providers (guidance): MAS expects at least
    90 % of customer DPTs in cold wallets. The value that must move to cold storage is
    max(0, hot share − (1 − 0.90)) × customer DPTs, measured in aggregate by value."""
    return value_to_move(p, hot_cap(q, "sg_cold_min_share"))  # 1 − 0.9 = 0.1 exactly


def client_dpt_trust(p, q):
    """PSA s.23 and the PS Regulations as amended from 2024-10-04 (S 287/2024): customer DPTs are held on trust
    for customers in addresses separate from the provider's own, reconciled daily, not commingled even with the
    customer's consent, and not lent or staked for retail customers (all of them: share × customer DPTs)."""
    return q("sg_dpt_customer_assets_on_trust") * p.client_crypto_assets, dict(crypto=p.client_crypto_assets)


def client_money_safeguarding(p, q):
    """PS Regulations reg. 13A (S 287/2024), PSA s.23: every MPI providing a DPT service is a prescribed
    institution and safeguards customer money with financial institutions in Singapore (all of it)."""
    return q("sg_dpt_customer_money_safeguarding") * p.client_fiat, dict(fiat=p.client_fiat)
