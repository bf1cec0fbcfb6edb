"""Issue 19: the timeline (comparisons/timeline/). Worked examples by hand from the rule text."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.compare import fx_snapshot
from comparisons.timeline import timeline
from comparisons.timeline.growth import GrowthError, load_growth
from jurisdictions.framework.registry import discover
from jurisdictions.united_kingdom import UnitedKingdom
from tests.conftest import EXAMPLES, make_profile
from tests.conftest import run_xjur as xjur



TOKYO = make_profile(name="tokyo", currency="JPY", services="custody;exchange_fiat;exchange_crypto",
                     annual_trading_volume=6e12, client_crypto_assets=1e12, hot_wallet_share=0.03,
                     own_funds=60e9, fixed_overheads=12e9, annual_operating_expenses=18e9)
FIEA = ["fiea_analogue"]


def fiea_rows(result):
    tl = result.timeline
    return tl[(tl["obligation"] == "liability_reserve") & (tl["scenario"] == "fiea_analogue")].set_index("date")


# -- the fiea_analogue reserve builds up -----------------------------------------------------------------
def test_fiea_analogue_builds_up_to_its_ceiling_without_growth():
    result = timeline([TOKYO], "2027-04-01", "2032-04-01", jurisdictions=["JP"], scenarios=FIEA, currency="JPY")
    rows = fiea_rows(result)
    accrual = 0.00002 * 6e12   # 120 m a year (CO Order Art. 175(1)(i))
    ceiling = 0.00008 * 6e12   # 480 m (Art. 175(1)(ii)); peak = the one volume
    D = dt.date
    assert rows.loc[D(2027, 4, 1), "amount"] == 0.0                              # no fiscal year ended yet
    assert rows.loc[D(2028, 4, 1), "amount"] == pytest.approx(accrual)           # FY2027 ended 2028-03-31: 120 m
    assert rows.loc[D(2029, 4, 1), "amount"] == pytest.approx(2 * accrual)       # 240 m
    assert rows.loc[D(2030, 4, 1), "amount"] == pytest.approx(3 * accrual)       # 360 m
    assert rows.loc[D(2031, 4, 1), "amount"] == pytest.approx(ceiling)           # 4 × 120 m = 480 m = ceiling
    assert rows.loc[D(2032, 4, 1), "amount"] == pytest.approx(ceiling)           # min(120 m, 480 − 480) = 0 added
    res = result.reserves.set_index("date")
    assert res.loc[D(2032, 4, 1), "addition"] == 0.0
    assert res.loc[D(2031, 4, 1), "addition"] == pytest.approx(accrual)
    assert "balance JPY 480,000,000 after 4 fiscal year(s)" in rows.loc[D(2031, 4, 1), "basis"]
    assert "Art. 175(1)(i)" in rows.loc[D(2031, 4, 1), "citation"]
    # the build-up's amount is what the costs carry: cost grows with the balance, and none before FY2027 ends
    costs = result.costs[result.costs["scenario"] == "fiea_analogue"].set_index("date")["resources_tied_up"]
    assert costs[D(2031, 4, 1)] - costs[D(2027, 4, 1)] == pytest.approx(ceiling)


def test_fiea_analogue_with_growth_follows_the_peak_volume():
    result = timeline([TOKYO], "2027-04-01", "2034-04-01", jurisdictions=["JP"], scenarios=FIEA, currency="JPY",
                      growth={"all": {"volume": 0.10}})
    rows = fiea_rows(result)
    v = [6e12 * 1.1 ** k for k in range(7)]  # FY2027 … FY2033 volumes
    D = dt.date
    # four years of accruals: 120 + 132 + 145.2 + 159.72 = 556.92 m, below the ceiling 0.00008 × 7.986 tn = 638.88 m
    assert rows.loc[D(2031, 4, 1), "amount"] == pytest.approx(0.00002 * sum(v[:4]))
    assert rows.loc[D(2031, 4, 1), "amount"] == pytest.approx(556.92e6)
    # FY2031: 556.92 + 175.692 > ceiling 0.00008 × 8.7846 tn = 702.768 m: the balance stops at the ceiling
    assert rows.loc[D(2032, 4, 1), "amount"] == pytest.approx(0.00008 * v[4])
    assert rows.loc[D(2032, 4, 1), "amount"] == pytest.approx(702.768e6)
    # from then on the ceiling follows the peak: 0.00008 × 9.66306 tn = 773.0448 m (addition 70.2768 m)
    assert rows.loc[D(2033, 4, 1), "amount"] == pytest.approx(0.00008 * v[5])
    res = result.reserves.set_index("date")
    assert res.loc[D(2033, 4, 1), "addition"] == pytest.approx(0.00008 * (v[5] - v[4]))
    assert res.loc[D(2034, 4, 1), "ceiling"] == pytest.approx(0.00008 * v[6])


def test_build_up_rates_come_from_the_parameters():
    # a user's override of the accrual rate moves the balance: 0.00004 × 6 tn = 240 m after the first year
    result = timeline([TOKYO], "2028-04-01", "2028-04-01", jurisdictions=["JP"], scenarios=FIEA, currency="JPY",
                      parameters={"jp_fiea_reserve_accrual_rate": 0.00004})
    assert fiea_rows(result).loc[dt.date(2028, 4, 1), "amount"] == pytest.approx(0.00004 * 6e12)


def test_other_reserve_scenarios_held_in_full_from_the_assumed_start():
    result = timeline([TOKYO], "2027-01-01", "2027-07-01", step="quarter", jurisdictions=["JP"], currency="JPY")
    tl = result.timeline
    res = tl[tl["obligation"] == "liability_reserve"].set_index("date")
    one_day = compare([TOKYO], ["JP"], as_of="2027-04-01", currency="JPY", fx=fx_snapshot(dt.date(2027, 1, 1)))
    full = one_day.obligations.set_index("obligation").loc["liability_reserve", "amount"]
    assert not res.loc[dt.date(2027, 1, 1), "counted"]           # before 2027-04-01: upcoming, out of the totals
    assert res.loc[dt.date(2027, 4, 1), "counted"]
    assert res.loc[dt.date(2027, 4, 1), "amount"] == pytest.approx(full)  # the whole reserve, no phase-in
    assert any("held in full" in n for n in result.notes)


# -- UK: upcoming before 2027-10-25, counted from the first step on or after it ---------------------------
CUSTODIAN = make_profile(name="custodian", currency="GBP", services="custody", fixed_overheads=400_000,
                         client_crypto_assets=100_000_000)


def test_uk_custodian_upcoming_before_its_start_and_counted_after():
    # the real UK plug-in: uk.cryptopru enacted, applying from 2027-10-25 (rulebook, united_kingdom.md)
    assert [(r.status, r.in_force_from) for r in UnitedKingdom().regimes] == [("enacted", dt.date(2027, 10, 25))]
    result = timeline([CUSTODIAN], "2027-01-01", "2028-04-01", step="quarter", jurisdictions=["UK"],
                      currency="GBP")
    tl = result.timeline
    ofr = tl[tl["obligation"] == "own_funds_requirement"].set_index("date")
    # max(PMR 150,000, 0.25 × 400,000 = 100,000, 0.0004 × 100 m = 40,000) = 150,000 at every date
    assert (ofr["amount"] == 150_000).all()
    before = [dt.date(2027, 1, 1), dt.date(2027, 4, 1), dt.date(2027, 7, 1), dt.date(2027, 10, 1)]
    after = [dt.date(2028, 1, 1), dt.date(2028, 4, 1)]   # 2028-01-01: the first step on or after 2027-10-25
    assert not ofr.loc[before, "counted"].any()
    assert ofr.loc[after, "counted"].all()
    costs = result.costs.set_index("date")
    # out of the totals before: nothing tied up; from 2028-01-01 the comparison of that date
    assert dt.date(2027, 10, 1) not in costs.index   # no counted row: the market adds nothing that day
    same = compare([CUSTODIAN], ["UK"], as_of="2028-01-01", currency="GBP",
                   fx=fx_snapshot(dt.date(2027, 1, 1))).cost_summary(ranges=False, licence=False)
    assert costs.loc[dt.date(2028, 1, 1), "annual_cost"] == pytest.approx(same["annual_cost"].iloc[0])
    assert costs.loc[dt.date(2028, 1, 1), "resources_tied_up"] > 0
    changes = result.changes()
    assert changes.loc[changes["date"] == dt.date(2028, 1, 1), "change"].tolist() == ["uk.cryptopru starts to count"]


def test_real_uk_as_installed():
    """REAL UK as registered in this tree: once issue 15 makes it enacted from 2027-10-25, its rows are upcoming
    before and counted from 2028-01-01; while it is proposed with no start, it counts at every date (said)."""
    regime = discover().jurisdictions["UK"].regimes[0]
    result = timeline([CUSTODIAN], "2027-07-01", "2028-01-01", step="quarter", jurisdictions=["UK"], currency="GBP")
    counted = result.timeline.groupby("date")["counted"].all()
    if regime.status == "enacted":
        assert regime.in_force_from == dt.date(2027, 10, 25)
        assert counted.tolist() == [False, False, True]
    else:
        assert regime.status == "proposed" and regime.in_force_from is None
        assert counted.tolist() == [True, True, True]
        assert "uk.cryptopru (proposed) has no start date: counted at every date" in result.notes


# -- one date of the timeline is the comparison of that date -------------------------------------------------
PROFILES = str(EXAMPLES / "profiles.yaml")
SNAP = fx_snapshot(dt.date(2028, 1, 1))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(offset=st.integers(min_value=0, max_value=700), step=st.sampled_from(["year", "quarter"]))
def test_every_date_is_the_comparison_of_that_date(offset, step):
    # 2028-01-01 … 2030-12-31: every regime of JP, EU and HK already started (JP's proposal on 2027-04-01)
    start = dt.date(2028, 1, 1) + dt.timedelta(days=offset)
    end = min(start + dt.timedelta(days=200), dt.date(2030, 12, 31))
    result = timeline(PROFILES, start, end, step=step, jurisdictions=["JP", "EU", "HK"], scenarios=["central"],
                      fx=None)
    assert result.timeline["counted"].all()
    for day in result.dates:
        one = compare(PROFILES, ["JP", "EU", "HK"], as_of=day, fx=fx_snapshot(start))
        got = result.timeline[result.timeline["date"] == day].drop(columns=["date", "counted"])
        assert got.reset_index(drop=True).equals(one.obligations.reset_index(drop=True))
        cost = result.costs[result.costs["date"] == day].drop(columns=["date"]).reset_index(drop=True)
        want = one.cost_summary(ranges=False, licence=False)
        assert cost["annual_cost_ref"].tolist() == pytest.approx(want["annual_cost_ref"].tolist())


# -- growth, FX, plan starts ----------------------------------------------------------------------------------
def test_growth_moves_the_profile_and_is_said():
    # client crypto +10 %/yr: Japan's PGC = hot share × client crypto; 0.03 × 1 tn × 1.1² after two years
    result = timeline([TOKYO], "2026-01-01", "2028-01-01", jurisdictions=["JP"], currency="JPY",
                      growth={"tokyo": {"client_assets": 0.10}})
    tl = result.timeline
    pgc = tl[tl["obligation"] == "performance_guarantee_crypto"].set_index("date")["amount"]
    assert pgc[dt.date(2026, 1, 1)] == pytest.approx(0.03 * 1e12)
    assert pgc[dt.date(2028, 1, 1)] == pytest.approx(0.03 * 1e12 * 1.1 ** 2)
    assert result.notes[0].startswith("growth (assumed")
    plain = timeline([TOKYO], "2026-01-01", "2026-01-01", jurisdictions=["JP"], currency="JPY")
    assert plain.notes[0] == "no growth: every profile as given at every date"


def test_hot_share_path():
    result = timeline([TOKYO], "2026-01-01", "2028-01-01", jurisdictions=["JP"], currency="JPY",
                      growth={"all": {"hot_share": {dt.date(2027, 1, 1): 0.02}}})
    pgc = result.timeline[result.timeline["obligation"] == "performance_guarantee_crypto"].set_index("date")["amount"]
    assert pgc[dt.date(2026, 1, 1)] == pytest.approx(0.03 * 1e12)   # as given before the path's first date
    assert pgc[dt.date(2028, 1, 1)] == pytest.approx(0.02 * 1e12)


def test_growth_file_errors_name_file_and_field(tmp_path):
    bad = tmp_path / "growth.yaml"
    bad.write_text("all: {volumme: 0.1}\n")
    with pytest.raises(GrowthError, match=r"growth.yaml: all.volumme: unknown field.*volume"):
        load_growth(bad)
    bad.write_text("nobody: {volume: 0.1}\n")
    with pytest.raises(GrowthError, match="nobody: no profile of this name"):
        load_growth(bad, names=__import__("pandas").Series(["tokyo"]))
    bad.write_text("all: {volume: -2}\n")
    with pytest.raises(GrowthError, match=r"all.volume: -2 is not a yearly growth rate"):
        load_growth(bad)
    bad.write_text("all: {volume: 0.1}\n")
    out = xjur("timeline", PROFILES, "--from", "2026-01-01", "--to", "2027-01-01", "--growth",
               str(tmp_path / "missing.yaml"))
    assert out.returncode == 2 and "Traceback" not in out.stderr and "missing.yaml" in out.stderr


def test_fx_path_from_a_rates_file(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,per_eur\n2024-01-01,JPY,160\n2024-01-01,USD,1\n2026-01-01,JPY,200\n"
                     "2026-01-01,USD,1\n")
    result = timeline([TOKYO], "2025-01-01", "2026-01-01", jurisdictions=["JP"], fx=str(rates))
    cap = result.timeline[result.timeline["obligation"] == "minimum_capital"].set_index("date")["amount_ref"]
    assert cap[dt.date(2025, 1, 1)] == pytest.approx(10e6 / 160)   # JPY 10 m at 160 JPY per USD
    assert cap[dt.date(2026, 1, 1)] == pytest.approx(10e6 / 200)   # at 200 from 2026-01-01
    assert result.notes[1].startswith("FX path: rates file")


def test_plan_licence_start_counts_a_market_from_then():
    result = timeline([TOKYO], "2027-01-01", "2029-01-01", jurisdictions=["JP"], currency="JPY",
                      starts={"JP": "2028-06-30"})
    counted = result.timeline.groupby("date")["counted"].any()
    assert counted.tolist() == [False, False, True]   # 2027-01-01, 2028-01-01: not yet; 2029-01-01: counted


# -- outputs ---------------------------------------------------------------------------------------------------
def test_cli_json_is_contract_4():
    out = xjur("timeline", PROFILES, "--from", "2026-01-01", "--to", "2028-01-01", "-j", "JP", "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"timeline", "costs"}
    assert {r["date"] for r in data["timeline"]} == {"2026-01-01", "2027-01-01", "2028-01-01"}
    reserve = [r for r in data["timeline"] if r["obligation"] == "liability_reserve"]
    assert [r["counted"] for r in reserve if r["date"] == "2027-01-01"] == [False] * 6  # before 2027-04-01
    assert all(r["counted"] for r in reserve if r["date"] == "2028-01-01")
    assert {"date", "profile", "jurisdiction", "scenario", "annual_cost_ref"} <= set(data["costs"][0])


def test_cli_table_shows_notes_and_changes():
    out = xjur("timeline", PROFILES, "--from", "2024-01-01", "--to", "2026-01-01", "-j", "EU", "--step", "year")
    assert out.returncode == 0, out.stderr
    assert "no growth" in out.stdout and "What changes when" in out.stdout
    assert "eu.mica starts to count" in out.stdout   # MiCA applies from 2024-12-30


def test_timeline_chart_is_a_step_chart_coloured_by_market():
    from comparisons.report.charts import color_of, spec

    result = timeline(PROFILES, "2026-01-01", "2028-01-01", jurisdictions=["JP", "EU"])
    s = spec(result.chart())
    assert s["spec"]["mark"]["interpolate"] == "step-after"
    scale = s["spec"]["encoding"]["color"]["scale"]
    assert scale["range"] == [color_of(c) for c in scale["domain"]]


def test_plan_market_start_from_plan_yaml():
    from comparisons import plan

    group = make_profile(name="group", currency="JPY", services="custody;exchange_fiat;exchange_crypto",
                         annual_trading_volume=6e12, client_crypto_assets=1e12, hot_wallet_share=0.03,
                         own_funds=60e9, fixed_overheads=12e9, annual_operating_expenses=18e9)
    p = plan({"group": group, "currency": "JPY", "as_of": "2026-01-01",
              "markets": [{"jurisdiction": "JP", "share": 0.5, "start": "2028-06-30"}]})
    assert p.markets[0].start == dt.date(2028, 6, 30)
    result = p.timeline("2027-01-01", "2029-01-01")
    counted = result.timeline.groupby("date")["counted"].any()
    assert counted.tolist() == [False, False, True]
    # JP's PGC on half the group's crypto: 0.03 × 0.5 × 1 tn
    pgc = result.timeline[result.timeline["obligation"] == "performance_guarantee_crypto"]
    assert pgc["amount"].iloc[-1] == pytest.approx(0.03 * 0.5 * 1e12)


def test_plan_timeline_costs_with_the_plans_own_funding_mix():
    from comparisons import plan

    # an EU custodian whose prudential safeguards are cheapest insured (tests/test_costs_ranges.py); the plan fixes
    # them to own funds, and its timeline must cost them so: own_funds at 11.25 % (cost of equity 3 % + 11.25 %
    # less the 3 % earned: the EUR yield), not the insurance premium
    group = make_profile(name="group", currency="EUR", services="custody", fixed_overheads=3_000_000)
    p = plan({"group": group, "as_of": "2026-11-25", "markets": [{"jurisdiction": "EU", "share": 1.0}],
              "funding": {"EU": {"prudential_safeguards": {"own_funds": 1.0}}}})
    planned = p.costs[(p.costs["funded_amount"] > 0)]
    assert set(planned["form"]) == {"own_funds"}
    # MiCA Art. 67: a quarter of the fixed overheads, 0.25 × 3,000,000 = 750,000, × 11.25 % = EUR 84,375 a year
    assert planned["annual_cost"].sum() == pytest.approx(0.25 * 3_000_000 * 0.1125)
    result = p.timeline("2026-11-25", "2027-11-25")
    costs = result.costs.set_index("date")
    assert costs.loc[dt.date(2026, 11, 25), "annual_cost"] == pytest.approx(planned["annual_cost"].sum())
    default = plan({"group": group, "as_of": "2026-11-25", "markets": [{"jurisdiction": "EU", "share": 1.0}]})
    assert default.costs[default.costs["funded_amount"] > 0]["form"].eq("insurance").any()  # cheapest otherwise
    assert default.timeline("2026-11-25", "2027-11-25").costs.set_index("date").loc[
        dt.date(2026, 11, 25), "annual_cost"] != pytest.approx(planned["annual_cost"].sum())


def test_briefing_section_and_workbook_sheets(tmp_path):
    from openpyxl import load_workbook

    from comparisons.report.briefing import build_briefing, render_html
    from comparisons.report.workbook import write_workbook

    result = compare([TOKYO, CUSTODIAN], ["JP", "EU"], as_of="2026-11-25", currency="JPY",
                     scenarios=["central", "fiea_analogue"])
    b = build_briefing(result, with_stress=False, with_sensitivity=False, timeline_to="2029-12-31")
    assert b.timeline.dates == (dt.date(2026, 11, 25), dt.date(2027, 11, 25), dt.date(2028, 11, 25),
                                dt.date(2029, 11, 25))
    html = render_html(b, chart_mode="interactive")
    assert '<section id="timeline">' in html and "jp.liability_reserve starts to count" in html
    path = write_workbook(b, tmp_path / "b.xlsx")
    wb = load_workbook(path)
    assert {"Timeline", "What changes when", "Reserve build-up", "Timeline notes"} <= set(wb.sheetnames)
    # Tokyo's analogue balance on 2029-11-25: FY2027 and FY2028 ended, 2 × 0.00002 × 6 tn = JPY 240 m
    res = wb["Reserve build-up"]
    head = [c.value for c in res[1]]
    last = [dict(zip(head, [c.value for c in row])) for row in res.iter_rows(min_row=2)]
    tokyo = [r for r in last if r["profile"] == "tokyo" and r["date"] == "2029-11-25"]
    assert tokyo[0]["balance"] == pytest.approx(2 * 0.00002 * 6e12)
