"""South Korea — Virtual Asset User Protection Act (가상자산 이용자 보호법): cold storage, hot-wallet cover,
users' KRW deposits and in-kind holding.

Facts: ../shared/rulebook/other_jurisdictions.md §1. Regime ``kr.vaupa``, in force since 2024-07-19; KRW.
Most decree figures are flagged † in the rulebook (pre-announced text, not verified against the final
decree); they keep the status ``in_force`` and the dagger is stated in each parameter's note.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, ObligationSpec, ParameterSet, Regime, concat_obligations, money, obligation_rows,
    regime_applies, worst,
)

from . import rules

REGIME = Regime(
    id="kr.vaupa", name="Virtual Asset User Protection Act", status="in_force",
    in_force_from=dt.date(2024, 7, 19),
    citation="Virtual Asset User Protection Act (promulgated 2023-07-18) and its Enforcement Decree",
)
COLD = "Virtual Asset User Protection Act; Enforcement Decree art. 6"
HOT = "Virtual Asset User Protection Act; Enforcement Decree (hot-wallet insurance/reserve)"
FIAT = "Virtual Asset User Protection Act art. 6; Enforcement Decree"
IN_KIND = "Virtual Asset User Protection Act (same type and quantity as owed)"

PARAMS = ("kr_cold_min_share", "kr_hot_cover_ratio", "kr_hot_cover_floor_krw_market",
          "kr_hot_cover_floor_coin_market_custody", "kr_fiat_at_bank_share", "kr_in_kind_holding")


class SouthKorea(Jurisdiction):
    code = "KR"
    name = "South Korea (Virtual Asset User Protection Act)"
    currency = "KRW"
    regimes = (REGIME,)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="cold_storage_shortfall", regime="kr.vaupa", category="custody", funding_forms=("segregation",),
            formula="value to move to cold wallets = max(0, hot share − (1 − 0.80)) × users' virtual assets; "
                    "at least 80 % of users' virtual assets by economic value in cold wallets, computed monthly",
            citation=COLD, inputs=("client_crypto_assets", "hot_wallet_share"), parameters=("kr_cold_min_share",),
        ),
        ObligationSpec(
            id="hot_wallet_cover", regime="kr.vaupa", category="loss_cover",
            funding_forms=("insurance", "own_funds"),
            formula="max(floor, 0.05 × economic value of users' virtual assets in hot wallets); floor KRW 3bn for "
                    "an exchange with a KRW market (profile offers exchange_fiat), else KRW 0.5bn (coin-market "
                    "exchanges, wallet and custody providers); none for a firm holding no users' virtual assets; "
                    "met by insurance or mutual-aid cover, or an equal reserve (own funds, from retained earnings "
                    "as reported)",
            citation=HOT, inputs=("services", "client_crypto_assets", "hot_wallet_share"),
            parameters=("kr_hot_cover_ratio", "kr_hot_cover_floor_krw_market",
                        "kr_hot_cover_floor_coin_market_custody", "kr_hot_cover_combination", "kr_reserve_source"),
            overlap_group="kr.hot_wallet_cover", insurance_kind="hot", absorbs="hot", ring_fenced=True,
        ),
        ObligationSpec(
            id="client_fiat_deposit", regime="kr.vaupa", category="client_money", funding_forms=("segregation",),
            formula="users' KRW deposits held with a bank as management institution, segregated and invested only "
                    "in safe assets (100 %)",
            citation=FIAT, inputs=("client_fiat",), parameters=("kr_fiat_at_bank_share",),
        ),
        ObligationSpec(
            id="client_crypto_in_kind", regime="kr.vaupa", category="custody", funding_forms=("same_kind_crypto",),
            formula="virtual assets of the same type and quantity as owed to users (1:1 per asset; modelled in "
                    "aggregate by value = users' virtual assets)",
            citation=IN_KIND, inputs=("client_crypto_assets",), parameters=("kr_in_kind_holding",),
        ),
    )
    modelled = (
        "80 % cold-wallet minimum (Enforcement Decree art. 6): value to move to cold storage",
        "hot-wallet insurance/mutual-aid cover or reserve: max(KRW 3bn / 0.5bn floor, 5 % of hot-wallet value)",
        "users' KRW deposits held with a bank as management institution (Act art. 6)",
        "virtual assets held 1:1 against what is owed to users (in aggregate by value)",
    )
    not_modelled = (
        "economic value at one-year average KRW prices (the profile's market values are used); monthly vs daily test",
        "whether insurance and a reserve may be combined (assumed yes; affects funding only)",
        "the reserve's source in retained earnings (reported) as a limit on the own-funds form",
        "per-asset in-kind matching; a KRW market is inferred from the exchange_fiat service",
        "registration capital, ISMS certification and other licensing conditions (no figures in the rulebook)",
        "figures flagged † (decree as pre-announced) are not verified against the final decree",
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

        shortfall, cap = rules.cold_storage_shortfall(profiles, p["kr_cold_min_share"])
        cold = obligation_rows(
            **row, obligation="cold_storage_shortfall", category="custody", amount=shortfall,
            status=worst([p["kr_cold_min_share"].status]), citation=COLD,
            basis=rules.basis_shortfall(profiles, cap, shortfall), funding_forms=("segregation",),
        )

        floor, krw = rules.hot_cover_floor(profiles, p["kr_hot_cover_floor_krw_market"],
                                           p["kr_hot_cover_floor_coin_market_custody"])
        cover = rules.hot_wallet_cover(profiles, p["kr_hot_cover_ratio"], floor)
        hot = obligation_rows(
            **row, obligation="hot_wallet_cover", category="loss_cover", amount=cover,
            status=worst(p[k].status for k in ("kr_hot_cover_ratio", "kr_hot_cover_floor_krw_market",
                                               "kr_hot_cover_floor_coin_market_custody")),
            citation=HOT,
            basis=rules.basis_hot_cover(profiles, p["kr_hot_cover_ratio"].number(), floor, krw,
                                        rules.holds_users_assets(profiles), cover),
            funding_forms=("insurance", "own_funds"), overlap_group="kr.hot_wallet_cover",
        )

        deposits = rules.client_fiat_deposit(profiles, p["kr_fiat_at_bank_share"])
        fiat = obligation_rows(
            **row, obligation="client_fiat_deposit", category="client_money", amount=deposits,
            status=worst([p["kr_fiat_at_bank_share"].status]), citation=FIAT,
            basis="users' KRW deposits " + money("KRW", profiles["client_fiat"].to_numpy())
                  + " held with a bank, segregated = " + money("KRW", deposits),
            funding_forms=("segregation",),
        )

        held = rules.client_crypto_in_kind(profiles, p["kr_in_kind_holding"])
        in_kind = obligation_rows(
            **row, obligation="client_crypto_in_kind", category="custody", amount=held,
            status=worst([p["kr_in_kind_holding"].status]), citation=IN_KIND,
            basis="users' virtual assets " + money("KRW", profiles["client_crypto_assets"].to_numpy())
                  + " held 1:1 in kind = " + money("KRW", held),
            funding_forms=("same_kind_crypto",),
        )
        return concat_obligations([cold, hot, fiat, in_kind])


jurisdiction = SouthKorea()
