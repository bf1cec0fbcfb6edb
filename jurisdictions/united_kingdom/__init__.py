"""United Kingdom — FCA proposals for a prudential regime for cryptoasset firms (CP25/15, CP25/42;
CRYPTOPRU/COREPRU): own funds requirement and basic liquid assets.

Facts: ../shared/rulebook/other_jurisdictions.md §4. Regime ``uk.cryptopru``, status proposed; GBP. A proposal
is a what-if: it is evaluated whatever the comparison date, with the latest proposed values.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, ParameterSet, Regime, concat_obligations,
    obligation_rows, output_status, worst,
)

from . import rules

REGIME = Regime(
    id="uk.cryptopru", name="FCA prudential regime for cryptoasset firms (CRYPTOPRU, proposed)", status="proposed",
    in_force_from=None, citation="FCA CP25/15 (28 May 2025) and CP25/42 (16 Dec 2025)",
    start_note="authorisation window reported to open 2026-09 (FCA expectation, reported); go-live date unknown",
)
OFR = "FCA CP25/15, CP25/42 (own funds requirement = max(PMR, FOR, KFR))"
BLAR = "FCA CP25/15 (basic liquid assets requirement)"
PARAMS = rules.PMR_PARAMS + ("uk_pmr_aggregation", "uk_for_multiplier", "uk_kfactor_custody",
                             "uk_basic_liquid_assets")


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
            formula="max(PMR, FOR, KFR): PMR = highest permanent minimum requirement among the firm's activities "
                    "(custodian £150,000; principal dealer £750,000; arranger/agency broker £75,000; trading "
                    "platform £750,000 assumed; advice, portfolio management, transfer £75,000 assumed); FOR = 0.25 "
                    "× previous year's fixed overheads; KFR = 0.0004 × client cryptoassets safeguarded (reported); "
                    "CET1 ≥ 56 % and CET1 + AT1 ≥ 75 % of it",
            citation=OFR, inputs=("services", "fixed_overheads", "client_crypto_assets"),
            parameters=PARAMS[:-1], overlap_group="uk.prudential",
            insurance_kind="prudential", absorbs="any", ring_fenced=False,
        ),
        ObligationSpec(
            id="basic_liquid_assets", regime="uk.cryptopru", category="liquidity", funding_forms=("own_funds",),
            formula="one third of the fixed overheads requirement (0.25 × fixed overheads), held in core liquid "
                    "assets (own funds held in core liquid assets count toward both: same overlap group)",
            citation=BLAR, inputs=("fixed_overheads",), parameters=("uk_for_multiplier", "uk_basic_liquid_assets"),
            overlap_group="uk.prudential",
        ),
    )
    modelled = (
        "own funds requirement = max(PMR by activity, 25 % of fixed overheads, custody K-factor 0.04 % of client "
        "cryptoassets (reported)) — proposals CP25/15, CP25/42",
        "basic liquid assets = one third of the fixed overheads requirement",
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

    def assess(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> pd.DataFrame:
        # a proposal is a what-if: no date check (regime_applies is always true for it)
        params = self.parameter_set(parameters)
        p = {pid: params.what_if(pid, as_of) for pid in PARAMS}  # a proposal: evaluated whatever the date
        row = dict(profiles=profiles, jurisdiction=self.code, regime=REGIME.id, currency=self.currency)

        pmr, pmr_status = rules.permanent_minimum_requirement(profiles, p, p["uk_pmr_aggregation"])
        for_ = rules.fixed_overheads_requirement(profiles, p["uk_for_multiplier"])
        kfr = rules.k_factor_requirement(profiles, p["uk_kfactor_custody"])
        ofr, binding = rules.own_funds_requirement(pmr, for_, kfr)
        status = np.select(
            [binding == 0, binding == 1],
            [pmr_status, output_status(p["uk_for_multiplier"].status)],
            default=output_status(p["uk_kfactor_custody"].status),
        )
        own = obligation_rows(
            **row, obligation="own_funds_requirement", category="capital", amount=ofr, status=status,
            citation=OFR,
            basis=rules.basis_ofr(pmr, p["uk_for_multiplier"].number(), profiles["fixed_overheads"].to_numpy(),
                                  p["uk_kfactor_custody"].number(), profiles["client_crypto_assets"].to_numpy(), ofr),
            funding_forms=("own_funds",), overlap_group="uk.prudential",
        )

        share = p["uk_basic_liquid_assets"]
        blar = rules.basic_liquid_assets(for_, share)
        liquid = obligation_rows(
            **row, obligation="basic_liquid_assets", category="liquidity", amount=blar,
            status=worst([share.status, p["uk_for_multiplier"].status]), citation=BLAR,
            basis=rules.basis_blar(share.number(), for_, blar), funding_forms=("own_funds",),
            overlap_group="uk.prudential",
        )
        return concat_obligations([own, liquid])


jurisdiction = UnitedKingdom()
