"""Issue 18, items 3, 5, 7, 9, 10 and 12: the Python API and the command line, worked by hand.

Reference profile (JPY, as in test_sensitivity): JPY 300 bn client crypto at 3 % hot (cold 291 bn), JPY 6 tn
traded a year. Japan's proposed reserve, central scenario: 0.0002 × volume + 0.01 × cold crypto (assumed
coefficients, rulebook japan.md §4.3/§4.5).
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons import compare
from comparisons.sensitivity import sweep
from comparisons.tables import round_significant, tidy_floats
from jurisdictions.framework import ParameterError
from tests.conftest import AS_OF, EXAMPLES, ROOT, make_profile

XJUR = str(Path(sys.executable).with_name("xjur"))
BN = 1_000_000_000
TN = 1_000 * BN


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([XJUR, *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def ref(name: str = "ref", **kw) -> dict:
    base = dict(name=name, currency="JPY", client_crypto_assets=300 * BN, hot_wallet_share=0.03,
                annual_trading_volume=6 * TN)
    base.update(kw)
    return make_profile(**base)


def reserve(result) -> pd.Series:
    ob = result.obligations
    return ob[ob["obligation"] == "liability_reserve"].set_index("scenario")["amount"]


# -- item 5: API ergonomics ------------------------------------------------------------------------------

def test_bare_strings_are_one_item_not_letters():
    lists = compare([ref()], jurisdictions=["JP"], as_of=AS_OF, scenarios=["all"])
    bare = compare([ref()], jurisdictions="JP", as_of=AS_OF, scenarios="all")
    assert [j.code for j in bare.jurisdictions] == ["JP"]
    assert bare.scenarios == ("low", "central", "high", "fiea_analogue")
    pd.testing.assert_frame_equal(bare.obligations, lists.obligations)
    # central: 0.0002 × 6 tn + 0.01 × 291 bn = 1.2 + 2.91 = 4.11 bn
    assert reserve(bare)["central"] == pytest.approx(0.0002 * 6 * TN + 0.01 * 291 * BN)


def test_a_parameter_dict_replaces_the_value_in_compare_and_is_labelled_assumed():
    r = compare([ref()], jurisdictions="JP", as_of=AS_OF, scenarios="all",
                parameters={"jp_reserve_rate_cold_aum": 0.02})
    by = reserve(r)
    # b = 0.02 in every scenario; central a = 0.0002: 0.0002 × 6 tn + 0.02 × 291 bn = 1.2 + 5.82 = 7.02 bn
    assert by["central"] == pytest.approx(0.0002 * 6 * TN + 0.02 * 291 * BN)
    row = r.obligations[(r.obligations["obligation"] == "liability_reserve")
                        & (r.obligations["scenario"] == "central")].iloc[0]
    assert row["status"] == "assumed"
    assert "jp_reserve_rate_cold_aum from compare(parameters={...})" in row["citation"]


def test_a_parameter_dict_with_a_typo_names_the_parameter_it_meant():
    with pytest.raises(ParameterError, match="did you mean 'jp_reserve_rate_cold_aum'"):
        compare([ref()], jurisdictions="JP", as_of=AS_OF, parameters={"jp_reserve_rate_cold": 0.02})


def test_a_parameter_dict_and_a_bare_scenario_work_in_sweep():
    df = sweep([ref()], "jp_reserve_rate_volume", [0.0002, 0.0005], as_of=AS_OF, scenarios="central",
               parameters={"jp_reserve_rate_cold_aum": 0.02})
    # 0.0002 × 6 tn + 0.02 × 291 bn = 1.2 + 5.82 = 7.02 bn; 0.0005 × 6 tn + 5.82 bn = 3 + 5.82 = 8.82 bn
    assert df["amount"].to_numpy() == pytest.approx([7.02 * BN, 8.82 * BN])


def test_sweep_finds_the_market_and_the_obligation_of_an_eu_parameter():
    p = make_profile(name="casp", services="custody", fixed_overheads=3_000_000)
    df = sweep([p], "eu_fo_multiplier", [0.25, 0.5, 0.01], as_of=AS_OF, currency="EUR")
    assert set(df["jurisdiction"]) == {"EU"} and set(df["obligation"]) == {"prudential_safeguards"}
    # max(EUR 125,000 [class 2], m × EUR 3,000,000): 750,000; 1,500,000; max(125,000, 30,000) = 125,000
    assert df["amount"].to_numpy() == pytest.approx([750_000, 1_500_000, 125_000])


def test_sweep_of_an_unknown_parameter_suggests_the_right_one():
    with pytest.raises(ParameterError, match="did you mean 'eu_fo_multiplier'"):
        sweep([ref()], "eu_fo_multiplie", [0.1], as_of=AS_OF)


@pytest.mark.parametrize("kind, pid", [("assumptions", "cost_of_capital"), ("parameters", "jp_reserve_cap")])
def test_a_file_of_bare_values_fails_with_the_dated_form(tmp_path, kind, pid):
    f = tmp_path / "mine.yaml"
    f.write_text(f"{pid}: 0.10\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        compare([ref()], jurisdictions="JP", as_of=AS_OF, **{kind: str(f)})
    msg = str(err.value)
    assert str(f) in msg and f"  {pid}:\n    values:\n" in msg
    assert "effective_from: 2020-01-01" in msg and "status: assumed" in msg and "citation:" in msg
    assert f'{kind}={{"{pid}"' in msg  # the Python shorthand


def test_cli_bare_value_assumptions_exit_2_with_the_example(tmp_path):
    f = tmp_path / "costs.yaml"
    f.write_text("cost_of_capital: 0.10\n", encoding="utf-8")
    r = run("compare", str(EXAMPLES / "profiles.yaml"), "-j", "EU", "--assumptions", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "values:" in r.stderr and "effective_from" in r.stderr


def test_the_lazy_names_are_listed_and_are_the_functions():
    import comparisons
    import comparisons.stress.replay  # noqa: F401  (the subpackage loaded first must not shadow the function)

    names = dir(comparisons)
    assert {"sweep", "stress", "plan", "load_incidents", "compare", "load_profiles"} <= set(names)
    from comparisons import load_incidents, plan, stress

    assert callable(stress) and stress.__name__ == "stress"
    assert callable(plan) and callable(load_incidents)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    python = readme[readme.index("```python"):]
    assert "from comparisons import sweep, stress, plan, load_incidents" in python


# -- item 7: silent defaults -----------------------------------------------------------------------------

def hk_platform(**kw) -> dict:
    """A Hong Kong trading platform: HKD 1 bn client crypto, 2 % hot."""
    base = dict(name="hk", currency="HKD", services="custody;trading_platform", client_crypto_assets=1 * BN,
                hot_wallet_share=0.02)
    base.update(kw)
    return make_profile(**base)


def notes_of(result, field: str) -> list[dict]:
    return [w for w in result.warnings if w["message"].startswith(field)]


def test_missing_adjusted_liabilities_is_taken_as_0_with_a_note(tmp_path):
    r = compare([hk_platform()], jurisdictions="HK", as_of=AS_OF)
    lc = r.obligations.set_index("obligation").loc["liquid_capital", "amount"]
    assert lc == pytest.approx(3_000_000)  # max(HK$3 m floor, 5 % × 0): the floor
    (note,) = notes_of(r, "adjusted_liabilities")
    assert note["jurisdiction"] == "HK" and note["profile"] == "hk" and note["level"] == "note"
    assert "not given: taken as 0" in note["message"] and "liquid_capital computed with 0" in note["message"]
    # given as 0 on purpose: nothing to say
    assert notes_of(compare([hk_platform(adjusted_liabilities=0)], jurisdictions="HK", as_of=AS_OF),
                    "adjusted_liabilities") == []
    # given: max(3 m, 5 % × 200 m = 10 m) = 10 m, no note
    given = compare([hk_platform(adjusted_liabilities=200_000_000)], jurisdictions="HK", as_of=AS_OF)
    assert given.obligations.set_index("obligation").loc["liquid_capital", "amount"] == pytest.approx(0.05 * 200e6)
    assert notes_of(given, "adjusted_liabilities") == []


def test_a_yaml_profile_without_the_fields_gets_the_notes(tmp_path):
    f = tmp_path / "one.yaml"
    f.write_text(yaml.safe_dump(hk_platform(), sort_keys=False), encoding="utf-8")
    r = compare(str(f), jurisdictions=["HK", "EU"], as_of=AS_OF)
    assert [w["jurisdiction"] for w in notes_of(r, "adjusted_liabilities")] == ["HK"]
    (users,) = notes_of(r, "active_users")
    assert users["jurisdiction"] == "EU" and "is 0" in users["message"]


def test_no_note_where_the_market_does_not_apply_to_the_profile():
    adviser = make_profile(name="adviser", services="advice")  # not a trading platform: HK rows are blank
    assert notes_of(compare([adviser], jurisdictions="HK", as_of=AS_OF), "adjusted_liabilities") == []


def test_an_incident_after_as_of_counted_in_the_reserve_gets_a_warning():
    p = ref(incidents=[{"date": "2026-12-15", "customer_loss": 2 * BN, "wallet": "hot"},
                       {"date": "2026-03-01", "customer_loss": 1 * BN, "wallet": "hot"}])
    r = compare([p], jurisdictions="JP", as_of=AS_OF)
    late = [w for w in r.warnings if "dated after as_of" in w["message"]]
    assert len(late) == 1 and late[0]["jurisdiction"] == "JP" and late[0]["level"] == "warning"
    assert "2026-12-15" in late[0]["message"] and "2026-11-25" in late[0]["message"]
    assert "JPY 2,000,000,000" in late[0]["message"]
    # the reserve did count it: recent_incident_losses = 2 bn + 1 bn = 3 bn
    assert r.profiles["recent_incident_losses"].iloc[0] == pytest.approx(3 * BN)
    # an explicit recent_incident_losses is the user's own figure: the incidents do not count, no warning
    own = compare([dict(p, recent_incident_losses=1 * BN)], jurisdictions="JP", as_of=AS_OF)
    assert not [w for w in own.warnings if "dated after as_of" in w["message"]]
    # on a later as_of the incident is in the past
    later = compare([p], jurisdictions="JP", as_of="2027-01-10")
    assert not [w for w in later.warnings if "dated after as_of" in w["message"]]


# -- item 10: one dtype policy, currencies named, scenarios not summed -------------------------------------

def test_text_columns_are_categorical_in_amounts_costs_and_the_summary():
    r = compare([ref("b"), ref("a")], jurisdictions=["JP", "EU"], as_of=AS_OF, scenarios="all")
    for name, frame in (("amounts", r.amounts), ("costs", r.costs), ("summary", r.cost_summary())):
        text = [c for c in frame.columns if frame[c].dtype.kind not in "fbiu"]
        assert text, name
        for c in text:
            assert isinstance(frame[c].dtype, pd.CategoricalDtype), (name, c, frame[c].dtype)
        assert list(frame["profile"].cat.categories) == ["b", "a"], name  # input order, not A-Z
        assert not frame["scenario"].isna().any() and "" in set(frame["scenario"]), name


def test_empty_scenario_stays_empty_text_in_csv_and_json():
    r = compare([ref()], jurisdictions="JP", as_of=AS_OF)
    rows = list(csv.DictReader(io.StringIO(r.to_csv())))
    assert {row["scenario"] for row in rows} == {"", "central"}
    costs = list(csv.DictReader(io.StringIO(r.to_csv(table="costs"))))
    assert "" in {row["scenario"] for row in costs}
    doc = json.loads(r.to_json())
    assert {o["scenario"] for o in doc["obligations"]} == {"", "central"}
    assert None not in {c["scenario"] for c in doc["costs"]}


def test_cost_summary_money_columns_carry_their_currency():
    r = compare([ref()], jurisdictions="JP", as_of=AS_OF, currency="USD")
    s = r.cost_summary()
    row = s.iloc[0]
    assert row["currency"] == "JPY" and row["ref_currency"] == "USD"
    usd_per_jpy = r.fx.rate("JPY", "USD")
    assert row["annual_cost_ref"] == pytest.approx(row["annual_cost"] * usd_per_jpy)


# -- item 9: outputs -------------------------------------------------------------------------------------

@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
@settings(max_examples=300, deadline=None)
def test_rounding_to_15_digits_stays_within_half_a_unit_of_the_15th_digit(x):
    y = float(round_significant(np.array([x]))[0])
    assert abs(y - x) <= 5e-15 * abs(x) * (1 + 1e-12) + 1e-300
    assert round_significant(np.array([y]))[0] == y  # idempotent
    digits = re.sub(r"e.*$", "", repr(abs(y))).replace(".", "").strip("0")
    assert len(digits) <= 15


def test_rounding_drops_binary_noise():
    assert round_significant(np.array([262955999.99999997, 0.1 + 0.2, 0.0, np.nan])).tolist()[:3] == \
        [262956000.0, 0.3, 0.0]
    frame = pd.DataFrame({"x": [0.1 + 0.2], "n": [3], "t": ["a"]})
    assert tidy_floats(frame)["x"].iloc[0] == 0.3 and frame["x"].iloc[0] != 0.3  # the input unchanged


def float_tokens(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?(?![\w.])", text)


def test_csv_and_json_carry_no_float_noise():
    r = compare(EXAMPLES / "profiles.yaml", as_of=AS_OF, scenarios="all")
    for text in (r.to_csv(), r.to_csv(table="costs"), r.to_csv(table="summary"), r.to_json()):
        for tok in float_tokens(text):
            digits = re.sub(r"e.*$", "", tok.lstrip("-")).replace(".", "").strip("0")
            assert len(digits) <= 15, tok


def test_cli_csv_prints_the_warnings_on_stderr_and_a_clean_csv_on_stdout():
    r = run("compare", str(EXAMPLES / "profiles.yaml"), "-j", "JP", "-f", "csv", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 6 * 5  # six examples × JP's four obligations + the central reserve
    assert "jp.liability_reserve is a proposal" in " ".join(r.stderr.split())
    assert "Osaka mid-size exchange (illustrative)" in r.stderr  # the cold-storage breach note


def test_cli_csv_tables_costs_and_summary(tmp_path):
    out = tmp_path / "costs.csv"
    r = run("compare", str(EXAMPLES / "profiles.yaml"), "-j", "JP", "-f", "csv", "--table", "costs",
            "-o", str(out), "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    costs = pd.read_csv(out, keep_default_na=False)
    tokyo = costs[(costs["profile"] == "Tokyo large exchange (illustrative)")
                  & (costs["obligation"] == "minimum_capital")].iloc[0]
    # JPY 10 m paid-in capital as own funds: the equity premium net of what the funds earn (central 11.25 %,
    # assumed; cost of equity = JPY yield + premium, the funds earn the yield)
    assert (tokyo["form"], tokyo["funded_amount"]) == ("own_funds", 10_000_000)
    assert tokyo["annual_cost"] == pytest.approx(10_000_000 * 0.1125)
    r = run("compare", str(EXAMPLES / "profiles.yaml"), "-j", "JP", "-f", "csv", "--table", "summary",
            "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    summary = pd.read_csv(io.StringIO(r.stdout), keep_default_na=False)
    assert list(summary.columns[:4]) == ["profile", "jurisdiction", "scenario", "currency"]
    # the Lisbon adviser is outside Japan's scope (no exchange, platform or custody service): five rows
    assert len(summary) == 5 and set(summary["scenario"]) == {"central"}


def test_cli_table_option_with_another_format_exits_2():
    r = run("compare", str(EXAMPLES / "profiles.yaml"), "-j", "EU", "--table", "costs")
    assert r.returncode == 2 and "--format csv" in r.stderr and "Traceback" not in r.stderr


def test_plan_help_offers_only_formats_that_work(tmp_path):
    r = run("plan", "--help")
    offered = re.search(r"<([a-z|]+)>\s+Output format", r.stdout).group(1).split("|")
    assert "csv" in offered
    for fmt in offered:
        res = run("plan", "examples/plan.yaml", "-f", fmt, "-o", str(tmp_path / f"plan.{fmt}"))
        assert res.returncode == 0, (fmt, res.stderr)
    ranked = pd.read_csv(tmp_path / "plan.csv", keep_default_na=False)
    assert set(ranked["market"]) == {"JP", "EU", "HK"}
    assert list(ranked["rank"]) == [1, 2, 3]  # ranked by cost per unit of business, cheapest first
    assert (np.diff(ranked["cost_bp_of_volume"].to_numpy()) >= 0).all()


def test_plan_writes_a_briefing_and_a_workbook(tmp_path):
    html, xlsx = tmp_path / "plan.html", tmp_path / "plan.xlsx"
    r = run("plan", "examples/plan.yaml", "--brief", str(html), "--xlsx", str(xlsx))
    assert r.returncode == 0, r.stderr
    page = html.read_text(encoding="utf-8")
    assert "Licensing plan: Global exchange group" in page
    for entity in ("Global exchange group (illustrative) — JP", "Global exchange group (illustrative) — EU",
                   "Global exchange HK (illustrative)"):
        assert entity in page
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert len(book.sheetnames) >= 2


def test_plan_briefing_shows_each_entity_under_its_own_market_only():
    from comparisons import plan

    p = plan(EXAMPLES / "plan.yaml")
    c = p.as_comparison()
    ob = c.obligations
    pairs = set(zip(ob["profile"], ob["jurisdiction"]))
    assert pairs == {("Global exchange group (illustrative) — JP", "JP"),
                     ("Global exchange group (illustrative) — EU", "EU"), ("Global exchange HK (illustrative)", "HK")}
    # the JP entity holds 10 % of the group's USD 60 bn client crypto at 4 % hot: performance-guarantee crypto
    # = 1.0 × 0.04 × USD 6 bn = USD 240 m
    pgc = ob[ob["obligation"] == "performance_guarantee_crypto"]["amount_ref"].iloc[0]
    assert pgc == pytest.approx(1.0 * 0.04 * 0.10 * 60 * BN)
    assert tuple(c.warnings) == tuple(p.warnings)


def test_example_plan_names_only_files_that_exist():
    text = (ROOT / "examples" / "plan.yaml").read_text(encoding="utf-8")
    paths = set(re.findall(r"\b(?:comparisons|examples|jurisdictions)/[\w/.-]+\.\w+", text))
    assert paths, "the example names its format's module"
    for p in paths:
        assert (ROOT / p).exists(), p
    doc = yaml.safe_load(text)
    for key in ("assumptions", "funding"):
        if isinstance(doc.get(key), str):
            assert (ROOT / "examples" / doc[key]).exists()


# -- item 12: CLI edges ----------------------------------------------------------------------------------

def test_version():
    import comparisons

    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"xjur {comparisons.__version__}"


def test_o_means_output_in_every_command_and_flags_show_no_type():
    from comparisons.cli import command

    cmd = command()
    seen = 0
    for name, sub in cmd.commands.items():
        for param in sub.params:
            if "-o" in getattr(param, "opts", ()):
                assert param.name == "output", (name, param.name)
                seen += 1
        if name == "explain":
            (ob,) = [p for p in sub.params if p.name == "obligation"]
            assert ob.opts == ["--obligation"]
    assert seen >= 6  # compare, explain, stress, plan, brief, jurisdictions
    for args in (["--help"], ["compare", "--help"], ["stress", "--help"], ["brief", "--help"], ["plan", "--help"]):
        r = run(*args)
        assert r.returncode == 0 and "<bool>" not in r.stdout, args


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_closed_pipe_ends_quietly_with_status_0(fmt):
    shell = f"set -o pipefail; '{XJUR}' compare examples/profiles.yaml -f {fmt} --as-of 2026-11-25 | head -c 20"
    r = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "Broken pipe" not in r.stderr
    assert len(r.stdout) == 20


def test_explain_writes_to_output(tmp_path):
    out = tmp_path / "explain.txt"
    r = run("explain", str(EXAMPLES / "profiles.yaml"), "-p", "Lisbon crypto adviser (illustrative)", "-j", "EU",
            "--obligation", "prudential_safeguards", "--as-of", "2026-11-25", "-o", str(out))
    assert r.returncode == 0, r.stderr
    # class 1 adviser: max(EUR 50,000, 0.25 × EUR 400,000 = 100,000) = EUR 100,000
    assert "max(EUR 50,000 [Annex IV class 1], 0.25 × EUR 400,000) = EUR 100,000" in " ".join(
        out.read_text(encoding="utf-8").split())


# -- item 3: running xjur after make demo ----------------------------------------------------------------

def test_readme_says_how_to_run_xjur_after_make_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme[:readme.index("## Use")]
    assert ".venv/bin/xjur" in top and "source .venv/bin/activate" in top


@given(st.lists(st.one_of(st.sampled_from(["", "JP", "EU", "central"]), st.none(), st.text(max_size=4)),
                min_size=1, max_size=40))
@settings(max_examples=150, deadline=None)
def test_the_text_policy_keeps_every_value_and_never_gives_nan(values):
    from comparisons.tables import categorical_columns

    frame = pd.DataFrame({"t": pd.Series(values, dtype=object), "x": np.arange(len(values), dtype="float64")})
    out = categorical_columns(frame)
    assert isinstance(out["t"].dtype, pd.CategoricalDtype) and out["x"].dtype == "float64"
    assert list(out["t"].astype(object)) == ["" if v is None else v for v in values]  # None → "", rest as given
    assert list(out["t"].cat.categories) == list(dict.fromkeys("" if v is None else v for v in values))
    assert list(frame["t"]) == values  # the input unchanged
