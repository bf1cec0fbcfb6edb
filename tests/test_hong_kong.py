"""Hong Kong SFC VATP rules: worked examples computed by hand from VATP Guidelines paras 6.1-6.3, 10.6(c),
10.11(b) and 10.22 (rulebook: shared/rulebook/hong_kong.md)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from jurisdictions.hong_kong import jurisdiction as HK
from tests.conftest import AS_OF, make_profile

BN = 1_000_000_000
M = 1_000_000


def hk_profile(**kw):
    """A Hong Kong platform in HKD (trading platform + exchange + custody)."""
    base = dict(currency="HKD", services="custody;trading_platform;exchange_fiat;exchange_crypto")
    base.update(kw)
    return make_profile(**base)


def hk_result(*profiles, as_of=AS_OF, **kw):
    return compare(list(profiles), jurisdictions=["HK"], as_of=as_of, currency="HKD", **kw)


def vatp(rows):
    """The rows of the VATP regime (hk.sfc_vatp) only."""
    return rows[rows["regime"] == "hk.sfc_vatp"]


def hk_rows(*profiles, **kw):
    return hk_result(*profiles, **kw).obligations.set_index(["profile", "obligation"])


# --- para 10.22 compensation arrangement and para 10.6(c) cold storage ------------------------------------

def test_cover_at_the_98_2_split_and_no_shortfall():
    rows = hk_rows(hk_profile(name="p", client_crypto_assets=10 * BN, hot_wallet_share=0.02))
    cover = rows.loc[("p", "compensation_cover")]
    # cold = 0.98 × 10 bn = 9.8 bn, hot = 0.02 × 10 bn = 0.2 bn
    # cover = 0.5 × 9.8 bn + 1.0 × 0.2 bn = 4.9 bn + 0.2 bn = 5.1 bn (= 51 % of 10 bn, rulebook derived value)
    assert cover["amount"] == pytest.approx(5.1 * BN, rel=1e-12)
    assert cover["basis"] == "0.5 × HKD 9,800,000,000 [cold] + 1.0 × HKD 200,000,000 [hot] = HKD 5,100,000,000"
    assert cover["currency"] == "HKD"
    assert cover["category"] == "loss_cover"
    assert cover["status"] == "in_force"
    assert cover["funding_forms"] == "insurance;trust_funds;same_kind_crypto;bank_guarantee"
    assert cover["overlap_group"] == ""  # separate from the financial resources
    assert "10.22" in cover["citation"]
    short = rows.loc[("p", "cold_storage_shortfall")]
    # max(0, 0.02 − 0.02) × 10 bn = 0: 98 % is already cold
    assert short["amount"] == 0
    assert short["category"] == "custody"
    assert "10.6(c)" in short["citation"]


def test_cover_and_shortfall_at_5_percent_hot():
    rows = hk_rows(hk_profile(name="p", client_crypto_assets=10 * BN, hot_wallet_share=0.05))
    # cold = 0.95 × 10 bn = 9.5 bn, hot = 0.05 × 10 bn = 0.5 bn
    # cover = 0.5 × 9.5 bn + 1.0 × 0.5 bn = 4.75 bn + 0.5 bn = 5.25 bn
    assert rows.loc[("p", "compensation_cover"), "amount"] == pytest.approx(5.25 * BN, rel=1e-12)
    assert rows.loc[("p", "compensation_cover"), "basis"] == (
        "0.5 × HKD 9,500,000,000 [cold] + 1.0 × HKD 500,000,000 [hot] = HKD 5,250,000,000")
    # shortfall = max(0, 0.05 − 0.02) × 10 bn = 0.03 × 10 bn = 300 m to move to cold storage
    short = rows.loc[("p", "cold_storage_shortfall")]
    assert short["amount"] == pytest.approx(300 * M, rel=1e-9)
    assert short["basis"] == "max(0, 5 % hot − 2 % [≥ 98 % cold]) × HKD 10,000,000,000 = HKD 300,000,000"
    assert short["funding_forms"] == "segregation"


def test_all_cold_and_all_hot_bounds():
    rows = hk_rows(hk_profile(name="cold", client_crypto_assets=4 * BN, hot_wallet_share=0.0),
                   hk_profile(name="hot", client_crypto_assets=4 * BN, hot_wallet_share=1.0))
    # all cold: 0.5 × 4 bn = 2 bn; all hot: 1.0 × 4 bn = 4 bn and 0.98 × 4 bn = 3.92 bn must move to cold
    assert rows.loc[("cold", "compensation_cover"), "amount"] == 2 * BN
    assert rows.loc[("hot", "compensation_cover"), "amount"] == 4 * BN
    assert rows.loc[("hot", "cold_storage_shortfall"), "amount"] == pytest.approx(3.92 * BN, rel=1e-12)


def test_compensation_spec_for_costs_and_stress():
    spec = HK.spec("compensation_cover")
    assert spec.insurance_kind == "split"
    assert spec.cover_parts == (("cold", "hk_comp_cover_share_cold"), ("hot", "hk_comp_cover_share_hot_other"))
    assert spec.absorbs == "any"
    assert spec.ring_fenced
    params = HK.parameters()
    assert params.at("hk_comp_cover_share_cold", AS_OF).number() == 0.5
    assert params.at("hk_comp_cover_share_hot_other", AS_OF).number() == 1.0


# --- paras 6.1-6.3 financial resources -----------------------------------------------------------------

@pytest.mark.parametrize(
    "liabilities, expected, status",
    [
        # max(HKD 3 m, 0.05 × 200 m = 10 m) = 10 m: the assumed 5 % basic amount binds
        (200 * M, 10 * M, "assumed"),
        # max(HKD 3 m, 0.05 × 10 m = 0.5 m) = 3 m: the in-force floor binds
        (10 * M, 3 * M, "in_force"),
        # max(3 m, 0.05 × 60 m = 3 m) = 3 m: a tie; the result does not depend on the assumed rate
        (60 * M, 3 * M, "in_force"),
        # no liabilities: max(3 m, 0) = 3 m
        (0, 3 * M, "in_force"),
    ],
)
def test_liquid_capital(liabilities, expected, status):
    row = hk_rows(hk_profile(name="p", adjusted_liabilities=liabilities)).loc[("p", "liquid_capital")]
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == status
    assert row["category"] == "capital"
    assert row["basis"].startswith("max(HKD 3,000,000 [floor], 0.05 × HKD ")
    assert row["basis"].endswith(f"= HKD {expected:,.0f}")
    assert "6.3(b)" in row["citation"]


def test_paid_up_capital_opex_and_client_money():
    rows = hk_rows(hk_profile(name="p", annual_operating_expenses=400 * M, client_fiat=2 * BN))
    paid = rows.loc[("p", "paid_up_capital")]
    assert paid["amount"] == 5 * M  # para 6.2: HK$5,000,000
    assert (paid["category"], paid["funding_forms"], paid["status"]) == ("capital", "own_funds", "in_force")
    opex = rows.loc[("p", "liquid_assets_opex")]
    # para 6.1: 12 months of HKD 400 m a year = 12/12 × 400 m = 400 m of liquid assets in Hong Kong
    assert opex["amount"] == 400 * M
    assert opex["basis"].startswith("12/12 × HKD 400,000,000")
    assert (opex["category"], opex["funding_forms"]) == ("liquidity", "own_funds")
    fiat = rows.loc[("p", "client_fiat_segregation")]
    assert fiat["amount"] == 2 * BN  # para 10.11(b): all client money, segregated within 1 business day
    assert (fiat["category"], fiat["funding_forms"]) == ("client_money", "segregation")
    assert "10.11(b)" in fiat["citation"]


def test_financial_resources_share_one_overlap_group():
    rows = hk_rows(hk_profile(name="p", adjusted_liabilities=200 * M, annual_operating_expenses=50 * M))
    groups = rows.loc["p", "overlap_group"].to_dict()
    assert groups["paid_up_capital"] == groups["liquid_capital"] == groups["liquid_assets_opex"] == \
        "hk.financial_resources"
    assert groups["compensation_cover"] == groups["cold_storage_shortfall"] == groups["client_fiat_segregation"] == ""


# --- currency, dates, scope, notes ---------------------------------------------------------------------

def test_usd_twin_gives_the_hkd_result():
    hkd_per_usd = fx_snapshot(AS_OF).rate("USD", "HKD")
    hkd = hk_profile(name="hkd", client_crypto_assets=10 * BN, hot_wallet_share=0.05, adjusted_liabilities=200 * M,
                     annual_operating_expenses=400 * M, client_fiat=2 * BN)
    usd = dict(hkd, name="usd", currency="USD", client_crypto_assets=10 * BN / hkd_per_usd,
               adjusted_liabilities=200 * M / hkd_per_usd, annual_operating_expenses=400 * M / hkd_per_usd,
               client_fiat=2 * BN / hkd_per_usd)
    rows = hk_rows(hkd, usd)
    for ob in ("compensation_cover", "cold_storage_shortfall", "paid_up_capital", "liquid_capital",
               "liquid_assets_opex", "client_fiat_segregation"):
        assert rows.loc[("usd", ob), "amount"] == pytest.approx(rows.loc[("hkd", ob), "amount"], rel=1e-12)
        assert rows.loc[("usd", ob), "currency"] == "HKD"
    assert rows.loc[("usd", "compensation_cover"), "amount"] == pytest.approx(5.25 * BN, rel=1e-12)
    assert rows.loc[("usd", "cold_storage_shortfall"), "amount"] == pytest.approx(300 * M, rel=1e-9)
    assert rows.loc[("usd", "liquid_capital"), "amount"] == pytest.approx(10 * M, rel=1e-12)


def test_amount_ref_in_usd_divides_by_the_rate():
    result = compare([hk_profile(name="p", client_crypto_assets=10 * BN, hot_wallet_share=0.02)],
                     jurisdictions=["HK"], as_of=AS_OF, currency="USD")
    row = result.obligations.set_index("obligation").loc["compensation_cover"]
    # HKD 5.1 bn ÷ (HKD per USD) in USD
    assert row["amount_ref"] == pytest.approx(5.1 * BN / result.fx.rate("USD", "HKD"), rel=1e-12)


def test_before_june_2023_rows_are_blank_with_reason():
    result = hk_result(hk_profile(name="p", client_crypto_assets=10 * BN), as_of="2023-05-31")
    ob = result.obligations[result.obligations["regime"] == "hk.sfc_vatp"]
    assert len(ob) == 6
    assert ob["amount"].isna().all()
    assert ob["reason"].str.contains("applies from 2023-06-01").all()
    # the ICF statement of the SFC dates from Nov 2018 (guidance), so the note is still given
    icf = [w for w in result.warnings if "Investor Compensation Fund" in w["message"]]
    assert len(icf) == 1 and "guidance" in icf[0]["message"]
    # the first day of the regime gives amounts
    first = hk_result(hk_profile(name="p"), as_of="2023-06-01").obligations
    assert not first.loc[first["regime"] == "hk.sfc_vatp", "amount"].isna().any()


def test_firm_that_is_not_a_platform_gets_blank_rows():
    rows = vatp(hk_rows(hk_profile(name="adviser", services="advice;reception_transmission", client_crypto_assets=BN,
                                   adjusted_liabilities=200 * M),
                        hk_profile(name="platform", client_crypto_assets=BN)))
    assert rows.loc["adviser", "amount"].isna().all()
    reasons = rows.loc["adviser", "reason"]
    assert reasons.str.startswith("not in scope: hk.sfc_vatp applies to operators of a virtual asset trading "
                                  "platform").all()
    assert reasons.str.contains("not a virtual asset trading platform").all()
    assert reasons.str.endswith("would apply with services trading_platform").all()
    assert rows.loc[("platform", "paid_up_capital"), "amount"] == 5 * M


def test_dealer_without_a_trading_platform_is_not_a_vatp():
    # issue 14: the Osaka example (custody and exchange, no platform) got HK$4.04 bn of compensation cover;
    # a dealer or custodian without a platform falls under the planned dealer/custodian regimes (rulebook update)
    rows = vatp(hk_rows(hk_profile(name="dealer", services="custody;exchange_fiat;exchange_crypto",
                                   client_crypto_assets=BN, hot_wallet_share=0.1),
                        hk_profile(name="platform", services="trading_platform", client_crypto_assets=BN,
                                   hot_wallet_share=0.1)))
    assert rows.loc["dealer", "amount"].isna().all()
    assert rows.loc["dealer", "reason"].str.startswith("not in scope: ").all()
    assert rows.loc["dealer", "reason"].str.contains("trading_platform").all()
    assert (rows.loc["dealer", "basis"] == "not in scope").all()
    # the platform alone: 0.5 × 0.9 bn + 1.0 × 0.1 bn = 0.45 bn + 0.1 bn = 0.55 bn; nothing assumed about scope
    assert rows.loc[("platform", "compensation_cover"), "amount"] == pytest.approx(0.55 * BN, rel=1e-12)
    assert rows.loc[("platform", "compensation_cover"), "status"] == "in_force"
    result = hk_result(hk_profile(name="dealer", services="exchange_fiat", hot_wallet_share=0.1),
                       hk_profile(name="platform", services="trading_platform", hot_wallet_share=0.1))
    # the 2 % hot-storage warning is for platforms only
    assert [w["profile"] for w in result.warnings if "exceeds the 2 % cap" in w["message"]] == ["platform"]


def test_icf_note_in_every_output_and_hot_share_warning():
    result = hk_result(hk_profile(name="ok", hot_wallet_share=0.02), hk_profile(name="over", hot_wallet_share=0.1))
    icf = [w for w in result.warnings if "Investor Compensation Fund does not cover virtual assets" in w["message"]]
    assert len(icf) == 1
    assert icf[0]["profile"] == "" and icf[0]["level"] == "note" and icf[0]["jurisdiction"] == "HK"
    assert "9.26(d)" in icf[0]["message"] and "Schedule 2(d)" in icf[0]["message"]
    over = [w["profile"] for w in result.warnings if "exceeds the 2 % cap" in w["message"]]
    assert over == ["over"]
    # and in the JSON document of `xjur compare --format json`
    assert sum("Investor Compensation Fund" in w["message"] for w in result.to_dict()["warnings"]) == 1


def test_icf_note_on_the_cli(examples):
    from typer.testing import CliRunner

    from comparisons.cli import app

    r = CliRunner().invoke(app, ["compare", str(examples), "-j", "HK", "--as-of", "2026-11-25"])
    assert r.exit_code == 0, r.output
    assert "Investor Compensation Fund does not cover virtual assets" in " ".join(r.output.split())


def test_parameter_override_changes_rate_and_status(tmp_path):
    # a user who has checked FRR s.2 sets the basic amount to 5 % in force: the row is then in_force
    f = tmp_path / "hk.yaml"
    f.write_text("hk_basic_amount_rate:\n  values:\n    - effective_from: 2023-06-01\n      value: 0.08\n"
                 "      status: in_force\n      citation: FRR s.2 (checked)\n", encoding="utf-8")
    row = hk_rows(hk_profile(name="p", adjusted_liabilities=200 * M), parameters=str(f)).loc[("p", "liquid_capital")]
    assert row["amount"] == pytest.approx(16 * M)  # max(3 m, 0.08 × 200 m = 16 m) = 16 m
    assert row["status"] == "in_force"
    assert "user file" in row["citation"]


def test_explain_shows_formula_parameters_and_basis():
    from comparisons.explain import explain

    ex = explain([hk_profile(name="p", client_crypto_assets=10 * BN, hot_wallet_share=0.02)], "p", "HK",
                 "compensation_cover", as_of=AS_OF, currency="HKD")
    assert "50 %" in ex.formula and "100 %" in ex.formula
    assert set(ex.parameters["id"]) >= {"hk_comp_cover_share_cold", "hk_comp_cover_share_hot_other"}
    assert ex.inputs == {"client_crypto_assets": 10 * BN, "hot_wallet_share": 0.02}
    assert ex.rows["basis"].iloc[0].endswith("= HKD 5,100,000,000")


def test_every_rulebook_parameter_carries_citation_and_status():
    params = HK.parameters()
    expected = {
        "hk_comp_cover_share_cold": (0.5, "in_force", "10.22"),
        "hk_comp_cover_share_hot_other": (1.0, "in_force", "10.22"),
        "hk_cold_storage_min_share": (0.98, "in_force", "10.6(c)"),
        "hk_min_paid_up_capital": (5_000_000, "in_force", "6.2"),
        "hk_rlc_floor": (3_000_000, "in_force", "6.3(b)"),
        "hk_basic_amount_rate": (0.05, "assumed", "FRR"),
        "hk_liquid_assets_opex_months": (12, "in_force", "6.1"),
    }
    for pid, (value, status, cite) in expected.items():
        pv = params.at(pid, AS_OF)
        assert (pv.number(), pv.status) == (value, status), pid
        assert cite in pv.citation, pid
    for spec in HK.obligations:
        for pid in spec.parameters:
            assert pid in params, (spec.id, pid)


# --- properties ---------------------------------------------------------------------------------------

assets = st.floats(min_value=0, max_value=1e13, allow_nan=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(v=assets, h1=shares, h2=shares)
def test_cover_between_half_and_all_and_never_falls_as_hot_share_rises(v, h1, h2):
    lo, hi = sorted((h1, h2))
    rows = hk_rows(hk_profile(name="lo", client_crypto_assets=v, hot_wallet_share=lo),
                   hk_profile(name="hi", client_crypto_assets=v, hot_wallet_share=hi))
    c_lo = rows.loc[("lo", "compensation_cover"), "amount"]
    c_hi = rows.loc[("hi", "compensation_cover"), "amount"]
    assert 0.5 * v <= c_lo <= v
    assert 0.5 * v <= c_hi <= v
    assert c_hi >= c_lo
    s_lo = rows.loc[("lo", "cold_storage_shortfall"), "amount"]
    s_hi = rows.loc[("hi", "cold_storage_shortfall"), "amount"]
    assert s_hi >= s_lo >= 0
    if lo <= 0.02:
        assert s_lo == 0
    # the shortfall never exceeds the hot part itself
    assert s_hi <= hi * v * (1 + 1e-12)
    assert not math.isnan(c_lo)


# --- planned dealer and custodian regimes (hk.va_dealer_custodian, proposed †; rulebook Update) ----------------

def test_an_otc_dealer_gets_no_cover_amount_and_a_proposed_capital_row():
    # issue 15: exchange services, no platform → the VATP cover is not in scope; planned dealer capital ≈ HK$5m
    rows = hk_rows(hk_profile(name="otc", services="exchange_fiat;exchange_crypto", client_crypto_assets=BN,
                              hot_wallet_share=0.1))
    cover = rows.loc[("otc", "compensation_cover")]
    assert math.isnan(cover["amount"]) and cover["reason"].startswith("not in scope: hk.sfc_vatp")
    cap = rows.loc[("otc", "planned_paid_up_capital")]
    assert cap["amount"] == 5 * M  # dealer minimum, about HK$5m
    assert (cap["regime"], cap["status"], cap["category"]) == ("hk.va_dealer_custodian", "proposed", "capital")
    assert cap["citation"].endswith(" †")  # proposed † in the rulebook (secondary sources)
    assert cap["basis"] == "paid-up share capital ≥ HKD 5,000,000 [dealer] = HKD 5,000,000"


def test_a_custodian_gets_ten_million_and_a_firm_that_is_both_the_higher():
    rows = hk_rows(hk_profile(name="cust", services="custody"),
                   hk_profile(name="both", services="custody;execution"),
                   hk_profile(name="adviser", services="advice"))
    assert rows.loc[("cust", "planned_paid_up_capital"), "amount"] == 10 * M  # custodian, about HK$10m
    both = rows.loc[("both", "planned_paid_up_capital")]
    assert both["amount"] == max(5 * M, 10 * M)  # the higher of dealer HK$5m and custodian HK$10m
    assert "the higher of the dealer and custodian minimums" in both["basis"]
    adviser = rows.loc[("adviser", "planned_paid_up_capital")]
    assert math.isnan(adviser["amount"]) and adviser["reason"].startswith("not in scope: hk.va_dealer_custodian")


def test_a_platform_operator_is_left_to_the_vatp_rules():
    rows = hk_rows(hk_profile(name="platform"))  # platform + exchange + custody
    row = rows.loc[("platform", "planned_paid_up_capital")]
    assert math.isnan(row["amount"])
    assert row["reason"].startswith("not in scope: hk.va_dealer_custodian") and "hk.sfc_vatp" in row["reason"]
    assert rows.loc[("platform", "paid_up_capital"), "amount"] == 5 * M  # VATP para 6.2 instead


def test_the_planned_regime_is_a_proposal_with_its_own_id_and_dates():
    regime = {r.id: r for r in HK.regimes}["hk.va_dealer_custodian"]
    assert (regime.status, regime.in_force_from, regime.facts_as_of.isoformat()) == ("proposed", None, "2025-12-24")
    assert {s.id for s in HK.obligations if s.regime == "hk.sfc_vatp"} == {
        "compensation_cover", "paid_up_capital", "liquid_capital", "liquid_assets_opex", "client_fiat_segregation",
        "cold_storage_shortfall"}  # the fixed ids of hk.sfc_vatp are unchanged
    only = hk_result(hk_profile(name="otc", services="exchange_fiat"), in_force_only=True).obligations
    assert "hk.va_dealer_custodian" not in set(only["regime"])


@settings(max_examples=40, deadline=None)
@given(services=st.sets(st.sampled_from(["custody", "exchange_fiat", "exchange_crypto", "execution",
                                         "reception_transmission", "advice", "transfer"]), min_size=1))
def test_planned_capital_is_never_below_the_higher_minimum_of_the_roles_held(services):
    rows = hk_rows(hk_profile(name="p", services=";".join(sorted(services))))
    amount = rows.loc[("p", "planned_paid_up_capital"), "amount"]
    dealer = bool(services & {"exchange_fiat", "exchange_crypto", "execution", "reception_transmission"})
    custodian = "custody" in services
    if dealer or custodian:
        assert amount >= max(5 * M if dealer else 0, 10 * M if custodian else 0)
        if dealer and custodian:
            assert amount >= max(5 * M, 10 * M)
    else:
        assert math.isnan(amount)
