"""Singapore — Payment Services Act 2019, digital payment token (DPT) services (MAS). Facts:
../shared/rulebook/other_jurisdictions.md §2. Regime ``sg.psa_dpt``; SGD."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Licensed (rulebook §2.1): dealing in DPTs or facilitating their exchange. Assumed: custody (the 2024 measures
#: hold customer DPTs on trust), transfer, and execution or transmission of orders (arranging DPT exchanges).
DPT_SCOPE = Scope(
    services=("exchange_fiat", "exchange_crypto", "trading_platform"),
    assumed_services=("custody", "transfer", "execution", "reception_transmission"),
    describe="DPT service providers (dealing in or facilitating the exchange of digital payment tokens, PSA 2019)",
    assumption="custody, transfer, execution and reception and transmission of orders read as DPT services: the "
               "rulebook does not list which activities are DPT services",
)
#: the customer-asset measures of 2024 (PS Regulations as amended by S 287/2024; MAS guidelines) apply from
#: 2024-10-04, later than the regime itself
MEASURES_2024 = dt.date(2024, 10, 4)
REGIME = Regime(
    id="sg.psa_dpt", name="Payment Services Act 2019 (DPT services, Major Payment Institution)",
    status="in_force", in_force_from=dt.date(2020, 1, 28),
    citation="Payment Services Act 2019; Payment Services Regulations 2019; MAS DPT consumer-protection guidelines",
    start_note="rulebook gives no start date for the capital figures; the Act's commencement (2020-01-28) is used; "
               "customer-asset measures from 2024-10-04",
    scope=DPT_SCOPE, facts_as_of=dt.date(2024, 10, 4),
)
CAPITAL = "sg.capital"


class Singapore(Jurisdiction):
    code = "SG"
    name = "Singapore (Payment Services Act, DPT services)"
    currency = "SGD"
    regimes = (REGIME,)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_trading_volume")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="base_capital", regime="sg.psa_dpt", category="capital", funding_forms=("own_funds",),
            rule=rules.base_capital, citation="Payment Services Regulations 2019 reg. 12", overlap_group=CAPITAL,
            basis="base capital of a Major Payment Institution = {amount:money}",
        ),
        # a cash deposit with MAS (other forms not stated), which base capital can fund (one overlap group)
        ObligationSpec(
            id="security_deposit", regime="sg.psa_dpt", category="capital", funding_forms=("own_funds",),
            rule=rules.security_deposit, citation="Payment Services Regulations 2019 reg. 13", overlap_group=CAPITAL,
            basis="{monthly:money} a month (annual volume / 12, assumed) {cmp} {threshold:money} → {amount:money}",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="sg.psa_dpt", category="custody", funding_forms=("segregation",),
            rule=rules.cold_storage_shortfall, in_force_from=MEASURES_2024,
            citation="MAS Guidelines on Consumer Protection Measures by DPT Service Providers (cold storage, guidance)",
            basis="max(0, {hot:num} hot − {cap:num} allowed) × {crypto:money} = {amount:money}",
        ),
        ObligationSpec(
            id="client_dpt_trust", regime="sg.psa_dpt", category="custody", funding_forms=("segregation",),
            rule=rules.client_dpt_trust, in_force_from=MEASURES_2024,
            citation="PSA s.23; PS Regulations as amended by S 287/2024 (customer DPTs on trust)",
            basis="customer DPTs {crypto:money} on trust, segregated = {amount:money}",
        ),
        ObligationSpec(
            id="client_money_safeguarding", regime="sg.psa_dpt", category="client_money",
            funding_forms=("segregation",), rule=rules.client_money_safeguarding, in_force_from=MEASURES_2024,
            citation="PS Regulations reg. 13A (S 287/2024); PSA s.23",
            basis="customer money {fiat:money} safeguarded with Singapore financial institutions = {amount:money}",
        ),
    )


jurisdiction = Singapore()
