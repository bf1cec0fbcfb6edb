"""The compact batch path (issue 8): large batches are compared with categorical text and their prose
(``basis`` lines, per-profile notes) rendered only when read. Same numbers, same table, same warnings."""
from __future__ import annotations

import datetime as dt
import importlib

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import generate_profiles
from comparisons import compare, load_profiles
from jurisdictions.framework import (
    COLUMNS, Jurisdiction, ObligationSpec, Regime, categorical_text, choose, compact_rows, compact_table,
    concat_categoricals, join_text, money, number, obligation_rows, percent, percents, profile_dtype,
)
from tests.conftest import AS_OF, EXAMPLES, make_profile

compare_module = importlib.import_module("comparisons.compare")  # the module (the package exports the function)
TEXT = [c for c in COLUMNS if c not in ("amount", "amount_ref", "basis")]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain object strings (categorical or not), for value-by-value comparison."""
    return frame.astype({c: object for c in frame.columns if c not in ("amount", "amount_ref")})


@pytest.fixture(scope="module")
def batches():
    return {"examples": load_profiles(EXAMPLES / "profiles.yaml"),
            "generated": load_profiles(generate_profiles(1_500, seed=31))}


@pytest.mark.parametrize("name", ["examples", "generated"])
@pytest.mark.parametrize("codes", [["JP", "EU", "HK"], None])  # None: every installed market
def test_deferred_text_gives_the_same_table_warnings_and_costs(batches, name, codes):
    frame = batches[name]
    eager = compare(frame, codes, as_of=AS_OF, scenarios=["all"], defer_text=False)
    lazy = compare(frame, codes, as_of=AS_OF, scenarios=["all"], defer_text=True)
    assert not eager.text_deferred and lazy.text_deferred
    # what the batch computes: no basis, every text column a Categorical, the profile coded by position
    assert "basis" not in lazy.rows.columns
    assert all(isinstance(lazy.rows[c].dtype, pd.CategoricalDtype) for c in TEXT)
    assert lazy.rows["profile"].cat.codes.max() == len(frame) - 1
    assert (lazy.rows["profile"].cat.categories == frame["name"]).all()
    # rendered on demand: the very table of the eager path, and the same warnings in the same order
    pd.testing.assert_frame_equal(lazy.obligations, eager.obligations)
    assert lazy.warnings == eager.warnings
    pd.testing.assert_frame_equal(_plain(lazy.amounts), _plain(eager.amounts))
    pd.testing.assert_frame_equal(_plain(lazy.costs), _plain(eager.costs))


def test_large_batches_defer_the_text_by_default(monkeypatch, batches):
    frame = batches["examples"]
    assert not compare(frame, ["EU"], as_of=AS_OF).text_deferred
    monkeypatch.setattr(compare_module, "DEFER_TEXT_MIN_PROFILES", len(frame))
    assert compare(frame, ["EU"], as_of=AS_OF).text_deferred


def test_compact_amounts_equal_one_profile_at_a_time(batches):
    """The vectorised compact path against the per-profile path, on a random sample of the batch."""
    frame = batches["generated"]
    lazy = compare(frame, ["JP", "EU", "HK"], as_of=AS_OF, scenarios=["all"], defer_text=True).amounts
    rng = np.random.default_rng(5)
    for i in rng.choice(len(frame), size=12, replace=False):
        one = compare(frame.iloc[[i]], ["JP", "EU", "HK"], as_of=AS_OF, scenarios=["all"]).obligations
        mine = lazy[lazy["profile"] == frame["name"].iloc[i]]
        assert len(mine) == len(one) == 17  # JP 4 + 4 reserve scenarios, EU 2, HK 6 + the planned capital
        pd.testing.assert_frame_equal(_plain(mine).reset_index(drop=True), one.drop(columns="basis"))


def test_user_parameters_are_cited_on_the_compact_path(tmp_path, batches):
    f = tmp_path / "p.yaml"
    f.write_text("jp_reserve_rate_cold_aum:\n  values:\n    - {effective_from: 2027-04-01, value: 0.02, "
                 "status: assumed, citation: test}\n", encoding="utf-8")
    frame = batches["examples"]
    eager = compare(frame, ["JP"], as_of=AS_OF, parameters=f, defer_text=False)
    lazy = compare(frame, ["JP"], as_of=AS_OF, parameters=f, defer_text=True)
    reserve = lazy.amounts[lazy.amounts["obligation"] == "liability_reserve"]
    assert reserve["citation"].str.endswith(f"jp_reserve_rate_cold_aum from user file {f}").all()
    assert not lazy.amounts.loc[lazy.amounts["obligation"] == "minimum_capital", "citation"].str.contains("user").any()
    pd.testing.assert_frame_equal(lazy.obligations, eager.obligations)


class _Handmade(Jurisdiction):
    """A third-party style plug-in that builds its rows by hand (object columns), not with obligation_rows."""

    code, name, currency = "ZZ", "Handmade", "EUR"
    regimes = (Regime(id="zz.rule", name="rule", status="in_force", in_force_from=dt.date(2020, 1, 1),
                      citation="Act 1"),)
    reads = ("client_fiat",)
    obligations = (ObligationSpec(id="client_fiat_copy", regime="zz.rule", category="client_money",
                                  funding_forms=("segregation",), formula="client fiat", citation="Act 1 s 1",
                                  inputs=("client_fiat",), parameters=()),)

    def parameters(self, overrides=None):
        from jurisdictions.framework import ParameterSet

        return ParameterSet({}, "none")

    def assess(self, profiles, as_of, scenarios=("central",), parameters=None):
        fiat = profiles["client_fiat"].to_numpy()
        return pd.DataFrame({
            "profile": profiles["name"].to_numpy(dtype=object), "jurisdiction": "ZZ", "regime": "zz.rule",
            "obligation": "client_fiat_copy", "category": "client_money", "amount": fiat, "currency": "EUR",
            "amount_ref": np.nan, "status": "in_force", "scenario": "", "funding_forms": "segregation",
            "overlap_group": "", "citation": "Act 1 s 1", "basis": [f"EUR {x:,.0f}" for x in fiat], "reason": "",
        })


def test_a_plugin_with_handmade_rows_works_on_the_compact_path(profile):
    frame = load_profiles([make_profile(name="a", client_fiat=1_000.0), make_profile(name="b", client_fiat=2_500.0)])
    lazy = compare(frame, [_Handmade()], as_of=AS_OF, currency="EUR", defer_text=True)
    assert lazy.amounts["amount"].tolist() == [1_000.0, 2_500.0]
    assert lazy.amounts["profile"].tolist() == ["a", "b"]
    assert lazy.obligations["basis"].tolist() == ["EUR 1,000", "EUR 2,500"]


# --- the framework pieces -------------------------------------------------------------------------------

def test_text_helpers_skip_arrays_but_format_scalars_inside_compact_rows():
    values = np.array([125_000.0, 3_000_000.0])
    assert money("EUR", values).tolist() == ["EUR 125,000", "EUR 3,000,000"]
    with compact_rows(pd.Series(["a", "b"])):
        assert money("EUR", values) == "" and number(values) == "" and percents(values) == ""
        assert join_text("max(", pd.Series(["x", "y"]), ")").tolist() == ""
        assert money("EUR", 125_000.0) == "EUR 125,000" and number(0.25) == "0.25" and percent(0.05) == "5 %"
    assert percents(np.array([0.05, 0.025, 0.05])).tolist() == ["5 %", "2.5 %", "5 %"]


def test_obligation_rows_inside_compact_rows_are_categorical_with_the_same_values():
    profiles = pd.DataFrame({"name": ["a", "b", "c"]})
    kw = dict(jurisdiction="EU", regime="eu.mica", obligation="prudential_safeguards", category="capital",
              amount=np.array([1.0, np.nan, 3.0]), currency="EUR",
              status=np.where([True, False, True], "in_force", "guidance"), citation="MiCA Art. 67",
              basis="b", funding_forms=("own_funds", "insurance"), overlap_group="eu.prudential",
              reason=choose([np.array([False, True, False])], ["not applicable"], ""))
    eager = obligation_rows(profiles, **kw)
    with compact_rows(profiles["name"]):
        compact = obligation_rows(profiles, **kw)
    assert all(isinstance(compact[c].dtype, pd.CategoricalDtype) for c in TEXT)
    assert compact["basis"].tolist() == ["", "", ""]
    pd.testing.assert_frame_equal(_plain(compact.drop(columns="basis")), eager.drop(columns="basis"))
    assert eager["reason"].tolist() == ["", "not applicable", ""]
    # an unexplained blank is refused on both paths
    with pytest.raises(ValueError, match="NaN amount without a reason"):
        with compact_rows(profiles["name"]):
            obligation_rows(profiles, **{**kw, "reason": None})


def test_profile_codes_follow_the_index_and_fall_back_to_the_names():
    names = pd.Series(["a", "b", "c", "d"])
    profiles = pd.DataFrame({"name": names})
    with compact_rows(names) as mode:
        subset = profiles.iloc[[3, 1]]  # a subset that kept its index
        assert mode.profile_column(subset).tolist() == ["d", "b"]
        reset = subset.reset_index(drop=True)  # index 0, 1 no longer the positions: the names decide
        assert mode.profile_column(reset).tolist() == ["d", "b"]
        with pytest.raises(ValueError, match="not in the batch"):
            mode.profile_column(pd.DataFrame({"name": ["zz"]}))


def test_categorical_text_handles_constants_few_and_many_values():
    assert categorical_text("x", 3).tolist() == ["x", "x", "x"]
    few = np.where(np.arange(10_000) % 3 == 0, "in_force", "assumed")
    cat = categorical_text(few, len(few))
    assert (np.asarray(cat) == few).all() and len(cat.categories) == 2
    many = np.array([f"v{i % 2_000}" for i in range(10_000)])  # more distinct values than the sample finds
    assert (np.asarray(categorical_text(many, len(many))) == many).all()
    mixed = np.array(["a", None, "b"], dtype=object)
    assert categorical_text(mixed, 3).tolist()[0] == "a"


def test_concat_categoricals_unites_categories_and_keeps_values():
    a = pd.Categorical(["x", "y", "x"])
    b = pd.Categorical.from_codes(np.zeros(2, dtype=np.int8), categories=["z"])
    c = pd.Categorical(["y", "z"])
    out = concat_categoricals([a, b, c])
    assert out.tolist() == ["x", "y", "x", "z", "z", "y", "z"]
    dtype = profile_dtype(["p", "q"])
    same = concat_categoricals([pd.Categorical.from_codes([1, 0], dtype=dtype),
                                pd.Categorical.from_codes([0], dtype=dtype)])
    assert same.dtype is dtype and same.tolist() == ["q", "p", "p"]


def test_compact_table_refuses_rows_of_unknown_profiles():
    rows = pd.DataFrame({c: ["x"] for c in COLUMNS}).assign(amount=1.0, amount_ref=1.0)
    with pytest.raises(ValueError, match="not in the batch"):
        compact_table(rows, profile_dtype(["a"]))
    assert compact_table(rows.assign(profile="a"), profile_dtype(["a"]))["profile"].tolist() == ["a"]


def test_rendering_deferred_text_shows_progress_on_a_terminal(monkeypatch, capsys, batches):
    frame = batches["examples"]
    monkeypatch.setattr(compare_module, "DEFER_TEXT_MIN_PROFILES", 1)
    monkeypatch.setattr(compare_module, "TEXT_PROGRESS_MIN_PROFILES", 1)
    result = compare(frame, ["JP", "EU"], as_of=AS_OF)
    assert result.text_deferred
    capsys.readouterr()
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")
    assert len(result.obligations) == len(result.rows)
    err = capsys.readouterr().err
    assert "xjur compare · basis lines" in err and "2/2" in err  # one step per market, both done


def test_side_by_side_of_a_deferred_batch_needs_no_rendering(batches):
    frame = batches["examples"]
    eager = compare(frame, ["JP", "EU", "HK"], as_of=AS_OF, defer_text=False)
    lazy = compare(frame, ["JP", "EU", "HK"], as_of=AS_OF, defer_text=True)
    for value in ("amount_ref", "amount"):
        pd.testing.assert_frame_equal(lazy.side_by_side(value), eager.side_by_side(value))
    assert "obligations" not in lazy.__dict__  # the basis lines were never rendered


def test_json_text_holds_the_to_dict_document(batches):
    """``to_json`` writes the tables with pandas' encoder: the same keys, rows and values as ``to_dict``
    (floats to 15 decimal places: within 1e-15 relative of the exact value)."""
    import json
    import math

    result = compare(batches["examples"], ["JP", "EU", "HK"], as_of=AS_OF, scenarios=["all"])
    text, doc = json.loads(result.to_json()), json.loads(json.dumps(result.to_dict(), default=str))
    assert list(text) == list(doc) == ["as_of", "currency", "fx", "scenarios", "in_force_only", "jurisdictions",
                                       "obligations", "costs", "cost_ranges", "warnings"]
    for key in ("obligations", "costs", "cost_ranges"):
        assert len(text[key]) == len(doc[key]) > 0
        for got, want in zip(text[key], doc[key]):
            assert list(got) == list(want)
            for field, value in want.items():
                if isinstance(value, float):
                    assert math.isclose(got[field], value, rel_tol=1e-15), (key, field)
                else:
                    assert got[field] == value, (key, field)
    assert text["obligations"][0]["funding_forms"] == ["own_funds"]  # JP minimum capital: a list, not "a;b"
    assert {k: text[k] for k in ("as_of", "fx", "warnings")} == {k: doc[k] for k in ("as_of", "fx", "warnings")}


def test_costs_of_a_large_batch_show_progress_on_a_terminal(monkeypatch, capsys, batches):
    import sys

    monkeypatch.setattr(compare_module, "PROGRESS_MIN_PROFILES", 1)
    result = compare(batches["examples"], ["EU"], as_of=AS_OF)
    capsys.readouterr()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")
    assert len(result.costs) > 0
    assert f"xjur compare · costs: {len(result.rows):,} obligation rows" in capsys.readouterr().err


def test_stress_and_sweep_of_a_deferred_batch_equal_the_text_path_without_rendering_basis(batches):
    from comparisons.sensitivity import sweep
    from comparisons.stress import stress

    frame = batches["generated"].iloc[:300]
    eager = compare(frame, ["JP", "EU", "HK"], as_of=AS_OF, scenarios=["all"], defer_text=False)
    lazy = compare(frame, ["JP", "EU", "HK"], as_of=AS_OF, scenarios=["all"], defer_text=True)
    a, b = stress(eager, incident="coincheck-2018"), stress(lazy, incident="coincheck-2018")
    pd.testing.assert_frame_equal(b.table, a.table)
    assert "obligations" not in lazy.__dict__  # stressed without rendering a basis line
    grid = dict(jurisdiction="JP", obligation="liability_reserve", parameter="jp_reserve_rate_cold_aum",
                values=[0.0, 0.02], as_of=AS_OF, scenarios=["central"])
    swept = sweep(frame, **grid, defer_text=True)
    pd.testing.assert_frame_equal(swept, sweep(frame, **grid, defer_text=False))
    # 300 profiles × 2 values; 0.02 × cold client assets is a floor-free part of the reserve: it grows
    assert len(swept) == 600
    low, high = (swept[swept["value"] == v].set_index("profile")["amount"] for v in (0.0, 0.02))
    assert (low.isna() == high.isna()).all()  # profiles outside Japan's scope have no reserve at any value
    assert (high[low.notna()] >= low[low.notna()]).all() and (high > low).any()


def test_in_force_only_and_another_currency_on_the_compact_path(batches):
    frame = batches["examples"]
    kw = dict(as_of=AS_OF, currency="JPY", scenarios=["all"], in_force_only=True)
    eager = compare(frame, ["JP", "EU", "HK"], defer_text=False, **kw)
    lazy = compare(frame, ["JP", "EU", "HK"], defer_text=True, **kw)
    assert "jp.liability_reserve" not in set(lazy.amounts["regime"])  # the proposal is left out
    pd.testing.assert_frame_equal(lazy.obligations, eager.obligations)
    assert lazy.warnings == eager.warnings
    pd.testing.assert_frame_equal(_plain(lazy.costs), _plain(eager.costs))
