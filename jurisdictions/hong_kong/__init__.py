"""Hong Kong — SFC-licensed virtual asset trading platforms (VATP Guidelines, AMLO Part 5B / SFO; regime
``hk.sfc_vatp`` from 2023-06-01) and the planned dealer and custodian regimes. Facts: rulebook hong_kong.md; HKD."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Who the VATP Guidelines reach (rulebook §1 and its October 2026 update): a firm that operates a centralised
#: virtual asset trading platform, licensed under AMLO Part 5B (and SFO Types 1/7). A dealer or a custodian
#: without a platform falls under the planned dealer and custodian regimes (proposed †, ``hk.va_dealer_custodian``
#: below), not under these Guidelines: the rulebook states the mapping, so no service is assumed.
REGIME = Regime(
    id="hk.sfc_vatp", name="SFC Guidelines for Virtual Asset Trading Platform Operators", status="in_force",
    in_force_from=dt.date(2023, 6, 1),
    citation="AMLO (Cap. 615) Part 5B; SFO Type 1/7; SFC VATP Guidelines (June 2023)",
    scope=Scope(services=("trading_platform",), describe="operators of a virtual asset trading platform (AMLO "
                "Part 5B; a dealer or custodian that is not a virtual asset trading platform: the planned regimes, "
                "hk.va_dealer_custodian)"),
    # rulebook update: no change to paras 10.22 or 10.6(c) found to October 2026
    facts_as_of=dt.date(2026, 10, 31),
)
#: The planned dealer and custodian regimes (rulebook hong_kong.md, Update): consultation conclusions of
#: 2025-12-24, a bill promised within 2026, passage not found. Their own id: the ids of hk.sfc_vatp are fixed.
DEALER_CUSTODIAN = Regime(
    id="hk.va_dealer_custodian", name="Planned licensing regimes for virtual-asset dealers and custodians",
    status="proposed", in_force_from=None,
    citation="FSTB/SFC consultation conclusions on VA dealing and custodian services (24 Dec 2025)",
    start_note="bill promised within 2026; passage not found (rulebook update to October 2026)",
    scope=Scope(services=rules.DEALER_SERVICES + rules.CUSTODIAN_SERVICES,
                describe="virtual-asset dealers (OTC exchange, execution, reception and transmission) and "
                         "custodians (custody) that do not operate a trading platform"),
    facts_as_of=dt.date(2025, 12, 24),
)
COLD_STORAGE = "VATP Guidelines para 10.6(c)"
FINANCIAL_RESOURCES = "hk.financial_resources"  # paid-up capital, liquid capital, 12 months' liquid assets


class HongKong(Jurisdiction):
    code = "HK"
    name = "Hong Kong (SFC virtual asset trading platforms; planned dealer and custodian regimes)"
    currency = "HKD"
    regimes = (REGIME, DEALER_CUSTODIAN)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_operating_expenses",
             "adjusted_liabilities")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="compensation_cover", regime="hk.sfc_vatp", category="loss_cover",
            funding_forms=("insurance", "trust_funds", "same_kind_crypto", "bank_guarantee"),
            rule=rules.compensation_cover, basis=rules.compensation_basis, citation="VATP Guidelines paras 10.22-10.26",
            insurance_kind="split",
            cover_parts=(("cold", "hk_comp_cover_share_cold"), ("hot", "hk_comp_cover_share_hot_other")),
            absorbs="any",
        ),
        # The 98 % rule needs no funding (rulebook §6: "storage rule, no funding"): client VA move into cold
        # wallets of the Associated Entity, apart from house assets; "segregation" (operational cost only) fits.
        ObligationSpec(
            id="cold_storage_shortfall", regime="hk.sfc_vatp", category="custody", funding_forms=("segregation",),
            rule=rules.cold_storage_shortfall, citation=COLD_STORAGE,
            basis="max(0, {hot:pct} hot − {cap:pct} [≥ {cold_min:pct} cold]) × {crypto:money} = {amount:money}",
        ),
        ObligationSpec(
            id="paid_up_capital", regime="hk.sfc_vatp", category="capital", funding_forms=("own_funds",),
            rule=rules.paid_up_capital, citation="VATP Guidelines para 6.2", overlap_group=FINANCIAL_RESOURCES,
            basis="paid-up share capital ≥ {minimum:money} = {amount:money}",
        ),
        ObligationSpec(
            id="liquid_capital", regime="hk.sfc_vatp", category="capital", funding_forms=("own_funds",),
            rule=rules.liquid_capital, overlap_group=FINANCIAL_RESOURCES,
            citation="VATP Guidelines para 6.3(b); FRR (Cap. 571N) s.2 basic amount",
            basis="max({floor:money} [floor], {rate:num} × {liabilities:money} [adjusted liabilities; basic amount, "
                  "assumed]) = {amount:money}",
        ),
        ObligationSpec(
            id="liquid_assets_opex", regime="hk.sfc_vatp", category="liquidity", funding_forms=("own_funds",),
            rule=rules.liquid_assets_opex, citation="VATP Guidelines para 6.1", overlap_group=FINANCIAL_RESOURCES,
            basis="{months:num}/12 × {opex:money} [operating expenses, last 12 months] = {amount:money} in liquid "
                  "assets in Hong Kong (no virtual assets)",
        ),
        ObligationSpec(
            id="client_fiat_segregation", regime="hk.sfc_vatp", category="client_money",
            funding_forms=("segregation",), rule=rules.client_fiat_segregation,
            citation="VATP Guidelines para 10.11(b)",
            basis="client money {fiat:money} in segregated accounts with an authorized financial institution within "
                  "{days:num} business day = {amount:money}",
        ),
        ObligationSpec(
            id="planned_paid_up_capital", regime="hk.va_dealer_custodian", category="capital",
            funding_forms=("own_funds",), rule=rules.planned_paid_up_capital,
            citation="FSTB/SFC consultation conclusions on VA dealing and custodian services (24 Dec 2025)",
            overlap_group="hk.planned_capital",
            basis="paid-up share capital ≥ {minimum:money} [{role}] = {amount:money}",
        ),
    )
    checks = (
        Check("hk.sfc_vatp", rules.icf_excludes_virtual_assets, "Hong Kong's Investor Compensation Fund does not "
              "cover virtual assets ({cite}; {status}): client VA losses beyond the para 10.22 compensation "
              "arrangement are not compensated", level="note"),
        Check("hk.sfc_vatp", rules.above_hot_storage_cap, "hot and other storage {hot:pct} of client virtual "
              "assets exceeds the {cap:pct} cap (at least {cold_min:pct} cold); see cold_storage_shortfall",
              COLD_STORAGE),
    )


jurisdiction = HongKong()
