"""South Korea — Virtual Asset User Protection Act (가상자산 이용자 보호법), in force since 2024-07-19: cold
storage, hot-wallet cover, users' KRW deposits, in-kind holding. Facts: ../shared/rulebook/other_jurisdictions.md
§1; most decree figures are † there (as pre-announced): flagged in parameters.yaml, cited with † in the rows."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Advice and portfolio management, which neither hold nor move virtual assets, are left out.
VASP_SCOPE = Scope(
    services=("custody", "trading_platform"),
    assumed_services=("exchange_fiat", "exchange_crypto", "execution", "placing", "reception_transmission",
                      "transfer"),
    describe="virtual asset service providers (exchanges, wallet and custody providers)",
    assumption="the rulebook names exchanges and wallet or custody providers only; exchanging, brokering, "
               "placing and transferring virtual assets are read as VASP business",
)
REGIME = Regime(
    id="kr.vaupa", name="Virtual Asset User Protection Act", status="in_force",
    in_force_from=dt.date(2024, 7, 19),
    citation="Virtual Asset User Protection Act (promulgated 2023-07-18) and its Enforcement Decree",
    scope=VASP_SCOPE, facts_as_of=dt.date(2024, 7, 19),
)
#: The banks' guideline on real-name accounts (rulebook §1.2, added rows): a reserve for hacking losses held at the
#: partner bank by exchanges running a KRW market. A guideline of the banking sector, not the Act: its own regime.
BANK_GUIDELINE = Regime(
    id="kr.bank_guideline", name="Banking-sector guideline on real-name accounts (hacking-compensation reserve)",
    status="guidance", in_force_from=dt.date(2023, 9, 1),
    citation="banking-sector guideline on real-name accounts (2023; secondary source, †)",
    scope=Scope(services=("trading_platform",), assumed_services=("exchange_fiat",), fiat_markets=("KRW",),
                describe="exchanges running a KRW market (real-name bank accounts)",
                assumption="the guideline concerns exchanges with real-name KRW accounts; a firm exchanging "
                           "virtual assets for won without a platform is read as running a KRW market"),
    facts_as_of=dt.date(2023, 9, 1),
)
COLD = "Virtual Asset User Protection Act; Enforcement Decree art. 6"
HOT = "Virtual Asset User Protection Act; Enforcement Decree (hot-wallet insurance/reserve)"
FIAT = "Virtual Asset User Protection Act art. 6; Enforcement Decree"
IN_KIND = "Virtual Asset User Protection Act (same type and quantity as owed)"


class SouthKorea(Jurisdiction):
    code = "KR"
    name = "South Korea (Virtual Asset User Protection Act)"
    currency = "KRW"
    regimes = (REGIME, BANK_GUIDELINE)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="cold_storage_shortfall", regime="kr.vaupa", category="custody", funding_forms=("segregation",),
            rule=rules.cold_storage_shortfall, citation=COLD,
            basis="max(0, {hot:num} hot − {cap:num} allowed) × {crypto:money} = {amount:money}",
        ),
        ObligationSpec(
            id="hot_wallet_cover", regime="kr.vaupa", category="loss_cover", funding_forms=("insurance", "own_funds"),
            rule=rules.hot_wallet_cover, citation=HOT, overlap_group="kr.hot_wallet_cover", insurance_kind="hot",
            absorbs="hot",
            basis="max({floor:money}{label}, {ratio:num} × {hot:money} hot) = {amount:money}",
        ),
        ObligationSpec(
            id="client_fiat_deposit", regime="kr.vaupa", category="client_money", funding_forms=("segregation",),
            rule=rules.client_fiat_deposit, citation=FIAT,
            basis="users' KRW deposits {fiat:money} held with a bank, segregated = {amount:money}",
        ),
        ObligationSpec(
            id="client_crypto_in_kind", regime="kr.vaupa", category="custody", funding_forms=("same_kind_crypto",),
            rule=rules.client_crypto_in_kind, citation=IN_KIND,
            basis="users' virtual assets {crypto:money} held 1:1 in kind = {amount:money}",
        ),
        ObligationSpec(
            id="bank_guideline_reserve", regime="kr.bank_guideline", category="loss_cover",
            funding_forms=("own_funds",), rule=rules.bank_guideline_reserve,
            citation="banking-sector guideline on real-name accounts (2023)", absorbs="any",
            basis="min({cap:money} [cap], max({floor:money} [floor], {rate:num} × {deposits:money} [daily average "
                  "user deposits: client_fiat as proxy])) = {amount:money}",
        ),
    )


jurisdiction = SouthKorea()
