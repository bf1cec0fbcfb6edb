"""South Korean rules (Virtual Asset User Protection Act), vectorised: each rule paraphrases and cites its
provision, reads the profile columns ``p`` (KRW; market values stand in for the decree's "economic value") and
the parameters through ``q`` (ids of rulebook other_jurisdictions.md §1), and returns the amount and the numbers
its basis line shows."""
from __future__ import annotations

import numpy as np

from jurisdictions.framework import hot_cap, value_to_move

#: Services of a firm that holds users' virtual assets (exchanges, wallet and custody providers).
HOLDING_SERVICES = ("custody", "trading_platform", "exchange_fiat", "exchange_crypto")
#: Services with which a firm runs a market: with KRW among its fiat markets, a KRW market.
MARKET_SERVICES = ("trading_platform", "exchange_fiat")
#: The basis line's label of the floor: coin-market/custody, KRW market, none (no users' assets held).
FLOOR_LABELS = np.array([" [coin-market/custody floor]", " [KRW-market floor]",
                         " [no exchange or custody service and no users' virtual assets]"], dtype=object)


def cold_storage_shortfall(p, q):
    """Enforcement Decree art. 6: a VASP keeps at least 80 % of users' virtual assets, by economic value, in
    cold wallets (computed monthly). The value that must move to cold storage is
    max(0, hot share − (1 − 0.80)) × users' virtual assets (the hot cap 0.20 is derived)."""
    return value_to_move(p, hot_cap(q, "kr_cold_min_share"))  # 1 − 0.80 = 0.2 exactly


def hot_wallet_cover(p, q):
    """Act and Enforcement Decree (hot-wallet insurance/reserve): for users' virtual assets in hot wallets a
    VASP buys insurance or mutual-aid cover with a limit of at least 5 % of their economic value, or sets aside
    an equal reserve, and never less than the floor: KRW 3 bn for an exchange running a KRW market (a trading
    platform or fiat exchange service with KRW among the profile's fiat markets), KRW 0.5 bn for coin-market
    exchanges and wallet or custody providers, none for a firm holding no users' virtual assets:
    max(floor, 0.05 × hot share × users' virtual assets), the binding term deciding the row's status. Insurance
    and a reserve are assumed combinable (funding only)."""
    for pid in ("kr_hot_cover_combination", "kr_reserve_source"):  # read for explain: they decide no amount
        q.value(pid)
    hot = p.hot_wallet_share * p.client_crypto_assets
    holds = p.offers(*HOLDING_SERVICES) | (p.client_crypto_assets > 0)
    krw = p.fiat_market("KRW") & p.offers(*MARKET_SERVICES)
    ratio, krw_floor, coin_floor = (q.peek(pid) for pid in (
        "kr_hot_cover_ratio", "kr_hot_cover_floor_krw_market", "kr_hot_cover_floor_coin_market_custody"))
    cover = q.max(("kr_hot_cover_floor_krw_market", np.where(holds & krw, krw_floor, -np.inf)),
                  ("kr_hot_cover_floor_coin_market_custody", np.where(holds & ~krw, coin_floor, -np.inf)),
                  ("kr_hot_cover_ratio", ratio * hot))
    floor = np.where(holds, np.where(krw, krw_floor, coin_floor), 0.0)
    return cover, dict(floor=floor, label=FLOOR_LABELS[np.where(holds, krw, 2)], ratio=ratio, hot=hot)


def client_fiat_deposit(p, q):
    """Act art. 6: users' KRW deposits are held with a bank as management institution, segregated from the
    VASP's own money and invested only in safe assets; the bank repays users directly if the VASP fails:
    100 % × users' deposits."""
    return q("kr_fiat_at_bank_share") * p.client_fiat, dict(fiat=p.client_fiat)


def client_crypto_in_kind(p, q):
    """Act: the VASP keeps virtual assets of the same type and quantity as it owes users (1:1 per asset;
    modelled in aggregate by value): 1 × users' virtual assets."""
    return q("kr_in_kind_holding") * p.client_crypto_assets, dict(crypto=p.client_crypto_assets)


def bank_guideline_reserve(p, q):
    """Banking-sector guideline on real-name accounts (2023, guidance †): an exchange with a KRW market keeps a
    hacking-compensation reserve at its partner bank of 30 % of daily average user deposits, at least KRW 3 bn
    and at most KRW 20 bn: min(KRW 20 bn, max(KRW 3 bn, 0.3 × daily average deposits)). The profile's
    client_fiat stands for the daily average user deposits (the proxy DESIGN.md names)."""
    rate, floor, cap = (q(pid) for pid in ("kr_bank_guideline_reserve_rate", "kr_bank_guideline_reserve_floor",
                                           "kr_bank_guideline_reserve_cap"))
    return np.clip(rate * p.client_fiat, floor, cap), dict(rate=rate, deposits=p.client_fiat, floor=floor, cap=cap)
