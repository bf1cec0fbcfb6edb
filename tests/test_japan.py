"""Japan: worked examples computed by hand from PSA Arts. 63-11 and 63-11-2, CAESP CO Order Art. 27(2), the
CO Order's JPY 10 m capital floor, and the assumed liability-reserve form of rulebook §4.3/§4.5."""
from __future__ import annotations

import datetime as dt
import json
import math
import textwrap

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from comparisons import compare, explain, load_profiles
from comparisons.cli import app
from jurisdictions.framework import ParameterError, validate_frame
from jurisdictions.japan import jurisdiction as JAPAN
from jurisdictions.japan import rules
from tests.conftest import AS_OF, EXAMPLES, make_profile

BN = 1_000_000_000
TN = 1_000 * BN
PSA_OBLIGATIONS = ("minimum_capital", "performance_guarantee_crypto", "client_fiat_trust", "cold_storage_shortfall")


def jpy(**kw) -> dict:
    """A JPY profile (no FX on the way in)."""
    return make_profile(currency="JPY", **kw)


def jp_rows(*profiles, scenarios=("central",), as_of=AS_OF, **kw) -> pd.DataFrame:
    source = profiles[0] if len(profiles) == 1 and isinstance(profiles[0], pd.DataFrame) else list(profiles)
    result = compare(source, jurisdictions=["JP"], as_of=as_of, currency="JPY", scenarios=scenarios, **kw)
    return result.obligations.set_index(["profile", "obligation", "scenario"])


def reserve(rows: pd.DataFrame, name: str, scenario: str = "central") -> pd.Series:
    return rows.loc[(name, "liability_reserve", scenario)]


def psa(rows: pd.DataFrame, name: str, obligation: str) -> pd.Series:
    return rows.loc[(name, obligation, "")]


#: the brief's reference profile: JPY 300 bn of client crypto at 3 % hot, JPY 6 tn traded a year, no incidents
REF = dict(client_crypto_assets=300 * BN, hot_wallet_share=0.03, annual_trading_volume=6 * TN,
           own_funds=20 * BN, client_fiat=50 * BN)


# --- jp.psa ---------------------------------------------------------------------------------------------------

def test_performance_guarantee_and_cold_storage_at_3_and_8_percent_hot():
    rows = jp_rows(jpy(name="3%", client_crypto_assets=300 * BN, hot_wallet_share=0.03),
                   jpy(name="8%", client_crypto_assets=300 * BN, hot_wallet_share=0.08))
    # PSA Art. 63-11-2(1): 1 × 3 % × JPY 300 bn = JPY 9 bn of own same-kind crypto
    assert psa(rows, "3%", "performance_guarantee_crypto")["amount"] == pytest.approx(9 * BN)
    # CO Order Art. 27(2): max(0, 3 % − 5 %) × 300 bn = 0
    assert psa(rows, "3%", "cold_storage_shortfall")["amount"] == 0
    # 1 × 8 % × 300 bn = 24 bn
    assert psa(rows, "8%", "performance_guarantee_crypto")["amount"] == pytest.approx(24 * BN)
    # max(0, 8 % − 5 %) × 300 bn = 3 % × 300 bn = 9 bn to move to cold storage
    assert psa(rows, "8%", "cold_storage_shortfall")["amount"] == pytest.approx(9 * BN)
    assert psa(rows, "8%", "cold_storage_shortfall")["basis"] == (
        "max(0, 8 % hot − 5 % cap) × JPY 300,000,000,000 = JPY 9,000,000,000 to move to cold storage")
    assert psa(rows, "3%", "performance_guarantee_crypto")["basis"] == (
        "1 × 3 % hot × JPY 300,000,000,000 client crypto = JPY 9,000,000,000 (same-kind crypto)")


def test_exactly_at_the_five_percent_cap_there_is_no_shortfall():
    rows = jp_rows(jpy(name="p", client_crypto_assets=100 * BN, hot_wallet_share=0.05))
    assert psa(rows, "p", "cold_storage_shortfall")["amount"] == 0  # max(0, 5 % − 5 %) × 100 bn = 0
    assert psa(rows, "p", "performance_guarantee_crypto")["amount"] == pytest.approx(5 * BN)  # 5 % × 100 bn


def test_minimum_capital_and_client_fiat_trust():
    rows = jp_rows(jpy(name="p", client_fiat=250 * BN, own_funds=1 * BN))
    cap = psa(rows, "p", "minimum_capital")
    assert cap["amount"] == 10_000_000  # CO Order Art. 9: JPY 10 m paid-in capital
    assert cap["basis"] == "paid-in capital ≥ JPY 10,000,000 and net assets ≥ JPY 0 = JPY 10,000,000"
    assert (cap["category"], cap["funding_forms"]) == ("capital", "own_funds")
    fiat = psa(rows, "p", "client_fiat_trust")
    assert fiat["amount"] == 250 * BN  # PSA Art. 63-11(1): 100 % × JPY 250 bn in trust
    assert (fiat["category"], fiat["funding_forms"], fiat["citation"]) == ("client_money", "trust_funds",
                                                                           "PSA Art. 63-11(1)")


def test_psa_rows_metadata():
    rows = jp_rows(jpy(name="p", **REF))
    expected = {
        "minimum_capital": ("capital", "own_funds", "Art. 63-5"),
        "performance_guarantee_crypto": ("loss_cover", "same_kind_crypto", "Art. 63-11-2(1)"),
        "client_fiat_trust": ("client_money", "trust_funds", "Art. 63-11(1)"),
        "cold_storage_shortfall": ("custody", "segregation", "Art. 27(2)"),
    }
    for ob, (category, forms, cite) in expected.items():
        row = psa(rows, "p", ob)
        assert (row["regime"], row["status"], row["currency"]) == ("jp.psa", "in_force", "JPY")
        assert (row["category"], row["funding_forms"]) == (category, forms)
        assert cite in row["citation"]


def test_before_2020_05_01_psa_rows_are_blank_but_the_reserve_is_still_a_what_if():
    before = jp_rows(jpy(name="p", **REF), as_of="2020-04-30")
    after = jp_rows(jpy(name="p", **REF), as_of="2020-05-01")
    for ob in PSA_OBLIGATIONS:
        row = psa(before, "p", ob)
        assert math.isnan(row["amount"])
        assert "applies from 2020-05-01" in row["reason"]
        assert not math.isnan(psa(after, "p", ob)["amount"])
    # the proposal is evaluated whatever the date: same JPY 4.11 bn on 2020-04-30, today and in 2030
    later = jp_rows(jpy(name="p", **REF), as_of="2030-01-01")
    for rows in (before, after, later):
        assert reserve(rows, "p")["amount"] == pytest.approx(4.11 * BN)


# --- jp.liability_reserve -------------------------------------------------------------------------------------

def test_central_reserve_worked_example():
    rows = jp_rows(jpy(name="p", **REF))
    row = reserve(rows, "p")
    # cold client crypto = (1 − 0.03) × 300 bn = 291 bn
    # 0.0002 × 6 tn + 0.01 × 291 bn = 1.2 bn + 2.91 bn = 4.11 bn; between floor 0.2 bn and cap 40 bn; + 0.5 × 0
    assert row["amount"] == pytest.approx(4.11 * BN)
    assert row["basis"] == (
        "min(JPY 40,000,000,000, max(JPY 200,000,000, 0.0002 × JPY 6,000,000,000,000 + 0.01 × "
        "JPY 291,000,000,000)) + 0.5 × JPY 0 = JPY 4,110,000,000"
    )
    assert (row["regime"], row["category"], row["funding_forms"]) == ("jp.liability_reserve", "loss_cover",
                                                                      "own_funds;insurance")
    assert row["status"] == "assumed"


def test_low_and_high_reserve():
    rows = jp_rows(jpy(name="p", **REF), scenarios=("all",))
    # low: 0.0001 × 6 tn + 0.0025 × 291 bn = 0.6 bn + 0.7275 bn = 1.3275 bn
    assert reserve(rows, "p", "low")["amount"] == pytest.approx(1.3275 * BN)
    # high: 0.0005 × 6 tn + 0.03 × 291 bn = 3 bn + 8.73 bn = 11.73 bn (no cap)
    high = reserve(rows, "p", "high")
    assert high["amount"] == pytest.approx(11.73 * BN)
    assert high["basis"] == (
        "max(JPY 500,000,000, 0.0005 × JPY 6,000,000,000,000 + 0.03 × JPY 291,000,000,000) + 1 × JPY 0 "
        "= JPY 11,730,000,000 (no cap)"
    )
    # "all": the three assumed scenarios and the securities analogue
    assert sorted(rows.xs("liability_reserve", level="obligation").index.get_level_values("scenario")) == [
        "central", "fiea_analogue", "high", "low"]


def test_one_reserve_row_per_scenario_asked_for():
    rows = jp_rows(jpy(name="p", **REF), scenarios=("high",))
    scen = rows.xs("liability_reserve", level="obligation").index.get_level_values("scenario")
    assert list(scen) == ["high"]


def test_floor_binds_for_a_small_firm():
    rows = jp_rows(jpy(name="small", annual_trading_volume=1 * BN, client_crypto_assets=1 * BN), scenarios=("all",))
    # central: 0.0002 × 1 bn + 0.01 × 1 bn = 0.2 m + 10 m = 10.2 m < floor 200 m → 200 m
    assert reserve(rows, "small", "central")["amount"] == 200_000_000
    # low: 0.1 m + 2.5 m = 2.6 m < 100 m → 100 m; high: 0.5 m + 30 m = 30.5 m < 500 m → 500 m
    assert reserve(rows, "small", "low")["amount"] == 100_000_000
    assert reserve(rows, "small", "high")["amount"] == 500_000_000


def test_cap_binds_in_low_and_central_not_in_high():
    big = jpy(name="big", annual_trading_volume=200 * TN, client_crypto_assets=2 * TN, hot_wallet_share=0.02)
    rows = jp_rows(big, scenarios=("all",))
    # cold = 0.98 × 2 tn = 1.96 tn
    # central: 0.0002 × 200 tn + 0.01 × 1.96 tn = 40 bn + 19.6 bn = 59.6 bn > cap 40 bn → 40 bn
    assert reserve(rows, "big", "central")["amount"] == pytest.approx(40 * BN)
    # low: 20 bn + 4.9 bn = 24.9 bn < 40 bn (cap does not bind)
    assert reserve(rows, "big", "low")["amount"] == pytest.approx(24.9 * BN)
    # high: 100 bn + 58.8 bn = 158.8 bn (no cap)
    assert reserve(rows, "big", "high")["amount"] == pytest.approx(158.8 * BN)


def test_incident_term_is_added_after_the_cap():
    rows = jp_rows(jpy(name="p", recent_incident_losses=2 * BN, **REF),
                   jpy(name="capped", annual_trading_volume=300 * TN, recent_incident_losses=2 * BN),
                   scenarios=("all",))
    # central: 4.11 bn + 0.5 × 2 bn = 5.11 bn
    assert reserve(rows, "p", "central")["amount"] == pytest.approx(5.11 * BN)
    # low: 1.3275 bn + 0.25 × 2 bn = 1.8275 bn; high: 11.73 bn + 1.0 × 2 bn = 13.73 bn
    assert reserve(rows, "p", "low")["amount"] == pytest.approx(1.8275 * BN)
    assert reserve(rows, "p", "high")["amount"] == pytest.approx(13.73 * BN)
    # capped: min(40 bn, 0.0002 × 300 tn = 60 bn) + 0.5 × 2 bn = 41 bn (above the cap by the incident term)
    assert reserve(rows, "capped", "central")["amount"] == pytest.approx(41 * BN)
    assert reserve(rows, "capped", "central")["basis"].endswith("+ 0.5 × JPY 2,000,000,000 = JPY 41,000,000,000")


def test_incidents_in_yaml_derive_recent_incident_losses(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(textwrap.dedent("""\
        profiles:
          - name: hacked
            currency: JPY
            services: [custody, exchange_fiat]
            client_crypto_assets: 300_000_000_000
            hot_wallet_share: 0.03
            client_fiat: 0
            annual_trading_volume: 6_000_000_000_000
            fixed_overheads: 0
            annual_operating_expenses: 0
            own_funds: 20_000_000_000
            incidents:
              - {date: 2025-06-10, customer_loss: 1_500_000_000, wallet: hot, description: theft}
              - {date: 2026-02-01, customer_loss: 500_000_000, wallet: cold}
        """), encoding="utf-8")
    frame = load_profiles(f)
    assert frame["recent_incident_losses"].iloc[0] == 2 * BN  # 1.5 bn + 0.5 bn
    rows = jp_rows(frame)
    # 4.11 bn + 0.5 × 2 bn = 5.11 bn
    assert reserve(rows, "hacked")["amount"] == pytest.approx(5.11 * BN)
    assert "+ 0.5 × JPY 2,000,000,000 = JPY 5,110,000,000" in reserve(rows, "hacked")["basis"]


def test_non_jpy_profile_is_converted_before_the_rules():
    from comparisons.compare import fx_snapshot

    jpy_per_usd = fx_snapshot(AS_OF).rate("USD", "JPY")
    usd = make_profile(name="usd", currency="USD", client_crypto_assets=300 * BN / jpy_per_usd, hot_wallet_share=0.03,
                       annual_trading_volume=6 * TN / jpy_per_usd)
    rows = jp_rows(usd)
    assert reserve(rows, "usd")["amount"] == pytest.approx(4.11 * BN, rel=1e-9)
    assert reserve(rows, "usd")["currency"] == "JPY"


def test_reserve_parameters_carry_assumed_status_and_reasoning():
    params = JAPAN.parameters()
    for pid in ("jp_reserve_rate_volume", "jp_reserve_rate_cold_aum", "jp_reserve_floor", "jp_reserve_cap",
                "jp_reserve_incident_factor", "jp_reserve_insurance_share_max"):
        v = params.latest(pid)
        assert v.status == "assumed"
        # the three assumed scenarios; the insurance share also names the securities analogue's (none)
        assert set(v.scenarios) - {"fiea_analogue"} == {"low", "central", "high"}
        assert "ASSUMPTION" in v.note
    notes = " ".join(params.latest(p).note for p in params.ids())
    for evidence in ("2–40 bn", "Coincheck", "58 bn", "DMM Bitcoin", "48.2 bn", "JPY 5 tn"):
        assert evidence in notes
    assert params.latest("jp_reserve_cap").number("high") == math.inf  # null = no cap
    assert params.latest("jp_reserve_insurance_share_max").number("central") == 0.5


def test_reserve_spec_and_regime():
    spec = JAPAN.spec("liability_reserve")
    assert spec.scenarios and spec.absorbs == "any" and spec.category == "loss_cover"
    assert spec.form_caps == (("insurance", "jp_reserve_insurance_share_max"),)
    assert spec.funding_forms == ("own_funds", "insurance")
    assert JAPAN.spec("performance_guarantee_crypto").absorbs == "hot"
    assert JAPAN.spec("minimum_capital").absorbs == ""
    r = JAPAN.regime("jp.liability_reserve")
    assert r.status == "proposed" and "2026-04-10" in r.start_note and "FY2027" in r.start_note
    assert JAPAN.regime("jp.psa").in_force_from == dt.date(2020, 5, 1)


def test_proposal_note_names_the_assumed_start():
    result = compare([jpy(name="p", **REF)], jurisdictions=["JP"], as_of=AS_OF)
    notes = [w["message"] for w in result.warnings if w.get("level") == "note"]
    # the rulebook's dates: Cabinet approval 2026-04-10, start expected in FY2027, Diet passage unknown
    assert any("jp.liability_reserve" in m and "approved by the Cabinet on 2026-04-10" in m and "FY2027" in m
               and "passage not known" in m for m in notes)


def test_in_force_only_leaves_the_reserve_out():
    rows = jp_rows(jpy(name="p", **REF), scenarios=("all",), in_force_only=True)
    assert set(rows.index.get_level_values("obligation")) == set(PSA_OBLIGATIONS)


def test_user_parameter_file_changes_the_reserve(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(textwrap.dedent("""\
        jp_reserve_rate_volume:
          values:
            - effective_from: 2027-04-01
              value: 0.001
              status: assumed
              citation: my own view of the FSA's formula
        """), encoding="utf-8")
    rows = jp_rows(jpy(name="p", **REF), scenarios=("all",), parameters=str(f))
    # every scenario: a = 0.001; central: 0.001 × 6 tn + 0.01 × 291 bn = 6 bn + 2.91 bn = 8.91 bn
    assert reserve(rows, "p", "central")["amount"] == pytest.approx(8.91 * BN)
    # low: 6 bn + 0.0025 × 291 bn = 6.7275 bn
    assert reserve(rows, "p", "low")["amount"] == pytest.approx(6.7275 * BN)


def test_parameter_file_with_scenarios_and_no_cap(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(textwrap.dedent("""\
        jp_reserve_cap:
          values:
            - effective_from: 2020-01-01
              scenarios: {low: 1000000000, central: 2000000000, high: null}
              status: assumed
              citation: test
        """), encoding="utf-8")
    rows = jp_rows(jpy(name="p", **REF), scenarios=("all",), parameters=str(f))
    assert reserve(rows, "p", "central")["amount"] == pytest.approx(2 * BN)  # min(2 bn, 4.11 bn)
    assert reserve(rows, "p", "low")["amount"] == pytest.approx(1 * BN)  # min(1 bn, 1.3275 bn)
    assert reserve(rows, "p", "high")["amount"] == pytest.approx(11.73 * BN)


# --- warnings ----------------------------------------------------------------------------------------------

def jp_warnings(*profiles) -> dict[str, list[str]]:
    result = compare(list(profiles), jurisdictions=["JP"], as_of=AS_OF, currency="JPY")
    out: dict[str, list[str]] = {}
    for w in result.warnings:
        if w["jurisdiction"] == "JP" and w["profile"]:
            out.setdefault(w["profile"], []).append(w["message"])
    return out


def test_warnings_for_low_own_funds_pgc_and_hot_share():
    w = jp_warnings(
        jpy(name="fine", own_funds=20 * BN, client_crypto_assets=300 * BN, hot_wallet_share=0.03),
        jpy(name="thin", own_funds=5_000_000),
        jpy(name="negative", own_funds=-1),
        jpy(name="pgc", own_funds=8 * BN, client_crypto_assets=300 * BN, hot_wallet_share=0.03),  # 8 bn < 9 bn
        jpy(name="hot", own_funds=30 * BN, client_crypto_assets=300 * BN, hot_wallet_share=0.08),
    )
    assert "fine" not in w
    assert w["thin"] == ["own funds JPY 5,000,000 are below the minimum paid-in capital JPY 10,000,000 "
                         "(CO Order on exchange providers Art. 9; PSA Art. 63-5(1)(iii))"]
    assert len(w["negative"]) == 1 and "negative" in w["negative"][0]
    assert w["pgc"] == ["net assets (own funds) JPY 8,000,000,000 are below the value of the performance-guarantee "
                        "crypto JPY 9,000,000,000 (JVCEA Financial Management Rule)"]
    # 8 % > 5 %: (8 % − 5 %) × 300 bn = 9 bn to move; own funds 30 bn ≥ PGC 24 bn, so no JVCEA warning
    assert w["hot"] == ["hot share 8 % above the 5 % cap: JPY 9,000,000,000 must move to cold storage "
                        "(CAESP CO Order Art. 27(2))"]


def test_no_psa_warnings_before_the_regime():
    result = compare([jpy(name="thin", own_funds=-5)], jurisdictions=["JP"], as_of="2019-01-01", currency="JPY")
    assert not [w for w in result.warnings if w["profile"] == "thin"]


# --- explain --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("obligation, number_in_basis", [
    ("minimum_capital", "JPY 10,000,000"),
    ("performance_guarantee_crypto", "JPY 24,000,000,000"),  # 8 % × 300 bn
    ("client_fiat_trust", "JPY 50,000,000,000"),
    ("cold_storage_shortfall", "JPY 9,000,000,000"),  # (8 % − 5 %) × 300 bn
    ("liability_reserve", "JPY 6,000,000,000,000"),
])
def test_explain_every_obligation(obligation, number_in_basis):
    p = jpy(name="p", **{**REF, "hot_wallet_share": 0.08})
    ex = explain([p], "p", "JP", obligation, as_of=AS_OF, currency="JPY")
    assert ex.formula and ex.citation
    assert len(ex.rows) == (4 if obligation == "liability_reserve" else 1)  # low, central, high, fiea_analogue
    assert all(number_in_basis in b for b in ex.rows["basis"])
    assert not ex.parameters.empty
    for col in ("effective_from", "status", "citation", "note", "value"):
        assert (ex.parameters[col] != "").all(), col
    assert set(ex.inputs) == set(JAPAN.spec(obligation).inputs)
    if obligation == "liability_reserve":
        securities = ex.parameters["id"].str.startswith("jp_fiea_")  # the analogue's rates: in force for securities
        assert (ex.parameters.loc[~securities, "status"] == "assumed").all()
        assert set(ex.parameters.loc[securities, "status"]) == {"in_force"}
        assert ex.parameters.set_index("id").loc["jp_reserve_cap", "value"] == (
            "low: 40000000000, central: 40000000000, high: none")


# --- CLI ---------------------------------------------------------------------------------------------------

runner = CliRunner()


def cli_json(*args: str) -> dict:
    r = runner.invoke(app, ["compare", str(EXAMPLES / "profiles.yaml"), "-j", "JP", "--as-of", AS_OF.isoformat(),
                            "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_cli_statuses_of_every_row():
    doc = cli_json("--scenario", "all")
    rows = doc["obligations"]
    reserve_rows = [r for r in rows if r["regime"] == "jp.liability_reserve"]
    psa_rows = [r for r in rows if r["regime"] == "jp.psa"]
    assert len(reserve_rows) == 6 * 4 and len(psa_rows) == 6 * 4  # 6 example profiles × 4 scenarios / obligations
    assert {r["status"] for r in reserve_rows} <= {"proposed", "assumed"}
    assert {r["scenario"] for r in reserve_rows} == {"low", "central", "high", "fiea_analogue"}
    assert {r["status"] for r in psa_rows} == {"in_force"}
    tokyo = {r["scenario"]: r["amount"] for r in reserve_rows if r["profile"].startswith("Tokyo")}
    # Tokyo: cold = 0.97 × 1.2 tn = 1,164 bn; central 0.0002 × 6 tn + 0.01 × 1,164 bn = 1.2 + 11.64 = 12.84 bn
    assert tokyo["central"] == pytest.approx(12.84 * BN)
    # Osaka (8 % hot, incident 1.5 bn): central 0.0002 × 0.9 tn + 0.01 × 138 bn + 0.5 × 1.5 bn = 0.18 + 1.38 + 0.75
    osaka = {r["scenario"]: r["amount"] for r in reserve_rows if r["profile"].startswith("Osaka")}
    assert osaka["central"] == pytest.approx(2.31 * BN)


def test_cli_parameters_file_changes_the_result(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("jp_reserve_rate_cold_aum:\n  values:\n    - {effective_from: 2027-04-01, value: 0.02, "
                 "status: assumed, citation: test}\n", encoding="utf-8")
    base = cli_json()
    changed = cli_json("--parameters", str(f))

    def tokyo(doc):
        return next(r["amount"] for r in doc["obligations"]
                    if r["profile"].startswith("Tokyo") and r["obligation"] == "liability_reserve")
    assert tokyo(base) == pytest.approx(12.84 * BN)
    # 0.0002 × 6 tn + 0.02 × 1,164 bn = 1.2 bn + 23.28 bn = 24.48 bn
    assert tokyo(changed) == pytest.approx(24.48 * BN)


def test_cli_in_force_only_drops_the_reserve_rows():
    doc = cli_json("--scenario", "all", "--in-force-only")
    assert {r["regime"] for r in doc["obligations"]} == {"jp.psa"}
    assert not any("jp.liability_reserve" in w["message"] for w in doc["warnings"])


def test_cli_warnings_for_low_own_funds(tmp_path):
    f = tmp_path / "thin.yaml"
    f.write_text(textwrap.dedent("""\
        profiles:
          - {name: thin, currency: JPY, services: [custody], client_crypto_assets: 1_000_000_000,
             hot_wallet_share: 0.04, client_fiat: 0, annual_trading_volume: 0, fixed_overheads: 0,
             annual_operating_expenses: 0, own_funds: 3_000_000}
        """), encoding="utf-8")
    r = runner.invoke(app, ["compare", str(f), "-j", "JP", "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert r.exit_code == 0, r.output
    msgs = [w["message"] for w in json.loads(r.stdout)["warnings"] if w["profile"] == "thin"]
    # own funds 3 m < 10 m capital; and < PGC 4 % × 1 bn = 40 m
    assert any("below the minimum paid-in capital JPY 10,000,000" in m for m in msgs)
    assert any("performance-guarantee crypto JPY 40,000,000" in m for m in msgs)
    # the example file: Osaka's own funds JPY 6 bn < PGC 8 % × 150 bn = 12 bn
    doc = cli_json()
    assert any(w["profile"].startswith("Osaka") and "JPY 12,000,000,000" in w["message"] for w in doc["warnings"])


def test_cli_explain_json_for_the_reserve():
    r = runner.invoke(app, ["explain", str(EXAMPLES / "profiles.yaml"), "-j", "JP", "--obligation", "liability_reserve",
                            "-p", "Tokyo large exchange (illustrative)", "--as-of", AS_OF.isoformat(), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [row["scenario"] for row in doc["rows"]] == ["low", "central", "high", "fiea_analogue"]
    assert doc["rows"][1]["basis"].endswith("= JPY 12,840,000,000")
    assert {p["id"] for p in doc["parameters"]} >= {"jp_reserve_rate_volume", "jp_reserve_insurance_share_max"}


# --- properties -----------------------------------------------------------------------------------------

money = st.floats(min_value=0, max_value=5e14, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)


def reserves(frame_rows: list[dict]) -> pd.DataFrame:
    """Reserve amounts by profile (rows) and scenario (columns), all three scenarios at once."""
    ob = compare(frame_rows, jurisdictions=["JP"], as_of=AS_OF, currency="JPY", scenarios=("all",)).obligations
    ob = ob[ob["obligation"] == "liability_reserve"]
    return ob.pivot(index="profile", columns="scenario", values="amount")


@settings(max_examples=40, deadline=None)
@given(volume=money, assets=money, hot=share, incidents=money, more_volume=money, more_assets=money,
       more_incidents=money)
def test_reserve_is_ordered_and_never_falls(volume, assets, hot, incidents, more_volume, more_assets, more_incidents):
    base = jpy(name="base", annual_trading_volume=volume, client_crypto_assets=assets, hot_wallet_share=hot,
               recent_incident_losses=incidents)
    r = reserves([
        base,
        dict(base, name="volume", annual_trading_volume=volume + more_volume),
        dict(base, name="assets", client_crypto_assets=assets + more_assets),
        dict(base, name="incidents", recent_incident_losses=incidents + more_incidents),
    ])
    assert (r["low"] <= r["central"]).all() and (r["central"] <= r["high"]).all()
    for name in ("volume", "assets", "incidents"):
        assert (r.loc[name] >= r.loc["base"]).all(), name


@settings(max_examples=40, deadline=None)
@given(volume=money, assets=money, hot=share)
def test_before_the_incident_term_reserve_is_between_floor_and_cap(volume, assets, hot):
    r = reserves([jpy(name="p", annual_trading_volume=volume, client_crypto_assets=assets, hot_wallet_share=hot)])
    params = JAPAN.parameters()
    for sc in ("low", "central", "high"):
        floor = params.latest("jp_reserve_floor").number(sc)
        cap = params.latest("jp_reserve_cap").number(sc)
        assert floor <= r.loc["p", sc] <= cap


@settings(max_examples=40, deadline=None)
@given(volume=money, assets=money, hot=share, incidents=money)
def test_reserve_is_bounded_term_plus_incident_term(volume, assets, hot, incidents):
    # R = min(cap, max(floor, a × volume + b × cold)) + c × incidents: with incidents the reserve is the same
    # profile's reserve without them plus c × incidents, and that part stays between floor and cap
    with_inc = reserves([jpy(name="p", annual_trading_volume=volume, client_crypto_assets=assets, hot_wallet_share=hot,
                             recent_incident_losses=incidents)])
    without = reserves([jpy(name="p", annual_trading_volume=volume, client_crypto_assets=assets, hot_wallet_share=hot)])
    params = JAPAN.parameters()
    for sc in ("low", "central", "high"):
        c = params.latest("jp_reserve_incident_factor").number(sc)
        floor, cap = (params.latest(pid).number(sc) for pid in ("jp_reserve_floor", "jp_reserve_cap"))
        assert floor <= without.loc["p", sc] <= cap
        assert with_inc.loc["p", sc] == pytest.approx(without.loc["p", sc] + c * incidents)


def test_reading_psa_parameters_before_their_first_date_is_an_error():
    with pytest.raises(ParameterError, match="first value applies from 2020-05-01"):
        JAPAN.parameters().at("jp_pgc_ratio", dt.date(2019, 12, 31))


# --- scenario fiea_analogue: the securities-firm reserve on crypto volume (rulebook japan.md §4.2, §4.5) ---------

def test_fiea_analogue_on_six_trillion_of_volume():
    rows = jp_rows(jpy(name="p", annual_trading_volume=6 * TN), scenarios=("fiea_analogue",))
    row = reserve(rows, "p", "fiea_analogue")
    # ceiling = 0.00008 × JPY 6 tn = JPY 480 m (CO Order Art. 175(1)(ii)); no floor, cap or incident term
    assert row["amount"] == pytest.approx(0.00008 * 6 * TN) == 480_000_000
    # first-year accrual = 0.00002 × JPY 6 tn = JPY 120 m (Art. 175(1)(i)), shown in the basis
    assert "first-year accrual 0.00002 × JPY 6,000,000,000,000 = JPY 120,000,000" in row["basis"]
    # the analogy is assumed; the securities rates are flagged † (not verified against the primary text)
    assert row["status"] == "assumed" and row["citation"].endswith(" †")


def test_fiea_analogue_ceiling_follows_the_peak_volume():
    rows = jp_rows(jpy(name="p", annual_trading_volume=6 * TN, peak_annual_trading_volume=9 * TN),
                   scenarios=("fiea_analogue",))
    # 0.00008 × JPY 9 tn peak = JPY 720 m; the accrual still reads this year's JPY 6 tn (JPY 120 m)
    row = reserve(rows, "p", "fiea_analogue")
    assert row["amount"] == pytest.approx(720_000_000)
    assert "= JPY 120,000,000" in row["basis"]


def test_all_scenarios_give_four_reserve_rows():
    rows = jp_rows(jpy(name="p", **REF), scenarios=("all",))
    assert sorted(rows.xs("liability_reserve", level="obligation").index.get_level_values("scenario")) == [
        "central", "fiea_analogue", "high", "low"]


@settings(max_examples=40, deadline=None)
@given(volume=money, peak_extra=money, assets=money, hot=share, incidents=money, k=st.floats(0.1, 10))
def test_fiea_analogue_depends_on_the_peak_volume_alone(volume, peak_extra, assets, hot, incidents, k):
    peak = volume + peak_extra
    base = dict(annual_trading_volume=volume, peak_annual_trading_volume=peak)
    r = reserves([jpy(name="a", **base),
                  jpy(name="b", **base, client_crypto_assets=assets, hot_wallet_share=hot,
                      recent_incident_losses=incidents),
                  jpy(name="c", annual_trading_volume=volume * k, peak_annual_trading_volume=peak * k)])
    # unchanged by client assets, hot share or incidents; linear in the peak volume
    assert r.loc["b", "fiea_analogue"] == r.loc["a", "fiea_analogue"] == pytest.approx(0.00008 * peak)
    assert r.loc["c", "fiea_analogue"] == pytest.approx(k * r.loc["a", "fiea_analogue"], rel=1e-9, abs=1e-6)


def test_note_no_compensation_scheme_covers_crypto_in_japan():
    result = compare([make_profile(name="x", currency="JPY")], jurisdictions=["JP"], as_of=AS_OF)
    notes = [w["message"] for w in result.warnings if w["jurisdiction"] == "JP" and w["profile"] == ""]
    (note,) = [m for m in notes if "compensation scheme" in m]
    assert note.startswith("no public compensation scheme covers crypto-assets in Japan")
    assert "JPY 10,000,000 each" in note  # the JIPF covers securities customers up to JPY 10 m
