"""United States — state money transmission licences under the CSBS model law (MTMA), New York's BitLicense,
California's Digital Financial Assets Law (DFAL) and the federal GENIUS Act (stablecoins).

Facts: ../shared/rulebook/americas_and_more.md §1–4 and other_jurisdictions.md §5. Amounts in USD. Which
licences a profile holds comes from the optional field ``us_states`` (DESIGN.md); without it, one
representative model-law licence plus New York and California are assumed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

_ASSUMPTION = ("the rulebook does not map MiCA's services to US licensing triggers: running a trading platform, "
               "executing orders or exchanging crypto for crypto is read as needing the licence")
MONEY_TRANSMITTERS = Scope(
    services=("exchange_fiat", "transfer", "custody"),
    assumed_services=("trading_platform", "exchange_crypto", "execution"),
    describe="money transmitters (firms receiving money or value for transmission, or holding it for "
             "customers, licensed state by state under the model law)",
    assumption=_ASSUMPTION,
)
VC_BUSINESSES = Scope(
    services=("custody", "exchange_fiat", "exchange_crypto", "transfer"),
    assumed_services=("trading_platform", "execution"),
    describe="firms carrying on virtual currency or digital financial asset business (holding, exchanging or "
             "transmitting it for customers)",
    assumption=_ASSUMPTION,
)
CUSTODIANS = Scope(services=("custody",), describe="custodians of customer crypto-assets")

MTMA = Regime(
    id="us.mtma", name="State money transmission (CSBS Money Transmission Modernization Act)", status="in_force",
    in_force_from=dt.date(2023, 9, 1),
    citation="CSBS Money Transmission Modernization Act (2021), as enacted per state (e.g. Tex. Fin. Code ch. 152, "
             "TX SB 895, in force 2023-09-01)",
    start_note="in force per adopting state; the first primary-sourced enactment (Texas) is dated",
    scope=MONEY_TRANSMITTERS, facts_as_of=dt.date(2026, 7, 1),
)
NY = Regime(
    id="us.ny_bitlicense", name="New York BitLicense (23 NYCRR Part 200)", status="in_force",
    in_force_from=dt.date(2015, 6, 1), citation="23 NYCRR Part 200 (NYDFS)", scope=VC_BUSINESSES,
    facts_as_of=dt.date(2023, 1, 23),
)
CA = Regime(
    id="us.ca_dfal", name="California Digital Financial Assets Law (Fin. Code Div. 1.25)", status="in_force",
    in_force_from=dt.date(2026, 7, 1),
    citation="California Digital Financial Assets Law, Fin. Code Div. 1.25 (AB 39, SB 401; licensing from "
             "2026-07-01, §3201)",
    scope=VC_BUSINESSES, facts_as_of=dt.date(2025, 9, 29),
)
GENIUS = Regime(
    id="us.genius", name="GENIUS Act (payment stablecoins)", status="enacted", in_force_from=dt.date(2027, 1, 18),
    citation="GENIUS Act (signed 2025-07-18), 12 USC 5901 ff.",
    start_note="effective on the earlier of 2027-01-18 or 120 days after final rules (†); exchanges may offer "
               "only permitted issuers' payment stablecoins from 2028-07-18",
    facts_as_of=dt.date(2026, 9, 15),
)

TNW = "Tex. Fin. Code §152.351(a) (MTMA)"
BOND = "SDCL 51A-17-100(2)(a); Neb. Rev. Stat. 8-2731(2) (MTMA)"
PI = "Tex. Fin. Code §152.355(a),(c) (MTMA)"
PI_VC = "Tex. Fin. Code §152.355(a),(c) (MTMA); virtual currency opt-in states (Vixio)"
NY_CAPITAL = "23 NYCRR §200.8"
NY_BOND = "23 NYCRR §200.9"
CA_BOND = "Cal. Fin. Code §3207(a)"
CA_CAPITAL = "Cal. Fin. Code §3207(b)"
CA_IN_KIND = "Cal. Fin. Code §3503(a)"
SET_BY_REGULATOR = "{figure:money} (the user's figure for the licensee)"


class UnitedStates(Jurisdiction):
    code = "US"
    name = "United States (state money transmission MTMA; New York BitLicense; California DFAL; GENIUS Act)"
    currency = "USD"
    regimes = (MTMA, NY, CA, GENIUS)
    reads = ("services", "client_crypto_assets", "client_fiat", "own_funds", "total_assets", "us_states")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="tangible_net_worth", regime="us.mtma", category="capital", funding_forms=("own_funds",),
            rule=rules.tangible_net_worth, citation=TNW, ring_fenced=False, overlap_group="us_capital",
            basis="{tier} on {ta:money} total assets = {amount:money} (held once by the entity)",
        ),
        ObligationSpec(
            id="surety_bonds", regime="us.mtma", category="loss_cover", funding_forms=("insurance", "bank_guarantee"),
            rule=rules.surety_bonds, citation=BOND, insurance_kind="surety", absorbs="any",
            basis="{states:num} state(s) × min({cap:money}, max({floor:money}, {rate:pct} × {admtl:money} average "
                  "daily liability per state)) = {states:num} × {per_state:money} = {amount:money}",
        ),
        # The customers' own money, invested in permissible investments held in trust for them: it meets their
        # claims in money, not a loss of their crypto.
        ObligationSpec(
            id="permissible_investments", regime="us.mtma", category="client_money", funding_forms=("trust_funds",),
            rule=rules.permissible_investments, citation=PI,
            basis="{ratio:pct} × {fiat:money} client money = {amount:money} in permissible investments (in trust)",
        ),
        # Where the state's law covers virtual currency, the firm holds permissible investments (not the
        # customers' crypto itself) against what it owes in virtual currency, in trust for customers: earmarked
        # for them, it absorbs a loss of their crypto.
        ObligationSpec(
            id="permissible_investments_vc", regime="us.mtma", category="loss_cover",
            funding_forms=("trust_funds",), rule=rules.permissible_investments_vc, citation=PI_VC, absorbs="any",
            basis="{ratio:pct} × {share:pct} [share of model-law states covering virtual currency] × {crypto:money} "
                  "client crypto = {amount:money} in permissible investments (in trust)",
        ),
        ObligationSpec(
            id="ny_capital", regime="us.ny_bitlicense", category="capital", funding_forms=("own_funds",),
            rule=rules.ny_capital, citation=NY_CAPITAL, ring_fenced=False, overlap_group="us_capital",
            basis=SET_BY_REGULATOR,
        ),
        ObligationSpec(
            id="ny_bond_or_trust", regime="us.ny_bitlicense", category="loss_cover",
            funding_forms=("insurance", "trust_funds"), rule=rules.ny_bond_or_trust, citation=NY_BOND,
            insurance_kind="surety", absorbs="any", basis=SET_BY_REGULATOR,
        ),
        ObligationSpec(
            id="ny_customer_crypto_in_kind", regime="us.ny_bitlicense", category="custody",
            funding_forms=("same_kind_crypto",), rule=rules.ny_customer_crypto_in_kind, citation=NY_BOND,
            basis="{ratio:num} × {crypto:money} client crypto = {amount:money} held in kind (same type and amount)",
        ),
        ObligationSpec(
            id="ca_capital", regime="us.ca_dfal", category="capital", funding_forms=("own_funds",),
            rule=rules.ca_capital, citation=CA_CAPITAL, ring_fenced=False, overlap_group="us_capital",
            basis=SET_BY_REGULATOR,
        ),
        ObligationSpec(
            id="ca_initial_net_worth", regime="us.ca_dfal", category="capital", funding_forms=("own_funds",),
            rule=rules.ca_initial_net_worth, citation="DFPI application guide; " + CA_CAPITAL, ring_fenced=False,
            overlap_group="us_capital", basis="{floor:money} tangible net worth expected at application",
        ),
        ObligationSpec(
            id="ca_bond_or_trust", regime="us.ca_dfal", category="loss_cover",
            funding_forms=("insurance", "trust_funds"), rule=rules.ca_bond_or_trust, citation=CA_BOND,
            insurance_kind="surety", absorbs="any", basis=SET_BY_REGULATOR,
        ),
        ObligationSpec(
            id="ca_customer_assets_in_kind", regime="us.ca_dfal", category="custody",
            funding_forms=("same_kind_crypto",), rule=rules.ca_customer_assets_in_kind, citation=CA_IN_KIND,
            basis="{ratio:num} × {crypto:money} client crypto = {amount:money} held in kind (each asset type)",
        ),
        ObligationSpec(
            id="stablecoin_reserve_custody", regime="us.genius", category="custody", funding_forms=("segregation",),
            rule=None, scope=CUSTODIANS, citation="12 USC 5909(a),(b)",
            formula="12 USC 5909(a),(b) (GENIUS Act, enacted): only a federally or state supervised person may "
                    "custody payment-stablecoin reserves, stablecoins used as collateral or issuing private keys, "
                    "and it keeps customer property separate from its own (no commingling); no amount.",
            no_amount="a storage rule with no amount: only supervised custodians may hold stablecoin reserves, "
                      "collateral and issuing keys, keeping customer property separate",
        ),
    )
    checks = (
        Check("us.mtma", rules.vc_net_worth_note, "tangible net worth (CSBS guidance): {rule}",
              "CSBS advisory on MTMA §2.01(bb), §10.01 (June 2025)", level="note"),
        Check("us.ny_bitlicense", rules.ny_custody_note, "New York custody guidance: {rule}; no cold-storage ratio",
              "NYDFS custody guidance (2023-01-23)", level="note"),
        Check("us.genius", rules.genius_stablecoin_note,
              "from {start}, US persons may be offered or sold {rule} (GENIUS Act)", "12 USC 5902(b)",
              level="note"),
    )


jurisdiction = UnitedStates()
