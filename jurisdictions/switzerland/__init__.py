"""Switzerland — FINMA: which licence a crypto firm needs follows its services and whether it takes public
deposits (bank licence, FinTech licence under BankA art. 1b, DLT trading facility under FinMIA/FinMIO), and the
proposed crypto institution licence (consultation 2025-10-22 to 2026-02-06).

Facts: ../shared/rulebook/americas_and_more.md §7. Regimes ``ch.banking`` (in force), ``ch.dlt_tf`` (in force),
``ch.crypto_institution`` (proposed); CHF. Public deposits are the profile's ``client_fiat`` (DESIGN.md proxy).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Deposit-taking reaches any firm that accepts public deposits, whatever its crypto services: every profile is
#: in the regime's scope and its client money (the proxy) decides which licence, if any, it needs.
BANKING = Regime(
    id="ch.banking", name="Banking Act: bank or FinTech licence for public deposits", status="in_force",
    in_force_from=dt.date(2019, 1, 1),
    citation="Banking Act (BankA) art. 1b; Banking Ordinance (BankO)",
    start_note="FinTech licence from 2019-01-01; the bank licence's capital is dated from then (date n/k)",
    facts_as_of=dt.date(2019, 1, 1),
)
DLT_TF = Regime(
    id="ch.dlt_tf", name="DLT trading facility (DLT securities only)", status="in_force",
    in_force_from=dt.date(2021, 8, 1), citation="FinMIA (DLT Act, in force 2021-08-01); FinMIO art. 13",
    scope=Scope(services=("trading_platform",),
                describe="DLT trading facilities (platforms for DLT securities, i.e. tokenised securities)"),
    facts_as_of=dt.date(2021, 8, 1),
)
CRYPTO_INSTITUTION = Regime(
    id="ch.crypto_institution", name="Crypto institution licence (FinIA amendment, proposed)", status="proposed",
    in_force_from=dt.date(2027, 1, 1),
    citation="Federal Council consultation on the FinIA amendment (2025-10-22 to 2026-02-06)",
    start_note="expected ~2027 (reported); modelled as 2027-01-01 (assumed)",
    scope=Scope(services=("custody", "exchange_fiat", "exchange_crypto", "execution", "trading_platform"),
                describe="crypto institutions (custody, brokerage and exchange of crypto-assets, proposed)"),
    facts_as_of=dt.date(2026, 2, 6),
)


class Switzerland(Jurisdiction):
    code = "CH"
    name = "Switzerland (FINMA: bank, FinTech licence, DLT trading facility)"
    currency = "CHF"
    regimes = (BANKING, DLT_TF, CRYPTO_INSTITUTION)
    reads = ("services", "client_fiat")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="fintech_licence_capital", regime="ch.banking", category="capital", funding_forms=("own_funds",),
            rule=rules.fintech_licence_capital, citation="BankA art. 1b; BankO (FinTech licence)",
            overlap_group="ch.licence", ring_fenced=False,
            basis="max({floor:money}, {rate:pct} × {deposits:money} public deposits (client money)) = "
                  "{amount:money}",
        ),
        ObligationSpec(
            id="bank_licence_capital", regime="ch.banking", category="capital", funding_forms=("own_funds",),
            rule=rules.bank_licence_capital, citation="BankO (bank minimum capital); BankA art. 1b (CHF 100 m cap)",
            overlap_group="ch.licence", ring_fenced=False,
            basis="{deposits:money} public deposits (client money) above the FinTech cap: bank capital "
                  "{amount:money}",
        ),
        ObligationSpec(
            id="dlt_trading_facility_capital", regime="ch.dlt_tf", category="capital", funding_forms=("own_funds",),
            rule=rules.dlt_trading_facility_capital, citation="FinMIO art. 13(1), (1bis)", ring_fenced=False,
            basis="DLT trading facility {what} (tokenised securities only, assumed listed) = {amount:money}",
        ),
        ObligationSpec(
            id="crypto_institution_capital", regime="ch.crypto_institution", category="capital",
            funding_forms=("own_funds",), rule=None, ring_fenced=False,
            citation="FinIA amendment draft (crypto institution licence, consultation 2025-10-22 to 2026-02-06)",
            no_amount="the consultation draft gives no capital figure (rulebook ch_crypto_institution: not found)",
            formula="Proposed crypto institution licence for custody, brokerage and exchange: capital not found.",
        ),
    )


jurisdiction = Switzerland()
