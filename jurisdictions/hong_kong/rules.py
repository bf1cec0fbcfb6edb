"""Hong Kong SFC rules for virtual asset trading platform operators, vectorised over profiles.

Each function encodes one provision of the SFC Guidelines for Virtual Asset Trading Platform Operators
(VATP Guidelines, paragraph numbers of [CC23] Appendix A, in force 2023-06-01); its docstring paraphrases the
provision and cites it. A rule reads the profile columns ``p`` (amounts in HKD) and the parameters through ``q``
(rulebook ids, see ``parameters.yaml``), and returns the amount and the numbers its basis line shows.
"""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import hot_cap, number, value_to_move


def compensation_cover(p, q):
    """VATP Guidelines para 10.22: the operator keeps an SFC-approved compensation arrangement covering
    potential loss of client virtual assets: 50 % of the value of client VA held in cold storage and 100 % of
    those held in hot and other storage (the "Compensated Amount"), on the actual split, monitored daily (para
    10.23); met by third-party or captive insurance (10.26), funds set aside on trust (deposits of at most 6
    months, 10.22(b)), VA of the same kind set aside on trust in cold storage (10.25(b)), a Hong Kong bank
    guarantee, or any mix. Client VA at the profile's market value (para 10.23 says "total value"); the hot
    share is the share in hot and other storage (rulebook §5: V_total = V_cold + V_hot + V_other). Computed as
    V × (c_cold + (c_hot − c_cold) × h) = c_cold × V_cold + c_hot × V_hot, monotone in h to the last bit."""
    c_cold, c_hot = q("hk_comp_cover_share_cold"), q("hk_comp_cover_share_hot_other")
    total, h = p.client_crypto_assets, p.hot_wallet_share
    hot = h * total
    return total * (c_cold + (c_hot - c_cold) * h), dict(c_cold=c_cold, c_hot=c_hot, cold=total - hot, hot=hot)


def compensation_basis(terms: dict) -> str:
    """The cover's basis line, each share written as the rule writes it (``0.5``, ``1.0``)."""
    cold, hot = (s if "." in s else s + ".0" for s in (number(terms["c_cold"]), number(terms["c_hot"])))
    return cold + " × {cold:money} [cold] + " + hot + " × {hot:money} [hot] = {amount:money}"


def cold_storage_shortfall(p, q):
    """VATP Guidelines para 10.6(c): at least 98 % of client virtual assets are held in cold storage
    (exceptions case by case), so at most 2 % in hot and other storage (rulebook
    ``hk_hot_other_storage_max_share``, derived). The shortfall is the value that must move to cold storage for
    the profile to meet the ratio: max(0, hot share − 2 %) × client VA, measured in aggregate (per asset or in
    aggregate is not stated: rulebook ``hk_cold_ratio_basis``, unknown)."""
    amount, terms = value_to_move(p, hot_cap(q, "hk_cold_storage_min_share"))  # 1 − 0.98 = 0.02 exactly
    return amount, dict(terms, cold_min=q.peek("hk_cold_storage_min_share"))  # decided by hot_cap


def above_hot_storage_cap(p, q):
    """VATP Guidelines para 10.6(c): hot and other storage above the 2 % cap."""
    _, terms = cold_storage_shortfall(p, q)
    return p.hot_wallet_share > terms["cap"], terms


def paid_up_capital(p, q):
    """VATP Guidelines para 6.2: the operator maintains paid-up share capital of not less than HK$5,000,000."""
    minimum = q("hk_min_paid_up_capital")
    return np.full(p.n, minimum), dict(minimum=minimum)


def liquid_capital(p, q):
    """VATP Guidelines para 6.3(b): liquid capital at all times not less than the required liquid capital, the
    higher of HK$3,000,000 and the "basic amount" of the Financial Resources Rules (Cap. 571N) s.2, taken as
    5 % of adjusted liabilities (assumed in the rulebook; client margin items for futures and options are not
    modelled). The row is assumed only where the basic amount binds."""
    floor, rate = q.peek("hk_rlc_floor"), q.peek("hk_basic_amount_rate")
    amount = q.max(("hk_rlc_floor", floor), ("hk_basic_amount_rate", rate * p.adjusted_liabilities))
    return amount, dict(floor=floor, rate=rate, liabilities=p.adjusted_liabilities)


def liquid_assets_opex(p, q):
    """VATP Guidelines para 6.1: liquid assets held in Hong Kong (cash, deposits, treasury bills, certificates
    of deposit; not virtual assets) of at least 12 months of actual operating expenses, on a rolling basis
    (``annual_operating_expenses`` covers the last 12 months): months / 12 × annual operating expenses."""
    months = q("hk_liquid_assets_opex_months")
    return months / 12.0 * p.annual_operating_expenses, dict(months=months, opex=p.annual_operating_expenses)


def client_fiat_segregation(p, q):
    """VATP Guidelines para 10.11(b): all client money is paid into segregated accounts with an authorized
    financial institution in Hong Kong (or one the SFC agrees to) within one business day of receipt."""
    return p.client_fiat, dict(fiat=p.client_fiat, days=q("hk_client_money_segregation_deadline"))


def icf_excludes_virtual_assets(p, q):
    """VATP Guidelines para 9.26(d), Schedule 2(d) (and the SFC's 2018 framework, guidance): the Investor
    Compensation Fund does not cover virtual assets. A note about the market as a whole."""
    icf = q.value("hk_icf_cover_va")
    return icf.number() == 0, dict(cite=icf.citation, status=icf.status)


#: The planned regimes' services (rulebook hong_kong.md, Update): dealing (OTC exchange, execution, orders); custody.
DEALER_SERVICES = ("exchange_fiat", "exchange_crypto", "execution", "reception_transmission")
CUSTODIAN_SERVICES = ("custody",)


def planned_paid_up_capital(p, q):
    """Planned licensing regimes for virtual-asset dealers and custodians (FSTB/SFC consultation conclusions of
    24 Dec 2025, proposed †; bill promised within 2026): minimum paid-up capital of about HK$5m for a dealer
    (OTC exchange, execution, reception and transmission, without a trading platform) and about HK$10m for a
    custodian (custody without a trading platform). A firm that is both takes the higher of the two. A firm
    operating a trading platform is licensed under the VATP Guidelines (hk.sfc_vatp), not these regimes."""
    dealer = np.where(p.offers(*DEALER_SERVICES), q.peek("hk_dealer_min_paid_up_capital"), -np.inf)
    custodian = np.where(p.offers(*CUSTODIAN_SERVICES), q.peek("hk_custodian_min_paid_up_capital"), -np.inf)
    amount = q.max(("hk_dealer_min_paid_up_capital", dealer), ("hk_custodian_min_paid_up_capital", custodian))
    platform = p.offers("trading_platform")
    role = PLANNED_ROLES[np.isfinite(dealer) * 1 + np.isfinite(custodian) * 2]  # 0 (no amount) … 3: both
    return np.where(platform | ~np.isfinite(amount), np.nan, amount), dict(
        minimum=amount, role=role, reason=PLANNED_BLANK_REASONS[platform.astype(np.int8)])


#: The basis line's role by (dealer, custodian) services offered; the reason of a blank row by trading platform.
PLANNED_ROLES = np.array(["", "dealer", "custodian", "dealer and custodian: the higher of the dealer and custodian "
                          "minimums"], dtype=object)
PLANNED_BLANK_REASONS = np.array([
    "no dealing or custody service",
    "not in scope: hk.va_dealer_custodian applies to dealers and custodians without a trading platform; an operator "
    "of one is licensed under the VATP Guidelines (hk.sfc_vatp)"], dtype=object)
