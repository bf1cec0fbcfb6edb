"""United Kingdom — FCA prudential regime for cryptoasset firms (CRYPTOPRU/COREPRU): own funds requirement and
basic liquid assets. Final rules made (FSMA 2000 (Cryptoassets) Regulations 2026, SI 2026/102; FCA PS26/9–13 of
2026-06-30, prudential PS26/12), applying from 2027-10-25.

Facts: ../shared/rulebook/other_jurisdictions.md §4.0 (final rules) and §4.1–4.5 (the CP25/15 and CP25/42
proposals). Regime ``uk.cryptopru``, status enacted; GBP. Before 2027-10-25 it is upcoming: evaluated with the
values of its start date and labelled ``enacted``. Values read from the final rules (custody PMR, custody K-factor)
are ``enacted †``; those whose final text was not read keep ``proposed``; the trading-platform and other-services
PMRs stay ``assumed``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Scope by activity group (rulebook §4.1): custody (CP25/15), trading platforms, dealing (principal dealers; agency
#: brokers: execution) and arranging (placing, reception and transmission) (CP25/42). The last group (advice,
#: portfolio management, transfer) is not named: assumed in scope, with the assumed PMR uk_pmr_other_services.
REGIME = Regime(
    id="uk.cryptopru", name="FCA prudential regime for cryptoasset firms (CRYPTOPRU/COREPRU, final rules)",
    status="enacted", in_force_from=dt.date(2027, 10, 25),
    citation="FSMA 2000 (Cryptoassets) Regulations 2026 (SI 2026/102); FCA PS26/12 (30 June 2026; proposals "
             "CP25/15, CP25/42)",
    start_note="SI 2026/102, FCA regime page; application window 2026-09-30 to 2027-02-28 (†); "
               "existing MLR registrations do not convert",
    scope=Scope(
        services=tuple(s for _, services in rules.PMR_GROUPS[:-1] for s in services),
        assumed_services=rules.PMR_GROUPS[-1][1],
        describe="cryptoasset firms (custody, trading platforms, dealing, arranging: CP25/15, CP25/42, PS26/12)",
        assumption="advice, portfolio management and transfer are not named in the rules as summarised; "
                   "taken to bring a firm under the regime with the lowest PMR of the CP25/42 range"),
    facts_as_of=dt.date(2026, 6, 30),
)


class UnitedKingdom(Jurisdiction):
    code = "UK"
    name = "United Kingdom (FCA final rules, from 2027-10-25)"
    currency = "GBP"
    regimes = (REGIME,)
    reads = ("services", "fixed_overheads", "client_crypto_assets")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="own_funds_requirement", regime="uk.cryptopru", category="capital", funding_forms=("own_funds",),
            rule=rules.own_funds_requirement, citation="FCA PS26/12, CRYPTOPRU 4 (own funds requirement = "
            "max(PMR, FOR, KFR); proposals CP25/15, CP25/42)", overlap_group="uk.prudential", insurance_kind="prudential", absorbs="any", ring_fenced=False,
            basis="max(PMR {pmr:money}, {mult:num} × {fo:money} FO, {k:num} × {assets:money} client cryptoassets) "
                  "= {amount:money}",
        ),
        # own funds held in core liquid assets count toward both (same overlap group)
        ObligationSpec(
            id="basic_liquid_assets", regime="uk.cryptopru", category="liquidity", funding_forms=("own_funds",),
            rule=rules.basic_liquid_assets, basis=rules.blar_basis,
            citation="FCA CP25/15 (basic liquid assets requirement; final text not read)", overlap_group="uk.prudential",
        ),
    )
    modelled = (
        "own funds requirement = max(PMR by activity, 25 % of fixed overheads, custody K-factor 0.04 % of client "
        "cryptoassets) — final rules PS26/12 (custody PMR and K-factor enacted †; the rest as proposed in "
        "CP25/15, CP25/42), applying from 2027-10-25",
        "basic liquid assets = one third of the fixed overheads requirement",
        "scope: custody, trading platform, dealing, arranging; advice, portfolio management, transfer assumed",
    )
    not_modelled = (
        "trading-platform PMR (unknown; £750,000 assumed) and PMR for advice/portfolio management/transfer "
        "(£75,000 assumed); how PMRs of several activities combine (highest assumed)",
        "K-factors other than custody (K-CCO, K-CTF, K-NCP, K-CCD, K-CON: coefficients unknown); stablecoin "
        "issuers (PMR £350,000)",
        "CET1/AT1 composition (56 % / 75 %) and the overall risk assessment; no cold-storage ratio or insurance "
        "rule found in the proposals",
        "final values of the FOR multiplier, basic liquid assets and the non-custody PMRs (final text not read: "
        "the proposed values are used, status proposed); the stablecoin K-factor (1 %, enacted †)",
    )


jurisdiction = UnitedKingdom()
