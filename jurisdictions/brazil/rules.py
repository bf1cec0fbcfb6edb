"""Brazilian rules for virtual-asset service providers (SPSAV regime of the Banco Central do Brasil), vectorised
over profiles.

Each function encodes one provision; its docstring paraphrases it and cites it. ``p`` holds the profile columns
(amounts in BRL), ``q`` reads the parameters of ``parameters.yaml`` (rulebook americas_and_more.md §5).
"""
from __future__ import annotations

import numpy as np

#: MiCA's services read as intermediation of virtual assets (buying, selling, exchanging, arranging) under
#: Law 14.478/2022; custody is the other SPSAV activity. Transfer is assumed to be intermediation.
INTERMEDIATION = ("trading_platform", "exchange_fiat", "exchange_crypto", "execution", "reception_transmission",
                  "placing")
CUSTODY = ("custody",)
ASSUMED_INTERMEDIATION = ("transfer",)


def minimum_capital(p, q):
    """Res. BCB 520 with Joint Resolution 14 / Res. BCB 517 (activity-based capital): an SPSAV is an
    intermediary, a custodian or a broker, and intermediation and custody may be combined only in the broker
    type. A firm offering custody and intermediation is a broker, custody alone a custodian, intermediation alone
    an intermediary; the minimum capital is the figure reported for that type (R$10.8 m / 18.6 m / 37.2 m,
    press reports: a reading of JR 14 gives much less, e.g. R$3.8 m for a pure custodian, so the figures are
    reported values and can be replaced by a parameter file)."""
    custody = p.offers(*CUSTODY)
    intermediation = p.offers(*INTERMEDIATION, *ASSUMED_INTERMEDIATION)
    broker, custodian = custody & intermediation, custody & ~intermediation
    intermediary = intermediation & ~custody
    q.decide("br_capital_broker", broker)
    q.decide("br_capital_custodian", custodian)
    q.decide("br_capital_intermediary", intermediary)
    values = {t: q.peek(f"br_capital_{t}") for t in ("broker", "custodian", "intermediary")}
    kind = np.select([broker, custodian, intermediary], ["broker", "custodian", "intermediary"], "none")
    amount = np.select([broker, custodian, intermediary],
                       [values["broker"], values["custodian"], values["intermediary"]], 0.0)
    return amount, dict(kind=kind)


def own_assets_in_client_wallets_max(p, q):
    """Res. BCB 520: the firm's own virtual assets kept in client wallets (a liquidity buffer) may be at most 5 %
    of the clients' assets in those wallets: cap × client crypto is the most the firm may hold there (a ceiling,
    not an amount to fund)."""
    cap = q("br_own_assets_in_client_wallets_max")
    return cap * p.client_crypto_assets, dict(cap=cap, crypto=p.client_crypto_assets)


def client_asset_segregation(p, q):
    """Res. BCB 520: client virtual assets are kept in separate client wallets, apart from the firm's own, with
    proof of reserves and published independent audits: all client crypto segregated."""
    share = q("br_client_asset_segregation_share")
    return share * p.client_crypto_assets, dict(share=share, crypto=p.client_crypto_assets)


def client_fiat_segregation(p, q):
    """Res. BCB 520: client money is kept in individualised client accounts (segregated): all client money."""
    share = q("br_client_asset_segregation_share")
    return share * p.client_fiat, dict(share=share, fiat=p.client_fiat)


def incumbent_window(p, q):
    """Res. BCB 520 art. 88 †: firms already active on 2026-02-02 had 270 days to apply for authorisation (to
    2026-10-30): a note about the market."""
    return True, dict(days=q("br_incumbent_deadline_days"))
