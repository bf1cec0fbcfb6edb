"""Issue 18 items 8 and 9: a bad input's message names the fix (the form expected), every unknown service is
reported, FX-rate files take ISO dates only, and a plan given where profiles are expected is named a plan."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from comparisons import load_profiles
from comparisons.fx import rates_file_table
from jurisdictions.framework import FxError, ProfileError, SERVICES
from jurisdictions.framework.profile import MSG_SHARE_PERCENT
from tests.conftest import EXAMPLES, ROOT, make_profile

XJUR = str(Path(sys.executable).with_name("xjur"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([XJUR, *args], capture_output=True, text=True, cwd=ROOT, timeout=900)


def problems_of(source) -> list[tuple[str, str, object, str]]:
    with pytest.raises(ProfileError) as e:
        load_profiles(source)
    return [(p.row, p.field, p.value, p.message) for p in e.value.problems]


def csv_file(tmp_path: Path, **fields) -> Path:
    f = tmp_path / "p.csv"
    pd.DataFrame([make_profile(**fields)]).to_csv(f, index=False)
    return f


# --- numbers written another way ----------------------------------------------------------------------------

def test_percent_sign_names_the_fraction(tmp_path):
    got = problems_of(csv_file(tmp_path, hot_wallet_share="3%"))
    assert got == [("row 1 (line 2)", "hot_wallet_share", "3%",
                    "not a number: write a share or rate as a fraction (3% is 0.03)")]


def test_percent_sign_in_yaml_names_the_fraction(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(make_profile(hot_wallet_share="3%")))
    (got,) = problems_of(f)
    assert got[1] == "hot_wallet_share" and got[3] == "not a number: write a share or rate as a fraction (3% is 0.03)"


def test_thousands_separators_name_the_plain_number(tmp_path):
    got = problems_of(csv_file(tmp_path, client_fiat="3,000,000,000"))
    assert got == [("row 1 (line 2)", "client_fiat", "3,000,000,000",
                    "not a number: write numbers without thousands separators (3,000,000,000 is 3000000000)")]


def test_a_decimal_comma_names_the_decimal_point(tmp_path):
    got = problems_of(csv_file(tmp_path, hot_wallet_share="0,03"))
    assert got[0][3] == "not a number: write decimals with '.' (0,03 is 0.03)"


def test_a_share_given_as_a_percentage_names_the_fraction(tmp_path):
    # hot_wallet_share: 3 means 3 %; the fraction is 3 / 100 = 0.03
    assert problems_of(csv_file(tmp_path, hot_wallet_share="3")) == [
        ("row 1 (line 2)", "hot_wallet_share", "3", MSG_SHARE_PERCENT)]
    assert "(3 % is written 0.03)" in MSG_SHARE_PERCENT
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(make_profile(hot_wallet_share=3)))
    (got,) = problems_of(f)
    assert got[1:] == ("hot_wallet_share", 3, MSG_SHARE_PERCENT)
    # 1.25 is not a whole percentage: the plain range message
    assert problems_of(csv_file(tmp_path, hot_wallet_share="1.25"))[0][3] == "share must be between 0 and 1"


def test_a_date_not_in_iso_form_names_yyyy_mm_dd(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(make_profile(incidents=[{"date": "10.06.2025", "customer_loss": 5}])))
    (got,) = problems_of(f)
    assert got[1:] == ("incidents[0].date", "10.06.2025", "not a date: write dates as YYYY-MM-DD (e.g. 2025-06-10)")


# --- services -----------------------------------------------------------------------------------------------

def test_comma_between_services_names_the_semicolon(tmp_path):
    got = problems_of(csv_file(tmp_path, services="custody, trading_platform"))
    assert got == [("row 1 (line 2)", "services", "custody, trading_platform",
                    "unknown service: services are separated by ';', not ',' (write 'custody;trading_platform')")]


def test_comma_between_services_in_yaml_names_the_semicolon(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(make_profile(services=["custody, trading_platform"])))
    (got,) = problems_of(f)
    assert got[3] == ("unknown service 'custody, trading_platform': services are separated by ';', not ',' "
                      "(write 'custody;trading_platform')")


def test_every_unknown_service_is_reported_with_the_list_of_codes(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(make_profile(services=["lending", "custody", "custdy", "staking"])))
    (got,) = problems_of(f)
    assert got[3] == ("unknown services 'lending', 'custdy', 'staking'; 'custdy' (did you mean 'custody'?) "
                      f"(service codes: {', '.join(SERVICES)}; in a CSV cell, ';' between them)")
    # in a table, one problem per unknown code
    got = problems_of(csv_file(tmp_path, services="lending;custody;staking"))
    assert [(g[2], g[3].split(" (")[0]) for g in got] == [("lending", "unknown service"), ("staking", "unknown service")]
    assert all("service codes: custody, trading_platform" in g[3] for g in got)


# --- table layout -------------------------------------------------------------------------------------------

def test_semicolon_separated_csv_names_the_comma(tmp_path):
    f = tmp_path / "semi.csv"
    pd.DataFrame([make_profile()]).to_csv(f, index=False, sep=";")
    (got,) = problems_of(f)
    assert got[:2] == ("header", "")
    assert got[3].startswith("the columns are separated by ';': xjur reads comma-separated CSV (',' between columns")


def test_xlsx_title_row_names_the_header_line_and_the_sheet_option(tmp_path):
    f = tmp_path / "titled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "profiles"
    ws.append(["Client exchange profiles, November 2026"])
    ws.append(list(make_profile()))
    ws.append(list(make_profile().values()))
    wb.create_sheet("notes")
    wb.save(f)
    (got,) = problems_of(f)
    assert got[0] == "sheet 'profiles'"
    assert got[3] == ("the header row (name, currency, services, ...) is line 2, not line 1: delete the 1 row above "
                      "it (a title, notes) so the header is the first row; or read another sheet with --sheet NAME "
                      "(sheets: 'profiles', 'notes')")


def test_sheet_option_reads_the_sheet_named(tmp_path):
    f = tmp_path / "two.xlsx"
    with pd.ExcelWriter(f) as w:
        pd.DataFrame({"note": ["read me first"]}).to_excel(w, sheet_name="cover", index=False)
        pd.DataFrame([make_profile(name="from sheet 2")]).to_excel(w, sheet_name="clients", index=False)
    (got,) = problems_of(f)  # the first sheet is read by default, and the message names --sheet
    assert "no 'name' column" in got[3] and "--sheet NAME (sheets: 'cover', 'clients')" in got[3]
    assert load_profiles(f, sheet="clients")["name"].tolist() == ["from sheet 2"]
    assert "did you mean 'clients'" in problems_of_sheet(f, "client")
    r = run("compare", str(f), "--sheet", "clients", "-j", "EU", "--as-of", "2026-11-25", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "from sheet 2,EU,eu.mica" in r.stdout


def problems_of_sheet(path: Path, sheet: str) -> str:
    with pytest.raises(ProfileError) as e:
        load_profiles(path, sheet=sheet)
    return str(e.value)


# --- FX-rate files: ISO dates only --------------------------------------------------------------------------

@pytest.mark.parametrize("date", ["03/11/2026", "Nov 3 2026", "2026-11-3x", "3 November 2026"])
def test_fx_rates_take_iso_dates_only(tmp_path, date):
    f = tmp_path / "rates.csv"
    f.write_text(f'currency,per_eur,date\nUSD,1.08,"{date}"\n')
    with pytest.raises(FxError) as e:
        rates_file_table(f)
    assert str(e.value) == (f"{f}: row 1, field 'date': {date!r} is not an ISO date (write YYYY-MM-DD, "
                            "e.g. 2026-11-03)")


def test_fx_rates_iso_date_is_read(tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("currency,per_eur,date\nUSD,1.08,2026-11-03\n")
    table = rates_file_table(f)
    assert table.per_eur.index[0] == pd.Timestamp("2026-11-03") and table.per_eur.loc["2026-11-03", "USD"] == 1.08


# --- a plan where profiles are expected (issue 18 item 9) ---------------------------------------------------

def test_a_plan_given_to_load_profiles_is_named_a_plan():
    plan_file = EXAMPLES / "plan.yaml"
    got = problems_of(plan_file)
    assert got == [("top level", "", got[0][2], "this is a licensing plan (it has 'group' and 'markets'), not a list "
                    f"of profiles: run it with `xjur plan {plan_file}`")]


@pytest.mark.parametrize("command", [["compare"], ["brief", "-o", "/dev/null"]])
def test_a_plan_given_to_compare_or_brief_says_use_xjur_plan(command):
    r = run(command[0], "examples/plan.yaml", *command[1:], "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = " ".join(r.stderr.split())
    assert "1 problem in the profile input" in err and "run it with `xjur plan examples/plan.yaml`" in err


# --- the CLI: exit 2 and the fix in the message ------------------------------------------------------------

@pytest.mark.parametrize("fields, expected", [
    (dict(hot_wallet_share="3%"), "(3% is 0.03)"),
    (dict(client_fiat="3,000,000,000"), "(3,000,000,000 is 3000000000)"),
    (dict(services="custody, trading_platform"), "(write 'custody;trading_platform')"),
])
def test_cli_messages_name_the_fix(tmp_path, fields, expected):
    r = run("compare", str(csv_file(tmp_path, **fields)), "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert expected in " ".join(r.stderr.split())


def test_the_readme_documents_the_service_codes_and_a_csv_that_loads(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in readme for code in SERVICES)
    block = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    f = tmp_path / "readme.csv"
    f.write_text(block)
    frame = load_profiles(f)
    assert frame["name"].tolist() == ["Tokyo exchange"]
    assert frame["services"].iloc[0] == "custody;exchange_fiat;exchange_crypto"  # in the order of the codes
    assert frame["client_crypto_assets"].iloc[0] == 50_000_000_000 and frame["hot_wallet_share"].iloc[0] == 0.05
