"""EU — MiCA (Regulation (EU) 2023/1114): CASP prudential safeguards and client-funds safeguarding.

Facts: ../shared/rulebook/eu_mica.md. Regime ``eu.mica``, in force for CASPs since 2024-12-30; amounts in EUR.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, Note, ObligationSpec, ParameterSet, Regime, concat_obligations, join_text, money,
    obligation_rows, regime_applies,
)

from . import rules

REGIME = Regime(
    id="eu.mica", name="Markets in Crypto-Assets Regulation (CASPs)", status="in_force",
    in_force_from=dt.date(2024, 12, 30), citation="Regulation (EU) 2023/1114, Title V",
)
PRUDENTIAL = "MiCA Art. 67(1), Annex IV"
CLIENT_FUNDS = "MiCA Art. 70(3)"


class EUMiCA(Jurisdiction):
    code = "EU"
    name = "European Union (MiCA)"
    currency = "EUR"
    regimes = (REGIME,)
    reads = ("services", "fixed_overheads", "client_fiat", "active_users")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="prudential_safeguards", regime="eu.mica", category="capital",
            funding_forms=("own_funds", "insurance"),
            formula="max(permanent minimum capital of the CASP's Annex IV class, 0.25 × fixed overheads of the "
                    "preceding year); class = highest class among the services (ESMA Q&A 2343); met by CET1 own "
                    "funds, an Art. 67(5)-(6) insurance policy, or a combination (Art. 67(4))",
            citation=PRUDENTIAL, inputs=("services", "fixed_overheads"),
            parameters=("eu_pmc_class1", "eu_pmc_class2", "eu_pmc_class3", "eu_class_rule", "eu_fo_multiplier",
                        "eu_insurance_share_max"),
            overlap_group="eu.prudential",
            form_caps=(("insurance", "eu_insurance_share_max"),), insurance_kind="prudential",
            absorbs="any", ring_fenced=False,
        ),
        ObligationSpec(
            id="client_funds_safeguarding", regime="eu.mica", category="client_money",
            funding_forms=("segregation",),
            formula="client funds placed with a credit institution or central bank by the end of the next "
                    "business day, in a separately identifiable account",
            citation=CLIENT_FUNDS, inputs=("client_fiat",), parameters=("eu_client_funds_safeguarded_share",),
        ),
    )
    modelled = (
        "Art. 67 prudential safeguards: Annex IV class minimum vs 25 % of fixed overheads",
        "Art. 70(3) safeguarding of client funds",
        "Art. 85 significant-CASP threshold (warning; no extra capital)",
    )
    not_modelled = (
        "Art. 67(3) derivation of fixed overheads from the accounts (the profile gives the result)",
        "Art. 75(8) custody liability beyond the Art. 67 safeguards; valuation of insurance policies",
        "national caps on the insurance share (default: none, assumed)",
    )

    def assess(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> pd.DataFrame:
        if not regime_applies(REGIME, as_of):
            return self.not_applicable(profiles, REGIME, as_of)
        params = self.parameter_set(parameters)
        p = params.snapshot(as_of, ("eu_pmc_class1", "eu_pmc_class2", "eu_pmc_class3", "eu_class_rule",
                                    "eu_fo_multiplier", "eu_client_funds_safeguarded_share"))
        pmc_params = {1: p["eu_pmc_class1"], 2: p["eu_pmc_class2"], 3: p["eu_pmc_class3"]}

        cls = rules.casp_class(profiles)
        pmc = rules.permanent_minimum_capital(cls, pmc_params)
        requirement, fo_term = rules.prudential_safeguards(profiles, pmc, p["eu_fo_multiplier"])
        pmc_binds = pmc >= fo_term
        pmc_status = np.select([cls == 1, cls == 2, cls == 3], [pmc_params[k].status for k in (1, 2, 3)], default="")
        via_qa = pmc_binds & rules.relies_on_highest_class_reading(profiles, cls)
        status = np.where(via_qa, p["eu_class_rule"].status,
                          np.where(pmc_binds, pmc_status, p["eu_fo_multiplier"].status))
        prudential = obligation_rows(
            profiles, jurisdiction=self.code, regime=REGIME.id, obligation="prudential_safeguards",
            category="capital", amount=requirement, currency=self.currency, status=status,
            citation=f"{PRUDENTIAL}; ESMA Q&A 2343 (class rule)",
            basis=rules.basis_prudential(cls, pmc, profiles["fixed_overheads"].to_numpy(),
                                         p["eu_fo_multiplier"].number(), requirement),
            funding_forms=("own_funds", "insurance"), overlap_group="eu.prudential",
        )
        share = p["eu_client_funds_safeguarded_share"]
        funds = rules.client_funds_safeguarding(profiles, share)
        client = obligation_rows(
            profiles, jurisdiction=self.code, regime=REGIME.id, obligation="client_funds_safeguarding",
            category="client_money", amount=funds, currency=self.currency, status=share.status,
            citation=CLIENT_FUNDS,
            basis=join_text("client funds ", money("EUR", profiles["client_fiat"].to_numpy()),
                            " placed with a credit institution or central bank by T+1 = ", money("EUR", funds)),
            funding_forms=("segregation",),
        )
        return concat_obligations([prudential, client])

    def notes(self, profiles: pd.DataFrame, as_of: dt.date, parameters: ParameterSet | None = None) -> list[Note]:
        params = self.parameter_set(parameters)
        if not regime_applies(REGIME, as_of):
            return []
        threshold = params.at("eu_significant_casp_threshold", as_of)
        big = profiles.loc[profiles["active_users"].to_numpy() >= threshold.number(), ["name", "active_users"]]
        return [
            Note(self.code, name,
                 f"significant CASP: {users:,} active users ≥ {threshold.number():,.0f} ({threshold.citation}); "
                 "notification and information duties towards ESMA apply, no extra capital")
            for name, users in big.itertuples(index=False)
        ]


jurisdiction = EUMiCA()
