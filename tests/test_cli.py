"""The xjur console script: outputs, and exit status 2 with a located message (no traceback) on bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT, make_profile

XJUR = str(Path(sys.executable).with_name("xjur"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([XJUR, *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=900)


def test_compare_eu_json_prints_contract_rows(examples):
    r = run("compare", str(examples), "-j", "EU", "--format", "json", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {"as_of", "currency", "fx", "obligations", "costs", "warnings"} <= set(doc)
    assert doc["as_of"] == "2026-11-25" and doc["currency"] == "USD"
    assert doc["fx"]["date"] <= "2026-11-25"
    rows = doc["obligations"]
    assert len(rows) == 6 * 2  # six examples × two EU obligations
    frankfurt = {r["obligation"]: r for r in rows if r["profile"] == "Frankfurt CASP (illustrative)"}
    # class 3 (trading platform): max(EUR 150,000, 0.25 × EUR 60,000,000 = 15,000,000) = EUR 15,000,000
    assert frankfurt["prudential_safeguards"]["amount"] == 15_000_000
    assert frankfurt["prudential_safeguards"]["basis"] == (
        "max(EUR 150,000 [Annex IV class 3], 0.25 × EUR 60,000,000) = EUR 15,000,000")
    assert frankfurt["prudential_safeguards"]["funding_forms"] == ["own_funds", "insurance"]
    usd_per_eur = doc["fx"]["per_eur"]["USD"]
    assert frankfurt["prudential_safeguards"]["amount_ref"] == pytest.approx(15_000_000 * usd_per_eur)


def test_contract_check_passes():
    import os

    env = dict(os.environ, PATH=f"{Path(XJUR).parent}:{os.environ['PATH']}")
    r = subprocess.run([sys.executable, str(ROOT.parent / "shared" / "checks" / "contract.py"), "examples/profiles.yaml"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    if "No such file" in r.stderr or r.returncode == 2 and "not installed" in r.stdout:
        pytest.skip("shared/checks/contract.py not beside the checkout")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "match Contract 2" in r.stdout


def test_compare_table_and_csv_output(examples, tmp_path):
    r = run("compare", str(examples), "-j", "EU")
    assert r.returncode == 0, r.stderr
    assert "Frankfurt CASP (illustrative)" in r.stdout and "prudential_safeguards" in r.stdout
    out = tmp_path / "o.csv"
    r = run("compare", str(examples), "-j", "EU", "--format", "csv", "--output", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns)[:6] == ["profile", "jurisdiction", "regime", "obligation", "category", "amount"]
    assert len(df) == 12


def test_jurisdictions_lists_eu():
    r = run("jurisdictions", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    eu = next(j for j in doc["jurisdictions"] if j["code"] == "EU")
    assert eu["regimes"][0]["id"] == "eu.mica" and eu["regimes"][0]["in_force_from"] == "2024-12-30"


def test_explain_shows_formula_inputs_parameters(examples):
    r = run("explain", str(examples), "-p", "Lisbon crypto adviser (illustrative)", "-j", "EU",
            "--obligation", "prudential_safeguards", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    # class 1 adviser: max(EUR 50,000, 0.25 × EUR 400,000 = 100,000) = EUR 100,000
    assert "max(EUR 50,000 [Annex IV class 1], 0.25 × EUR 400,000) = EUR 100,000" in out
    assert "eu_pmc_class1" in out and "MiCA Art. 67(1)(a), Annex IV" in out and "2024-12-30" in out
    assert "fixed_overheads" in out


def test_demo_writes_outputs(tmp_path):
    r = run("demo", "--out-dir", str(tmp_path / "demo"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "demo" / "obligations.csv").exists()
    doc = json.loads((tmp_path / "demo" / "obligations.json").read_text())
    assert {r["profile"] for r in doc["obligations"]} >= {"Tokyo large exchange (illustrative)"}


def test_bundled_examples_are_the_repository_examples():
    bundled = ROOT / "comparisons" / "data" / "examples" / "profiles.yaml"
    assert bundled.read_text() == (ROOT / "examples" / "profiles.yaml").read_text(), "run make sync-examples"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


BAD_INPUTS = {
    "negative money": ("neg.yaml", yaml.safe_dump(make_profile(client_fiat=-1)), "field 'client_fiat'"),
    "share outside [0,1]": ("share.yaml", yaml.safe_dump(make_profile(hot_wallet_share=1.2)), "field 'hot_wallet_share'"),
    "unknown service": ("svc.yaml", yaml.safe_dump(make_profile(services=["custdy"])), "did you mean 'custody'"),
    "unknown field": ("fld.yaml", yaml.safe_dump(dict(make_profile(), clientfiat=3)), "unknown field 'clientfiat'"),
    "unknown currency": ("cur.yaml", yaml.safe_dump(make_profile(currency="EUX")), "field 'currency'"),
    "NaN": ("nan.csv", pd.DataFrame([make_profile(fixed_overheads="nan")]).to_csv(index=False), "finite"),
    "inf": ("inf.csv", pd.DataFrame([make_profile(fixed_overheads="inf")]).to_csv(index=False), "finite"),
    "duplicate names": ("dup.yaml", yaml.safe_dump({"profiles": [make_profile(), make_profile()]}), "duplicate name"),
    "empty file": ("empty.yaml", "", "empty"),
    "malformed YAML": ("bad.yaml", "profiles: [\n", "malformed YAML"),
    "python tag": ("tag.yaml", "name: !!python/object/apply:os.getcwd []\n", "tag not allowed"),
    "unconvertible currency": ("xaf.yaml", yaml.safe_dump(make_profile(currency="XAF")), "cannot convert XAF"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_located_message(tmp_path, case):
    name, text, expected = BAD_INPUTS[case]
    path = write(tmp_path, name, text)
    r = run("compare", str(path), "-j", "EU")
    assert r.returncode == 2, (r.stdout, r.stderr)
    err = " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr
    assert expected in err
    if case != "unconvertible currency":
        assert name in err  # the file is named


@pytest.mark.parametrize(
    "args, expected",
    [
        (["-j", "XX"], "unknown jurisdiction 'XX'"),
        (["-j", "EU", "--scenario", "centrl"], "did you mean 'central'"),
        (["-j", "EU", "--as-of", "25/11/2026"], "not an ISO date"),
        (["-j", "EU", "--as-of", "1990-01-01"], "no exchange rates on or before 1990-01-01"),
        (["-j", "EU", "--currency", "ZZZ"], "reference currency ZZZ"),
    ],
)
def test_bad_options_exit_2(examples, args, expected):
    r = run("compare", str(examples), *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert expected in " ".join(r.stderr.split())


def test_missing_file_exits_2(tmp_path):
    r = run("compare", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_bad_parameters_file_exits_2(examples, tmp_path):
    p = write(tmp_path, "params.yaml", "eu_fo_multiplier:\n  values:\n    - effective_from: 2024-12-30\n      value: 0.3\n")
    r = run("compare", str(examples), "-j", "EU", "--parameters", str(p))
    assert r.returncode == 2 and "missing 'status'" in r.stderr and "params.yaml" in r.stderr


def test_parameters_file_changes_result_and_is_cited(examples, tmp_path):
    p = write(tmp_path, "params.yaml",
              "eu_fo_multiplier:\n  values:\n    - effective_from: 2024-12-30\n      value: 0.5\n"
              "      status: assumed\n      citation: what-if, half of fixed overheads\n")
    r = run("compare", str(examples), "-j", "EU", "--parameters", str(p), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {(x["profile"], x["obligation"]): x for x in json.loads(r.stdout)["obligations"]}
    row = rows[("Frankfurt CASP (illustrative)", "prudential_safeguards")]
    assert row["amount"] == 30_000_000  # 0.5 × EUR 60,000,000
    assert row["status"] == "assumed"
    assert "from user file" in row["citation"] and "params.yaml" in row["citation"]


def test_explain_without_profile_explains_every_profile_of_the_file(examples):
    r = run("explain", str(examples), "-j", "HK", "--obligation", "compensation_cover", "--as-of", "2026-11-25", "--json")
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)
    assert [d["profile"] for d in docs][:2] == ["Tokyo large exchange (illustrative)", "Osaka mid-size exchange (illustrative)"]
    hk = next(d for d in docs if d["profile"] == "Hong Kong platform (illustrative)")
    # 0.5 × HKD 9.8 bn cold + 1.0 × HKD 0.2 bn hot = HKD 5.1 bn
    assert hk["rows"][0]["amount"] == pytest.approx(5_100_000_000)


def test_explain_unknown_profile_exits_2(examples):
    r = run("explain", str(examples), "-p", "Tokyo large exchang", "-j", "EU", "--obligation", "prudential_safeguards")
    assert r.returncode == 2 and "did you mean 'Tokyo large exchange (illustrative)'" in " ".join(r.stderr.split())


def test_a_large_batch_on_the_terminal_shows_the_first_tables_and_says_how_to_get_the_rest(tmp_path):
    from benchmarks.generate import generate_profiles

    from comparisons.cli.compare_cmd import TABLE_MAX_PROFILES

    big = tmp_path / "big.csv"
    generate_profiles(TABLE_MAX_PROFILES + 5, seed=4).to_csv(big, index=False)
    r = run("compare", str(big), "-j", "EU", "-j", "HK")
    assert r.returncode == 0, r.stderr
    assert "exchange-0000040 — amounts in USD" in r.stdout  # the 40th profile's table
    assert "exchange-0000041 — amounts" not in r.stdout
    assert "… 5 more profiles not shown as tables: --format csv or --format json" in r.stdout
    # the cost summary lists the profiles shown, not the others
    assert "exchange-00000" in r.stdout and "exchange-0000045" not in r.stdout
    # every row is in the CSV
    csv = run("compare", str(big), "-j", "EU", "-j", "HK", "--format", "csv")
    assert csv.stdout.count("\nexchange-0000045,") == 2 + 7  # EU 2 rows, HK 6 VATP rows + the planned capital


def test_many_warnings_are_counted_after_the_first_ones(capsys):
    from comparisons.cli.app import MAX_WARNINGS_SHOWN, print_warnings

    print_warnings([{"jurisdiction": "EU", "profile": f"p{i}", "message": f"note {i}"}
                    for i in range(MAX_WARNINGS_SHOWN + 3)])
    err = capsys.readouterr().err
    assert f"note {MAX_WARNINGS_SHOWN - 1}" in err and f"note {MAX_WARNINGS_SHOWN}\n" not in err
    assert "… and 3 more warnings (all of them: --format json, key 'warnings')" in err


def test_jurisdictions_shows_status_start_scope_and_facts_date_of_every_regime(monkeypatch):
    r = run("jurisdictions", "--json")
    assert r.returncode == 0, r.stderr
    regimes = {g["id"]: g for j in json.loads(r.stdout)["jurisdictions"] for g in j["regimes"]}
    uk = regimes["uk.cryptopru"]
    assert (uk["status"], uk["in_force_from"], uk["facts_as_of"]) == ("enacted", "2027-10-25", "2026-06-30")
    assert "custody" in uk["scope"]["services"] and "advice" in uk["scope"]["assumed_services"]
    hk = regimes["hk.va_dealer_custodian"]
    assert (hk["status"], hk["in_force_from"], hk["facts_as_of"]) == ("proposed", None, "2025-12-24")
    kr = regimes["kr.bank_guideline"]
    assert (kr["status"], kr["scope"]["fiat_markets"]) == ("guidance", ["KRW"])
    assert all(g["facts_as_of"] for g in regimes.values())  # every built-in regime dates its newest fact
    from typer.testing import CliRunner

    from comparisons.cli import app

    from comparisons.cli.app import console

    monkeypatch.setattr(console, "width", 250)  # the console was made when the CLI was first imported
    table = CliRunner().invoke(app, ["jurisdictions"])
    assert table.exit_code == 0, table.output
    out = " ".join(table.output.split())
    for cells in (("uk.cryptopru", "enacted", "applies from 2027-10-25"),
                  ("kr.bank_guideline", "guidance", "from 2023-09-01", "fiat market in KRW")):
        assert all(c in out for c in cells), cells
