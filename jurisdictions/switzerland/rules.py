"""Swiss rules (FINMA: bank licence, FinTech licence, DLT trading facility), vectorised over profiles.

Which licence a profile needs follows its services and whether it takes public deposits; ``client_fiat`` stands
for the public deposits (the proxy DESIGN.md names). Crypto custody is taken to be segregable (DLT Act): pooled,
non-segregable custody would be deposit-taking, which the profile cannot show. Each function encodes one
provision; its docstring paraphrases it and cites it. ``p`` holds the profile columns (amounts in CHF), ``q``
reads the parameters of ``parameters.yaml`` (rulebook americas_and_more.md §7).
"""
from __future__ import annotations

import numpy as np

NO_DEPOSITS = ("no public deposits (client money 0): segregated crypto custody (DLT Act) with AML self-regulatory "
               "membership needs no prudential licence, so no capital row")
SANDBOX = "public deposits within the CHF 1 m sandbox: no licence (BankO)"
ABOVE_FINTECH = "public deposits above the FinTech licence's CHF 100 m cap: a bank licence is needed"
WITHIN_FINTECH = "public deposits within the FinTech licence's CHF 100 m cap (or none): no bank licence needed"


def deposit_band(p, q):
    """Which licence the public deposits (client money, the proxy) call for: 0 none, 1 sandbox (at most
    CHF 1 m, BankO), 2 FinTech licence (at most CHF 100 m, BankA art. 1b), 3 bank licence (above)."""
    d = p.client_fiat
    sandbox, cap = q.peek("ch_sandbox_cap"), q.peek("ch_fintech_deposit_cap")
    return np.select([d <= 0, d <= sandbox, d <= cap], [0, 1, 2], 3)


def fintech_licence_capital(p, q):
    """BankA art. 1b; BankO (FinTech licence) †: a firm accepting public deposits of up to CHF 100 m (not
    invested, not interest-bearing) holds capital of 3 % of the deposits and at least CHF 300,000:
    max(CHF 300,000, 3 % × public deposits). Public deposits are the profile's client money (proxy). No row
    without deposits (segregated custody with AML membership), within the CHF 1 m sandbox, or above CHF 100 m
    (bank licence)."""
    band = deposit_band(p, q)
    q.decide(("ch_sandbox_cap", "ch_fintech_deposit_cap"))
    floor, rate = q.peek("ch_fintech_min_capital_floor"), q.peek("ch_fintech_min_capital_rate")
    amount = q.max(("ch_fintech_min_capital_floor", floor), ("ch_fintech_min_capital_rate", rate * p.client_fiat))
    reason = np.select([band == 0, band == 1, band == 3], [NO_DEPOSITS, SANDBOX, ABOVE_FINTECH], "")
    return np.where(band == 2, amount, np.nan), dict(floor=floor, rate=rate, deposits=p.client_fiat, reason=reason)


def bank_licence_capital(p, q):
    """BankO (FINMA licensing page): a bank holds fully paid-in minimum capital of CHF 10 m. A firm needs a bank
    licence when its public deposits (client money, the proxy) exceed the FinTech licence's CHF 100 m cap
    (BankA art. 1b); below it, no row."""
    band = deposit_band(p, q)
    q.decide("ch_fintech_deposit_cap")
    capital = q("ch_bank_min_capital")
    reason = np.where(band == 3, "", WITHIN_FINTECH)
    return np.where(band == 3, capital, np.nan), dict(deposits=p.client_fiat, reason=reason)


def dlt_trading_facility_capital(p, q):
    """FinMIO art. 13(1), (1bis): a DLT trading facility (for DLT securities, i.e. tokenised securities, only:
    trading payment tokens such as BTC needs none) holds minimum capital of CHF 1 m, or CHF 5 m if it also
    offers custody or settlement (FINMA may raise it by up to 50 %). The profile does not say whether its
    platform lists DLT securities: that it does is an assumption (every row assumed)."""
    q.text("ch_dlttf_securities_assumption")
    custody = p.offers("custody")
    q.decide("ch_dlttf_capital_with_custody", custody)
    q.decide("ch_dlttf_capital", ~custody)
    base, with_custody = q.peek("ch_dlttf_capital"), q.peek("ch_dlttf_capital_with_custody")
    what = np.where(custody, "with custody", "without custody or settlement")
    return np.where(custody, with_custody, base), dict(what=what)
