"""United Kingdom — FCA prudential regime for cryptoasset firms (CRYPTOPRU/COREPRU; final rules PS26/12 under SI
2026/102, applying from 2027-10-25; before then evaluated and labelled ``enacted``). Facts: rulebook
other_jurisdictions.md §4.0 (final rules; their values ``enacted †``) and §4.1–4.5 (CP25/15, CP25/42: values whose
final text was not read stay ``proposed``, the trading-platform and other-services PMRs ``assumed``). GBP."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Scope by the activity groups of rulebook §4.1 (``rules.PMR_GROUPS``); the last group is not named (assumed).
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


jurisdiction = UnitedKingdom()
