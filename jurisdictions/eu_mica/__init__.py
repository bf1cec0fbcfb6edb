"""EU — MiCA (Regulation (EU) 2023/1114): CASP prudential safeguards and client-funds safeguarding.

Facts: ../shared/rulebook/eu_mica.md. Regime ``eu.mica``, in force for CASPs since 2024-12-30; amounts in EUR.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Any of the ten crypto-asset services of MiCA Art. 3(1)(16) needs authorisation as a CASP (rulebook §1);
#: Annex IV names the class of each, so no mapping is assumed.
REGIME = Regime(
    id="eu.mica", name="Markets in Crypto-Assets Regulation (CASPs)", status="in_force",
    in_force_from=dt.date(2024, 12, 30), citation="Regulation (EU) 2023/1114, Title V",
    scope=Scope(services=rules.CASP_SERVICES,
                describe="crypto-asset service providers (any crypto-asset service of MiCA Art. 3(1)(16))"),
    facts_as_of=dt.date(2026, 2, 18),  # ESMA Q&A 2349 (fixed overheads), answered 2026-02-18
)


class EUMiCA(Jurisdiction):
    code = "EU"
    name = "European Union (MiCA)"
    currency = "EUR"
    regimes = (REGIME,)
    reads = ("services", "fixed_overheads", "client_fiat", "active_users")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="prudential_safeguards", regime="eu.mica", category="capital",
            funding_forms=("own_funds", "insurance"), rule=rules.prudential_safeguards,
            citation="MiCA Art. 67(1), Annex IV; ESMA Q&A 2343 (class rule)", overlap_group="eu.prudential",
            basis="max({pmc:money} [Annex IV class {cls:num}], {mult:num} × {fo:money}) = {amount:money}",
            form_caps=(("insurance", "eu_insurance_share_max"),), insurance_kind="prudential",
            absorbs="any", ring_fenced=False,
        ),
        ObligationSpec(
            id="client_funds_safeguarding", regime="eu.mica", category="client_money",
            funding_forms=("segregation",), rule=rules.client_funds_safeguarding, citation="MiCA Art. 70(3)",
            basis="client funds {fiat:money} placed with a credit institution or central bank by T+1 = "
                  "{amount:money}",
        ),
    )
    checks = (
        Check("eu.mica", rules.significant_casp,
              "significant CASP: {users:num} active users ≥ {threshold:num}; notification and information duties "
              "towards ESMA apply, no extra capital", "MiCA Art. 85(1)"),
        Check("eu.mica", rules.no_compensation_scheme, "no compensation or guarantee scheme covers crypto-assets in "
              "the EU ({cite}; {status}): client losses beyond what the firm itself pays are not compensated",
              level="note"),
        Check("eu.mica", rules.custody_liability_remedy, "the EU customer's remedy for crypto-assets lost in custody "
              "is the CASP's liability ({cite}; {status}): up to the {cap}, for incidents attributable to the "
              "firm; a claim on the firm, not a fund", level="note"),
    )


jurisdiction = EUMiCA()
