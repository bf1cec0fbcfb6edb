"""Parameter files: dated reads, the error before the first date, overrides from their date, and malformed
files rejected with messages that name the file, the parameter and the value."""
from __future__ import annotations

import datetime as dt
import math
import textwrap

import pytest

from jurisdictions.framework import ParameterError, ParameterSet, load_parameters, parse_parameters

D = dt.date

BASE = """\
floor:
  description: A capital floor that rises in 2026
  unit: EUR
  values:
    - effective_from: 2026-01-01
      value: 200000
      status: in_force
      citation: Act s. 1 as amended
    - effective_from: 2024-01-01
      value: 100000
      status: in_force
      citation: Act s. 1
      source: Gazette 1/2024
rate:
  unit: fraction
  values:
    - effective_from: 2025-03-01
      scenarios: {low: 0.001, central: 0.002, high: null}
      status: proposed
      citation: Consultation para 3
      note: the high scenario sets no cap
rule:
  unit: rule
  values:
    - effective_from: 2024-01-01
      value: highest class among services
      status: guidance
      citation: Q&A 1
"""


def write(tmp_path, text: str, name: str = "params.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture
def params(tmp_path) -> ParameterSet:
    return load_parameters(write(tmp_path, BASE))


# --- dated reads ----------------------------------------------------------------------------------------

def test_values_are_read_for_the_as_of_date(params):
    assert params.at("floor", D(2024, 1, 1)).number() == 100_000  # first day of the first value
    assert params.at("floor", D(2025, 12, 31)).number() == 100_000
    assert params.at("floor", D(2026, 1, 1)).number() == 200_000  # the file lists it first: sorted by date
    assert params.at("floor", D(2030, 6, 1)).citation == "Act s. 1 as amended"
    assert params.latest("floor").number() == 200_000
    v = params.at("floor", D(2025, 1, 1))
    assert (v.unit, v.status, v.source, v.description) == ("EUR", "in_force", "Gazette 1/2024",
                                                           "A capital floor that rises in 2026")
    assert v.label() == "Act s. 1; in_force; from 2024-01-01"


def test_default_source_is_the_file(params, tmp_path):
    assert params.at("floor", D(2026, 6, 1)).source == str(tmp_path / "params.yaml")


def test_reading_before_the_first_date_is_an_error_not_zero(params):
    with pytest.raises(ParameterError, match=r"parameter 'floor' has no value on 2023-12-31: its first value "
                                             r"applies from 2024-01-01"):
        params.at("floor", D(2023, 12, 31))
    with pytest.raises(ParameterError, match="first value applies from 2025-03-01"):
        params.snapshot(D(2025, 1, 1))  # one parameter of the snapshot starts later


def test_snapshot_of_named_ids(params):
    snap = params.snapshot(D(2025, 6, 1), ["floor", "rule"])
    assert list(snap) == ["floor", "rule"]
    assert snap["rule"].value == "highest class among services"


def test_scenarios_and_null(params):
    v = params.at("rate", D(2026, 1, 1))
    assert v.number("low") == 0.001 and v.number("central") == 0.002
    assert v.number("high") == math.inf  # null = no limit
    assert v.note == "the high scenario sets no cap"
    with pytest.raises(ParameterError, match=r"parameter 'rate' has no value for scenario 'mid' \(it has "
                                             r"\['central', 'high', 'low'\]\)"):
        v.number("mid")
    assert params.at("floor", D(2026, 1, 1)).number("high") == 200_000  # no scenarios: the plain value


def test_a_rule_string_is_not_a_number(params):
    with pytest.raises(ParameterError, match="parameter 'rule' is a rule \\('highest class among services'\\), "
                                             "not a number"):
        params.at("rule", D(2025, 1, 1)).number()


def test_unknown_id_hints(params):
    with pytest.raises(ParameterError, match=r"unknown parameter 'flor' \(did you mean 'floor'\?\)"):
        params.at("flor", D(2025, 1, 1))


# --- overrides ------------------------------------------------------------------------------------------

OVERRIDE = """\
floor:
  values:
    - effective_from: 2025-06-01
      value: 150000
      status: assumed
      citation: what-if
other_jurisdictions_param:
  values:
    - effective_from: 2020-01-01
      value: 1
      status: assumed
      citation: x
"""


def test_override_replaces_the_history_from_its_date(params, tmp_path):
    user = load_parameters(write(tmp_path, OVERRIDE, "user.yaml"), user_file=True)
    merged = params.with_overrides(user)
    assert merged.at("floor", D(2025, 5, 31)).number() == 100_000  # before the override: built-in value
    v = merged.at("floor", D(2025, 6, 1))
    assert (v.number(), v.status, v.unit) == (150_000, "assumed", "EUR")  # unit taken from the built-in
    assert v.source == f"user file {tmp_path / 'user.yaml'}"
    # the built-in 2026 value came after the override's start: it is replaced too
    assert merged.at("floor", D(2027, 1, 1)).number() == 150_000
    assert "other_jurisdictions_param" not in merged  # ids this set does not know are left to others
    assert params.at("floor", D(2027, 1, 1)).number() == 200_000  # the original set is unchanged


def test_override_starting_before_the_built_in_replaces_all_of_it(params):
    user = parse_parameters({"floor": {"values": [
        {"effective_from": "2020-01-01", "value": 1, "status": "assumed", "citation": "x"}]}}, "user")
    merged = params.with_overrides(user)
    assert [v.number() for v in merged.history("floor").values] == [1]
    assert merged.at("floor", D(2021, 1, 1)).number() == 1  # no error: the user gave a value from 2020


# --- malformed files ------------------------------------------------------------------------------------

V = "effective_from: 2024-01-01, value: 1, status: in_force, citation: Act s. 1"


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "a parameter file is a non-empty mapping of parameter ids to entries"),
    ("", "a parameter file is a non-empty mapping of parameter ids to entries"),
    ("p: {unit: EUR}", "p: each parameter needs a 'values' list"),
    ("p: {values: []}", "p: 'values' must be a non-empty list"),
    ("p: {values: 3}", "p: 'values' must be a non-empty list"),
    ("p: {values: [3]}", "p.values[0]: each value is a mapping"),
    ("p: {values: [{" + V + ", citaton: x}]}", "p.values[0]: unknown key 'citaton' (did you mean 'citation'?)"),
    ("p: {values: [{value: 1, status: in_force, citation: c}]}", "p.values[0]: missing 'effective_from'"),
    ("p: {values: [{effective_from: 2024-01-01, value: 1, citation: c}]}", "p.values[0]: missing 'status'"),
    ("p: {values: [{effective_from: 2024-01-01, value: 1, status: in_force}]}", "p.values[0]: missing 'citation'"),
    ("p: {values: [{effective_from: 2024-01-01, status: in_force, citation: c}]}",
     "p.values[0]: give exactly one of 'value' or 'scenarios'"),
    ("p: {values: [{" + V + ", scenarios: {low: 1}}]}", "p.values[0]: give exactly one of 'value' or 'scenarios'"),
    ("p: {values: [{effective_from: 2024-01-01, value: 1, status: in_forse, citation: c}]}",
     "p.values[0]: status 'in_forse' is not one of in_force, guidance, enacted, proposed, reported, assumed "
     "(did you mean 'in_force'?)"),
    ("p: {values: [{effective_from: 2024-01-01, value: 1, status: unknown, citation: c}]}",
     "p.values[0]: status 'unknown' is not one of"),
    ("p: {values: [{effective_from: 2024-13-01, value: 1, status: in_force, citation: c}]}",
     "p.values[0]: effective_from '2024-13-01' is not an ISO date (YYYY-MM-DD)"),
    ("p: {values: [{effective_from: 2024-01-01, value: [1], status: in_force, citation: c}]}",
     "p.values[0]: value [1] is not a number, a rule string or null"),
    ("p: {values: [{effective_from: 2024-01-01, value: true, status: in_force, citation: c}]}",
     "p.values[0]: value True is not a number, a rule string or null"),
    ("p: {values: [{effective_from: 2024-01-01, value: .inf, status: in_force, citation: c}]}",
     "p.values[0]: value inf is not finite"),
    ("p: {values: [{effective_from: 2024-01-01, scenarios: [1], status: in_force, citation: c}]}",
     "p.values[0]: 'scenarios' maps scenario names to values"),
    ("p: {values: [{effective_from: 2024-01-01, scenarios: {centrl: 1}, status: proposed, citation: c}]}",
     "p.values[0]: unknown scenario 'centrl': use low, central, high, fiea_analogue (did you mean 'central'?)"),
    ("p: {values: [{effective_from: 2024-01-01, scenarios: {low: x y}, status: proposed, citation: c}]}",
     None),  # a rule string per scenario is allowed
    ("p: {values: [{" + V + "}, {" + V + "}]}", "p: two values from 2024-01-01 (one value per date)"),
])
def test_malformed_files_are_rejected_with_clear_messages(tmp_path, text, message):
    path = write(tmp_path, text)
    if message is None:
        assert load_parameters(path).at("p", D(2024, 1, 1)).for_scenario("low") == "x y"
        return
    with pytest.raises(ParameterError) as e:
        load_parameters(path)
    assert str(e.value).startswith(f"{path}: {message}")


def test_duplicate_parameter_id_is_rejected_not_silently_overwritten(tmp_path):
    path = write(tmp_path, f"p: {{values: [{{{V}}}]}}\nq: {{values: [{{{V}}}]}}\np: {{values: [{{{V}}}]}}\n")
    with pytest.raises(ParameterError, match=r"(?s)malformed YAML: duplicate key 'p'.*line 3"):
        load_parameters(path)


def test_malformed_yaml_and_missing_file(tmp_path):
    with pytest.raises(ParameterError, match=r"params.yaml: malformed YAML"):
        load_parameters(write(tmp_path, "p: {values: [\n"))
    with pytest.raises(ParameterError, match=r"nope.yaml: cannot read parameter file"):
        load_parameters(tmp_path / "nope.yaml")


def test_python_tags_are_refused(tmp_path):
    # the loader stays safe: no object construction from tags
    with pytest.raises(ParameterError, match="malformed YAML"):
        load_parameters(write(tmp_path, "p: !!python/object/apply:os.system ['echo hi']\n"))


def test_what_if_reads_a_proposal_whatever_the_date():
    from jurisdictions.framework import parse_parameters
    import datetime as dt

    ps = parse_parameters({"x_rate": {"unit": "fraction", "values": [
        {"effective_from": "2027-04-01", "value": 0.01, "status": "assumed", "citation": "proposal"},
        {"effective_from": "2028-04-01", "value": 0.02, "status": "assumed", "citation": "proposal, year 2"},
    ]}}, "t.yaml")
    assert ps.what_if("x_rate", dt.date(2026, 11, 25)).value == 0.01  # before the start: the first value
    assert ps.what_if("x_rate", dt.date(2028, 6, 1)).value == 0.02    # after: the value of the date
    with pytest.raises(ParameterError):
        ps.at("x_rate", dt.date(2026, 11, 25))                          # a plain read still refuses
