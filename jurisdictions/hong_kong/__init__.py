"""Hong Kong — SFC-licensed virtual asset trading platforms (VATP Guidelines, AMLO Part 5B / SFO).

Facts: ../shared/rulebook/hong_kong.md. Regime ``hk.sfc_vatp``, in force since 2023-06-01; amounts in HKD.
The compensation arrangement (para 10.22) is sized on the profile's actual split between cold and hot storage;
the financial-resources rules (paras 6.1-6.3) can be met by the same resources; the cold-storage ratio
(para 10.6(c)) is a storage rule whose shortfall is the value to move to cold storage.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, Note, ObligationSpec, ParameterError, ParameterSet, Regime, choose, concat_obligations, money,
    obligation_rows, percent, regime_applies, text_skipped, worst,
)

from . import rules

REGIME = Regime(
    id="hk.sfc_vatp", name="SFC Guidelines for Virtual Asset Trading Platform Operators", status="in_force",
    in_force_from=dt.date(2023, 6, 1),
    citation="AMLO (Cap. 615) Part 5B; SFO Type 1/7; SFC VATP Guidelines (June 2023)",
)
COMPENSATION = "VATP Guidelines paras 10.22-10.26"
COLD_STORAGE = "VATP Guidelines para 10.6(c)"
PAID_UP = "VATP Guidelines para 6.2"
LIQUID_CAPITAL = "VATP Guidelines para 6.3(b); FRR (Cap. 571N) s.2 basic amount"
OPEX = "VATP Guidelines para 6.1"
CLIENT_MONEY = "VATP Guidelines para 10.11(b)"
FINANCIAL_RESOURCES = "hk.financial_resources"  # paid-up capital, liquid capital, 12 months' liquid assets

COVER_FORMS = ("insurance", "trust_funds", "same_kind_crypto", "bank_guarantee")
#: The 98 % cold-storage rule needs no funding (rulebook §6: "storage rule, no funding"): it is met by moving
#: client virtual assets into cold wallets of the Associated Entity, held apart from house assets. No own
#: resources are committed, so "segregation" — the form whose cost is operational only — is the honest fit.
COLD_FORMS = ("segregation",)
OWN_FUNDS = ("own_funds",)

PARAMS = (
    "hk_comp_cover_share_cold", "hk_comp_cover_share_hot_other", "hk_cold_storage_min_share",
    "hk_min_paid_up_capital", "hk_rlc_floor", "hk_basic_amount_rate", "hk_liquid_assets_opex_months",
    "hk_client_money_segregation_deadline",
)


class HongKong(Jurisdiction):
    code = "HK"
    name = "Hong Kong (SFC virtual asset trading platforms)"
    currency = "HKD"
    regimes = (REGIME,)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_operating_expenses",
             "adjusted_liabilities")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="compensation_cover", regime="hk.sfc_vatp", category="loss_cover", funding_forms=COVER_FORMS,
            formula="compensation arrangement approved by the SFC covering 50 % of client virtual assets held in "
                    "cold storage + 100 % of those held in hot and other storage (para 10.22), on the actual "
                    "split, monitored daily (10.23); met by third-party or captive insurance (10.26), funds set "
                    "aside on trust (deposits of at most 6 months, 10.22(b)), virtual assets of the same kind set "
                    "aside on trust in cold storage (10.25(b)), a Hong Kong bank guarantee, or any mix; client "
                    "assets valued at the profile's market value (para 10.23 says 'total value')",
            citation=COMPENSATION, inputs=("client_crypto_assets", "hot_wallet_share"),
            parameters=("hk_comp_cover_share_cold", "hk_comp_cover_share_hot_other",
                        "hk_set_aside_deposit_max_maturity"),
            insurance_kind="split",
            cover_parts=(("cold", "hk_comp_cover_share_cold"), ("hot", "hk_comp_cover_share_hot_other")),
            absorbs="any",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="hk.sfc_vatp", category="custody", funding_forms=COLD_FORMS,
            formula="at least 98 % of client virtual assets in cold storage (para 10.6(c)); shortfall = value to "
                    "move to cold storage = max(0, hot share − 2 %) × client virtual assets, in aggregate",
            citation=COLD_STORAGE, inputs=("client_crypto_assets", "hot_wallet_share"),
            parameters=("hk_cold_storage_min_share",),
        ),
        ObligationSpec(
            id="paid_up_capital", regime="hk.sfc_vatp", category="capital", funding_forms=OWN_FUNDS,
            formula="paid-up share capital of at least HK$5,000,000 (para 6.2)",
            citation=PAID_UP, parameters=("hk_min_paid_up_capital",), overlap_group=FINANCIAL_RESOURCES,
        ),
        ObligationSpec(
            id="liquid_capital", regime="hk.sfc_vatp", category="capital", funding_forms=OWN_FUNDS,
            formula="liquid capital of at least max(HK$3,000,000, FRR basic amount = 5 % of adjusted liabilities, "
                    "assumed) at all times (para 6.3(b)); status assumed where the 5 % term binds",
            citation=LIQUID_CAPITAL, inputs=("adjusted_liabilities",),
            parameters=("hk_rlc_floor", "hk_basic_amount_rate"), overlap_group=FINANCIAL_RESOURCES,
        ),
        ObligationSpec(
            id="liquid_assets_opex", regime="hk.sfc_vatp", category="liquidity", funding_forms=OWN_FUNDS,
            formula="liquid assets held in Hong Kong, excluding virtual assets, of at least 12 months of actual "
                    "operating expenses on a rolling basis (para 6.1)",
            citation=OPEX, inputs=("annual_operating_expenses",), parameters=("hk_liquid_assets_opex_months",),
            overlap_group=FINANCIAL_RESOURCES,
        ),
        ObligationSpec(
            id="client_fiat_segregation", regime="hk.sfc_vatp", category="client_money", funding_forms=("segregation",),
            formula="all client money in segregated accounts with an authorized financial institution in Hong "
                    "Kong within 1 business day of receipt (para 10.11(b))",
            citation=CLIENT_MONEY, inputs=("client_fiat",), parameters=("hk_client_money_segregation_deadline",),
        ),
    )
    modelled = (
        "para 10.22 compensation arrangement: 50 % of cold + 100 % of hot and other client VA, on the actual split",
        "para 10.6(c) 98 % cold storage: value to move to cold storage",
        "para 6.2 paid-up capital HK$5m; para 6.3(b) liquid capital max(HK$3m, basic amount = 5 % of adjusted "
        "liabilities, assumed); para 6.1 liquid assets of 12 months' operating expenses (one overlap group)",
        "para 10.11(b) segregation of client money",
        "Investor Compensation Fund: no cover of virtual assets (note; para 9.26(d), Schedule 2(d))",
    )
    not_modelled = (
        "whether the 98 % ratio is per asset or in aggregate (unknown; modelled in aggregate)",
        "in-kind holding of client VA (paras 10.5-10.6) and the Associated Entity custody structure (non-numeric)",
        "FRR computation of liquid capital and adjusted liabilities (the profile gives adjusted liabilities); "
        "margin items in the basic amount; early-warning triggers of para 6.9",
        "valuation basis of the Compensated Amount (the profile's market value is used) and insurers' schedules",
        "the pre-June-2023 SFC terms and conditions; shared-order-book cover (Nov 2025 circular); staked assets",
        "firms that are not trading platforms (custody-only, advisers, dealers): rows blank with a reason",
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
        in_scope = rules.is_vatp(profiles)
        reason = choose([~in_scope], ["not a virtual asset trading platform: no trading_platform, exchange_fiat "
                                      "or exchange_crypto service (AMLO Part 5B)"], "")

        def rows(obligation: str, amount: np.ndarray, status, basis, citation: str) -> pd.DataFrame:
            spec = self.spec(obligation)
            return obligation_rows(
                profiles, jurisdiction=self.code, regime=REGIME.id, obligation=obligation, category=spec.category,
                amount=np.where(in_scope, amount, np.nan), currency=self.currency,
                status=(choose([in_scope], [status], REGIME.status) if isinstance(status, str)
                        else np.where(in_scope, status, REGIME.status)),
                citation=citation,
                basis="" if text_skipped() else np.where(in_scope, np.asarray(basis, dtype=object), "not applicable"),
                funding_forms=spec.funding_forms, overlap_group=spec.overlap_group, reason=reason,
            )

        c_cold, c_hot = p["hk_comp_cover_share_cold"], p["hk_comp_cover_share_hot_other"]
        cold, hot = rules.storage_split(profiles)
        cover = rules.compensation_cover(profiles, c_cold, c_hot)
        cover_rows = rows("compensation_cover", cover, worst([c_cold.status, c_hot.status]),
                          rules.basis_compensation(cold, hot, c_cold.number(), c_hot.number(), cover),
                          "VATP Guidelines para 10.22 (forms: 10.22(a)-(b), 10.25(b), 10.26)")

        cold_min = p["hk_cold_storage_min_share"]
        shortfall = rules.cold_storage_shortfall(profiles, cold_min)
        shortfall_rows = rows("cold_storage_shortfall", shortfall, cold_min.status,
                              rules.basis_cold_shortfall(profiles, rules.hot_storage_cap(cold_min),
                                                         cold_min.number(), shortfall), COLD_STORAGE)

        pup = p["hk_min_paid_up_capital"]
        paid_up = rules.paid_up_capital(len(profiles), pup)
        paid_up_rows = rows("paid_up_capital", paid_up, pup.status,
                            "paid-up share capital ≥ " + money("HKD", pup.number()) + " = " + money("HKD", paid_up),
                            PAID_UP)

        floor, rate = p["hk_rlc_floor"], p["hk_basic_amount_rate"]
        rlc, basic = rules.required_liquid_capital(profiles, floor, rate)
        # the assumed 5 % rate carries its status only where the basic amount is above the floor (it binds)
        rlc_status = np.where(basic > floor.number(), worst([floor.status, rate.status]), worst([floor.status]))
        rlc_rows = rows("liquid_capital", rlc, rlc_status,
                        rules.basis_liquid_capital(floor.number(), rate.number(),
                                                   profiles["adjusted_liabilities"].to_numpy(), rlc),
                        LIQUID_CAPITAL)

        months = p["hk_liquid_assets_opex_months"]
        opex = rules.liquid_assets_opex(profiles, months)
        opex_rows = rows("liquid_assets_opex", opex, months.status,
                         rules.basis_opex(months.number(), profiles["annual_operating_expenses"].to_numpy(), opex),
                         OPEX)

        days = p["hk_client_money_segregation_deadline"]
        fiat = rules.client_fiat_segregation(profiles)
        fiat_rows = rows("client_fiat_segregation", fiat, days.status,
                         rules.basis_client_money(profiles["client_fiat"].to_numpy(), days.number(), fiat),
                         CLIENT_MONEY)
        return concat_obligations([cover_rows, shortfall_rows, paid_up_rows, rlc_rows, opex_rows, fiat_rows])

    def notes(self, profiles: pd.DataFrame, as_of: dt.date, parameters: ParameterSet | None = None) -> list[Note]:
        """The Investor Compensation Fund note (always) and a warning per platform above the 2 % hot cap."""
        params = self.parameter_set(parameters)
        out: list[Note] = []
        try:
            icf = params.at("hk_icf_cover_va", as_of)
        except ParameterError:  # before the SFC's first statement (Nov 2018) there is nothing to note
            icf = None
        if icf is not None and icf.number() == 0:
            out.append(Note(self.code, "",
                            "Hong Kong's Investor Compensation Fund does not cover virtual assets "
                            f"({icf.citation}; {icf.status}): client VA losses beyond the para 10.22 compensation "
                            "arrangement are not compensated", level="note"))
        if not regime_applies(REGIME, as_of):
            return out
        cold_min = params.at("hk_cold_storage_min_share", as_of)
        cap = rules.hot_storage_cap(cold_min)
        over = rules.is_vatp(profiles) & (profiles["hot_wallet_share"].to_numpy() > cap)
        flagged = profiles.loc[over, ["name", "hot_wallet_share"]]
        out.extend(
            Note(self.code, name,
                 f"hot and other storage {percent(share)} of client virtual assets exceeds the {percent(cap)} cap "
                 f"(at least {percent(cold_min.number())} cold, {cold_min.citation}); see cold_storage_shortfall")
            for name, share in flagged.itertuples(index=False)
        )
        return out


jurisdiction = HongKong()
