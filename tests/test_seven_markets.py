"""All built-in markets side by side (the seven first ones, the US and five more): `xjur compare
examples/profiles.yaml` with every market through the CLI (typer CliRunner) and through the Python API."""
from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from comparisons import compare
from comparisons.cli import app
from jurisdictions.framework import CATEGORIES, COLUMNS, FUNDING_FORMS, discover
from tests.conftest import AS_OF, EXAMPLES

CODES = ["JP", "EU", "HK", "KR", "SG", "AE", "UK", "US", "BR", "CA", "CH", "AU", "TH"]
NEW = {"KR": "KRW", "SG": "SGD", "AE": "AED", "UK": "GBP", "US": "USD", "BR": "BRL", "CA": "CAD", "CH": "CHF",
       "AU": "AUD", "TH": "THB"}
PROFILES = str(EXAMPLES / "profiles.yaml")
ARGS = ["compare", PROFILES, *[x for c in CODES for x in ("-j", c)], "--as-of", AS_OF.isoformat()]


@pytest.fixture(scope="module")
def result():
    return compare(PROFILES, jurisdictions=CODES, as_of=AS_OF, currency="USD")


def test_all_plugins_load():
    reg = discover()
    assert set(CODES) <= set(reg.codes()), reg.errors
    assert not {c: e for c, e in reg.errors.items() if c in CODES}


def test_cli_json_lines_up_all_markets_for_every_profile():
    r = CliRunner().invoke(app, [*ARGS, "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    rows = doc["obligations"]
    names = {row["profile"] for row in rows}
    assert len(names) == 6
    for name in names:
        assert {row["jurisdiction"] for row in rows if row["profile"] == name} == set(CODES)
    for row in rows:
        assert set(COLUMNS) <= set(row)
        assert row["category"] in CATEGORIES
        assert set(row["funding_forms"]) <= set(FUNDING_FORMS)
        assert row["status"] in ("in_force", "guidance", "enacted", "proposed", "assumed")  # enacted: US GENIUS Act
        if row["amount"] is None:
            assert row["reason"]
        else:
            assert row["amount"] >= 0
            assert row["citation"] and row["basis"]
    for code, ccy in NEW.items():
        assert {row["currency"] for row in rows if row["jurisdiction"] == code} == {ccy}
    # the UK's final rules apply later: flagged as upcoming, with the start date
    assert any(w["jurisdiction"] == "UK" and "enacted" in w["message"] and "2027-10-25" in w["message"]
               for w in doc["warnings"])


def test_cli_table_has_a_column_per_market(tmp_path):
    out = tmp_path / "table.txt"  # written at a fixed width, whatever the terminal
    r = CliRunner().invoke(app, [*ARGS, "--output", str(out)])
    assert r.exit_code == 0, r.output
    # the first profile's table: its header lines (one per block of markets that fits the width), in order
    lines = out.read_text(encoding="utf-8").split("Osaka mid-size exchange")[0].splitlines()
    header = " ".join(line for line in lines if line.startswith("┃ category"))
    for code, ccy in [("JP", "JPY"), ("EU", "EUR"), ("HK", "HKD"), *NEW.items()]:
        assert header.count(f"{code} ({ccy})") == 1
    assert header.index("JP (JPY)") < header.index("KR (KRW)") < header.index("UK (GBP)") < header.index(
        "AU (AUD)") < header.index("TH (THB)")  # in the order asked


def test_api_side_by_side_has_a_column_per_market_in_order(result):
    wide = result.side_by_side()
    assert list(wide.columns) == CODES
    frankfurt = wide.loc["Frankfurt CASP (illustrative)"]
    # every market has a capital row for a full-service exchange except South Korea and Canada (no capital rule
    # in the rulebook: Canada's dealer capital is CIRO's risk-adjusted capital, not modelled)
    capital = frankfurt.loc["capital"].notna().any()
    none = ("KR", "CA")
    assert capital[[c for c in CODES if c not in none]].all() and not capital[list(none)].any()


def test_amount_ref_is_the_local_amount_at_the_comparison_rate(result):
    ob = result.obligations.dropna(subset=["amount"])
    for code, ccy in NEW.items():
        part = ob[ob["jurisdiction"] == code]
        assert len(part)
        assert part["amount_ref"].to_numpy() == pytest.approx(part["amount"].to_numpy() * result.fx.rate(ccy, "USD"))


def test_frankfurt_hand_checks_across_the_new_markets(result):
    ob = result.obligations.set_index(["profile", "jurisdiction", "obligation"])["amount"]
    f = "Frankfurt CASP (illustrative)"
    # Frankfurt: EUR 3 bn client crypto, 5 % hot, EUR 60 m fixed overheads, EUR 90 m opex
    # KR: max(KRW 3 bn, 0.05 × 0.05 × 3 bn EUR in KRW)
    krw = result.fx.rate("EUR", "KRW")
    assert ob[(f, "KR", "hot_wallet_cover")] == pytest.approx(max(3e9, 0.05 * 0.05 * 3e9 * krw))
    # SG: 5 % hot ≤ 10 % expected by MAS → nothing to move
    assert ob[(f, "SG", "cold_storage_shortfall")] == 0
    # AE: Exchange + Custody + VA Transfer and Settlement, each 0.25 × FAO (EUR 60 m in AED = far above the floors)
    aed = result.fx.rate("EUR", "AED")
    assert ob[(f, "AE", "paid_up_capital")] == pytest.approx(3 * 0.25 * 60e6 * aed)
    # AE: 1.2 × (EUR 90 m / 12) in AED
    assert ob[(f, "AE", "net_liquid_assets")] == pytest.approx(1.2 * 90e6 / 12 * aed)
    # UK: max(PMR 750 k, FOR 0.25 × 60 m EUR, KFR 0.0004 × 3 bn EUR) in GBP = FOR
    gbp = result.fx.rate("EUR", "GBP")
    assert ob[(f, "UK", "own_funds_requirement")] == pytest.approx(max(750_000, 0.25 * 60e6 * gbp, 0.0004 * 3e9 * gbp))
    # AU: no annual_revenue in the example: the RG 166 benchmark is its AUD 10 m floor (assumed for platforms)
    assert ob[(f, "AU", "custodial_nta_benchmark")] == 10_000_000
    # TH: holds client assets → THB 25 m net capital; EUR 3 bn is far above THB 1 bn, so ≤ 10 % hot: 5 % complies
    assert ob[(f, "TH", "minimum_net_capital")] == 25_000_000
    assert ob[(f, "TH", "cold_storage_shortfall")].tolist() == [0, 0]  # th.sec 10 % cap, proposal 5 % cap: 5 % hot


@pytest.mark.parametrize("code", list(NEW))
def test_every_spec_is_emitted_and_described(result, code):
    j = next(x for x in result.jurisdictions if x.code == code)
    emitted = set(result.obligations.loc[result.obligations["jurisdiction"] == code, "obligation"])
    assert emitted == {s.id for s in j.obligations}
    params = result.parameters[code]
    for s in j.obligations:
        assert s.formula and s.citation
        assert s.insurance_kind in ("hot", "cold", "storage_mix", "prudential", "split", "surety")
        assert s.absorbs in ("hot", "any", "")
        for pid in s.parameters:
            assert params.latest(pid).citation
    assert j.modelled and j.not_modelled


def test_costs_and_stress_read_the_new_rows(result):
    from comparisons.stress import stress

    costs = result.costs
    new = costs[costs["jurisdiction"].isin(list(NEW))]
    assert set(new["jurisdiction"]) == set(NEW)
    assert (new["annual_cost"].dropna() >= 0).all()
    s = stress(result, hot_loss=0.5)
    kr = s.table[(s.table["jurisdiction"] == "KR") & (s.table["profile"] == "Frankfurt CASP (illustrative)")].iloc[0]
    # the Korean hot-wallet cover absorbs hot-wallet losses: all of it (it is far below half the hot holdings)
    assert kr["covered_local"] == pytest.approx(max(3e9, 0.05 * 0.05 * 3e9 * result.fx.rate("EUR", "KRW")))
    sg = s.table[(s.table["jurisdiction"] == "SG") & (s.table["profile"] == "Frankfurt CASP (illustrative)")].iloc[0]
    assert sg["covered"] == 0  # nothing in Singapore is mandated to absorb customer losses
    assert not math.isnan(kr["customer_loss"])
