"""Canada — crypto-asset trading platforms: CIRO's interim Digital Asset Custody Framework (2026-02-03, through
membership terms) and the CSA's pre-registration undertakings (Staff Notice 21-332, 2023-02-22).

Facts: ../shared/rulebook/americas_and_more.md §8. Regimes ``ca.ciro_custody`` (in force) and ``ca.csa_pru``
(guidance: CSA staff practice); CAD.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Crypto-asset trading platforms (CTPs): dealers that run a platform or buy, sell and exchange crypto for
#: clients. Custody, order transmission and transfer alone are assumed to need CTP registration: the rulebook
#: describes trading platforms only.
CTP_SCOPE = Scope(
    services=("trading_platform", "exchange_fiat", "exchange_crypto", "execution"),
    assumed_services=("custody", "reception_transmission", "transfer"),
    describe="crypto-asset trading platforms (registered dealers or firms under pre-registration undertakings)",
    assumption="custody, reception and transmission of orders and transfer read as CTP business: the rulebook "
               "describes trading platforms only",
)
CIRO = Regime(
    id="ca.ciro_custody", name="CIRO Digital Asset Custody Framework (interim)", status="in_force",
    in_force_from=dt.date(2026, 2, 3),
    citation="CIRO interim Digital Asset Custody Framework (2026-02-03, effective at once via membership terms)",
    scope=CTP_SCOPE, facts_as_of=dt.date(2026, 2, 3),
)
CSA = Regime(
    id="ca.csa_pru", name="CSA pre-registration undertakings (client assets in trust)", status="guidance",
    in_force_from=dt.date(2023, 2, 22), citation="CSA Staff Notice 21-332 (2023-02-22)",
    scope=CTP_SCOPE, facts_as_of=dt.date(2023, 2, 22),
)
FRAMEWORK = "CIRO Digital Asset Custody Framework (interim, 2026-02-03)"
SN_21_332 = "CSA Staff Notice 21-332"


class Canada(Jurisdiction):
    code = "CA"
    name = "Canada (CIRO custody framework; CSA undertakings)"
    currency = "CAD"
    regimes = (CIRO, CSA)
    reads = ("services", "client_crypto_assets", "client_fiat", "third_party_custody_share")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        # a storage rule like the cold-storage shortfalls: the clients' crypto moves to custodians, nothing is
        # financed
        ObligationSpec(
            id="custodian_placement_shortfall", regime="ca.ciro_custody", category="custody",
            funding_forms=("segregation",), rule=rules.custodian_placement_shortfall, citation=FRAMEWORK,
            basis="max(0, {inside:pct} in house − {cap:pct} cap) × {crypto:money} = {amount:money} to place with "
                  "approved custodians",
        ),
        ObligationSpec(
            id="custody_insurance", regime="ca.ciro_custody", category="loss_cover", funding_forms=("insurance",),
            rule=None, citation=FRAMEWORK + " (insurance)", absorbs="any",
            no_amount="CIRO requires insurance but no amount was found (rulebook ca_insurance: unknown)",
            formula="CIRO Digital Asset Custody Framework: insurance is required; the amount is not known.",
        ),
        ObligationSpec(
            id="client_crypto_in_trust", regime="ca.csa_pru", category="custody", funding_forms=("segregation",),
            rule=rules.client_crypto_in_trust, citation=SN_21_332,
            basis="{share:pct} × {crypto:money} client crypto in trust, separate = {amount:money}",
        ),
        ObligationSpec(
            id="client_cash_in_trust", regime="ca.csa_pru", category="client_money", funding_forms=("segregation",),
            rule=rules.client_cash_in_trust, citation=SN_21_332,
            basis="{share:pct} × {fiat:money} client cash in trust with a Canadian custodian = {amount:money}",
        ),
    )
    checks = (
        Check("ca.ciro_custody", rules.above_internal_custody_cap,
              "in-house share {inside:pct} is above the {cap:pct} cap: {shortfall:money} must be placed with "
              "approved custodians", FRAMEWORK),
        Check("ca.ciro_custody", rules.custodian_tier_caps,
              "one custodian may hold at most {t1:pct} (Tier 1), {t2:pct} (Tier 2), {t3:pct} (Tier 3) or {t4:pct} "
              "(Tier 4) of a dealer's crypto; the profile does not split its custodians", FRAMEWORK, level="note"),
    )


jurisdiction = Canada()
