"""Japanese rules for crypto-asset exchange service providers (CAESPs), vectorised over profiles.

Each function encodes one provision (or, for the liability reserve, one stated modelling assumption); its
docstring paraphrases it and cites it, so that the code can be checked against the text line by line. A rule
reads the profile columns ``p`` (amounts in JPY) and the parameters through ``q`` (rulebook ids, see
``parameters.yaml``), and returns the amount and the numbers its basis line shows.
"""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import value_to_move

# --- jp.psa (in force) -----------------------------------------------------------------------------------


def minimum_capital(p, q):
    """CO Order on exchange providers Art. 9 (delegated by PSA Art. 63-5(1)(iii)): a CAESP must have paid-in
    capital of at least JPY 10 million and net assets that are not negative (registration requirements). The
    amount is the paid-in capital floor; the net-assets test is a warning (``Japan.notes``)."""
    paid_in = q("jp_min_paid_in_capital")
    return np.full(p.n, paid_in), dict(paid_in=paid_in, net_assets=q("jp_min_net_assets"))


def performance_guarantee_crypto(p, q):
    """PSA Art. 63-11-2(1): a CAESP must hold, as its own property, crypto-assets of the same kind and in the
    same quantity as the customers' crypto-assets it manages outside the cold method (performance-guarantee
    crypto-assets), kept cold and segregated. In JPY on the profile's pooled split: ratio × hot share × client
    crypto. JVCEA: net assets at least the JPY value of these crypto-assets (a warning)."""
    ratio = q("jp_pgc_ratio")
    return ratio * p.hot_wallet_share * p.client_crypto_assets, dict(
        ratio=ratio, hot=p.hot_wallet_share, crypto=p.client_crypto_assets)


def client_fiat_trust(p, q):
    """PSA Art. 63-11(1): customers' money must be entrusted to a trust company etc. (all of it; since
    2020-05-01 a bank deposit is no longer an alternative): share × client money."""
    share = q("jp_customer_money_trust_share")
    return share * p.client_fiat, dict(share=share, fiat=p.client_fiat)


def cold_storage_shortfall(p, q):
    """CAESP CO Order Art. 27(2): at most 5 % of the JPY value of all customer crypto managed (pooled across
    coins) may be held other than by the cold method. The shortfall is the value that must move to cold storage
    for the profile to meet the cap: max(0, hot share − 5 %) × client crypto (0 when it complies)."""
    return value_to_move(p, q("jp_max_non_cold_share"))


# --- checks (warnings) -----------------------------------------------------------------------------------

def negative_net_assets(p, q):
    """CO Order Art. 9: net assets (own funds) must not be negative."""
    return p.own_funds < q("jp_min_net_assets"), dict(own=p.own_funds)


def own_funds_below_paid_in_capital(p, q):
    """CO Order Art. 9: own funds below the JPY 10 m paid-in capital (net assets not negative)."""
    paid_in = q("jp_min_paid_in_capital")
    return (p.own_funds >= q("jp_min_net_assets")) & (p.own_funds < paid_in), dict(own=p.own_funds, paid_in=paid_in)


def net_assets_below_pgc(p, q):
    """JVCEA Financial Management Rule: net assets at least the JPY value of the performance-guarantee crypto
    (a PGC of 0 is left to the net-assets test)."""
    pgc = q("jp_jvcea_net_assets_to_pgc_min") * performance_guarantee_crypto(p, q)[0]
    return (pgc > 0) & (p.own_funds < pgc), dict(own=p.own_funds, pgc=pgc)


def above_cold_storage_cap(p, q):
    """CAESP CO Order Art. 27(2): hot share above the 5 % cap, with the value to move to cold storage."""
    shortfall, terms = cold_storage_shortfall(p, q)
    return p.hot_wallet_share > terms["cap"], dict(terms, shortfall=shortfall)


# --- jp.liability_reserve (proposed; the form and every coefficient are assumed) -------------------------

def liability_reserve(p, q):
    """Proposed liability reserve (責任準備金), ASSUMED FORM: the Financial System Council WG (final report 10 Dec
    2025) proposes a mandatory reserve for fast compensation after unauthorised outflows, sized with regard to
    securities-firm practice (FIEA Art. 46-5: by trading volume), the scale of past outflows and the firm's
    incident history. No formula is published; the model is the rulebook's assumed form (japan.md §4.3, §4.5):
    min(cap, max(floor, a × annual trading volume + b × cold client crypto)) + c × recent incident losses (cap
    may be inf: none), cold client crypto = (1 − hot share) × client crypto (the reserve is reported to address
    the cold part, the hot part being backed in kind by PGC: §4.1 ``jp_reserve_scope``); insurance may meet at
    most s × the reserve; one row per scenario. Scenario ``fiea_analogue``: see :func:`fiea_analogue_reserve`."""
    if q.scenario == "fiea_analogue":
        return fiea_analogue_reserve(p, q)
    a, b, floor, cap, c = (q(pid) for pid in ("jp_reserve_rate_volume", "jp_reserve_rate_cold_aum",
                                               "jp_reserve_floor", "jp_reserve_cap", "jp_reserve_incident_factor"))
    cold = (1.0 - p.hot_wallet_share) * p.client_crypto_assets
    amount = np.minimum(cap, np.maximum(floor, a * p.annual_trading_volume + b * cold)) + c * p.recent_incident_losses
    return amount, dict(a=a, b=b, floor=floor, cap=cap, c=c, volume=p.annual_trading_volume, cold=cold,
                        incidents=p.recent_incident_losses)


def fiea_analogue_reserve(p, q):
    """Scenario ``fiea_analogue`` (an assumed analogy, rulebook japan.md §4.5): the securities-firm reserve of CO
    Order on Financial Instruments Business Art. 175 (FIEA Art. 46-5) applied, as it stands for share trading, to
    the exchange's crypto trading volume, with no floor, cap, incident term or insurance. The reserve a firm
    holds once built is the ceiling, 0.00008 × the peak annual trading volume of the current year and the two
    before it (Art. 175(1)(ii)); each year it adds 0.00002 × that year's volume (Art. 175(1)(i)) until the
    ceiling is reached, so the first year's accrual is shown beside it."""
    q.text("jp_reserve_fiea_analogy")  # the analogy itself is assumed: it decides every row's status
    ceiling_rate, accrual_rate = q("jp_fiea_reserve_ceiling_rate"), q.peek("jp_fiea_reserve_accrual_rate")
    peak = p.optional("peak_annual_trading_volume", p.annual_trading_volume)
    return ceiling_rate * peak, dict(ceiling_rate=ceiling_rate, peak=peak, accrual_rate=accrual_rate,
                                     volume=p.annual_trading_volume, accrual=accrual_rate * p.annual_trading_volume)


def reserve_basis(terms: dict) -> str:
    """The reserve's basis line: without ``min(cap, …)`` when there is no cap; the securities analogue's
    ceiling with its first-year accrual."""
    if "peak" in terms:
        return ("{ceiling_rate:num} × {peak:money} peak annual volume = {amount:money} (ceiling; first-year "
                "accrual {accrual_rate:num} × {volume:money} = {accrual:money}; CO Order Art. 175 by analogy)")
    inner = "max({floor:money}, {a:num} × {volume:money} + {b:num} × {cold:money})"
    if np.isinf(terms["cap"]):
        return inner + " + {c:num} × {incidents:money} = {amount:money} (no cap)"
    return "min({cap:money}, " + inner + ") + {c:num} × {incidents:money} = {amount:money}"


def no_compensation_scheme(p, q):
    """No public compensation scheme covers crypto-assets in Japan: the Japan Investor Protection Fund covers
    securities customers (up to JPY 10 m each), not crypto-asset customers. A note about the market as a whole."""
    jipf = q.value("jp_jipf_cover_limit")
    return True, dict(limit=jipf.number(), cite=jipf.citation, status=jipf.status)
