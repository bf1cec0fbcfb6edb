"""Japan — the Payment Services Act regime for crypto-asset exchange service providers (in force) and the
proposed liability reserve (a what-if whose every coefficient is assumed).

Facts: ../shared/rulebook/japan.md. Regime ``jp.psa`` in force since 2020-05-01 (2019 amendment); regime
``jp.liability_reserve`` proposed by the Financial System Council WG (final report 10 Dec 2025), with no
published formula. Amounts in JPY.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, Note, ObligationSpec, ParameterSet, ParameterValue, Regime, concat_obligations, money,
    obligation_rows, percent, regime_applies, worst,
)

from . import rules

PSA = Regime(
    id="jp.psa", name="Payment Services Act: crypto-asset exchange service providers", status="in_force",
    in_force_from=dt.date(2020, 5, 1),
    citation="Payment Services Act (資金決済法) Arts. 63-2 ff., as amended in 2019 (in force 2020-05-01)",
)
RESERVE = Regime(
    id="jp.liability_reserve", name="Liability reserve (責任準備金), proposed", status="proposed",
    # Assumed: the rulebook reports "spring 2027 at the earliest"; 2027-04-01 (start of Japan's fiscal year
    # 2027) stands for it. Shown beside the regime only: a proposal is evaluated whatever the date.
    in_force_from=dt.date(2027, 4, 1),
    citation="Financial System Council WG on crypto-asset regulation, final report (10 Dec 2025); FIEA/PSA "
             "amendment bill planned for the 2026 Diet session",
    start_note="spring 2027 at the earliest (reported; modelled as 2027-04-01, assumed)",
)

CAPITAL = "CO Order on exchange providers Art. 9; PSA Art. 63-5(1)(iii)"
PGC = "PSA Art. 63-11-2(1)"
FIAT = "PSA Art. 63-11(1)"
COLD = "CAESP CO Order Art. 27(2)"
JVCEA = "JVCEA Financial Management Rule"
RESERVE_CITATION = "WG final report (10 Dec 2025), proposed; formula assumed (rulebook §4.3, §4.5)"

PSA_PARAMETERS = ("jp_min_paid_in_capital", "jp_min_net_assets", "jp_pgc_ratio", "jp_customer_money_trust_share",
                  "jp_max_non_cold_share", "jp_jvcea_net_assets_to_pgc_min")
RESERVE_TERMS = ("jp_reserve_rate_volume", "jp_reserve_rate_cold_aum", "jp_reserve_floor", "jp_reserve_cap",
                 "jp_reserve_incident_factor")


class Japan(Jurisdiction):
    code = "JP"
    name = "Japan (Payment Services Act; proposed liability reserve)"
    currency = "JPY"
    regimes = (PSA, RESERVE)
    reads = ("client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_trading_volume", "own_funds",
             "recent_incident_losses")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="minimum_capital", regime="jp.psa", category="capital", funding_forms=("own_funds",),
            formula="paid-in capital of at least JPY 10 million, and net assets not negative (registration "
                    "requirements; a warning when own funds are below the minimum or negative)",
            citation=CAPITAL, inputs=("own_funds",), parameters=("jp_min_paid_in_capital", "jp_min_net_assets"),
            absorbs="", ring_fenced=False,
        ),
        ObligationSpec(
            id="performance_guarantee_crypto", regime="jp.psa", category="loss_cover",
            funding_forms=("same_kind_crypto",),
            formula="own crypto-assets of the same kind and quantity as the customer crypto held outside the cold "
                    "method, kept cold and segregated: ratio × hot share × client crypto (in JPY); JVCEA: net "
                    "assets at least the JPY value of these crypto-assets (warning)",
            citation=PGC, inputs=("hot_wallet_share", "client_crypto_assets", "own_funds"),
            parameters=("jp_pgc_ratio", "jp_jvcea_net_assets_to_pgc_min"),
            absorbs="hot",
        ),
        ObligationSpec(
            id="client_fiat_trust", regime="jp.psa", category="client_money", funding_forms=("trust_funds",),
            formula="customers' money entrusted in full to a trust company etc. (bank deposit no longer allowed "
                    "since 2020-05-01): share × client money",
            citation=FIAT, inputs=("client_fiat",), parameters=("jp_customer_money_trust_share",),
        ),
        # A storage rule, not a funding duty: the customers' own crypto moves to cold wallets, nothing is
        # financed. Of the six contract forms, "segregation" (keeping customer assets apart, here in cold
        # storage) is the closest; no form costs the firm capital for it.
        ObligationSpec(
            id="cold_storage_shortfall", regime="jp.psa", category="custody", funding_forms=("segregation",),
            formula="at most 5 % of the JPY value of customer crypto (pooled across coins) outside the cold "
                    "method; shortfall = max(0, hot share − cap) × client crypto, the value to move to cold storage",
            citation=COLD, inputs=("hot_wallet_share", "client_crypto_assets"), parameters=("jp_max_non_cold_share",),
        ),
        ObligationSpec(
            id="liability_reserve", regime="jp.liability_reserve", category="loss_cover",
            funding_forms=("own_funds", "insurance"),
            formula="ASSUMED FORM (no formula published): min(cap, max(floor, a × annual trading volume + b × "
                    "cold client crypto)) + c × recent incident losses, cold client crypto = (1 − hot share) × "
                    "client crypto; insurance may meet at most s × the reserve; one row per scenario",
            citation=RESERVE_CITATION,
            inputs=("annual_trading_volume", "client_crypto_assets", "hot_wallet_share", "recent_incident_losses"),
            parameters=RESERVE_TERMS + ("jp_reserve_insurance_share_max",),
            scenarios=True, form_caps=(("insurance", "jp_reserve_insurance_share_max"),),
            # reported to address the cold part (the hot part is backed by PGC): insurance meeting it is
            # priced as cold-storage cover
            insurance_kind="cold",
            absorbs="any",
        ),
    )
    modelled = (
        "PSA: JPY 10 m paid-in capital and non-negative net assets (warning when own funds fall short)",
        "PSA Art. 63-11-2: performance-guarantee crypto = hot share × client crypto; JVCEA net assets ≥ its value "
        "(warning)",
        "PSA Art. 63-11(1): 100 % of customer money in trust",
        "CAESP CO Order Art. 27(2): ≤ 5 % outside cold storage (shortfall to move; warning)",
        "proposed liability reserve: assumed formula with low/central/high scenarios, insurance share cap",
    )
    not_modelled = (
        "per-coin PGC matching (pooled JPY hot share used) and the measurement frequency of the 5 % test",
        "JVCEA financial soundness index (minimum unknown); FIEA Type I 120 % capital adequacy (derivatives)",
        "whether a profile's services amount to crypto-asset exchange business (every profile is assessed as a "
        "registered CAESP)",
        "the reserve's real formula, look-back window, phase-in and the limit of eligible insurance "
        "(jp_reserve_insurance_limit): unknown",
        "segregation audits, book retention, priority claim, domestic asset-holding orders",
    )

    def assess(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> pd.DataFrame:
        params = self.parameter_set(parameters)
        psa = (self._psa(profiles, as_of, params) if regime_applies(PSA, as_of)
               else self.not_applicable(profiles, PSA, as_of))
        return concat_obligations([psa, self._reserve(profiles, as_of, scenarios, params)])

    # -- jp.psa --------------------------------------------------------------------------------------------
    def _psa(self, profiles: pd.DataFrame, as_of: dt.date, params: ParameterSet) -> pd.DataFrame:
        p = params.snapshot(as_of, PSA_PARAMETERS)
        common = dict(jurisdiction=self.code, regime=PSA.id, currency=self.currency)

        capital = rules.minimum_capital(profiles, p["jp_min_paid_in_capital"])
        pgc = rules.performance_guarantee(profiles, p["jp_pgc_ratio"])
        fiat = rules.client_fiat_trust(profiles, p["jp_customer_money_trust_share"])
        shortfall = rules.cold_storage_shortfall(profiles, p["jp_max_non_cold_share"])
        return concat_obligations([
            obligation_rows(
                profiles, **common, obligation="minimum_capital", category="capital", amount=capital,
                status=worst([p["jp_min_paid_in_capital"].status, p["jp_min_net_assets"].status]),
                citation=CAPITAL, funding_forms=("own_funds",),
                basis=rules.basis_minimum_capital(p["jp_min_paid_in_capital"].number(),
                                                  p["jp_min_net_assets"].number(), capital),
            ),
            obligation_rows(
                profiles, **common, obligation="performance_guarantee_crypto", category="loss_cover", amount=pgc,
                status=p["jp_pgc_ratio"].status, citation=PGC, funding_forms=("same_kind_crypto",),
                basis=rules.basis_performance_guarantee(profiles, p["jp_pgc_ratio"].number(), pgc),
            ),
            obligation_rows(
                profiles, **common, obligation="client_fiat_trust", category="client_money", amount=fiat,
                status=p["jp_customer_money_trust_share"].status, citation=FIAT, funding_forms=("trust_funds",),
                basis=rules.basis_client_fiat_trust(profiles, p["jp_customer_money_trust_share"].number(), fiat),
            ),
            obligation_rows(
                profiles, **common, obligation="cold_storage_shortfall", category="custody", amount=shortfall,
                status=p["jp_max_non_cold_share"].status, citation=COLD, funding_forms=("segregation",),
                basis=rules.basis_cold_storage_shortfall(profiles, p["jp_max_non_cold_share"].number(), shortfall),
            ),
        ])

    # -- jp.liability_reserve -----------------------------------------------------------------------------
    @staticmethod
    def reserve_parameters(params: ParameterSet, as_of: dt.date) -> dict[str, ParameterValue]:
        """The reserve's parameters as a what-if: read at max(as_of, their first date)."""
        return {pid: params.what_if(pid, as_of) for pid in RESERVE_TERMS + ("jp_reserve_insurance_share_max",)}

    def _reserve(self, profiles: pd.DataFrame, as_of: dt.date, scenarios: Sequence[str],
                 params: ParameterSet) -> pd.DataFrame:
        p = self.reserve_parameters(params, as_of)
        # the row's status is the worst among the inputs of the formula (every default coefficient: assumed)
        status = worst(p[pid].status for pid in RESERVE_TERMS)
        frames = []
        for sc in scenarios:  # a handful of scenarios; every call is vectorised over the profiles
            a, b, floor, cap, c = (p[pid].number(sc) for pid in RESERVE_TERMS)
            amount, _ = rules.liability_reserve(profiles, a, b, floor, cap, c)
            frames.append(obligation_rows(
                profiles, jurisdiction=self.code, regime=RESERVE.id, obligation="liability_reserve",
                category="loss_cover", amount=amount, currency=self.currency, status=status,
                citation=RESERVE_CITATION, funding_forms=("own_funds", "insurance"), scenario=sc,
                basis=rules.basis_liability_reserve(profiles, a, b, floor, cap, c, amount),
            ))
        return concat_obligations(frames)

    # -- warnings ----------------------------------------------------------------------------------------------
    def notes(self, profiles: pd.DataFrame, as_of: dt.date, parameters: ParameterSet | None = None) -> list[Note]:
        """Own funds below the JPY 10 m capital or negative; net assets below the PGC value (JVCEA); hot share
        above the 5 % cold-storage cap."""
        if not regime_applies(PSA, as_of):
            return []
        params = self.parameter_set(parameters)
        p = params.snapshot(as_of, PSA_PARAMETERS)
        names = profiles["name"].to_numpy()
        own = profiles["own_funds"].to_numpy(dtype="float64")
        hot = profiles["hot_wallet_share"].to_numpy(dtype="float64")
        paid_in = p["jp_min_paid_in_capital"].number()
        net_min = p["jp_min_net_assets"].number()
        pgc_value = p["jp_jvcea_net_assets_to_pgc_min"].number() * rules.performance_guarantee(
            profiles, p["jp_pgc_ratio"])
        cap = p["jp_max_non_cold_share"].number()
        shortfall = rules.cold_storage_shortfall(profiles, p["jp_max_non_cold_share"])
        own_txt = money("JPY", own).to_numpy()  # arrays: indexing a Series per note costs ~5 µs
        out: list[Note] = []
        for i in np.flatnonzero(own < net_min):
            out.append(Note(self.code, names[i], f"net assets (own funds) {own_txt[i]} are negative: they must "
                                                 f"not be ({CAPITAL})"))
        for i in np.flatnonzero((own >= net_min) & (own < paid_in)):
            out.append(Note(self.code, names[i], f"own funds {own_txt[i]} are below the minimum paid-in capital "
                                                 f"{money('JPY', paid_in)} ({CAPITAL})"))
        pgc_txt = money("JPY", pgc_value).to_numpy()
        for i in np.flatnonzero((pgc_value > 0) & (own < pgc_value)):  # PGC 0: the net-assets test above
            out.append(Note(self.code, names[i], f"net assets (own funds) {own_txt[i]} are below the value of the "
                                                 f"performance-guarantee crypto {pgc_txt[i]} ({JVCEA})"))
        short_txt = money("JPY", shortfall).to_numpy()
        for i in np.flatnonzero(hot > cap):
            out.append(Note(self.code, names[i], f"hot share {percent(hot[i])} above the {percent(cap)} cap: "
                                                 f"{short_txt[i]} must move to cold storage ({COLD})"))
        return out


jurisdiction = Japan()
