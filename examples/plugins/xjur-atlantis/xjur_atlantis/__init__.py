"""Atlantis (FICTIONAL) — an example third-party jurisdiction plug-in for xjur.

Atlantis is an invented market. Its "Virtual Asset Act 2025", the FSA guidance note and the consultation paper
cited here do not exist; the figures are made up. The package shows how a third party adds a market to xjur
without touching xjur's repository: declare an entry point in the ``xjur.jurisdictions`` group (see
``pyproject.toml``), ship a dated, cited ``parameters.yaml``, and expose one object, ``jurisdiction``, that
follows the plug-in contract (jurisdictions/README.md in the xjur repository). Each obligation is declared once
(id, regime, category, funding forms, citation, scope, caps, the rule and the template of its basis line); xjur
builds the rows, applies the regime dates and scopes, and labels each row with the status of what decided it.

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

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: s. 18, s. 20 and the proposed s. 20A apply to custodians only (s. 2)
CUSTODIANS = Scope(services=("custody",), describe="custodians (s. 2: providers holding client crypto-assets)")

VAA = Regime(
    id="atl.vaa", name="Virtual Asset Act 2025 (Atlantis, fictional)", status="in_force",
    in_force_from=dt.date(2025, 7, 1), citation="Virtual Asset Act 2025 (Atlantis, fictional)",
)
RESERVE = Regime(
    id="atl.incident_reserve", name="Proposed incident reserve (Atlantis, fictional)", status="proposed",
    in_force_from=dt.date(2028, 1, 1), citation="Atlantis FSA Consultation Paper CP 26/1 (fictional)",
    start_note="2028-01-01 at the earliest (CP 26/1, fictional)",
    scope=CUSTODIANS,
)

CAPITAL = "Virtual Asset Act 2025 (Atlantis, fictional), s. 12(1)"
HOT_COVER = "Virtual Asset Act 2025 (Atlantis, fictional), s. 20(1); FSA GN-3 para 4.2 (insurance limit)"
COLD_CAP = "Virtual Asset Act 2025 (Atlantis, fictional), s. 18(2)"
CLIENT_MONEY = "Virtual Asset Act 2025 (Atlantis, fictional), s. 25(1)"
PROPOSAL = "Atlantis FSA CP 26/1 (fictional), paras 3.4-3.7, proposed s. 20A"


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
            rule=rules.minimum_capital, citation=CAPITAL, overlap_group="atl.capital",
            basis="max({floor:money} [floor], {mult:num} × {opex:money} [annual opex]) = {amount:money}",
        ),
        ObligationSpec(
            id="hot_wallet_cover", regime="atl.vaa", category="loss_cover",
            funding_forms=("own_funds", "insurance", "bank_guarantee"), rule=rules.hot_wallet_cover,
            citation=HOT_COVER, scope=CUSTODIANS, form_caps=(("insurance", "atl_hot_cover_insurance_share_max"),),
            insurance_kind="hot", absorbs="hot",
            basis="{ratio:num} × {assets:money} × {hot:pct} [hot share] = {amount:money}",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="atl.vaa", category="custody", funding_forms=(),
            rule=rules.cold_storage_shortfall, citation=COLD_CAP, scope=CUSTODIANS,
            basis="max(0, {hot:pct} − {cap:pct} [cap]) × {assets:money} = {amount:money}",
        ),
        ObligationSpec(
            id="client_money_segregation", regime="atl.vaa", category="client_money",
            funding_forms=("segregation",), rule=rules.client_money, citation=CLIENT_MONEY,
            basis="client money {fiat:money} in a segregated bank account by T+1 = {amount:money}",
        ),
        ObligationSpec(
            id="incident_reserve", regime="atl.incident_reserve", category="loss_cover",
            funding_forms=("own_funds", "trust_funds"), rule=rules.incident_reserve, citation=PROPOSAL,
            scenarios=True, form_caps=(("own_funds", "atl_incident_reserve_own_funds_share_max"),), absorbs="any",
            basis="max({rate:pct} × {assets:money}, {mult:num} × {losses:money} [recent incident losses]) = "
                  "{amount:money}",
        ),
    )
    checks = (
        Check("atl.vaa", rules.above_hot_cap, "hot-wallet share {hot:pct} is above the {cap:pct} cap: "
                                              "{shortfall:money} must move to cold storage", COLD_CAP),
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


jurisdiction = Atlantis()
