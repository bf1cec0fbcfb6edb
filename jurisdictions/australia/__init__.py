"""Australia — Corporations Amendment (Digital Assets Framework) Act 2026 (Act No. 38 of 2026): digital asset
platforms and tokenised custody platforms need an AFS licence and must meet ASIC's asset-holding and financial
standards (Corporations Act ss 912BA–912BH). Enacted; commencement reported for 2027-04-09.

Facts: ../shared/rulebook/americas_and_more.md §6. The Act sets no dollar NTA and ASIC has not set the platforms'
financial requirements (``platform_nta``: no amount, with the reason). RG 166's custodian NTA, max(AUD 10 m,
10 % of average revenue), is shown beside it as the likely standard, ``assumed`` for platforms. Amounts in AUD.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Digital asset platforms (DAP) and tokenised custody platforms (TCP): operators holding clients' digital assets
#: (custody) on a platform clients transact through (trading platform). Exchanging, executing and transferring
#: for clients are read as done on such a platform, which the rulebook does not state (assumed). Advice,
#: placing, reception and transmission and portfolio management alone are other AFS services, not platforms.
PLATFORM_SCOPE = Scope(
    services=("custody", "trading_platform"),
    assumed_services=("exchange_fiat", "exchange_crypto", "execution", "transfer"),
    describe="digital asset platforms and tokenised custody platforms (operators holding clients' digital "
             "assets, Corporations Act ss 912BA ff.)",
    assumption="the rulebook names digital asset and tokenised custody platforms only; exchanging, executing "
               "and transferring digital assets for clients are read as platform business",
)
DAF = Regime(
    id="au.daf", name="Digital Assets Framework Act 2026: digital asset platforms", status="enacted",
    in_force_from=dt.date(2027, 4, 9),
    citation="Corporations Amendment (Digital Assets Framework) Act 2026 (Act No. 38 of 2026), Corporations Act "
             "ss 912BA–912BH",
    start_note="assent 2026-04-08 (reported); commencement 2027-04-09 (reported); incumbents that register within "
               "six months of commencement get an 18-month transition (reported)",
    scope=PLATFORM_SCOPE, facts_as_of=dt.date(2026, 4, 8),
)

NTA = "Corporations Act s 912BE (ASIC financial requirements for digital asset platforms, not yet set)"
RG166 = "ASIC RG 166 (custodial NTA; ASIC Instrument 2023/648), by analogy for digital asset platforms (s 912BE)"


class Australia(Jurisdiction):
    code = "AU"
    name = "Australia (Digital Assets Framework Act 2026)"
    currency = "AUD"
    regimes = (DAF,)
    reads = ("services", "annual_revenue")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="platform_nta", regime="au.daf", category="capital", funding_forms=("own_funds",),
            rule=None, citation=NTA, overlap_group="au.nta", ring_fenced=False,
            no_amount="not set: the Act sets no dollar NTA and ASIC has not yet set the financial requirements of "
                      "digital asset platforms (s 912BE; rulebook au_dap_nta unknown); see custodial_nta_benchmark",
            formula="Net tangible assets of a digital asset platform operator as ASIC's standards will set them "
                    "(s 912BE); no figure yet.",
        ),
        # the likely standard of the same requirement: one overlap group with platform_nta
        ObligationSpec(
            id="custodial_nta_benchmark", regime="au.daf", category="capital", funding_forms=("own_funds",),
            rule=rules.custodial_nta_benchmark, citation=RG166, overlap_group="au.nta", ring_fenced=False,
            basis="max({floor:money}, {share:pct} × {revenue:money} annual revenue) = {amount:money} (RG 166 "
                  "custodian NTA as the likely platform standard){note}",
        ),
    )
    checks = (
        Check("au.daf", rules.revenue_not_given,
              "annual_revenue not given: the RG 166 benchmark is shown at its {floor:money} floor alone (10 % of "
              "average revenue not computed)", RG166, level="note"),
        Check("au.daf", rules.transition_note,
              "commencement 2027-04-09 (reported): {transition} (reported; not modelled in the amounts)",
              "Act No. 38 of 2026, transitional provisions", level="note"),
    )


jurisdiction = Australia()
