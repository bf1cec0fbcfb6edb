"""EU MiCA rules for crypto-asset service providers (Regulation (EU) 2023/1114), vectorised over profiles.

Each function encodes one provision; its docstring paraphrases and cites it, so that the code can be checked
against the text line by line. ``p``: profile columns (EUR); ``q``: parameters (rulebook ids, parameters.yaml).
"""
from __future__ import annotations

import numpy as np

#: MiCA Annex IV: each class's permanent minimum capital and the services that place a firm in it (register
#: letters e, f, g, h, i, j; a, c, d; b): together the ten crypto-asset services of Art. 3(1)(16).
CLASSES = (("eu_pmc_class1", ("execution", "placing", "reception_transmission", "advice", "portfolio_management",
                              "transfer")),
           ("eu_pmc_class2", ("custody", "exchange_fiat", "exchange_crypto")),
           ("eu_pmc_class3", ("trading_platform",)))
CASP_SERVICES = tuple(s for _, services in CLASSES for s in services)


def prudential_safeguards(p, q):
    """MiCA Art. 67(1): prudential safeguards at all times of at least the higher of (a) the permanent minimum
    capital of the CASP's Annex IV class (EUR 50,000, 125,000 or 150,000) and (b) one quarter of the fixed
    overheads of the preceding year (projected in the first year, Art. 67(2); as Art. 67(3) defines them); met
    by CET1 own funds, an Art. 67(5)-(6) insurance policy or a combination (Art. 67(4)).
    Fixed overheads: ESMA Q&A 2349 (answered 2026-02-18, guidance †) reads Art. 67(3) as all expenses, fixed and
    variable, of the most recent audited statements, less only the exhaustive (a)-(d) list (profit-dependent
    bonuses, profit shares, discretionary variable pay, non-recurring expenses): taxes, brokerage, CCP fees,
    client interest and depreciation stay in (the profile's fixed_overheads is taken as so computed).
    Class: Annex IV's class 2 is "class 1 services plus" custody or exchange, class 3 "class 2 services plus" a
    trading platform; ESMA Q&A 2343 (guidance) takes the highest class among the services, the lower ones need
    not be offered. Where the minimum binds and only the Q&A places the firm in its class, the Q&A decides too."""
    offers = [[p.offers(s) for s in services] for _, services in CLASSES]
    cls = np.where(np.any(offers[2], axis=0), 3, np.where(np.any(offers[1], axis=0), 2, 1))
    levels = [(pid, np.where(cls == k, q.peek(pid), -np.inf)) for k, (pid, _) in enumerate(CLASSES, 1)]
    mult = q.peek("eu_fo_multiplier")
    fo_term = mult * p.fixed_overheads
    amount = q.max(*levels, ("eu_fo_multiplier", fo_term))
    pmc = np.max([v for _, v in levels], axis=0)
    by_qa = ((cls >= 2) & ~np.all(offers[0], axis=0)) | ((cls == 3) & ~np.all(offers[1], axis=0))
    q.decide("eu_class_rule", (pmc >= fo_term) & by_qa)
    return amount, dict(pmc=pmc, cls=cls, mult=mult, fo=p.fixed_overheads)


def client_funds_safeguarding(p, q):
    """MiCA Art. 70(3): client funds (other than e-money tokens) are placed with a credit institution or a
    central bank by the end of the business day following receipt, in an account separately identifiable from
    the CASP's own: all of them, share × client money."""
    return q("eu_client_funds_safeguarded_share") * p.client_fiat, dict(fiat=p.client_fiat)


def significant_casp(p, q):
    """MiCA Art. 85(1): a CASP with at least 15 million average active users in the EU is significant
    (notification and information duties towards ESMA, no own-funds requirement)."""
    threshold = q("eu_significant_casp_threshold")
    return p.active_users >= threshold, dict(users=p.active_users, threshold=threshold)


def no_compensation_scheme(p, q):
    """MiCA sets up no compensation or guarantee scheme for crypto-assets, and the investor-compensation schemes
    of Directive 97/9/EC do not reach them (Joint ESAs warning of 6 Oct 2025). A note about the market as a whole."""
    scheme = q.value("eu_crypto_compensation_scheme")
    return scheme.number() == 0, dict(cite=scheme.citation, status=scheme.status)


def custody_liability_remedy(p, q):
    """MiCA Art. 75(8): a CASP providing custody is liable to its clients for the loss of crypto-assets from an
    incident attributable to it, up to the market value of the lost crypto-asset at the time of the loss (not
    for events independent of its service). The EU customer's remedy: a claim on the firm, not a fund. A note
    about the market as a whole."""
    cap = q.value("eu_custody_liability_cap")
    return True, dict(cap=str(cap.value), cite=cap.citation, status=cap.status + (" †" if cap.unverified else ""))
