"""Japan — the Payment Services Act regime for crypto-asset exchange service providers (``jp.psa``, in force)
and the proposed liability reserve (``jp.liability_reserve``: no published formula, every coefficient assumed).
Facts: rulebook japan.md; JPY."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jurisdictions.framework import RANGE_SCENARIOS, Check, Jurisdiction, ObligationSpec, Regime, Scope

from . import rules

#: Reception and transmission of orders and placing alone are left out: they are the crypto-asset intermediary
#: business of Act No. 66 of 2025 (rulebook japan.md §2), whose requirements are not in the rulebook.
CAESP_SCOPE = Scope(
    services=("custody", "trading_platform", "exchange_fiat", "exchange_crypto", "execution"),
    assumed_services=("transfer",),
    describe="crypto-asset exchange service providers (buying, selling, exchanging, intermediating or managing "
             "crypto-assets for others, PSA Art. 2(15))",
    assumption="transfer read as management of crypto-assets for others: the rulebook does not map MiCA's "
               "services to the PSA's businesses",
)
PSA = Regime(
    id="jp.psa", name="Payment Services Act: crypto-asset exchange service providers", status="in_force",
    in_force_from=dt.date(2020, 5, 1),
    citation="Payment Services Act (資金決済法) Arts. 63-2 ff., as amended in 2019 (in force 2020-05-01)",
    scope=CAESP_SCOPE, facts_as_of=dt.date(2024, 4, 1),
)
RESERVE = Regime(
    id="jp.liability_reserve", name="Liability reserve (責任準備金), proposed", status="proposed",
    # Assumed: the rulebook reports "spring 2027 at the earliest"; 2027-04-01 (start of Japan's fiscal year
    # 2027) stands for it. Shown beside the regime only: a proposal is evaluated whatever the date.
    in_force_from=dt.date(2027, 4, 1),
    citation="Financial System Council WG on crypto-asset regulation, final report (10 Dec 2025); FIEA/PSA "
             "amendment bill planned for the 2026 Diet session",
    start_note="bill approved by the Cabinet on 2026-04-10; start expected in FY2027 (reported), Diet passage "
               "not known; modelled as 2027-04-01 (assumed)",
    scope=CAESP_SCOPE, facts_as_of=dt.date(2026, 4, 10),
)

CAPITAL = "CO Order on exchange providers Art. 9; PSA Art. 63-5(1)(iii)"
PGC = "PSA Art. 63-11-2(1)"
FIAT = "PSA Art. 63-11(1)"
COLD = "CAESP CO Order Art. 27(2)"
JVCEA = "JVCEA Financial Management Rule"
RESERVE_CITATION = ("proposed (FSA WG final report, 10 Dec 2025); formula and coefficients assumed: rulebook japan.md "
                    "§4.3, §4.5 (fiea_analogue: CO Order Art. 175 by analogy)")



class Japan(Jurisdiction):
    code = "JP"
    name = "Japan (Payment Services Act; proposed liability reserve)"
    currency = "JPY"
    regimes = (PSA, RESERVE)
    reads = ("services", "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_trading_volume",
             "peak_annual_trading_volume", "own_funds", "recent_incident_losses")
    parameters_file = Path(__file__).with_name("parameters.yaml")
    obligations = (
        ObligationSpec(
            id="minimum_capital", regime="jp.psa", category="capital", funding_forms=("own_funds",),
            rule=rules.minimum_capital, citation=CAPITAL, ring_fenced=False,
            basis="paid-in capital ≥ {paid_in:money} and net assets ≥ {net_assets:money} = {amount:money}",
        ),
        ObligationSpec(
            id="performance_guarantee_crypto", regime="jp.psa", category="loss_cover",
            funding_forms=("same_kind_crypto",), rule=rules.performance_guarantee_crypto, citation=PGC, absorbs="hot",
            basis="{ratio:num} × {hot:pct} hot × {crypto:money} client crypto = {amount:money} (same-kind crypto)",
        ),
        ObligationSpec(
            id="client_fiat_trust", regime="jp.psa", category="client_money", funding_forms=("trust_funds",),
            rule=rules.client_fiat_trust, citation=FIAT,
            basis="{share:pct} × {fiat:money} client money in trust = {amount:money}",
        ),
        # A storage rule, not a funding duty: the customers' own crypto moves to cold wallets, nothing is
        # financed. Of the six contract forms, "segregation" is the closest; no form costs the firm capital.
        ObligationSpec(
            id="cold_storage_shortfall", regime="jp.psa", category="custody", funding_forms=("segregation",),
            rule=rules.cold_storage_shortfall, citation=COLD,
            basis="max(0, {hot:pct} hot − {cap:pct} cap) × {crypto:money} = {amount:money} to move to cold storage",
        ),
        ObligationSpec(
            id="liability_reserve", regime="jp.liability_reserve", category="loss_cover",
            funding_forms=("own_funds", "insurance"), rule=rules.liability_reserve, basis=rules.reserve_basis,
            citation=RESERVE_CITATION, scenarios=RANGE_SCENARIOS + ("fiea_analogue",),
            form_caps=(("insurance", "jp_reserve_insurance_share_max"),),
            # reported to address the cold part (the hot part is backed by PGC): insurance meeting it is
            # priced as cold-storage cover
            insurance_kind="cold", absorbs="any",
        ),
    )
    checks = (
        Check("jp.psa", rules.no_compensation_scheme, "no public compensation scheme covers crypto-assets in Japan: "
              "the Japan Investor Protection Fund covers securities customers up to {limit:money} each, not "
              "crypto-asset customers ({cite}; {status})", level="note"),
        Check("jp.psa", rules.negative_net_assets, "net assets (own funds) {own:money} are negative: they must not be",
              CAPITAL),
        Check("jp.psa", rules.own_funds_below_paid_in_capital,
              "own funds {own:money} are below the minimum paid-in capital {paid_in:money}", CAPITAL),
        Check("jp.psa", rules.net_assets_below_pgc,
              "net assets (own funds) {own:money} are below the value of the performance-guarantee crypto "
              "{pgc:money}", JVCEA),
        Check("jp.psa", rules.above_cold_storage_cap,
              "hot share {hot:pct} above the {cap:pct} cap: {shortfall:money} must move to cold storage", COLD),
    )


jurisdiction = Japan()
