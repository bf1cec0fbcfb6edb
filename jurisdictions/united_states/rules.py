"""United States rules for crypto exchanges, vectorised over profiles: state money transmission (the CSBS model
law, MTMA, as enacted in Texas, South Dakota and Nebraska), New York's BitLicense, California's DFAL and the
federal GENIUS Act.

Each function encodes one provision; its docstring paraphrases it and cites it. A rule reads the profile columns
``p`` (amounts in USD) and the parameters through ``q`` (rulebook ids, see ``parameters.yaml``), and returns the
amount and the numbers its basis line shows.

Which licences a profile holds comes from the optional Contract 1 field ``us_states`` (DESIGN.md): every listed
state other than New York and California is a model-law (MTMA) state; without the field, one representative
model-law licence plus New York and California are assumed.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from jurisdictions.framework import money, percent

OWN_LAW = ("NY", "CA")  # states with their own crypto licence, not assessed under the model law


class Licences(NamedTuple):
    """Per profile: whether ``us_states`` is given, the number of model-law states, of those the rulebook does
    not confirm as adopters and of those whose law covers virtual currency, and whether NY / CA are licensed."""

    given: np.ndarray
    n_model: np.ndarray
    n_unconfirmed: np.ndarray
    n_vc: np.ndarray
    ny: np.ndarray
    ca: np.ndarray


def _codes(text: str) -> set[str]:
    return {c for c in str(text).split(";") if c}


def licences(p, q, model: bool = True) -> Licences:
    """The licences of each profile, from ``us_states`` (each distinct list is read once, not each profile).
    ``model``: also count the model-law states the rulebook does not confirm and those covering virtual
    currency (read from the parameters; New York's and California's rules do not need them)."""
    given = p.has("us_states")
    confirmed = _codes(q.value("us_mtma_adopted_states").value) if model else set()
    vc_states = _codes(q.value("us_mtma_vc_optin_states").value) if model else set()
    if not given.any():  # the default licences: one model-law state, New York and California
        yes = np.ones(p.n, dtype=bool)
        return Licences(given, np.ones(p.n), np.zeros(p.n), np.zeros(p.n), yes, yes.copy())
    # validated text (canonical codes) where given: each distinct list read once
    codes, uniq = pd.factorize(pd.Series(np.where(given, p.us_states, "").astype(object), dtype=object),
                               use_na_sentinel=False)
    per = []
    for u in uniq:
        states = _codes(u)
        mtma = states - set(OWN_LAW)
        per.append((len(mtma), len(mtma - confirmed) if model else 0, len(mtma & vc_states),
                    "NY" in states, "CA" in states))
    table = np.array(per, dtype=float).reshape(-1, 5)[codes] if len(uniq) else np.zeros((0, 5))
    return Licences(given, np.where(given, table[:, 0], 1.0), np.where(given, table[:, 1], 0.0),
                    np.where(given, table[:, 2], 0.0), np.where(given, table[:, 3] > 0, True),
                    np.where(given, table[:, 4] > 0, True))


def _assumed_licences(q, lic: Licences) -> None:
    """Record the assumptions about a profile's licences: rows without ``us_states`` rest on the default
    licences; rows with a model-law state the rulebook does not confirm rest on the model law standing for it."""
    q.decide("us_default_licences", ~lic.given)
    q.decide("us_mtma_assumed_adoption", lic.n_unconfirmed > 0)


NO_MODEL_STATE = "no money transmission (model-law) state among the profile's us_states"


def _model_reason(lic: Licences):
    return np.where(lic.n_model > 0, "", NO_MODEL_STATE).astype(object)


# --- us.mtma (in force per adopting state) -------------------------------------------------------------

def total_assets(p, q) -> np.ndarray:
    """The profile's total assets (GAAP); where not given, own funds + client money (assumed, DESIGN.md)."""
    proxy = np.maximum(p.own_funds, 0.0) + p.client_fiat
    has = p.has("total_assets")
    q.decide("us_mtma_total_assets_proxy", ~has)
    return p.optional("total_assets", proxy)


def tnw_requirement(ta, floor, r1, limit1, base2, r2, limit2, base3, r3) -> np.ndarray:
    """The MTMA tangible-net-worth tiers on total assets ``ta`` (Tex. Fin. Code §152.351(a))."""
    ta = np.asarray(ta, dtype="float64")
    return np.where(ta <= limit1, np.maximum(floor, r1 * ta),
                    np.where(ta <= limit2, base2 + r2 * (ta - limit1), base3 + r3 * (ta - limit2)))


def tangible_net_worth(p, q):
    """MTMA as enacted in Texas, Tex. Fin. Code §152.351(a): a licensee maintains tangible net worth of
    (1) the greater of USD 100,000 or 3 % of total assets for the first USD 100 m; (2) USD 3 m plus 2 % of
    additional assets for USD 100 m to USD 1 bn; (3) USD 21 m plus 0.5 % of additional assets above USD 1 bn.
    The entity holds it once, whatever the number of model-law states (each state asks the same figure on the
    same total assets). Total assets: the profile's ``total_assets``, else own funds + client money (assumed)."""
    lic = licences(p, q)
    _assumed_licences(q, lic)
    ta = total_assets(p, q)
    ids = ("us_mtma_tnw_floor", "us_mtma_tnw_rate_tier1", "us_mtma_tnw_tier1_limit", "us_mtma_tnw_tier2_base",
           "us_mtma_tnw_tier2_rate", "us_mtma_tnw_tier2_limit", "us_mtma_tnw_tier3_base", "us_mtma_tnw_tier3_rate")
    floor, r1, l1, b2, r2, l2, b3, r3 = (q(i) for i in ids)
    amount = tnw_requirement(ta, floor, r1, l1, b2, r2, l2, b3, r3)
    tier = np.where(ta <= l1, 0, np.where(ta <= l2, 1, 2))
    return np.where(lic.n_model > 0, amount, np.nan), dict(
        ta=ta, tier=np.asarray(tier_texts(floor, r1, l1, b2, r2, l2, b3, r3), dtype=object)[tier],
        reason=_model_reason(lic))


def tier_texts(floor, r1, l1, b2, r2, l2, b3, r3) -> tuple[str, str, str]:
    """The three tiers of §152.351(a) in words with their figures (USD), for the basis line."""
    return (f"max({money('USD', floor)}, {percent(r1)} × total assets)",
            f"{money('USD', b2)} + {percent(r2)} × (total assets − {money('USD', l1)})",
            f"{money('USD', b3)} + {percent(r3)} × (total assets − {money('USD', l2)})")


def state_bond(admtl, floor, rate, cap) -> np.ndarray:
    """One state's surety bond: min(cap, max(floor, rate × average daily money transmission liability))."""
    return np.minimum(cap, np.maximum(floor, rate * np.asarray(admtl, dtype="float64")))


def surety_bonds(p, q):
    """MTMA bond as enacted in South Dakota and Nebraska, SDCL 51A-17-100(2)(a), Neb. Rev. Stat. 8-2731(2):
    in each state, a surety bond of 100 % of the state's average daily money transmission liability over the
    last three months, at least USD 100,000 and at most USD 500,000. Bonds add up over the model-law states.
    A profile gives no state figures: client money is spread evenly over its model-law states (assumed where
    there are several); without ``us_states``, one representative state holds it all."""
    lic = licences(p, q)
    _assumed_licences(q, lic)
    floor, rate, cap = q("us_mtma_bond_floor"), q("us_mtma_bond_rate"), q("us_mtma_bond_cap")
    q.decide("us_mtma_admtl_split", lic.n_model > 1)
    states = np.maximum(lic.n_model, 1.0)
    admtl = p.client_fiat / states
    per_state = state_bond(admtl, floor, rate, cap)
    return np.where(lic.n_model > 0, lic.n_model * per_state, np.nan), dict(
        states=lic.n_model, admtl=admtl, floor=floor, rate=rate, cap=cap, per_state=per_state,
        reason=_model_reason(lic))


def permissible_investments(p, q):
    """MTMA as enacted in Texas, Tex. Fin. Code §152.355(a),(c): permissible investments of a market value at
    least equal to all outstanding money transmission obligations, held in trust for the customers on
    insolvency. Here the obligations in money: 100 % of client money."""
    lic = licences(p, q)
    _assumed_licences(q, lic)
    ratio = q("us_mtma_pi_ratio")
    return np.where(lic.n_model > 0, ratio * p.client_fiat, np.nan), dict(
        ratio=ratio, fiat=p.client_fiat, reason=_model_reason(lic))


def permissible_investments_vc(p, q):
    """Tex. Fin. Code §152.355(a),(c) in the states whose money transmission law covers virtual currency (the
    MTMA's optional provisions: Maine, Minnesota, Vermont, reported): permissible investments (cash, insured
    deposits, US government obligations; not the customers' virtual currency itself) at least equal to the
    outstanding obligations in virtual currency, held in trust for customers. Client crypto is spread evenly
    over the model-law states like client money: the share in such states is counted; other states' law does
    not reach virtual currency (0)."""
    lic = licences(p, q)
    _assumed_licences(q, lic)
    ratio = q("us_mtma_pi_ratio")
    q.decide("us_mtma_vc_optin_states", lic.n_vc > 0)
    share = np.divide(lic.n_vc, lic.n_model, out=np.zeros(p.n), where=lic.n_model > 0)
    return np.where(lic.n_model > 0, ratio * share * p.client_crypto_assets, np.nan), dict(
        ratio=ratio, share=share, crypto=p.client_crypto_assets, reason=_model_reason(lic))


def vc_net_worth_note(p, q):
    """CSBS advisory (June 2025) on MTMA §2.01(bb), §10.01 (guidance): virtual currency counts in total assets
    but is deducted from tangible net worth as an intangible unless matched by a customer liability in the same
    virtual currency. A note about the market."""
    return True, dict(rule=q.text("us_mtma_tnw_vc_treatment"))


# --- amounts set per licensee by the regulator (New York, California) -------------------------------------

def own_law_licences(p, q) -> Licences:
    """The licences, for a New York or California rule: rows without ``us_states`` rest on the default ones."""
    lic = licences(p, q, model=False)
    q.decide("us_default_licences", ~lic.given)
    return lic


def not_licensed(where: str) -> str:
    """The reason a profile has no amount under ``where``'s own law."""
    return f"not licensed in {where}: {where} is not among the profile's us_states"


def set_per_licensee(q, pid: str, licensed: np.ndarray, n: int, where: str):
    """The amount a regulator sets per licensee: no amount with the parameter's words as the reason, unless a
    user's parameter file gives a figure (then that figure, with the user's file as its source)."""
    pv = q.value(pid)
    given = not isinstance(pv.value, str)
    amount = np.full(n, q(pid) if given else np.nan)
    if not given:
        q.text(pid)
    why = np.where(licensed, str(pv.value), not_licensed(where))
    return np.where(licensed, amount, np.nan), dict(reason=np.where(np.isnan(amount) | ~licensed, why, "")
                                                    .astype(object), figure=amount)


def ny_capital(p, q):
    """23 NYCRR §200.8: a licensee maintains capital in an amount and form the Superintendent determines per
    licensee (balance-sheet make-up, volume, leverage, liquidity, other protection, customers and products); no
    published formula. No amount unless the user gives the figure."""
    lic = own_law_licences(p, q)
    return set_per_licensee(q, "us_ny_capital_requirement", lic.ny, p.n, "New York")


def ny_bond_or_trust(p, q):
    """23 NYCRR §200.9: a surety bond or trust account in US dollars for the benefit of customers, in a form
    and amount the Superintendent accepts (not public). No amount unless the user gives the figure."""
    lic = own_law_licences(p, q)
    return set_per_licensee(q, "us_ny_surety_bond_or_trust", lic.ny, p.n, "New York")


def in_kind(p, q, pid: str, licensed: np.ndarray, where: str):
    """Client crypto held 1:1 in kind by a licensee of ``where``."""
    ratio = q(pid)
    why = np.where(licensed, "", not_licensed(where))
    return np.where(licensed, ratio * p.client_crypto_assets, np.nan), dict(
        ratio=ratio, crypto=p.client_crypto_assets, reason=why.astype(object))


def ny_customer_crypto_in_kind(p, q):
    """23 NYCRR §200.9 (†): a licensee holds virtual currency of the same type and amount as it owes to
    customers, and may not sell, lend, pledge or encumber it except at the customer's direction."""
    lic = own_law_licences(p, q)
    return in_kind(p, q, "us_ny_in_kind_holding", lic.ny, "New York")


def ny_custody_note(p, q):
    """NYDFS custody guidance (2023-01-23): on-chain and ledger segregation, no commingling; no cold-storage
    ratio. A note about the market."""
    return True, dict(rule=q.text("us_ny_cold_storage_ratio"))


def ca_capital(p, q):
    """Cal. Fin. Code §3207(b) (†): a licensee maintains capital the DFPI sets; no statutory figure. No amount
    unless the user gives the figure."""
    lic = own_law_licences(p, q)
    return set_per_licensee(q, "us_ca_capital_ongoing", lic.ca, p.n, "California")


def ca_bond_or_trust(p, q):
    """Cal. Fin. Code §3207(a): a surety bond or trust account in an amount the DFPI sets; no statutory figure.
    No amount unless the user gives the figure."""
    lic = own_law_licences(p, q)
    return set_per_licensee(q, "us_ca_bond_or_trust", lic.ca, p.n, "California")


def ca_initial_net_worth(p, q):
    """DFPI application guide (guidance †, via a secondary summary), Cal. Fin. Code §3207(b): the DFPI expects
    USD 100,000 of tangible net worth at application."""
    lic = own_law_licences(p, q)
    floor = q("us_ca_initial_tnw")
    why = np.where(lic.ca, "", not_licensed("California"))
    return np.where(lic.ca, floor, np.nan), dict(floor=floor, reason=why.astype(object))


def ca_customer_assets_in_kind(p, q):
    """Cal. Fin. Code §3503(a): a licensee with custody holds each type of digital financial asset in an amount
    at least the customers' aggregate entitlements (a shortfall is shared pro rata)."""
    lic = own_law_licences(p, q)
    return in_kind(p, q, "us_ca_in_kind", lic.ca, "California")


# --- us.genius (enacted) ----------------------------------------------------------------------------------

def genius_stablecoin_note(p, q):
    """12 USC 5902(b) (GENIUS Act, enacted): from 2028-07-18 a digital asset service provider may offer or sell
    a payment stablecoin to US persons only if a permitted issuer issued it. A note about the market."""
    pv = q.value("us_fed_genius_dasp_ban")
    q.text("us_fed_genius_dasp_ban")
    return True, dict(rule=str(pv.value), start=pv.effective_from.isoformat())
