"""Issue 13: hostile input. Files that would exhaust memory, crash the run or plant formulas in a client's
spreadsheet are refused by the input policy (``jurisdictions/framework/input_policy.py``) with exit 2 and a
message naming the file, where and why; text written to CSV and XLSX is inert."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare, load_profiles
from comparisons.costs.assumptions import load_assumptions
from comparisons.costs.funding import FundingError, load_funding
from comparisons.fx import rates_file_table
from comparisons.planning.plan import PlanError, plan
from comparisons.report.safe_text import neutralise, neutralise_frame, to_csv
from jurisdictions.framework import FxError, ParameterError, ProfileError, XjurError, load_parameters
from jurisdictions.framework import input_policy as policy
from tests.conftest import AS_OF, ROOT, make_profile, zip_bomb_workbook

XJUR = str(Path(sys.executable).with_name("xjur"))
MEMORY_LIMIT = 1024 * 2 ** 20  # 1 GiB of address space: far below what an expanded bomb needs


def run_limited(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """``xjur ARGS`` under an address-space limit set with ``resource`` (the expansion would hit it)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.run([XJUR, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          preexec_fn=limit, env=env)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([XJUR, *args], capture_output=True, text=True, cwd=ROOT, timeout=900)


def flat(text: str) -> str:
    return " ".join(text.split())


#: a 1 kB "billion laughs": 9 ** 9 ≈ 387 million service codes once expanded, inside `services`/`incidents`
BOMB = """name: Bomb
currency: USD
client_crypto_assets: 1
hot_wallet_share: 0.1
client_fiat: 0
annual_trading_volume: 0
fixed_overheads: 0
annual_operating_expenses: 0
own_funds: 0
services: &a0 [custody, custody, custody, custody, custody, custody, custody, custody, custody]
incidents:
""" + "".join(f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))


# --- YAML aliases -------------------------------------------------------------------------------------------

def test_alias_bomb_is_refused_before_it_expands_under_a_memory_limit(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    assert bomb.stat().st_size < 1024  # a 1 kB file
    r = run_limited("compare", str(bomb), "-j", "EU")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr
    err = flat(r.stderr)
    assert "bomb.yaml, line 12" in err  # the first alias, *a0, is on line 12
    assert "YAML alias *a0 refused" in err and "expand a small file into gigabytes" in err


def test_alias_bomb_refused_by_load_profiles_in_process(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    with pytest.raises(ProfileError, match=r"bomb.yaml, line 12: YAML alias \*a0 refused"):
        load_profiles(bomb)


@pytest.mark.parametrize("reader, error, kind_name", [
    (lambda p: load_parameters(p, user_file=True), ParameterError, "parameters"),
    (lambda p: load_funding(p, []), FundingError, "funding"),
    (lambda p: plan(p), PlanError, "plan"),
    (lambda p: load_assumptions(p), ParameterError, "assumptions"),
])
def test_every_yaml_reader_refuses_aliases(tmp_path, reader, error, kind_name):
    f = tmp_path / f"{kind_name}.yaml"
    f.write_text("a: &x [1, 2]\nb: *x\n")
    with pytest.raises(error, match=rf"{kind_name}.yaml, line 2: YAML alias \*x refused"):
        reader(f)


def test_deep_nesting_is_refused(tmp_path):
    f = tmp_path / "deep.yaml"
    depth = policy.MAX_YAML_DEPTH + 1  # 33 nested lists: one more than the policy reads
    f.write_text("name: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ProfileError, match=r"deep.yaml, line 1: YAML nested more than 32 levels deep"):
        load_profiles(f)


# --- numbers ------------------------------------------------------------------------------------------------

def test_1e308_exits_2_naming_the_field(tmp_path):
    f = tmp_path / "huge.yaml"
    f.write_text(yaml.safe_dump(make_profile(client_crypto_assets=1.0e308)))
    r = run("compare", str(f), "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = flat(r.stderr)
    assert "huge.yaml" in err and "field 'client_crypto_assets'" in err and "beyond 1e18" in err


def test_1e308_in_a_csv_is_named_too(tmp_path):
    f = tmp_path / "huge.csv"
    pd.DataFrame([make_profile(fixed_overheads="1e308")]).to_csv(f, index=False)
    with pytest.raises(ProfileError) as e:
        load_profiles(f)
    (p,) = e.value.problems
    assert (p.source, p.row, p.field, p.value) == (str(f), "row 1 (line 2)", "fixed_overheads", "1e308")
    assert p.message == policy.MSG_TOO_LARGE


def test_the_bound_is_inclusive_and_applies_to_negative_own_funds():
    at_bound = load_profiles([make_profile(client_fiat=1e18, own_funds=-1e18)])  # |x| = 1e18 is accepted
    assert at_bound["client_fiat"].iloc[0] == 1e18 and at_bound["own_funds"].iloc[0] == -1e18
    with pytest.raises(ProfileError, match="field 'own_funds': is beyond 1e18"):
        load_profiles([make_profile(own_funds=-2e18)])


def test_the_bound_holds_after_conversion(tmp_path):
    # USD 9e17 is within the bound; in yen it is 9e17 × (JPY per USD, about 155) ≈ 1.4e20: beyond it
    f = tmp_path / "rich.yaml"
    f.write_text(yaml.safe_dump(make_profile(currency="USD", client_crypto_assets=9e17)))
    r = run("compare", str(f), "-j", "JP", "--as-of", "2026-11-25")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = flat(r.stderr)
    assert "field 'client_crypto_assets'" in err and "USD 9e+17 is JPY" in err and "after conversion" in err
    # and in the reference currency: EUR 9e17 in KRW (about 1,600 per EUR) is about 1.4e21
    with pytest.raises(ProfileError, match="is KRW .* after conversion, beyond 1e18"):
        compare([make_profile(client_crypto_assets=9e17)], jurisdictions=["EU"], as_of=AS_OF, currency="KRW")


def test_fx_rates_must_be_positive_and_finite(tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("currency,per_eur\nUSD,inf\nJPY,0\nGBP,-1\n")
    with pytest.raises(FxError) as e:
        rates_file_table(f)
    lines = str(e.value).splitlines()
    assert [ln.split(": ")[1].split(",")[0] for ln in lines] == ["row 1", "row 2", "row 3"]
    assert "'inf' is not a positive finite number" in lines[0]


# --- text ---------------------------------------------------------------------------------------------------

def test_a_20000_character_name_is_refused_without_echoing_it(tmp_path):
    f = tmp_path / "long.yaml"
    f.write_text(yaml.safe_dump(make_profile(name="x" * 20_000)))
    r = run("compare", str(f), "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = flat(r.stderr)
    assert "long.yaml" in err and "is longer than 200 characters" in err
    assert len(r.stderr) < 2_000  # the name is cut in the message, not printed 20,000 characters long
    assert "(20,000 characters)" in err


def test_name_limits_in_a_table_and_at_the_bound():
    ok = load_profiles([make_profile(name="n" * 200)])  # exactly 200 characters: accepted
    assert len(ok["name"].iloc[0]) == 200
    frame = pd.DataFrame([make_profile(name="n" * 201), make_profile(name="bell\x07"),
                          make_profile(name="rtl\u202eexe.pdf")])
    with pytest.raises(ProfileError) as e:
        load_profiles(frame)
    got = [(p.row, p.field, p.message) for p in e.value.problems]
    assert got == [("row 0", "name", f"name {policy.MSG_NAME_TOO_LONG}"), ("row 1", "name", f"name {policy.MSG_CONTROL}"),
                   ("row 2", "name", f"name {policy.MSG_CONTROL}")]


def test_control_characters_in_yaml_text_are_refused(tmp_path):
    f = tmp_path / "ctl.yaml"
    f.write_text(yaml.safe_dump(make_profile(incidents=[{"date": "2025-06-10", "customer_loss": 1,
                                                          "description": "ok\x1b[2J"}])))
    with pytest.raises(ProfileError, match=r"ctl.yaml, incidents\[0\].description: .*control character"):
        load_profiles(f)


# --- sizes --------------------------------------------------------------------------------------------------

def test_a_file_over_its_kind_limit_is_refused_before_it_is_read(tmp_path):
    f = tmp_path / "mix.yaml"
    f.write_bytes(b"# padding\n" * (policy.LIMITS["funding"].max_bytes // 10 + 1))  # 8 MiB + 10 bytes
    with pytest.raises(FundingError, match=r"mix.yaml: the file is 8.0 MB; xjur reads funding files of at most 8.0 MB"):
        load_funding(f, [])


def test_row_and_unpacked_limits_name_the_file():
    top = policy.LIMITS["profiles"].max_rows
    policy.check_rows(top, "big.parquet", "profiles")  # exactly the limit: accepted
    with pytest.raises(policy.InputError, match=r"big.parquet: more than 10,000,000 rows"):
        policy.check_rows(top + 1, "big.parquet", "profiles")
    with pytest.raises(policy.InputError, match=r"big.parquet: the file unpacks to 1.0 GB, more than the 512.0 MB"):
        policy.check_unpacked(2 ** 30, "big.parquet", "profiles")


def test_zip_bomb_workbook_is_refused_before_inflating(tmp_path):
    bomb = zip_bomb_workbook(tmp_path)
    assert bomb.stat().st_size < 2 * 2 ** 20
    r = run_limited("compare", str(bomb), "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = flat(r.stderr)
    assert "bomb.xlsx" in err and "unpacks to 520.0 MB, more than the 512.0 MB" in err and "zip bomb" in err


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    f = tmp_path / "fake.xlsx"
    f.write_text("name,currency\n")
    with pytest.raises(ProfileError, match="fake.xlsx: not an XLSX workbook"):
        load_profiles(f)


# --- output: nothing a spreadsheet would execute ------------------------------------------------------------

HOSTILE_NAMES = ['=HYPERLINK("http://example.com","open")', "+SUM(1,1)", "@cmd", "-2+3", "\tx", "\r=1"]


def test_neutralise_follows_the_owasp_rule():
    assert [neutralise(n) for n in HOSTILE_NAMES] == ["'" + n for n in HOSTILE_NAMES]
    assert neutralise("Tokyo exchange") == "Tokyo exchange" and neutralise("") == ""


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_like_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out == text or out == "'" + text  # only a leading quote is ever added


def test_frame_neutralisation_leaves_numbers_and_plain_text():
    df = pd.DataFrame({"name": ["=1", "ok"], "amount": [-5.0, 3.0],
                       "cat": pd.Categorical(["@a", "b"]), "forms": [["own_funds"], ["-x"]]})
    out = neutralise_frame(df)
    assert out["name"].tolist() == ["'=1", "ok"]
    assert out["amount"].tolist() == [-5.0, 3.0]  # a negative number is a number, not text
    assert out["cat"].tolist() == ["'@a", "b"]
    assert out["forms"].tolist() == [["own_funds"], ["-x"]]  # lists are not text cells
    assert df["name"].tolist() == ["=1", "ok"]  # the frame given is unchanged


def hostile_profiles() -> list[dict]:
    return [make_profile(name=n.strip() or "x", client_crypto_assets=1e6) for n in HOSTILE_NAMES[:4]]


def test_cli_csv_is_inert_and_the_python_api_keeps_raw_text(tmp_path):
    f = tmp_path / "hostile.yaml"
    f.write_text(yaml.safe_dump({"profiles": hostile_profiles()}))
    out = tmp_path / "out.csv"
    r = run("compare", str(f), "-j", "EU", "--as-of", "2026-11-25", "--format", "csv", "-o", str(out))
    assert r.returncode == 0, r.stderr
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(dict.fromkeys(written["profile"])) == ["'" + n for n in HOSTILE_NAMES[:4]]
    for col in written.columns:
        assert not written[col].str.match(r"^[=+\-@\t\r]").any(), col
    result = compare(f, jurisdictions=["EU"], as_of=AS_OF)
    assert list(dict.fromkeys(result.obligations["profile"])) == HOSTILE_NAMES[:4]  # raw in the DataFrame
    assert result.to_csv().splitlines()[1].startswith('"\'=HYPERLINK(')


def test_workbook_text_cells_are_strings_never_formulas(tmp_path):
    f = tmp_path / "hostile.yaml"
    f.write_text(yaml.safe_dump({"profiles": hostile_profiles()}))
    xlsx = tmp_path / "t.xlsx"
    r = run("brief", str(f), "-j", "EU", "--as-of", "2026-11-25", "-o", str(tmp_path / "b.html"), "--xlsx", str(xlsx))
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)  # no formula at all
    wb = openpyxl.load_workbook(xlsx)
    names = [c.value for c in wb["Obligations"]["A"][1:]]
    assert set(names) == set(HOSTILE_NAMES[:4])
    assert {c.data_type for c in wb["Obligations"]["A"]} == {"s"}


def test_cli_prints_user_text_in_errors_without_reading_it_as_markup(tmp_path):
    f = tmp_path / "markup.yaml"
    f.write_text(yaml.safe_dump(make_profile(currency="[/bold]")))
    r = run("compare", str(f), "-j", "EU")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "[/bold]" in r.stderr


def test_input_error_is_an_xjur_error():
    assert issubclass(policy.InputError, XjurError)
    e = policy.InputError("f.yaml", "line 3", "why")
    assert str(e) == "f.yaml, line 3: why"


@pytest.mark.parametrize("value, expected", [
    (1e18, None), (-1e18, None), (0, None), (10 ** 18, None),
    (1.0000001e18, policy.MSG_TOO_LARGE), (10 ** 400, policy.MSG_TOO_LARGE), (float("nan"), "must be a finite number (NaN and inf are not amounts)"),
    ("text", None), (True, None),
])
def test_number_problem(value, expected):
    assert policy.number_problem(value) == expected


@settings(max_examples=50)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_number_policy_accepts_exactly_the_finite_bounded(x):
    import math

    assert (policy.number_problem(x) is None) == (math.isfinite(x) and abs(x) <= 1e18)


def _accepted(source) -> bool:
    try:
        load_profiles(source)
    except ProfileError:
        return False
    return True


@settings(max_examples=80, deadline=None)
@given(name=st.one_of(st.text(max_size=210), st.text(alphabet="ab \t\n\x1b\u202e\u00a0", max_size=210)),
       fiat=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e18, -1.0, 1e18 * 1.5])))
def test_the_record_path_and_the_batch_path_agree_on_hostile_values(name, fiat):
    record = make_profile(name=name, client_fiat=fiat)
    assert _accepted([record]) == _accepted(pd.DataFrame([record]))  # pydantic model vs vectorised validation
    stripped = name.strip()
    expected = (0 < len(stripped) <= 200 and policy.CONTROL_IN_NAME.search(stripped) is None
                and fiat == fiat and 0 <= fiat <= 1e18)
    assert _accepted(pd.DataFrame([record])) == expected
