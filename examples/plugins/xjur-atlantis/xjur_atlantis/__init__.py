"""Atlantis (FICTIONAL) — an example third-party jurisdiction plug-in for xjur.

Atlantis is an invented market. Its "Virtual Asset Act 2025", the FSA guidance note and the consultation paper
cited here do not exist; the figures are made up. The package shows how a third party adds a market to xjur
without touching xjur's repository: declare an entry point in the ``xjur.jurisdictions`` group (see
``pyproject.toml``), ship a dated, cited ``parameters.yaml``, and expose one object, ``jurisdiction``, that
follows the plug-in contract (jurisdictions/README.md in the xjur repository).

It imports only ``jurisdictions.framework`` — never ``comparisons`` and never another jurisdiction.

Regimes:

- ``atl.vaa`` (in force from 2025-07-01): minimum capital, hot-wallet cover (insurance capped at half),
  cold-storage cap, client money.
- ``atl.incident_reserve`` (proposed): a reserve consulted on as a range (low/central/high), evaluated as a
  what-if whatever the date, one row per scenario.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework import (
    Jurisdiction, Note, ObligationSpec, ParameterSet, Regime, check_scenarios, concat_obligations, money,
    obligation_rows, percent, regime_applies, worst, worst_where,
)

from . import rules

VAA = Regime(
    id="atl.vaa", name="Virtual Asset Act 2025 (Atlantis, fictional)", status="in_force",
    in_force_from=dt.date(2025, 7, 1), citation="Virtual Asset Act 2025 (Atlantis, fictional)",
)
RESERVE = Regime(
    id="atl.incident_reserve", name="Proposed incident reserve (Atlantis, fictional)", status="proposed",
    in_force_from=dt.date(2028, 1, 1), citation="Atlantis FSA Consultation Paper CP 26/1 (fictional)",
    start_note="2028-01-01 at the earliest (CP 26/1, fictional)",
)

CAPITAL = "Virtual Asset Act 2025 (Atlantis, fictional), s. 12(1)"
HOT_COVER = "Virtual Asset Act 2025 (Atlantis, fictional), s. 20(1); FSA GN-3 para 4.2 (insurance limit)"
COLD_CAP = "Virtual Asset Act 2025 (Atlantis, fictional), s. 18(2)"
CLIENT_MONEY = "Virtual Asset Act 2025 (Atlantis, fictional), s. 25(1)"
PROPOSAL = "Atlantis FSA CP 26/1 (fictional), paras 3.4-3.7, proposed s. 20A"
NOT_CUSTODIAN = "no custody service: s. 18, s. 20 and proposed s. 20A apply to custodians only"


class Atlantis(Jurisdiction):
    code = "ATL"
    name = "Atlantis (fictional example plug-in)"
    currency = "EUR"
    regimes = (VAA, RESERVE)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_operating_expenses",
             "recent_incident_losses")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="minimum_capital", regime="atl.vaa", category="capital", funding_forms=("own_funds",),
            formula="max(fixed floor, 0.25 × operating expenses of the last 12 months)",
            citation=CAPITAL, inputs=("annual_operating_expenses",),
            parameters=("atl_capital_floor", "atl_opex_multiplier"), overlap_group="atl.capital",
        ),
        ObligationSpec(
            id="hot_wallet_cover", regime="atl.vaa", category="loss_cover",
            funding_forms=("own_funds", "insurance", "bank_guarantee"),
            formula="cover ratio × client crypto-assets × hot-wallet share (custodians only); insurance may meet "
                    "at most half of it (FSA GN-3 para 4.2)",
            citation=HOT_COVER, inputs=("services", "client_crypto_assets", "hot_wallet_share"),
            parameters=("atl_hot_cover_ratio",),
            form_caps=(("insurance", "atl_hot_cover_insurance_share_max"),), insurance_kind="hot",
            absorbs="hot",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="atl.vaa", category="custody", funding_forms=(),
            formula="max(0, hot-wallet share − 10 % cap) × client crypto-assets (custodians only): the value to "
                    "move to cold storage",
            citation=COLD_CAP, inputs=("services", "client_crypto_assets", "hot_wallet_share"),
            parameters=("atl_hot_wallet_cap",),
        ),
        ObligationSpec(
            id="client_money_segregation", regime="atl.vaa", category="client_money",
            funding_forms=("segregation",),
            formula="all client money in a segregated account at a licensed bank by the next business day",
            citation=CLIENT_MONEY, inputs=("client_fiat",), parameters=("atl_client_money_share",),
        ),
        ObligationSpec(
            id="incident_reserve", regime="atl.incident_reserve", category="loss_cover",
            funding_forms=("own_funds", "trust_funds"),
            formula="max(rate [scenario] × client crypto-assets, loss multiple × recent incident losses) "
                    "(custodians only); at most half in own funds, the rest on trust",
            citation=PROPOSAL, inputs=("services", "client_crypto_assets", "recent_incident_losses"),
            parameters=("atl_incident_reserve_rate", "atl_incident_reserve_loss_multiple"),
            scenarios=True, form_caps=(("own_funds", "atl_incident_reserve_own_funds_share_max"),),
            absorbs="any",
        ),
    )
    modelled = (
        "s. 12(1) minimum capital: fixed floor vs three months of operating expenses",
        "s. 20(1) hot-wallet cover on the actual hot/cold split, insurance capped at half (GN-3)",
        "s. 18(2) 10 % cap on hot storage (shortfall to move to cold storage)",
        "s. 25(1) client-money segregation",
        "CP 26/1 proposed incident reserve, low/central/high",
    )
    not_modelled = (
        "everything: Atlantis is fictional; this plug-in is an example of the contract, not a model of a market",
    )

    def assess(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> pd.DataFrame:
        """Contract 2 rows for every profile at once (profiles already validated and in EUR)."""
        scen = check_scenarios(scenarios)
        params = self.parameter_set(parameters)
        if regime_applies(VAA, as_of):
            frames = self._vaa(profiles, as_of, params)
        else:
            frames = [self.not_applicable(profiles, VAA, as_of)]
        frames.append(self._reserve(profiles, as_of, scen, params))
        return concat_obligations(frames)

    # -- atl.vaa (in force) -------------------------------------------------------------------------------
    def _vaa(self, profiles: pd.DataFrame, as_of: dt.date, params: ParameterSet) -> list[pd.DataFrame]:
        p = params.snapshot(as_of, ("atl_capital_floor", "atl_opex_multiplier", "atl_hot_cover_ratio",
                                    "atl_hot_wallet_cap", "atl_client_money_share"))
        custodian = rules.is_custodian(profiles)
        no_custody = np.where(custodian, "", NOT_CUSTODIAN)
        common = dict(jurisdiction=self.code, regime=VAA.id, currency=self.currency)

        capital, _ = rules.minimum_capital(profiles, p["atl_capital_floor"], p["atl_opex_multiplier"])
        capital_rows = obligation_rows(
            profiles, **common, obligation="minimum_capital", category="capital", amount=capital,
            status=worst([p["atl_capital_floor"].status, p["atl_opex_multiplier"].status]),
            citation=CAPITAL,
            basis=rules.basis_capital(p["atl_capital_floor"].number(), p["atl_opex_multiplier"].number(),
                                      profiles["annual_operating_expenses"].to_numpy(), capital),
            funding_forms=("own_funds",), overlap_group="atl.capital",
        )

        ratio = p["atl_hot_cover_ratio"]
        cover = np.where(custodian, rules.hot_wallet_cover(profiles, ratio), np.nan)
        cover_rows = obligation_rows(
            profiles, **common, obligation="hot_wallet_cover", category="loss_cover", amount=cover,
            status=worst([ratio.status]), citation=HOT_COVER,
            basis=pd.Series(np.where(
                custodian,
                rules.basis_hot_cover(ratio.number(), profiles["client_crypto_assets"].to_numpy(),
                                      profiles["hot_wallet_share"].to_numpy(), cover),
                "not a custodian")),
            funding_forms=("own_funds", "insurance", "bank_guarantee"), reason=no_custody,
        )

        cap = p["atl_hot_wallet_cap"]
        shortfall = np.where(custodian, rules.cold_storage_shortfall(profiles, cap), np.nan)
        shortfall_rows = obligation_rows(
            profiles, **common, obligation="cold_storage_shortfall", category="custody", amount=shortfall,
            status=worst([cap.status]), citation=COLD_CAP,
            basis=pd.Series(np.where(
                custodian,
                rules.basis_shortfall(profiles["hot_wallet_share"].to_numpy(), cap.number(),
                                      profiles["client_crypto_assets"].to_numpy(), shortfall),
                "not a custodian")),
            funding_forms=(), reason=no_custody,
        )

        share = p["atl_client_money_share"]
        segregated = rules.client_money(profiles, share)
        client_rows = obligation_rows(
            profiles, **common, obligation="client_money_segregation", category="client_money",
            amount=segregated, status=worst([share.status]), citation=CLIENT_MONEY,
            basis="client money " + money("EUR", profiles["client_fiat"].to_numpy())
                  + " in a segregated bank account by T+1 = " + money("EUR", segregated),
            funding_forms=("segregation",),
        )
        return [capital_rows, cover_rows, shortfall_rows, client_rows]

    # -- atl.incident_reserve (proposed: a what-if whatever the date) ----------------------------------------
    def _reserve(self, profiles: pd.DataFrame, as_of: dt.date, scenarios: Sequence[str],
                 params: ParameterSet) -> pd.DataFrame:
        common = dict(jurisdiction=self.code, regime=RESERVE.id, obligation="incident_reserve",
                      category="loss_cover", currency=self.currency, citation=PROPOSAL,
                      funding_forms=("own_funds", "trust_funds"))
        first = params.history("atl_incident_reserve_rate").first_date()
        if as_of < first:
            # Before the consultation paper there is no proposal to evaluate: blank rows that say so.
            reason = f"no proposal published on {as_of.isoformat()} (CP 26/1 applies from {first.isoformat()})"
            return concat_obligations([
                obligation_rows(profiles, **common, amount=np.nan, status=RESERVE.status,
                                basis="not applicable on this date", scenario=s, reason=reason)
                for s in scenarios
            ])
        rate = params.at("atl_incident_reserve_rate", as_of)
        multiple = params.at("atl_incident_reserve_loss_multiple", as_of)
        custodian = rules.is_custodian(profiles)
        frames = []
        for s in scenarios:  # a handful of scenarios, each vectorised over all profiles
            reserve, rate_term, loss_term = rules.incident_reserve(profiles, rate.number(s), multiple)
            frames.append(obligation_rows(
                profiles, **common, scenario=s,
                amount=np.where(custodian, reserve, np.nan),
                # the assumed loss multiple marks the row only where the loss floor binds
                status=worst_where(loss_term > rate_term, worst([rate.status, multiple.status]), rate.status),
                basis=pd.Series(np.where(
                    custodian,
                    rules.basis_reserve(rate.number(s), profiles["client_crypto_assets"].to_numpy(),
                                        multiple.number(), profiles["recent_incident_losses"].to_numpy(), reserve),
                    "not a custodian")),
                reason=np.where(custodian, "", NOT_CUSTODIAN),
            ))
        return concat_obligations(frames)

    def notes(self, profiles: pd.DataFrame, as_of: dt.date, parameters: ParameterSet | None = None) -> list[Note]:
        """A note that Atlantis is fictional, and a warning for each custodian above the hot-storage cap."""
        out = [Note(self.code, "", "Atlantis is a fictional market (example plug-in): no figure is real",
                    level="note")]
        if not regime_applies(VAA, as_of):
            return out
        params = self.parameter_set(parameters)
        cap = params.at("atl_hot_wallet_cap", as_of)
        over = rules.is_custodian(profiles) & (profiles["hot_wallet_share"].to_numpy() > cap.number())
        excess = rules.cold_storage_shortfall(profiles, cap)[over]
        flagged = profiles.loc[over, ["name", "hot_wallet_share"]]
        out += [
            Note(self.code, name, f"hot-wallet share {percent(share)} is above the {percent(cap.number())} cap "
                                  f"({cap.citation}): {money('EUR', amount)} must move to cold storage")
            for (name, share), amount in zip(flagged.itertuples(index=False), excess)
        ]
        return out


jurisdiction = Atlantis()
