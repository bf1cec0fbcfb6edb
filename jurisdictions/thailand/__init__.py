"""Thailand — SEC rules for digital asset businesses under the Emergency Decree on Digital Asset Businesses
B.E. 2561 (2018): minimum net capital and the cold-storage share (in force, † in the rulebook), and the SEC
Board's 2025 proposal of a 95 % cold share for custodians (a what-if).

Facts: ../shared/rulebook/americas_and_more.md §9. Amounts in THB.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Digital asset business operators. The rulebook speaks of operators holding customer assets and of custodians:
#: custody and trading platforms (exchanges) are certain. Dealing, brokering, placing, transfer, advice and fund
#: management are read as the Decree's other licensed digital asset businesses, which the rulebook does not
#: map (assumed); they take the THB 5 m floor where they hold no customer assets.
OPERATOR_SCOPE = Scope(
    services=("custody", "trading_platform"),
    assumed_services=("exchange_fiat", "exchange_crypto", "execution", "reception_transmission", "placing",
                      "transfer", "advice", "portfolio_management"),
    describe="digital asset business operators (exchanges, custodians and other licensed digital asset "
             "businesses, Emergency Decree B.E. 2561)",
    assumption="the rulebook names operators holding customer assets and custodians only; dealing, brokering, "
               "placing, transfer, advice and fund management are read as licensed digital asset businesses",
)
CUSTODIAN_SCOPE = Scope(services=("custody",), describe="digital asset custodians (custodial wallet providers)")
SEC = Regime(
    id="th.sec", name="SEC rules for digital asset businesses (Emergency Decree B.E. 2561)", status="in_force",
    in_force_from=dt.date(2024, 11, 1),
    citation="Emergency Decree on Digital Asset Businesses B.E. 2561 (2018); SEC notifications",
    start_note="modelled from the capital notifications of 2024-11-01; the 90 % cold rule is older (its start is "
               "not in the rulebook)",
    scope=OPERATOR_SCOPE, facts_as_of=dt.date(2025, 3, 6),
)
CUSTODIAN_PROPOSAL = Regime(
    id="th.custodian_2025", name="SEC Board resolution on digital asset custodians (95 % cold), proposed",
    status="proposed", in_force_from=None,
    citation="SEC Board resolution of 2025-03-06 (digital asset custodians)",
    start_note="approved by the SEC Board on 2025-03-06; in-force date not known",
    scope=CUSTODIAN_SCOPE, facts_as_of=dt.date(2025, 3, 6),
)

CAPITAL = "SEC notifications on the capital of digital asset businesses (October 2024, in force 2024-11-01)"
COLD = "SEC notifications on digital asset businesses (≥ 90 % of customer assets cold; ≤ 50 % hot up to THB 1 bn)"
COLD_2025 = "SEC Board resolution of 2025-03-06 (custodians ≥ 95 % cold)"


class Thailand(Jurisdiction):
    code = "TH"
    name = "Thailand (SEC, Digital Asset Businesses Decree)"
    currency = "THB"
    regimes = (SEC, CUSTODIAN_PROPOSAL)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="minimum_net_capital", regime="th.sec", category="capital", funding_forms=("own_funds",),
            rule=rules.minimum_net_capital, citation=CAPITAL, ring_fenced=False,
            basis="minimum net capital {amount:money}{label} (NC charges not modelled)",
        ),
        # storage rules: the customers' own crypto moves to cold wallets, nothing is financed. The proposal's
        # value to move is Contract 2's cold_storage_shortfall too, in its own regime.
        ObligationSpec(
            id="cold_storage_shortfall", regime="th.sec", category="custody", funding_forms=("segregation",),
            rule=rules.cold_storage_shortfall, citation=COLD,
            basis="max(0, {hot:pct} hot − {cap:pct} allowed{label}) × {crypto:money} = {amount:money} to move to "
                  "cold storage",
        ),
        ObligationSpec(
            id="cold_storage_shortfall", regime="th.custodian_2025", category="custody",
            funding_forms=("segregation",), rule=rules.custodian_cold_storage_shortfall, citation=COLD_2025,
            basis="max(0, {hot:pct} hot − {cap:pct} allowed) × {crypto:money} = {amount:money} to move to cold "
                  "storage (proposed 95 % cold for custodians)",
        ),
    )
    checks = (
        Check("th.sec", rules.above_hot_cap,
              "hot share {hot:pct} above the {cap:pct} allowed: {shortfall:money} must move to cold storage", COLD),
    )


jurisdiction = Thailand()
