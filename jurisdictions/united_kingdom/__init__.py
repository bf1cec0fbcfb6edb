"""United Kingdom — FCA proposals for a prudential regime for cryptoasset firms (CP25/15, CP25/42;
CRYPTOPRU/COREPRU): own funds requirement and basic liquid assets.

Facts: ../shared/rulebook/other_jurisdictions.md §4. Regime ``uk.cryptopru``, status proposed; GBP. A proposal
is a what-if: it is evaluated whatever the comparison date, with the latest proposed values.
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
    id="uk.cryptopru", name="FCA prudential regime for cryptoasset firms (CRYPTOPRU, proposed)", status="proposed",
    in_force_from=None, citation="FCA CP25/15 (28 May 2025) and CP25/42 (16 Dec 2025)",
    start_note="authorisation window reported to open 2026-09 (FCA expectation, reported); go-live date unknown",
    scope=Scope(
        services=tuple(s for _, services in rules.PMR_GROUPS[:-1] for s in services),
        assumed_services=rules.PMR_GROUPS[-1][1],
        describe="cryptoasset firms (custody, trading platforms, dealing, arranging: CP25/15, CP25/42)",
        assumption="advice, portfolio management and transfer are not named in the proposals as summarised; "
                   "taken to bring a firm under the regime with the lowest PMR of the CP25/42 range"),
    facts_as_of=dt.date(2025, 12, 16),
)


class UnitedKingdom(Jurisdiction):
    code = "UK"
    name = "United Kingdom (FCA proposals)"
    currency = "GBP"
    regimes = (REGIME,)
    reads = ("services", "fixed_overheads", "client_crypto_assets")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="own_funds_requirement", regime="uk.cryptopru", category="capital", funding_forms=("own_funds",),
            rule=rules.own_funds_requirement, citation="FCA CP25/15, CP25/42 (own funds requirement = max(PMR, FOR, "
            "KFR))", overlap_group="uk.prudential", insurance_kind="prudential", absorbs="any", ring_fenced=False,
            basis="max(PMR {pmr:money}, {mult:num} × {fo:money} FO, {k:num} × {assets:money} client cryptoassets) "
                  "= {amount:money}",
        ),
        # own funds held in core liquid assets count toward both (same overlap group)
        ObligationSpec(
            id="basic_liquid_assets", regime="uk.cryptopru", category="liquidity", funding_forms=("own_funds",),
            rule=rules.basic_liquid_assets, basis=rules.blar_basis,
            citation="FCA CP25/15 (basic liquid assets requirement)", overlap_group="uk.prudential",
        ),
    )
    modelled = (
        "own funds requirement = max(PMR by activity, 25 % of fixed overheads, custody K-factor 0.04 % of client "
        "cryptoassets (reported)) — proposals CP25/15, CP25/42",
        "basic liquid assets = one third of the fixed overheads requirement",
        "scope: custody, trading platform, dealing, arranging; advice, portfolio management, transfer assumed",
    )
    not_modelled = (
        "trading-platform PMR (unknown; £750,000 assumed) and PMR for advice/portfolio management/transfer "
        "(£75,000 assumed); how PMRs of several activities combine (highest assumed)",
        "K-factors other than custody (K-CCO, K-CTF, K-CCS, K-NCP, K-CCD, K-CON: coefficients unknown); stablecoin "
        "issuers (PMR £350,000, K-factor 2 %)",
        "CET1/AT1 composition (56 % / 75 %) and the overall risk assessment; no cold-storage ratio or insurance "
        "rule found in the proposals",
        "go-live date (unknown): the proposal is evaluated as a what-if on any date",
    )


jurisdiction = UnitedKingdom()
