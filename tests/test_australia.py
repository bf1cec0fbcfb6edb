"""Australia (Corporations Amendment (Digital Assets Framework) Act 2026, enacted, commencement reported for
2027-04-09): worked examples computed by hand from rulebook americas_and_more.md §6 — the platform NTA ASIC has
not set (no amount, with the reason) and RG 166's custodian NTA, max(AUD 10 m, 10 % of average revenue), shown as
the likely standard and `assumed` for platforms."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.stress import stress
from jurisdictions.australia import jurisdiction as AU
from tests.conftest import AS_OF, make_profile

FX = fx_snapshot(AS_OF)
COMMENCEMENT = dt.date(2027, 4, 9)


def aud(**kw):
    kw.setdefault("services", "custody;trading_platform")
    return make_profile(currency="AUD", **kw)


def au_result(*profiles, **kw):
    """The comparison under the AU plug-in object (found whether or not the entry point is installed)."""
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("fx", FX)
    return compare(list(profiles), jurisdictions=[AU], currency="AUD", **kw)


def au_rows(*profiles, **kw):
    return au_result(*profiles, **kw).obligations.set_index(["profile", "obligation"])


@pytest.mark.parametrize(
    "revenue, expected",
    [
        # max(AUD 10,000,000, 0.10 × AUD 300,000,000 = 30,000,000) = AUD 30,000,000 (the revenue term binds)
        (300_000_000, 30_000_000),
        # max(AUD 10,000,000, 0.10 × AUD 50,000,000 = 5,000,000) = AUD 10,000,000 (the floor binds)
        (50_000_000, 10_000_000),
        # max(AUD 10,000,000, 0.10 × AUD 100,000,000 = 10,000,000) = AUD 10,000,000 (both equal)
        (100_000_000, 10_000_000),
    ],
)
def test_rg166_benchmark_from_annual_revenue(revenue, expected):
    row = au_rows(aud(name="p", annual_revenue=revenue)).loc[("p", "custodial_nta_benchmark")]
    assert row["amount"] == pytest.approx(max(10_000_000, 0.10 * revenue))
    assert row["amount"] == pytest.approx(expected)
    assert row["status"] == "assumed"  # the custodian standard applied to a platform is an assumption
    assert row["basis"] == (f"max(AUD 10,000,000, 10 % × AUD {revenue:,} annual revenue) = AUD {expected:,} "
                            "(RG 166 custodian NTA as the likely platform standard)")
    assert "RG 166" in row["citation"] and not row["citation"].endswith("†")
    assert (row["category"], row["funding_forms"], row["currency"]) == ("capital", "own_funds", "AUD")


def test_without_annual_revenue_the_floor_alone_and_a_note():
    result = au_result(aud(name="p"))
    row = result.obligations.set_index("obligation").loc["custodial_nta_benchmark"]
    assert row["amount"] == 10_000_000  # the AUD 10 m floor; 10 % of revenue cannot be computed
    assert row["status"] == "assumed"
    assert row["basis"].endswith("(annual_revenue not given: the AUD floor alone, the revenue term not computed)")
    notes = [w for w in result.warnings if w["jurisdiction"] == "AU" and w["profile"] == "p"]
    assert [w["level"] for w in notes] == ["note"]
    assert "annual_revenue not given" in notes[0]["message"] and "AUD 10,000,000 floor" in notes[0]["message"]
    # with the revenue given there is no such note
    given_ = au_result(aud(name="p", annual_revenue=1_000_000))
    assert not [w for w in given_.warnings if w["profile"] == "p"]


def test_platform_nta_has_no_amount_but_a_reason():
    rows = au_rows(aud(name="p", annual_revenue=300_000_000))
    row = rows.loc[("p", "platform_nta")]
    assert np.isnan(row["amount"])
    assert row["reason"].startswith("not set: the Act sets no dollar NTA and ASIC has not yet set")
    assert row["basis"] == "no amount"
    assert row["status"] == "enacted"  # upcoming: the regime is enacted and not yet applying on 2026-11-25
    # one requirement: the benchmark is its likely size, so costs count them once (one overlap group)
    assert row["overlap_group"] == rows.loc[("p", "custodial_nta_benchmark"), "overlap_group"] == "au.nta"


def test_enacted_regime_is_upcoming_before_commencement_and_in_force_from_it():
    before = au_result(aud(name="p", annual_revenue=300_000_000))
    assert any("au.daf is enacted and applies from 2027-04-09" in w["message"] for w in before.warnings)
    assert any("18 months" in w["message"] for w in before.warnings)  # the reported transition, as a note
    after = au_rows(aud(name="p", annual_revenue=300_000_000), as_of=COMMENCEMENT)
    assert after.loc[("p", "platform_nta"), "status"] == "in_force"
    assert after.loc[("p", "custodial_nta_benchmark"), "status"] == "assumed"
    assert after.loc[("p", "custodial_nta_benchmark"), "amount"] == pytest.approx(0.10 * 300_000_000)
    # --in-force-only: an upcoming regime is left out before commencement
    only = au_result(aud(name="p"), in_force_only=True)
    assert only.obligations.empty


def test_scope_platforms_certain_exchange_services_assumed_advice_out():
    rows = au_rows(aud(name="platform"), aud(name="dealer", services="exchange_fiat"),
                   aud(name="adviser", services="advice"))
    assert rows.loc[("platform", "custodial_nta_benchmark"), "status"] == "assumed"  # the benchmark is assumed
    assert rows.loc[("platform", "platform_nta"), "status"] == "enacted"
    # a dealer is a platform only by the assumed mapping: even the no-amount row is assumed
    assert rows.loc[("dealer", "platform_nta"), "status"] == "assumed"
    assert rows.loc[("dealer", "custodial_nta_benchmark"), "amount"] == 10_000_000
    adviser = rows.loc["adviser"]
    assert adviser["amount"].isna().all()
    assert adviser["reason"].str.startswith("not in scope: au.daf applies to digital asset platforms").all()
    assert adviser["reason"].str.contains("would apply with services custody, trading_platform").all()


def test_costs_stress_and_reference_currency():
    result = compare([aud(name="p", annual_revenue=300_000_000)], jurisdictions=[AU], as_of=AS_OF, fx=FX,
                     currency="USD")
    costs = result.costs.set_index("obligation")
    # AUD 30 m of own funds cost the equity premium net of the AUD yield: 30 m × 11.25 % = AUD 3,375,000
    assert costs.loc["custodial_nta_benchmark", "annual_cost"] == pytest.approx(30e6 * 0.1125)
    assert costs.loc["custodial_nta_benchmark", "currency"] == "AUD"
    ob = result.obligations.set_index("obligation")
    assert ob.loc["custodial_nta_benchmark", "amount_ref"] == pytest.approx(30e6 * result.fx.rate("AUD", "USD"))
    # a capital floor is never cover: nothing absorbs a hot-wallet loss, the NTA is reported beside it
    s = stress(result, hot_loss=0.5).table
    row = s[(s["jurisdiction"] == "AU") & (s["regime"] == "all")].iloc[0]
    assert row["covered"] == 0
    assert row["mandated_capital_local"] == pytest.approx(30e6)
    # no licence cost figure for Australia in rulebook costs.md §4: one unknown line
    lic = result.licence_costs()
    assert lic[lic["jurisdiction"] == "AU"]["status"].tolist() == ["unknown"]


def test_spec_fields_and_parameters():
    for s in AU.obligations:
        assert (s.absorbs, s.ring_fenced, s.category) == ("", False, "capital")
    params = AU.parameters()
    assert params.latest("au_rg166_custodian_nta_floor").number() == 10_000_000
    assert params.latest("au_rg166_custodian_nta_floor").status == "in_force"
    assert params.latest("au_rg166_custodian_nta_revenue_share").number() == 0.10
    assert params.latest("au_rg166_platform_benchmark").status == "assumed"
    assert params.latest("au_rg166_platform_benchmark").note  # the reasoning beside the assumption
    assert AU.regime("au.daf").status == "enacted" and AU.regime("au.daf").in_force_from == COMMENCEMENT


money = st.floats(min_value=0, max_value=1e13, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(revenue=money, more=money)
def test_benchmark_is_the_greater_of_floor_and_revenue_share_and_never_falls(revenue, more):
    rows = au_rows(aud(name="a", annual_revenue=revenue), aud(name="b", annual_revenue=revenue + more))
    a = rows.loc[("a", "custodial_nta_benchmark"), "amount"]
    assert a == pytest.approx(max(10_000_000, 0.10 * revenue))
    assert a >= 10_000_000
    assert rows.loc[("b", "custodial_nta_benchmark"), "amount"] >= a


def test_plan_and_briefing_carry_australia_and_thailand():
    from comparisons.planning import plan
    from jurisdictions.framework import discover
    from jurisdictions.thailand import jurisdiction as TH
    from comparisons.report import charts
    from comparisons.report.briefing import render_html

    group = dict(make_profile(name="Group", currency="USD", services="custody;trading_platform;exchange_fiat"),
                 client_crypto_assets=10e9, hot_wallet_share=0.03, client_fiat=2e9, annual_trading_volume=400e9,
                 own_funds=1e9)
    r = plan({"name": "t", "as_of": AS_OF.isoformat(), "currency": "USD", "group": group,
              "markets": [{"jurisdiction": "AU", "share": 0.2}, {"jurisdiction": "TH", "share": 0.1}]},
             registry=discover().with_jurisdiction(AU).with_jurisdiction(TH))  # found before a reinstall too
    m = r.market_summary().set_index("market")
    aud_usd, thb_usd = r.fx.rate("AUD", "USD"), r.fx.rate("THB", "USD")
    # AU entity (no annual_revenue): the AUD 10 m floor × 11.25 % equity premium (central), 8 % (low), 20 % (high)
    assert m.loc["AU", "annual_cost_ref"] == pytest.approx(10e6 * 0.1125 * aud_usd)
    assert m.loc["AU", "annual_cost_low_ref"] == pytest.approx(10e6 * 0.08 * aud_usd)
    assert m.loc["AU", "annual_cost_high_ref"] == pytest.approx(10e6 * 0.20 * aud_usd)
    # TH entity: USD 1 bn of client crypto at 3 % hot (≤ 10 %): nothing to move; THB 25 m net capital × 11.25 %
    assert m.loc["TH", "annual_cost_ref"] == pytest.approx(25e6 * 0.1125 * thb_usd)
    assert m.loc["TH", "licence_unknown"] == m.loc["AU", "licence_unknown"] == "licensing and compliance costs"
    html = render_html(r.briefing())
    assert "Australia" in html and "Thailand" in html
    # each market in its fixed chart colour
    assert charts.color_of("AU") == charts.PALETTE["AU"] and charts.PALETTE["AU"] in html
    assert charts.color_of("TH") == charts.PALETTE["TH"] and charts.PALETTE["TH"] in html


def test_aud_and_thb_reserve_yields_are_assumed_central_bank_rates():
    from comparisons.costs.assumptions import CostAssumptions, load_assumptions

    pset = load_assumptions()
    a = CostAssumptions.read(pset, AS_OF)
    # RBA cash rate 3.6 % and Bank of Thailand policy rate 1.5 % (late 2025), each + the 11.25 % equity premium
    assert a.cost_of_equity("AUD") == pytest.approx(0.036 + 0.1125)
    assert a.cost_of_equity("THB") == pytest.approx(0.015 + 0.1125)
    for pid in ("reserve_yield_aud", "reserve_yield_thb"):
        assert pset.latest(pid).status == "assumed" and pset.latest(pid).note
