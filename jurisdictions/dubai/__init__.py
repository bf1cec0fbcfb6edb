"""Dubai — VARA (Virtual Assets and Related Activities Regulations 2023, Company Rulebook Part VI): paid-up
capital by activity, net liquid assets, reserve assets 1:1 in kind, hot-wallet crime insurance. Facts:
../shared/rulebook/other_jurisdictions.md §3 (no effective dates: 2023-02-07, issue of the Regulations, assumed)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Every service maps to a VARA activity (``rules.activities``); dealing, arranging and conversion by judgement.
VARA_SCOPE = Scope(
    services=tuple(rules.DIRECT),
    assumed_services=rules.BROKER_SERVICES + rules.CONVERSION_SERVICES,
    describe="firms carrying on a VARA activity (Exchange, Broker-Dealer, Custody, VA Management and Investment, "
             "VA Transfer and Settlement, Advisory)",
    assumption="VARA groups dealing, arranging and conversion under Broker-Dealer (or Exchange, on the firm's "
               "own platform): a mapping of MiCA's services the rulebook does not state (ae_service_activity_map)",
)
REGIME = Regime(
    id="ae.vara", name="VARA Virtual Assets and Related Activities Regulations 2023 (Company Rulebook)",
    status="in_force", in_force_from=dt.date(2023, 2, 7),
    citation="Virtual Assets and Related Activities Regulations 2023; VARA Company Rulebook Part VI",
    start_note="rulebook gives no effective dates; 2023-02-07 (issue of the 2023 Regulations) is used",
    scope=VARA_SCOPE, facts_as_of=dt.date(2023, 2, 7),
)
RULE = "VARA Company Rulebook Rule "


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
            rule=rules.paid_up_capital, basis=rules.capital_basis, citation=RULE + "VI.B.1, VI.B.2",
            overlap_group="ae.prudential",
        ),
        ObligationSpec(
            id="net_liquid_assets", regime="ae.vara", category="liquidity", funding_forms=("own_funds",),
            rule=rules.net_liquid_assets, citation=RULE + "VI.C", overlap_group="ae.prudential",
            basis="{multiple:num} × {monthly:money} monthly opex (annual / 12) = {amount:money}",
        ),
        ObligationSpec(
            id="reserve_assets", regime="ae.vara", category="custody", funding_forms=("same_kind_crypto",),
            rule=rules.reserve_assets, citation=RULE + "VI.E",
            basis="client VAs {crypto:money} held 1:1 in the same asset = {amount:money}",
        ),
        ObligationSpec(
            id="hot_wallet_insurance", regime="ae.vara", category="loss_cover", funding_forms=("insurance",),
            rule=rules.hot_wallet_insurance, citation=RULE + "VI.D", overlap_group="ae.hot_wallet_insurance",
            insurance_kind="hot", absorbs="hot", basis="no virtual assets in hot wallets = {amount:money}",
        ),
    )


jurisdiction = Dubai()
