"""Large batches end to end (issue 22): Parquet in and out, chunked CSV and JSON Lines, the Dask path.

Worked example used throughout: a Hong Kong platform with HKD 10 bn of client crypto-assets, 2 % hot:
para 10.22 compensation cover = 0.5 × 9.8 bn [cold] + 1.0 × 0.2 bn [hot] = HKD 5.1 bn
(tests/test_hong_kong.py derives it from the rulebook)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate_profiles
from comparisons import compare, load_profiles
from comparisons import output as out
from jurisdictions.framework import ProfileError
from jurisdictions.framework import input_policy as policy
from tests.conftest import AS_OF, make_profile
from tests.conftest import run_xjur as xjur

BN = 1_000_000_000
HK_PLATFORM = make_profile(name="Kowloon VATP", currency="HKD", client_crypto_assets=10 * BN, hot_wallet_share=0.02,
                           services="custody;trading_platform;exchange_fiat;exchange_crypto")
EVIL = make_profile(name="=HYPERLINK(\"http://x\")", currency="HKD", client_crypto_assets=1 * BN,
                    hot_wallet_share=0.02, services="custody;trading_platform;exchange_fiat;exchange_crypto")


@pytest.fixture
def two_profiles(tmp_path) -> Path:
    path = tmp_path / "p.parquet"
    pd.DataFrame([HK_PLATFORM, EVIL]).to_parquet(path)
    return path


# --- Parquet in ------------------------------------------------------------------------------------------

def test_parquet_profiles_read_like_the_same_csv(tmp_path):
    raw = generate_profiles(300)
    raw.to_parquet(tmp_path / "p.parquet")
    raw.to_csv(tmp_path / "p.csv", index=False)
    a, b = load_profiles(tmp_path / "p.parquet"), load_profiles(tmp_path / "p.csv")
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_parquet_profile_compared_by_hand(two_profiles):
    r = compare(two_profiles, jurisdictions=["HK"], as_of=AS_OF, currency="HKD")
    cover = r.obligations.set_index(["profile", "obligation"]).loc[("Kowloon VATP", "compensation_cover")]
    assert cover["amount"] == pytest.approx(0.5 * 9.8 * BN + 1.0 * 0.2 * BN)  # = HKD 5.1 bn


def test_parquet_rows_beyond_the_policy_refused_from_the_footer(tmp_path, monkeypatch):
    pd.DataFrame([make_profile(name=f"p{i}") for i in range(3)]).to_parquet(tmp_path / "three.parquet")
    monkeypatch.setattr(policy, "LIMITS", {**policy.LIMITS, "profiles": policy.FileLimits(
        max_bytes=1024 ** 3, max_rows=2, max_unpacked_bytes=1024 ** 3)})
    with pytest.raises(ProfileError, match=r"three\.parquet.*more than 2 rows"):
        load_profiles(tmp_path / "three.parquet")


def test_parquet_unpacked_size_beyond_the_policy_refused(tmp_path, monkeypatch):
    pd.DataFrame([make_profile(name=f"p{i}") for i in range(3)]).to_parquet(tmp_path / "three.parquet")
    monkeypatch.setattr(policy, "LIMITS", {**policy.LIMITS, "profiles": policy.FileLimits(
        max_bytes=1024 ** 3, max_rows=10, max_unpacked_bytes=10)})
    with pytest.raises(ProfileError, match=r"three\.parquet.*unpacks to"):
        load_profiles(tmp_path / "three.parquet")


def test_not_parquet_cli_exit_2_names_file(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"name,currency\nnot parquet at all\n")
    r = xjur("compare", str(bad), "-j", "HK", "--as-of", "2026-11-25")
    assert r.returncode == 2
    assert "bad.parquet" in r.stderr and "not a readable Parquet file" in r.stderr
    assert "Traceback" not in r.stderr


def test_parquet_bad_field_names_file_row_and_field(tmp_path):
    rows = [make_profile(name="ok"), make_profile(name="bad", hot_wallet_share=1.5)]
    pd.DataFrame(rows).to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ProfileError) as e:
        load_profiles(tmp_path / "b.parquet")
    text = str(e.value)
    assert "b.parquet" in text and "row 2" in text and "hot_wallet_share" in text


# --- Parquet out -----------------------------------------------------------------------------------------

def test_cli_parquet_out_tables_metadata_and_no_basis(two_profiles, tmp_path):
    d = tmp_path / "out"
    r = xjur("compare", str(two_profiles), "-j", "HK", "-j", "EU", "--as-of", "2026-11-25", "--currency", "HKD",
             "--format", "parquet", "--output", str(d))
    assert r.returncode == 0, r.stderr
    ob = pd.read_parquet(d / "obligations.parquet")
    assert "basis" not in ob.columns
    assert isinstance(ob["profile"].dtype, pd.CategoricalDtype)  # categorical text kept as dictionary columns
    row = ob[(ob["profile"] == "Kowloon VATP") & (ob["obligation"] == "compensation_cover")].iloc[0]
    assert row["amount"] == pytest.approx(0.5 * 9.8 * BN + 1.0 * 0.2 * BN)  # HKD 5.1 bn
    assert row["amount_ref"] == pytest.approx(5.1 * BN)  # reference currency HKD: rate 1
    expected = compare(two_profiles, jurisdictions=["HK", "EU"], as_of=AS_OF, currency="HKD")
    assert len(ob) == len(expected.obligations)
    costs = pd.read_parquet(d / "costs.parquet")
    assert len(costs) == len(expected.costs)
    assert costs["annual_cost_ref"].sum() == pytest.approx(expected.costs["annual_cost_ref"].sum())
    meta = out.read_parquet_metadata(d / "obligations.parquet")
    assert meta["as_of"] == "2026-11-25" and meta["currency"] == "HKD" and meta["table"] == "obligations"
    assert meta["fx"]["date"] <= "2026-11-25"
    assert [j["code"] for j in meta["jurisdictions"]] == ["HK", "EU"]
    assert set(meta["versions"]) == {"xjur", "pandas", "pyarrow"}
    assert out.read_parquet_metadata(d / "costs.parquet")["table"] == "costs"
    # profile text is kept as given in Parquet (typed columns: no spreadsheet reads it as a formula)
    assert EVIL["name"] in set(ob["profile"].astype(str))


def test_cli_parquet_with_basis(two_profiles, tmp_path):
    r = xjur("compare", str(two_profiles), "-j", "HK", "--as-of", "2026-11-25", "--currency", "HKD",
             "--format", "parquet", "--output", str(tmp_path / "o"), "--with-basis")
    assert r.returncode == 0, r.stderr
    ob = pd.read_parquet(tmp_path / "o" / "obligations.parquet").set_index(["profile", "obligation"])
    assert ob.loc[("Kowloon VATP", "compensation_cover"), "basis"] == (
        "0.5 × HKD 9,800,000,000 [cold] + 1.0 × HKD 200,000,000 [hot] = HKD 5,100,000,000")


def test_cli_parquet_needs_a_directory(two_profiles):
    r = xjur("compare", str(two_profiles), "-j", "HK", "--as-of", "2026-11-25", "--format", "parquet")
    assert r.returncode == 2
    assert "--output DIR/" in r.stderr and "Traceback" not in r.stderr


# --- chunked CSV and JSON Lines ---------------------------------------------------------------------------

def test_chunked_csv_equals_the_whole_table_written_at_once():
    r = compare([HK_PLATFORM, EVIL, make_profile(name="Paris")], as_of=AS_OF)
    buf = io.StringIO()
    out.write_csv(r.obligations, buf, rows=4)  # 4 rows a chunk: several chunks, one header
    assert buf.getvalue() == r.to_csv()
    assert buf.getvalue().count("profile,jurisdiction") == 1
    assert "'=HYPERLINK" in buf.getvalue()  # text made inert for spreadsheets in every chunk


def test_jsonl_one_tagged_object_per_line(two_profiles, tmp_path):
    path = tmp_path / "o.jsonl"
    r = xjur("compare", str(two_profiles), "-j", "HK", "--as-of", "2026-11-25", "--currency", "HKD",
             "--format", "jsonl", "--output", str(path))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    expected = compare(two_profiles, jurisdictions=["HK"], as_of=AS_OF, currency="HKD")
    tables = [x["table"] for x in lines]
    assert tables.count("obligations") == len(expected.obligations)
    assert tables.count("costs") == len(expected.costs)
    assert set(tables) <= set(out.JSONL_TABLES)
    cover = next(x for x in lines if x["table"] == "obligations" and x["profile"] == "Kowloon VATP"
                 and x["obligation"] == "compensation_cover")
    assert cover["amount"] == pytest.approx(5.1 * BN)  # 0.5 × 9.8 bn + 1.0 × 0.2 bn
    assert cover["basis"].endswith("= HKD 5,100,000,000")  # a small batch keeps its basis lines
    assert cover["funding_forms"] == ["insurance", "trust_funds", "same_kind_crypto", "bank_guarantee"]
    assert {x["profile"] for x in lines if x["table"] == "obligations"} == {"Kowloon VATP", "'" + EVIL["name"]}


def test_jsonl_large_batch_without_basis_unless_asked():
    r = compare(generate_profiles(5_000), jurisdictions=["EU"], as_of=AS_OF)  # 5,000: a deferred batch
    buf = io.StringIO()
    out.write_result_jsonl(r, buf, out.with_basis_default(r, None), rows=3_000)
    first = json.loads(buf.getvalue().splitlines()[0])
    assert first["table"] == "obligations" and "basis" not in first
    assert sum(1 for x in buf.getvalue().splitlines() if x.startswith('{"table":"obligations"')) == len(r.amounts)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 40), rows=st.integers(1, 50))
def test_chunks_cover_every_row_once(n, rows):
    frame = pd.DataFrame({"x": range(n)})
    parts = list(out.chunks(frame, rows))
    assert pd.concat(parts)["x"].tolist() == list(range(n))
    assert all(len(p) <= rows for p in parts)


def test_format_advice_names_the_better_format():
    assert out.format_advice(4_999, "json") is None
    assert "--format jsonl" in out.format_advice(5_000, "json")
    assert "--format parquet" in out.format_advice(500_000, "csv")
    assert out.format_advice(100_000, "csv") is None and out.format_advice(10 ** 6, "parquet") is None


# --- the Dask path ----------------------------------------------------------------------------------------

def _key(frame: pd.DataFrame) -> pd.DataFrame:
    f = frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    keys = [c for c in ("profile", "jurisdiction", "regime", "obligation", "scenario", "form") if c in f.columns]
    return f.sort_values(keys).reset_index(drop=True)


def test_dask_two_worker_cluster_same_obligations_and_costs_as_compare(tmp_path):
    from distributed import Client, LocalCluster

    from comparisons.distributed import compare_dask

    raw = generate_profiles(1_200)
    raw.loc[0, ["name", "currency", "client_crypto_assets", "hot_wallet_share", "services"]] = [
        "Kowloon VATP", "HKD", 10 * BN, 0.02, "custody;trading_platform;exchange_fiat;exchange_crypto"]
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):  # six files: six partitions for two workers
        raw.iloc[i * 200:(i + 1) * 200].to_parquet(src / f"part{i}.parquet")
    options = dict(jurisdictions=["JP", "EU", "HK"], scenarios=["all"], currency="USD")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        summary = compare_dask(src, tmp_path / "out", scheduler=client, as_of=AS_OF, **options)
    assert summary["profiles"].sum() == 1_200 and len(summary) == 6
    assert summary["worker"].nunique() == 2  # both workers computed partitions

    whole = compare(raw, as_of=AS_OF, **options)
    ob = pd.concat([pd.read_parquet(p) for p in sorted((tmp_path / "out" / "obligations").glob("*.parquet"))])
    costs = pd.concat([pd.read_parquet(p) for p in sorted((tmp_path / "out" / "costs").glob("*.parquet"))])
    pd.testing.assert_frame_equal(_key(ob), _key(whole.amounts), check_dtype=False)
    pd.testing.assert_frame_equal(_key(costs), _key(whole.costs), check_dtype=False)
    hk = ob[(ob["profile"] == "Kowloon VATP") & (ob["obligation"] == "compensation_cover")]
    assert hk["amount"].iloc[0] == pytest.approx(0.5 * 9.8 * BN + 1.0 * 0.2 * BN)  # HKD 5.1 bn
    assert out.read_parquet_metadata(next((tmp_path / "out" / "costs").glob("*.parquet")))["as_of"] == "2026-11-25"
    # warnings: each partition's per-profile rows, and the batch-level notes once (warnings/notes.parquet)
    warnings = pd.read_parquet(tmp_path / "out" / "warnings")
    expected = out.warnings_table(whole)
    cols = ["jurisdiction", "profile", "message", "level"]
    pd.testing.assert_frame_equal(warnings[cols].sort_values(cols).reset_index(drop=True),
                                  expected[cols].sort_values(cols).reset_index(drop=True), check_dtype=False)
    assert (warnings["message"].str.startswith("exchange rates of")).sum() <= 1  # not once per partition


def test_dask_cli_refuses_other_formats_and_a_file(two_profiles, tmp_path):
    r = xjur("compare", str(two_profiles.parent), "--engine", "dask", "--format", "csv")
    assert r.returncode == 2 and "--format parquet" in r.stderr and "Traceback" not in r.stderr
    r = xjur("compare", str(two_profiles), "--engine", "dask", "--format", "parquet", "-o", str(tmp_path / "o"))
    assert r.returncode == 2 and "directory of Parquet files" in r.stderr and "Traceback" not in r.stderr


# --- Parquet writing of large tables (per-row-group dictionaries, warnings as a table) -----------------------

def test_parquet_many_categories_round_trip_with_a_small_dictionary_per_row_group(tmp_path):
    # 30,000 profile names (more than LARGE_DICTIONARY) over 3 blocks of rows, row groups of 10,000 rows: each
    # row group holds 10,000 distinct names, so the names are written plain and never the 30,000 of the batch
    names = pd.Categorical.from_codes(list(range(30_000)) * 3, categories=[f"p{i:05d}" for i in range(30_000)])
    repeated = pd.Categorical.from_codes([i // 5_000 for i in range(90_000)],
                                         categories=[f"a long assumption text {k}" for k in range(18)])
    frame = pd.DataFrame({"profile": names, "jurisdiction": pd.Categorical(["JP"] * 90_000),
                          "assumptions": repeated, "amount": [float(i) for i in range(90_000)]})
    assert len(names.categories) > out.LARGE_DICTIONARY
    path = out.write_parquet(frame, tmp_path / "t.parquet", {"table": "test"}, rows=10_000)
    back = pd.read_parquet(path)
    assert isinstance(back["profile"].dtype, pd.CategoricalDtype)  # still read back as a categorical
    pd.testing.assert_frame_equal(back.astype(object), frame.astype(object))
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 9
    group = meta.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert "RLE_DICTIONARY" not in columns["profile"].encodings  # names: plain pages
    assert "RLE_DICTIONARY" in columns["jurisdiction"].encodings  # repeated text: a dictionary
    assert columns["amount"].statistics.has_min_max and not columns["profile"].statistics  # numbers filterable
    assert out.read_parquet_metadata(path)["table"] == "test"


def test_cli_parquet_writes_every_warning_to_warnings_parquet(tmp_path):
    # 6,000 generated profiles (a deferred batch): every note of the comparison and of its costs is in the file,
    # in the order of result.warnings, and the terminal names the file for the ones it does not show
    raw = generate_profiles(6_000)
    raw.to_parquet(tmp_path / "p.parquet")
    r = xjur("compare", str(tmp_path / "p.parquet"), "-j", "JP", "-j", "HK", "--as-of", "2026-11-25",
             "--format", "parquet", "--output", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    written = pd.read_parquet(tmp_path / "o" / "warnings.parquet")
    result = compare(raw, jurisdictions=["JP", "HK"], as_of=AS_OF)
    expected = list(result.warnings) + result.cost_warnings()
    assert list(written.columns) == ["jurisdiction", "profile", "message", "level"]
    assert written["message"].tolist() == [w["message"] for w in expected]
    assert written["profile"].tolist() == [w.get("profile", "") for w in expected]
    assert len(written) > 200 and f"{len(written) - 200:,} more warnings" in r.stderr
    assert str(tmp_path / "o" / "warnings.parquet") in r.stderr.replace("\n", "")


def test_check_table_is_the_notes_column_wise():
    from jurisdictions.framework.declared import check_table
    from jurisdictions.framework.registry import discover

    jp = discover().jurisdictions["JP"]
    profiles = load_profiles(pd.DataFrame([make_profile(name="a", currency="JPY", hot_wallet_share=0.2),
                                           make_profile(name="b", currency="JPY", own_funds=-5.0)]))
    notes = jp.notes(profiles, AS_OF)
    table = check_table(jp, profiles, AS_OF, jp.parameters())
    assert [(n.profile, n.message, n.level) for n in notes] == list(
        zip(table["profile"], table["message"], table["level"]))
    assert {"a", "b"} <= set(table["profile"])  # a's hot share 20 % > 5 %; b's net assets negative


def test_jsonl_lines_read_back_as_the_json_documents_records():
    # the column-wise JSON Lines writer against the JSON document's writer (pandas + shortest numbers), row by
    # row: the same objects, floats to 15 significant digits (tiny amounts keep their digits: 1.86264514923096e-08,
    # where a fixed count of decimals would cut them)
    import math

    from comparisons.compare import json_records
    from comparisons.report.safe_text import neutralise_frame

    r = compare(generate_profiles(200).assign(name=lambda f: f["name"].where(f.index != 3, "=SUM(A1)")),
                jurisdictions=["JP", "HK"], as_of=AS_OF, scenarios=["all"])
    for name, frame, lists in (("obligations", r.obligations, ("funding_forms",)), ("costs", r.costs, ())):
        buf = io.StringIO()
        out.write_jsonl(frame, name, buf, lists, rows=333)
        new = [json.loads(x) for x in buf.getvalue().splitlines()]
        safe = neutralise_frame(frame)
        tagged = pd.concat([pd.DataFrame({"table": name}, index=safe.index), safe], axis=1)
        old = [json.loads(x) for x in json_records(tagged, lists, lines=True).splitlines()]
        assert len(new) == len(old) == len(frame)
        for a, b in zip(new, old):
            assert list(a) == list(b)
            for k in a:
                assert a[k] == b[k] or (isinstance(b[k], float) and math.isclose(a[k], b[k], rel_tol=1e-12,
                                                                                 abs_tol=1e-15)), (k, a[k], b[k])
        assert any(x.get("profile") == "'=SUM(A1)" for x in new)  # text made inert as in CSV
    assert new[0]["table"] == "costs" and buf.getvalue().startswith('{"table":"costs","profile":')
