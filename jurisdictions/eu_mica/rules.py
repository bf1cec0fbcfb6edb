"""EU MiCA rules for crypto-asset service providers (Regulation (EU) 2023/1114), vectorised over profiles.

Each function encodes one provision; its docstring paraphrases the provision and cites it, so that the code
can be checked against the text line by line. A rule reads the profile columns ``p`` (amounts in EUR) and the
parameters through ``q`` (rulebook ids, see ``parameters.yaml``), and returns the amount and the numbers its
basis line shows.
"""
from __future__ import annotations

import numpy as np

#: MiCA Annex IV: the permanent minimum capital parameter of each class and the services that place a firm in
#: it (ESMA register letters: class 1 e, f, g, h, i, j; class 2 a, c, d; class 3 b). Together the ten
#: crypto-asset services of Art. 3(1)(16).
CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("eu_pmc_class1", ("execution", "placing", "reception_transmission", "advice", "portfolio_management",
                       "transfer")),
    ("eu_pmc_class2", ("custody", "exchange_fiat", "exchange_crypto")),
    ("eu_pmc_class3", ("trading_platform",)),
)
CASP_SERVICES: tuple[str, ...] = tuple(s for _, services in CLASSES for s in services)


def casp_class(p) -> np.ndarray:
    """Annex IV class of each profile: the highest class among its services.

    MiCA Annex IV sets three classes: class 1 (execution, placing, reception and transmission, advice,
    portfolio management, transfer); class 2 (class 1 services plus custody and administration, exchange for
    funds, exchange for other crypto-assets); class 3 (class 2 services plus operation of a trading platform).
    ESMA Q&A 2343 (guidance): the amount is that of the authorised service with the highest class; a firm need
    not provide the lower-class services.
    """
    cls = np.where(p.offers(*CLASSES[1][1]), 2, 1)
    return np.where(p.offers(*CLASSES[2][1]), 3, cls)


def relies_on_highest_class_reading(p, cls: np.ndarray) -> np.ndarray:
    """Whether a profile's class follows only from ESMA Q&A 2343, not from the words of Annex IV: class 2 is
    "class 1 services plus ...", class 3 "class 2 services plus ...", so a class 2 or 3 firm that does not
    offer every lower-class service is placed in its class by the Q&A (guidance)."""
    every = [np.logical_and.reduce([p.offers(s) for s in services]) for _, services in CLASSES[:2]]
    return ((cls >= 2) & ~every[0]) | ((cls == 3) & ~every[1])


def prudential_safeguards(p, q):
    """MiCA Art. 67(1): CASPs shall at all times have prudential safeguards equal to at least the higher of
    (a) the permanent minimum capital of their Annex IV class (EUR 50,000, 125,000 or 150,000, Art. 67(1)(a))
    and (b) one quarter of the fixed overheads of the preceding year (Art. 67(1)(b); projected overheads in
    the first year, Art. 67(2); fixed overheads as Art. 67(3) defines them). Met by CET1 own funds, an
    Art. 67(5)-(6) insurance policy, or a combination (Art. 67(4)). Where the class minimum binds and only
    ESMA Q&A 2343 places the firm in its class, the Q&A decides the amount too."""
    cls = casp_class(p)
    levels = [(pid, np.where(cls == k, q.peek(pid), -np.inf)) for k, (pid, _) in enumerate(CLASSES, 1)]
    mult = q.peek("eu_fo_multiplier")
    fo_term = mult * p.fixed_overheads
    amount = q.max(*levels, ("eu_fo_multiplier", fo_term))
    pmc = np.max([v for _, v in levels], axis=0)
    q.decide("eu_class_rule", (pmc >= fo_term) & relies_on_highest_class_reading(p, cls))
    return amount, dict(pmc=pmc, cls=cls, mult=mult, fo=p.fixed_overheads)


def client_funds_safeguarding(p, q):
    """MiCA Art. 70(3): client funds (other than e-money tokens) are placed with a credit institution or a
    central bank by the end of the business day following receipt, in an account separately identifiable from
    the CASP's own: the whole of the client funds, share × client money."""
    return q("eu_client_funds_safeguarded_share") * p.client_fiat, dict(fiat=p.client_fiat)


def significant_casp(p, q):
    """MiCA Art. 85(1): a CASP with at least 15 million average active users in the EU is significant;
    Art. 85 adds notification and information duties towards ESMA, no own-funds requirement."""
    threshold = q("eu_significant_casp_threshold")
    return p.active_users >= threshold, dict(users=p.active_users, threshold=threshold)
