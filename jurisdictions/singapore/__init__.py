"""Singapore — Payment Services Act 2019, digital payment token (DPT) services (MAS): base capital, security
deposit, safeguarding of customer DPTs and money, and MAS's 90 % cold-storage expectation.

Facts: ../shared/rulebook/other_jurisdictions.md §2. Regime ``sg.psa_dpt``; SGD. Capital and security figures
date from the Act's commencement (2020-01-28; the rulebook gives no date); the consumer-protection measures
(segregation on trust, customer money, cold storage) apply from 2024-10-04 and are blank before.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, ParameterSet, Regime, concat_obligations, money, obligation_rows,
    output_status, regime_applies, worst,
)

from . import rules

REGIME = Regime(
    id="sg.psa_dpt", name="Payment Services Act 2019 (DPT services, Major Payment Institution)",
    status="in_force", in_force_from=dt.date(2020, 1, 28),
    citation="Payment Services Act 2019; Payment Services Regulations 2019; MAS DPT consumer-protection guidelines",
    start_note="rulebook gives no start date for the capital figures; the Act's commencement (2020-01-28) is used; "
               "customer-asset measures from 2024-10-04",
)
CAPITAL = "Payment Services Regulations 2019 reg. 12"
DEPOSIT = "Payment Services Regulations 2019 reg. 13"
COLD = "MAS Guidelines on Consumer Protection Measures by DPT Service Providers (cold storage, guidance)"
TRUST = "PSA s.23; PS Regulations as amended by S 287/2024 (customer DPTs on trust)"
MONEY = "PS Regulations reg. 13A (S 287/2024); PSA s.23"

PARAMS = ("sg_mpi_base_capital", "sg_mpi_security_deposit_low", "sg_mpi_security_deposit_high",
          "sg_mpi_deposit_threshold", "sg_monthly_transactions_proxy")
CONSUMER_PARAMS = ("sg_cold_min_share", "sg_dpt_customer_assets_on_trust", "sg_dpt_customer_money_safeguarding")


class Singapore(Jurisdiction):
    code = "SG"
    name = "Singapore (Payment Services Act, DPT services)"
    currency = "SGD"
    regimes = (REGIME,)
    reads = ("client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_trading_volume")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="base_capital", regime="sg.psa_dpt", category="capital", funding_forms=("own_funds",),
            formula="base capital of a Major Payment Institution: S$250,000 (every profile treated as an MPI)",
            citation=CAPITAL, parameters=("sg_mpi_base_capital",), overlap_group="sg.capital",
        ),
        ObligationSpec(
            id="security_deposit", regime="sg.psa_dpt", category="capital", funding_forms=("own_funds",),
            formula="security with MAS: S$100,000 if average monthly transactions ≤ S$6m for each payment service, "
                    "else S$200,000; monthly transactions = annual_trading_volume / 12 (assumed proxy); a cash "
                    "deposit with MAS (other forms not stated in the sources), which base capital can fund (same "
                    "overlap group)",
            citation=DEPOSIT, inputs=("annual_trading_volume",),
            parameters=("sg_mpi_security_deposit_low", "sg_mpi_security_deposit_high", "sg_mpi_deposit_threshold",
                        "sg_monthly_transactions_proxy"),
            overlap_group="sg.capital",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="sg.psa_dpt", category="custody", funding_forms=("segregation",),
            formula="value to move to cold wallets = max(0, hot share − (1 − 0.90)) × customer DPTs (MAS expects "
                    "at least 90 % of customer DPTs in cold storage; guidance)",
            citation=COLD, inputs=("client_crypto_assets", "hot_wallet_share"), parameters=("sg_cold_min_share",),
        ),
        ObligationSpec(
            id="client_dpt_trust", regime="sg.psa_dpt", category="custody", funding_forms=("segregation",),
            formula="customer DPTs held on trust in segregated addresses, reconciled daily (100 % of customer DPTs)",
            citation=TRUST, inputs=("client_crypto_assets",), parameters=("sg_dpt_customer_assets_on_trust",),
        ),
        ObligationSpec(
            id="client_money_safeguarding", regime="sg.psa_dpt", category="client_money",
            funding_forms=("segregation",),
            formula="customer money safeguarded with financial institutions in Singapore (100 %)",
            citation=MONEY, inputs=("client_fiat",), parameters=("sg_dpt_customer_money_safeguarding",),
        ),
    )
    modelled = (
        "MPI base capital S$250,000 (PS Regulations reg. 12)",
        "security deposit with MAS S$100,000 / S$200,000 (reg. 13), on annual volume / 12 as an assumed proxy",
        "MAS 90 % cold-storage expectation (guidance): value to move to cold storage",
        "customer DPTs on trust in segregated addresses; customer money safeguarded (from 2024-10-04)",
    )
    not_modelled = (
        "licensing scope and the SPI/MPI thresholds: every profile is treated as an MPI providing a DPT service",
        "per-payment-service transaction values (one DPT service assumed; volume stands for transactions)",
        "forms of security other than a cash deposit; daily reconciliation; lending/staking bans for retail",
        "the DTSP regime for firms serving only overseas customers (S$250,000 †, from 2025-06-30)",
        "insurance: none required in the sources",
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
        p = params.snapshot(as_of, PARAMS)
        row = dict(profiles=profiles, jurisdiction=self.code, regime=REGIME.id, currency=self.currency)

        capital = rules.base_capital(profiles, p["sg_mpi_base_capital"])
        frames = [obligation_rows(
            **row, obligation="base_capital", category="capital", amount=capital,
            status=worst([p["sg_mpi_base_capital"].status]), citation=CAPITAL,
            basis="base capital of a Major Payment Institution = " + money("SGD", capital),
            funding_forms=("own_funds",), overlap_group="sg.capital",
        )]

        monthly = rules.monthly_transactions(profiles, p["sg_monthly_transactions_proxy"])
        deposit = rules.security_deposit(monthly, p["sg_mpi_security_deposit_low"],
                                         p["sg_mpi_security_deposit_high"], p["sg_mpi_deposit_threshold"])
        frames.append(obligation_rows(
            **row, obligation="security_deposit", category="capital", amount=deposit,
            status=worst(p[k].status for k in ("sg_mpi_security_deposit_low", "sg_mpi_security_deposit_high",
                                               "sg_mpi_deposit_threshold", "sg_monthly_transactions_proxy")),
            citation=DEPOSIT, basis=rules.basis_deposit(monthly, p["sg_mpi_deposit_threshold"].number(), deposit),
            funding_forms=("own_funds",), overlap_group="sg.capital",
        ))
        frames.append(self._customer_assets(profiles, as_of, params))
        return concat_obligations(frames)

    def _customer_assets(self, profiles: pd.DataFrame, as_of: dt.date, params: ParameterSet) -> pd.DataFrame:
        """Rows of the 2024 consumer-protection measures (blank, with the reason, before they apply)."""
        row = dict(profiles=profiles, jurisdiction=self.code, regime=REGIME.id, currency=self.currency)
        start = max(params.history(pid).first_date() for pid in CONSUMER_PARAMS)
        if as_of < start:
            reason = (f"the DPT customer-asset measures apply from {start.isoformat()} "
                      f"(comparison date {as_of.isoformat()})")
            return concat_obligations([
                obligation_rows(**row, obligation=s.id, category=s.category, amount=np.nan,
                                status=output_status(params.history(s.parameters[0]).values[0].status),
                                citation=s.citation, basis="not applicable on this date",
                                funding_forms=s.funding_forms, reason=reason)
                for s in self.obligations if s.parameters[0] in CONSUMER_PARAMS
            ])
        p = params.snapshot(as_of, CONSUMER_PARAMS)
        shortfall, cap = rules.cold_storage_shortfall(profiles, p["sg_cold_min_share"])
        trust = rules.customer_dpt_on_trust(profiles, p["sg_dpt_customer_assets_on_trust"])
        cash = rules.customer_money(profiles, p["sg_dpt_customer_money_safeguarding"])
        return concat_obligations([
            obligation_rows(
                **row, obligation="cold_storage_shortfall", category="custody", amount=shortfall,
                status=worst([p["sg_cold_min_share"].status]), citation=COLD,
                basis=rules.basis_shortfall(profiles, cap, shortfall), funding_forms=("segregation",),
            ),
            obligation_rows(
                **row, obligation="client_dpt_trust", category="custody", amount=trust,
                status=worst([p["sg_dpt_customer_assets_on_trust"].status]), citation=TRUST,
                basis="customer DPTs " + money("SGD", profiles["client_crypto_assets"].to_numpy())
                      + " on trust, segregated = " + money("SGD", trust),
                funding_forms=("segregation",),
            ),
            obligation_rows(
                **row, obligation="client_money_safeguarding", category="client_money", amount=cash,
                status=worst([p["sg_dpt_customer_money_safeguarding"].status]), citation=MONEY,
                basis="customer money " + money("SGD", profiles["client_fiat"].to_numpy())
                      + " safeguarded with Singapore financial institutions = " + money("SGD", cash),
                funding_forms=("segregation",),
            ),
        ])


jurisdiction = Singapore()
