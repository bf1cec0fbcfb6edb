"""Dubai — VARA (Virtual Assets and Related Activities Regulations 2023, Company Rulebook Part VI): paid-up
capital by activity, net liquid assets, reserve assets 1:1 in kind, hot-wallet crime insurance.

Facts: ../shared/rulebook/other_jurisdictions.md §3. Regime ``ae.vara``; AED. The rulebook gives no effective
dates: values are dated 2023-02-07 (issue of the 2023 Regulations and rulebooks; an assumed date).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, ParameterSet, Regime, concat_obligations, money, obligation_rows,
    regime_applies, worst, worst_where,
)

from . import rules

REGIME = Regime(
    id="ae.vara", name="VARA Virtual Assets and Related Activities Regulations 2023 (Company Rulebook)",
    status="in_force", in_force_from=dt.date(2023, 2, 7),
    citation="Virtual Assets and Related Activities Regulations 2023; VARA Company Rulebook Part VI",
    start_note="rulebook gives no effective dates; 2023-02-07 (issue of the 2023 Regulations) is used",
)
CAPITAL = "VARA Company Rulebook Rule VI.B.1, VI.B.2"
NLA = "VARA Company Rulebook Rule VI.C"
RESERVE = "VARA Company Rulebook Rule VI.E"
INSURANCE = "VARA Company Rulebook Rule VI.D"


class Dubai(Jurisdiction):
    code = "AE"
    name = "Dubai (VARA)"
    currency = "AED"
    regimes = (REGIME,)
    reads = ("services", "fixed_overheads", "annual_operating_expenses", "client_crypto_assets",
             "hot_wallet_share")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="paid_up_capital", regime="ae.vara", category="capital", funding_forms=("own_funds",),
            formula="Σ over the VARA activities the profile needs of max(fixed AED amount, FAO share × fixed annual "
                    "overheads), upper tier (no VARA-licensed custodian): Exchange max(1.5m, 25 %), Broker-Dealer "
                    "max(600k, 25 %), Custody max(600k, 25 %), VA Management and Investment max(500k, 25 %), VA "
                    "Transfer and Settlement max(500k, 25 %), Advisory 100k; cumulative across activities "
                    "(Rule VI.B.2); services mapped to activities as in ae_service_activity_map (assumed)",
            citation=CAPITAL, inputs=("services", "fixed_overheads"),
            parameters=rules.CAPITAL_PARAMS + ("ae_capital_aggregation", "ae_service_activity_map"),
            overlap_group="ae.prudential",
        ),
        ObligationSpec(
            id="net_liquid_assets", regime="ae.vara", category="liquidity", funding_forms=("own_funds",),
            formula="net liquid assets ≥ 1.2 × monthly operating expenses (annual_operating_expenses / 12), in cash, "
                    "cash equivalents or fully backed USD/AED fiat-referenced VAs (paid-up capital held in such assets counts "
                    "toward both: same overlap group)",
            citation=NLA, inputs=("annual_operating_expenses",), parameters=("ae_net_liquid_assets_multiple",),
            overlap_group="ae.prudential",
        ),
        ObligationSpec(
            id="reserve_assets", regime="ae.vara", category="custody", funding_forms=("same_kind_crypto",),
            formula="reserve assets = 100 % of client liabilities, 1:1 in the same virtual asset (client VAs held "
                    "against what is owed: custody, not a loss fund), reconciled daily, audited every 6 months",
            citation=RESERVE, inputs=("client_crypto_assets",), parameters=("ae_reserve_assets_share",),
        ),
        ObligationSpec(
            id="hot_wallet_insurance", regime="ae.vara", category="loss_cover", funding_forms=("insurance",),
            formula="commercial crime insurance for all VAs in hot wallets, amount adequate to size and complexity "
                    "set per licence (no number: blank with the reason where the profile has hot-wallet assets)",
            citation=INSURANCE, inputs=("client_crypto_assets", "hot_wallet_share"),
            parameters=("ae_hot_wallet_crime_insurance",),
            overlap_group="ae.hot_wallet_insurance", insurance_kind="hot", absorbs="hot",
        ),
    )
    modelled = (
        "paid-up capital per activity, higher of the fixed AED amount and 25 % of fixed annual overheads, "
        "cumulative across activities (Rules VI.B.1-2; upper tier; service-to-activity mapping assumed)",
        "net liquid assets ≥ 1.2 × monthly operating expenses (Rule VI.C)",
        "reserve assets 1:1 in kind against client VAs (Rule VI.E)",
        "hot-wallet crime insurance (Rule VI.D) as a duty without an amount",
    )
    not_modelled = (
        "lower capital tier where a VARA-licensed or approved custodian is used; Lending and Borrowing activity",
        "the VA operational exposure counted as a current liability in net liquid assets; eligible-asset tests",
        "insurance amounts (set per licence), professional indemnity and D&O cover",
        "per-asset reserve matching, daily reconciliation and six-monthly audits; VARA's definition of FAO",
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
        p = params.snapshot(as_of, rules.CAPITAL_PARAMS + (
            "ae_capital_aggregation", "ae_service_activity_map", "ae_net_liquid_assets_multiple",
            "ae_reserve_assets_share", "ae_hot_wallet_crime_insurance"))
        row = dict(profiles=profiles, jurisdiction=self.code, regime=REGIME.id, currency=self.currency)

        needs, judged = rules.activities(profiles)
        capital, _ = rules.paid_up_capital(profiles, needs, p)
        figures = worst(p[k].status for k in rules.CAPITAL_PARAMS + ("ae_capital_aggregation",))
        status = worst_where(judged, worst([figures, p["ae_service_activity_map"].status]), figures)
        frames = [obligation_rows(
            **row, obligation="paid_up_capital", category="capital", amount=capital, status=status,
            citation=CAPITAL, basis=rules.basis_capital(profiles, needs, p, capital), funding_forms=("own_funds",),
            overlap_group="ae.prudential",
        )]

        nla, monthly = rules.net_liquid_assets(profiles, p["ae_net_liquid_assets_multiple"])
        frames.append(obligation_rows(
            **row, obligation="net_liquid_assets", category="liquidity", amount=nla,
            status=worst([p["ae_net_liquid_assets_multiple"].status]), citation=NLA,
            basis=rules.basis_nla(monthly, p["ae_net_liquid_assets_multiple"].number(), nla),
            funding_forms=("own_funds",), overlap_group="ae.prudential",
        ))

        reserve = rules.reserve_assets(profiles, p["ae_reserve_assets_share"])
        frames.append(obligation_rows(
            **row, obligation="reserve_assets", category="custody", amount=reserve,
            status=worst([p["ae_reserve_assets_share"].status]), citation=RESERVE,
            basis="client VAs " + money("AED", profiles["client_crypto_assets"].to_numpy())
                  + " held 1:1 in the same asset = " + money("AED", reserve),
            funding_forms=("same_kind_crypto",),
        ))

        hot = profiles["hot_wallet_share"].to_numpy() * profiles["client_crypto_assets"].to_numpy()
        has_hot = hot > 0
        frames.append(obligation_rows(
            **row, obligation="hot_wallet_insurance", category="loss_cover",
            amount=np.where(has_hot, np.nan, 0.0),
            status=worst([p["ae_hot_wallet_crime_insurance"].status]), citation=INSURANCE,
            basis=pd.Series(np.where(has_hot, "crime insurance for " + money("AED", hot)
                                     + " in hot wallets; amount set per licence",
                                     "no virtual assets in hot wallets = AED 0")),
            funding_forms=("insurance",), overlap_group="ae.hot_wallet_insurance",
            reason=np.where(has_hot, "VARA requires crime insurance for all VAs in hot wallets but sets no amount "
                                     "(set per licence, Rule VI.D)", ""),
        ))
        return concat_obligations(frames)


jurisdiction = Dubai()
