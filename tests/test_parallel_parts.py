"""A large batch in parts on worker processes (``comparisons/parallel.py``, ``xjur compare --jobs N``): the same
obligations, costs and warnings as :func:`compare` on the whole batch, each table a Parquet dataset.

Worked example (tests/test_hong_kong.py derives it from the rulebook): a Hong Kong platform with HKD 10 bn of
client crypto-assets, 2 % hot: para 10.22 compensation cover = 0.5 × 9.8 bn [cold] + 1.0 × 0.2 bn [hot]
= HKD 5.1 bn, whichever part computes it."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.generate import generate_profiles
from comparisons import compare
from comparisons import output as out
from comparisons.batch_parts import NOTES_FILE, batch_notes, part_bounds
from comparisons.compare import PreparedComparison, note_frame, prepare_comparison
from comparisons.costs.table import UNKNOWN_MARK
from comparisons.parallel import compare_in_parts, default_jobs, PARALLEL_MIN_PROFILES
from jurisdictions.framework import XjurError
from tests.conftest import AS_OF, make_profile
from tests.conftest import run_xjur as xjur

BN = 1_000_000_000
M = 1_000_000
HK_PLATFORM = dict(name="Kowloon VATP", currency="HKD", client_crypto_assets=10 * BN, hot_wallet_share=0.02,
                   services="custody;trading_platform;exchange_fiat;exchange_crypto")
#: a custodian whose EU prudential safeguards are cheapest insured: a cost resting on unknown figures
#: (tests/test_costs_ranges.py); three of them, one in each of three parts
EU_INSURED = [make_profile(name=f"eu-insured-{i}", services="custody", fixed_overheads=3 * M) for i in range(3)]


def batch(n: int) -> pd.DataFrame:
    """``n`` generated profiles, the Hong Kong platform first and the three EU custodians at a quarter, half
    and three quarters of the batch."""
    raw = generate_profiles(n)
    for k, p in zip((0, n // 4, n // 2, 3 * n // 4), [HK_PLATFORM, *EU_INSURED]):
        for c in raw.columns:
            if c in p:
                raw.loc[k, c] = p[c]
    return raw


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    f = _text(frame)
    return f.sort_values(list(f.columns), na_position="first").reset_index(drop=True)


def whole_warnings(result) -> pd.DataFrame:
    return out.warnings_table(result)[["jurisdiction", "profile", "message", "level"]]


OPTIONS = dict(jurisdictions=["JP", "EU", "HK"], scenarios=["all"], currency="USD", as_of=AS_OF)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """900 profiles in five parts of 180 on two worker processes, and the same batch compared at once."""
    raw = batch(900)
    d = tmp_path_factory.mktemp("parts")
    raw.to_parquet(d / "in.parquet")
    prepared = prepare_comparison(d / "in.parquet", **OPTIONS)
    parts = compare_in_parts(prepared, d / "out", jobs=2, part_profiles=180)
    return parts, compare(d / "in.parquet", **OPTIONS), d / "out"


def test_parts_give_the_obligations_costs_and_warnings_of_the_whole_batch(written):
    parts, whole, d = written
    assert parts.summary["part"].tolist() == [0, 1, 2, 3, 4] and parts.summary["profiles"].tolist() == [180] * 5
    ob, costs, warnings = (pd.read_parquet(d / f"{t}.parquet") for t in ("obligations", "costs", "warnings"))
    pd.testing.assert_frame_equal(_sorted(ob), _sorted(whole.amounts), check_dtype=False)
    pd.testing.assert_frame_equal(_sorted(costs), _sorted(whole.costs), check_dtype=False)
    pd.testing.assert_frame_equal(_sorted(warnings), _sorted(whole_warnings(whole)), check_dtype=False)
    assert len(ob) == parts.summary["obligation_rows"].sum() and len(costs) == parts.summary["cost_rows"].sum()
    assert parts.warning_count == len(warnings)


def test_the_worked_example_read_back_from_the_dataset(written):
    _, _, d = written
    ob = pd.read_parquet(d / "obligations.parquet")
    hk = ob[(ob["profile"] == "Kowloon VATP") & (ob["obligation"] == "compensation_cover")]
    assert len(hk) == 1 and hk["amount"].iloc[0] == pytest.approx(0.5 * 9.8 * BN + 1.0 * 0.2 * BN)  # HKD 5.1 bn
    assert isinstance(ob["jurisdiction"].dtype, pd.CategoricalDtype)  # text stays categorical across the parts


def test_batch_level_notes_once_and_unknown_costs_counted_over_all_parts(written):
    parts, whole, d = written
    notes = pd.read_parquet(d / "warnings.parquet" / NOTES_FILE)
    assert not notes.duplicated().any()
    eu = notes[notes["message"].str.contains("the insured part's cost", regex=False)]
    # the three EU custodians sit in parts 1, 2 and 3 (positions 225, 450, 675 of 180-profile parts): one
    # warning counting 3 profiles, not three warnings of 1
    expected = [w["message"] for w in whole.cost_warnings() if "insured part's cost" in w["message"]]
    assert eu["message"].tolist() == expected and len(expected) == 1
    c = whole.costs
    hit = c[c["note"].astype(str).str.contains(UNKNOWN_MARK, regex=False) & (c["funded_amount"] > 0)]
    assert {p["name"] for p in EU_INSURED} <= set(hit["profile"].astype(str))
    assert f"({hit['profile'].nunique():,} profiles)" in expected[0]  # counted over the whole batch
    assert "exchange rates of" not in " ".join(pd.read_parquet(d / "warnings.parquet" / "part-00001.parquet")
                                               ["message"])  # a part file holds per-profile warnings only


def test_each_file_carries_the_comparison_metadata(written):
    _, _, d = written
    meta = out.read_parquet_metadata(d / "costs.parquet")  # a dataset: its first part's footer
    assert meta["as_of"] == str(AS_OF) and meta["table"] == "costs" and meta["part"] == {
        "index": 0, "parts": 5, "profiles": [0, 180]}
    assert [j["code"] for j in meta["jurisdictions"]] == ["JP", "EU", "HK"]
    assert out.read_parquet_metadata(d / "warnings.parquet")["part"] == "notes"


def test_parts_are_computed_by_worker_processes(tmp_path):
    raw = batch(40)
    prepared = prepare_comparison(raw, **OPTIONS)
    seen = compare_in_parts(prepared, tmp_path, jobs=2, part_profiles=10, progress=True)  # a bar on stderr
    assert len(seen.summary) == 4 and seen.workers == 2
    pids = set(seen.summary["pid"])
    assert os.getpid() not in pids and len(pids) == 2  # both workers computed parts, none in this process


def test_part_bounds_cover_every_profile_once():
    assert part_bounds(10, 3) == [(0, 3), (3, 7), (7, 10)]
    assert part_bounds(2, 5) == [(0, 1), (1, 2)]  # never an empty part
    assert part_bounds(1_000_000, 8)[0] == (0, 125_000) and part_bounds(1_000_000, 8)[-1] == (875_000, 1_000_000)


def test_default_jobs_only_for_large_batches():
    assert default_jobs(PARALLEL_MIN_PROFILES - 1) == 1
    assert default_jobs(PARALLEL_MIN_PROFILES) == max(1, min(len(os.sched_getaffinity(0)), 8))


def test_batch_notes_keep_a_note_as_often_as_one_part_has_it():
    a = note_frame([{"jurisdiction": "JP", "profile": "", "message": "m"}] * 2)
    b = note_frame([{"jurisdiction": "JP", "profile": "", "message": "m"},
                    {"jurisdiction": "HK", "profile": "", "message": "n"}])
    notes = batch_notes([a, b], [])
    assert notes["message"].tolist() == ["m", "m", "n"]


def test_a_worker_error_reaches_the_caller(tmp_path, monkeypatch):
    prepared = prepare_comparison(batch(30), **OPTIONS)

    def broken(self, progress=None, defer_text=None):
        raise XjurError("part broke")

    monkeypatch.setattr(PreparedComparison, "run", broken)  # inherited by the forked workers
    with pytest.raises(XjurError, match="part broke"):
        compare_in_parts(prepared, tmp_path, jobs=2, part_profiles=10)


# --- the CLI ----------------------------------------------------------------------------------------------

def test_cli_jobs_writes_datasets_then_one_process_single_files_in_the_same_directory(tmp_path):
    batch(60).to_parquet(tmp_path / "in.parquet")
    o = tmp_path / "out"
    args = ["compare", str(tmp_path / "in.parquet"), "-j", "JP", "-j", "HK", "--as-of", str(AS_OF), "--format",
            "parquet", "--output", str(o)]
    r = xjur(*args, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (o / "obligations.parquet").iterdir()) == ["part-00000.parquet",
                                                                               "part-00001.parquet"]
    assert "2 parts on 2 processes" in r.stderr and "Traceback" not in r.stderr
    parts = pd.read_parquet(o / "obligations.parquet")
    r = xjur(*args, "--jobs", "1")  # the part files are replaced by one file per table
    assert r.returncode == 0, r.stderr
    assert (o / "obligations.parquet").is_file() and (o / "warnings.parquet").is_file()
    pd.testing.assert_frame_equal(_sorted(pd.read_parquet(o / "obligations.parquet")), _sorted(parts),
                                  check_dtype=False)
    r = xjur(*args, "--jobs", "2")  # and back: the single files make way for the parts
    assert r.returncode == 0 and (o / "costs.parquet").is_dir()


def test_cli_refuses_a_foreign_file_in_a_dataset_and_jobs_for_text_formats(tmp_path):
    batch(20).to_parquet(tmp_path / "in.parquet")
    o = tmp_path / "out"
    (o / "costs.parquet").mkdir(parents=True)
    (o / "costs.parquet" / "thesis.docx").write_text("mine")
    r = xjur("compare", str(tmp_path / "in.parquet"), "-j", "JP", "--as-of", str(AS_OF), "--format", "parquet",
             "--output", str(o), "--jobs", "2")
    assert r.returncode == 2 and "thesis.docx" in r.stderr and "Traceback" not in r.stderr
    assert (o / "costs.parquet" / "thesis.docx").read_text() == "mine"
    r = xjur("compare", str(tmp_path / "in.parquet"), "-j", "JP", "--as-of", str(AS_OF), "--format", "csv",
             "--jobs", "2")
    assert r.returncode == 2 and "--format parquet" in r.stderr and "Traceback" not in r.stderr
    r = xjur("compare", str(tmp_path / "in.parquet"), "--format", "parquet", "--output", str(o), "--jobs", "0")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = xjur("compare", str(tmp_path / "in.parquet"), "--format", "jsonl", "--table", "costs")
    assert r.returncode == 2 and "--table costs: chooses the table of --format csv" in r.stderr
    r = xjur("compare", str(tmp_path), "--engine", "dask", "--format", "parquet", "--output", str(o), "--jobs", "2")
    assert r.returncode == 2 and "--engine dask uses the cluster's workers" in r.stderr


def test_cli_bad_rows_reported_at_once_before_any_worker_starts(tmp_path):
    raw = batch(30)
    raw.loc[3, "hot_wallet_share"] = 7.0
    raw.loc[25, "currency"] = "XXQ"
    raw.to_parquet(tmp_path / "in.parquet")
    r = xjur("compare", str(tmp_path / "in.parquet"), "-j", "JP", "--as-of", str(AS_OF), "--format", "parquet",
             "--output", str(tmp_path / "out"), "--jobs", "2")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "row 4" in r.stderr and "hot_wallet_share" in r.stderr and "row 26" in r.stderr and "XXQ" in r.stderr
    assert not (tmp_path / "out" / "obligations.parquet").exists()


@pytest.mark.parametrize("n, markets, part", [
    (300, None, 100),  # every installed market: no market's note depends on which profiles a part holds
    (6_000, ["JP", "EU", "HK"], 2_000),  # a batch whose text is deferred (5,000 profiles or more), as at 1,000,000
])
def test_parts_equal_the_whole_batch_in_every_market_and_on_the_compact_path(tmp_path, n, markets, part):
    options = {**OPTIONS, "jurisdictions": markets}
    raw = batch(n)
    prepared = prepare_comparison(raw, **options)
    written = compare_in_parts(prepared, tmp_path, jobs=2, part_profiles=part)
    whole = compare(raw, **options)
    assert whole.text_deferred is (n >= 5_000) and len(written.summary) == n // part
    for table, expected in (("obligations", whole.amounts), ("costs", whole.costs),
                            ("warnings", whole_warnings(whole))):
        got = pd.read_parquet(tmp_path / f"{table}.parquet")
        pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)
