"""Brazil — the Banco Central do Brasil's regime for virtual-asset service providers (SPSAV): Law 14.478/2022 and
Res. BCB 519, 520 and 521 (published 2025-11-10, applying from 2026-02-02).

Facts: ../shared/rulebook/americas_and_more.md §5. Regime ``br.spsav``; BRL. The minimum capital figures are
press reports (``reported``, so the rows are ``assumed``); a reading of Joint Resolution 14 gives much less, and
is one parameter file away (``examples/parameters/br_jr14_reading.yaml``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: An SPSAV intermediates or keeps custody of virtual assets (Law 14.478/2022, Res. BCB 520). MiCA's exchange,
#: platform, execution, order-transmission and placing services are intermediation; custody is custody. Transfer
#: is assumed to be intermediation (the rulebook does not map it).
SPSAV_SCOPE = Scope(
    services=rules.INTERMEDIATION + rules.CUSTODY,
    assumed_services=rules.ASSUMED_INTERMEDIATION,
    describe="virtual-asset service providers (intermediaries, custodians and brokers of virtual assets, "
             "Law 14.478/2022, Res. BCB 520)",
    assumption="transfer read as intermediation of virtual assets: the rulebook does not map MiCA's services to "
               "the SPSAV types",
)
SPSAV = Regime(
    id="br.spsav", name="BCB SPSAV regime (virtual-asset service providers)", status="in_force",
    in_force_from=dt.date(2026, 2, 2),
    citation="Law 14.478/2022; Res. BCB 519, 520, 521 (2025-11-10); Res. BCB 520 art. 92 † (start 2026-02-02)",
    start_note="firms already active had 270 days (to 2026-10-30) to apply for authorisation (Res. 520 art. 88 †)",
    scope=SPSAV_SCOPE, facts_as_of=dt.date(2026, 2, 2),
)
RES_520 = "Res. BCB 520"


class Brazil(Jurisdiction):
    code = "BR"
    name = "Brazil (BCB SPSAV regime)"
    currency = "BRL"
    regimes = (SPSAV,)
    reads = ("services", "client_crypto_assets", "client_fiat")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="minimum_capital", regime="br.spsav", category="capital", funding_forms=("own_funds",),
            rule=rules.minimum_capital, ring_fenced=False,
            citation="Joint Resolution 14 / Res. BCB 517 (minimum capital by SPSAV type); Res. BCB 520",
            basis="minimum capital of an SPSAV {kind} (reported figure) = {amount:money}",
        ),
        # a ceiling on the firm's own assets in client wallets, not a sum to fund: the clients' wallets
        ObligationSpec(
            id="own_assets_in_client_wallets_max", regime="br.spsav", category="custody",
            funding_forms=("segregation",), rule=rules.own_assets_in_client_wallets_max, citation=RES_520,
            basis="at most {cap:pct} × {crypto:money} client crypto = {amount:money} of own assets in client "
                  "wallets (a ceiling)",
        ),
        ObligationSpec(
            id="client_asset_segregation", regime="br.spsav", category="custody", funding_forms=("segregation",),
            rule=rules.client_asset_segregation, citation=RES_520 + " (separate client wallets, proof of reserves)",
            basis="{share:pct} × {crypto:money} client crypto in separate client wallets = {amount:money}",
        ),
        ObligationSpec(
            id="client_fiat_segregation", regime="br.spsav", category="client_money", funding_forms=("segregation",),
            rule=rules.client_fiat_segregation, citation=RES_520 + " (individualised client accounts)",
            basis="{share:pct} × {fiat:money} client money in individualised accounts = {amount:money}",
        ),
    )
    checks = (
        Check("br.spsav", rules.incumbent_window,
              "firms already active on 2026-02-02 had {days:num} days (to 2026-10-30) to apply for authorisation",
              "Res. BCB 520 art. 88 †", level="note"),
    )


jurisdiction = Brazil()
