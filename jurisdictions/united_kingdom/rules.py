"""UK FCA prudential regime for cryptoasset firms (final rules PS26/12 under SI 2026/102, from 2027-10-25; the
proposals CP25/15, CP25/42 where the final text was not read), vectorised.

Each function encodes one rule; its docstring paraphrases it and cites the policy statement or consultation.
``p``: profile columns (GBP); ``q``: parameters (rulebook ids, other_jurisdictions.md §4, parameters.yaml).
"""
from __future__ import annotations

import numpy as np

#: The activity groups: PMR parameter of each (parameter id → MiCA services). Within equal PMRs the proposed
#: figure comes first, so that it, not an assumed one, decides a tie.
PMR_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("uk_pmr_range_other_principal_dealer", ("exchange_fiat", "exchange_crypto")),
    ("uk_pmr_trading_platform", ("trading_platform",)),
    ("uk_pmr_custodian", ("custody",)),
    ("uk_pmr_range_other_arranger", ("execution", "placing", "reception_transmission")),
    ("uk_pmr_other_services", ("advice", "portfolio_management", "transfer")),
)


def own_funds_requirement(p, q):
    """PS26/12, CRYPTOPRU (final rules, from 2027-10-25; proposed in CP25/15 and CP25/42): own funds (CET1 ≥ 56 %,
    CET1 + AT1 ≥ 75 %, as proposed) of at least the highest of (a) the permanent minimum requirement (PMR) by type
    of firm: custodian GBP 150,000 (CRYPTOPRU 4.2.1R, enacted †); as proposed, GBP 75,000 (arrangers,
    agency brokers) to GBP 750,000 (principal dealers); trading platform not known (GBP 750,000 assumed);
    advice, portfolio management, transfer not named (GBP 75,000 assumed); a firm with several activities takes
    the highest (assumed, uk_pmr_aggregation, which decides the rows where it sets the PMR); (b) the fixed
    overheads requirement (FOR): one quarter of the previous year's fixed overheads (as proposed); (c) the
    K-factor requirement (KFR) of a custodian: 0.04 % of the average assets safeguarded (CRYPTOPRU 4.5.1R,
    enacted †; client_crypto_assets stands for the average; the only K-factor with a known coefficient)."""
    levels = [(pid, np.where(p.offers(*services), q.peek(pid), -np.inf)) for pid, services in PMR_GROUPS]
    pmr = np.max([v for _, v in levels], axis=0)
    mult, k = q.peek("uk_for_multiplier"), q.peek("uk_kfactor_custody")
    for_, kfr = mult * p.fixed_overheads, k * p.client_crypto_assets
    amount = q.max(*levels, ("uk_for_multiplier", for_), ("uk_kfactor_custody", kfr))
    lowest = np.min([np.where(v > -np.inf, v, np.inf) for _, v in levels], axis=0)
    q.decide("uk_pmr_aggregation", (pmr >= for_) & (pmr >= kfr) & (lowest < pmr))
    return amount, dict(pmr=pmr, mult=mult, fo=p.fixed_overheads, k=k, assets=p.client_crypto_assets)


def basic_liquid_assets(p, q):
    """CP25/15 (proposed): basic liquid assets of one third of the fixed overheads requirement (0.25 × fixed
    overheads), held in core liquid assets."""
    share, for_ = q("uk_basic_liquid_assets"), q("uk_for_multiplier") * p.fixed_overheads
    return share * for_, dict(share=share, for_=for_)


def blar_basis(terms: dict) -> str:
    """The basis line, with the proposal's "one third" written as 1/3."""
    return ("1/3" if abs(terms["share"] - 1 / 3) < 1e-9 else "{share:num}") + " × {for_:money} FOR = {amount:money}"
