"""Writing a comparison's tables in chunks: CSV, JSON Lines and Parquet (``xjur compare --format csv|jsonl|parquet``).

Peak memory does not grow with the size of the output: each table is written ``CHUNK_ROWS`` rows at a time
(Parquet: a row group of ``PARQUET_ROWS``) from the batch's compact form (``result.amounts`` and ``result.costs``:
text columns as categoricals, no ``basis``), so only one chunk of text exists at once. The ``basis`` lines of a
large batch are rendered only when asked (``with_basis``): on a million profiles that alone takes tens of seconds
and gigabytes.

CSV and JSON Lines text goes through ``report/safe_text.py`` (no cell a spreadsheet would run as a formula);
Parquet keeps the raw values (a typed columnar file, not read as formulas) and carries the comparison's
metadata (as of, FX, jurisdictions, versions) in its file metadata under the key ``xjur``. A batch written in parts
by worker processes (``comparisons/parallel.py``) makes each table a directory of part files sharing one schema.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterator

import numpy as np
import pandas as pd

from .batch_parts import TABLES
from .tables import tidy_floats

_STRING = json.encoder.encode_basestring  # a str as a JSON string (C; non-ASCII kept)

#: rows written at once: about 30 MB of CSV text for obligation rows
CHUNK_ROWS = 200_000
#: rows of a Parquet row group (about 10 MB of compressed obligation rows: fewer, larger row groups are faster
#: to write and to scan, and a row group's profile names repeat enough for a dictionary)
PARQUET_ROWS = 1_000_000
#: rows of one JSON Lines chunk: a row of JSON text is about 5 times its CSV (keys repeated on every line), and
#: pandas holds about four copies of a chunk's text while writing it
JSONL_CHUNK_ROWS = 25_000
#: a categorical with more categories than this is written with a dictionary per row group (see write_parquet)
LARGE_DICTIONARY = 10_000
#: the key of the Parquet file metadata holding the comparison's metadata (JSON)
PARQUET_META_KEY = b"xjur"
#: JSON Lines: the tables, each line tagged with its table's name (DESIGN.md, Contract 4)
JSONL_TABLES = TABLES
#: --format json builds the whole document in memory: from this many profiles xjur names a better format
JSON_ADVICE_MIN_PROFILES = 5_000
#: --format csv writes text of every row: from this many profiles xjur names Parquet
CSV_ADVICE_MIN_PROFILES = 500_000


def with_basis_default(result: Any, with_basis: bool | None) -> bool:
    """Whether the obligations written carry ``basis``: as asked, else for a batch whose text was rendered
    with the rules (below ``DEFER_TEXT_MIN_PROFILES`` profiles)."""
    return bool(with_basis) if with_basis is not None else not result.text_deferred


def obligations_table(result: Any, with_basis: bool) -> pd.DataFrame:
    """The obligations to write: the Contract 2 table with ``basis``, or the compact one without it."""
    return result.obligations if with_basis else result.amounts


def chunks(frame: pd.DataFrame, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """``frame`` in consecutive slices of at most ``rows`` rows (one empty slice for an empty frame)."""
    if len(frame) == 0:
        yield frame
        return
    for start in range(0, len(frame), rows):
        yield frame.iloc[start:start + rows]


def write_csv(frame: pd.DataFrame, out: IO[str], rows: int = CHUNK_ROWS) -> None:
    """``frame`` as CSV (no index, header once), chunk by chunk: floats without binary noise, text cells made
    inert for spreadsheets (a categorical through its categories, once)."""
    from .report.safe_text import neutralise_frame

    safe = neutralise_frame(frame)
    for i, part in enumerate(chunks(safe, rows)):
        out.write(tidy_floats(part).to_csv(index=False, header=i == 0))


def write_jsonl(frame: pd.DataFrame, table: str, out: IO[str], list_columns: tuple[str, ...] = (),
                rows: int = JSONL_CHUNK_ROWS) -> None:
    """``frame`` as JSON Lines, one object per row with ``"table": table`` first, chunk by chunk (text made
    inert as in CSV; NaN → null; ``;``-joined list columns → lists; see :func:`jsonl_lines`)."""
    from .report.safe_text import neutralise_frame

    if len(frame) == 0:
        return
    safe = neutralise_frame(frame)
    encoded = {c: _json_categories(safe[c], c in list_columns) for c in safe.columns
               if isinstance(safe[c].dtype, pd.CategoricalDtype)}  # each category encoded once, not per chunk
    for part in chunks(safe, rows):
        out.writelines(jsonl_lines(part, table, list_columns, encoded))


def jsonl_lines(frame: pd.DataFrame, table: str, list_columns: tuple[str, ...] = (),
                encoded: dict[str, np.ndarray] | None = None) -> list[str]:
    """One JSON object per row (each line ending in a newline), ``"table": table`` first, built column-wise:
    each distinct text (a categorical's categories, a text column's values) is encoded once, and each float is
    rounded to 15 significant digits (:func:`~comparisons.tables.round_significant`, as every xjur output) and
    written in its shortest form, NaN and infinities as null. ``encoded``: categories already encoded."""
    keys = [_json_value(str(c), False) + ":" for c in frame.columns]
    template = "{" + _json_value("table", False) + ":" + _json_value(table, False) + "".join(
        "," + k + "%s" for k in keys) + "}\n"
    columns = []
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats = (encoded or {}).get(c)
            cats = cats if cats is not None else _json_categories(col, c in list_columns)
            columns.append(cats[col.cat.codes.to_numpy()].tolist())  # code -1 (missing) → the last entry, null
        else:
            columns.append(_json_values(col, c in list_columns).tolist())
    return [template % values for values in zip(*columns)] if columns else [template] * len(frame)


def _json_categories(col: pd.Series, as_list: bool) -> np.ndarray:
    """A categorical's categories as JSON text, with ``null`` appended for the missing code (-1)."""
    cats = col.cat.categories.to_numpy(dtype=object).tolist()
    return np.array([_json_value(v, as_list) for v in cats] + ["null"], dtype=object)


def _json_values(col: pd.Series, as_list: bool) -> np.ndarray:
    """Each value of a (not categorical) column as JSON text (an object array)."""
    from .tables import round_significant

    values = col.to_numpy()
    if values.dtype.kind == "f":
        rounded = round_significant(values)
        text = np.array([repr(x) for x in rounded.tolist()], dtype=object)  # shortest form of the double
        text[~np.isfinite(rounded)] = "null"
        return text
    if values.dtype.kind == "b":
        return np.where(values, "true", "false").astype(object)
    if values.dtype.kind in "iu":
        return np.array([str(x) for x in values.tolist()], dtype=object)
    codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    encoded = np.array([_json_value(v, as_list) for v in list(distinct)] + ["null"], dtype=object)
    return encoded[codes]


def _json_value(v: Any, as_list: bool) -> str:
    """One cell as JSON (a ``;``-joined list as a JSON list when ``as_list``); text through the json module's
    own string encoder (non-ASCII kept, as ``ensure_ascii=False``)."""
    if as_list:
        return "[" + ",".join(_STRING(x) for x in str("" if v is None else v).split(";") if x) + "]"
    if isinstance(v, str):
        return _STRING(v)
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "null"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return _STRING(str(v))


def warnings_table(result: Any) -> pd.DataFrame:
    """Every warning of the comparison, the costs' included, as one table (jurisdiction, profile, message,
    level): built column-wise on a large batch (``ComparisonResult.warnings_table``)."""
    from .compare import note_frame

    costs = note_frame(result.cost_warnings())
    table = result.warnings_table
    return pd.concat([table, costs], ignore_index=True) if len(costs) else table


def write_result_jsonl(result: Any, out: IO[str], with_basis: bool, rows: int = JSONL_CHUNK_ROWS) -> None:
    """The comparison as JSON Lines: its obligations, costs and warnings (DESIGN.md, Contract 4)."""
    write_jsonl(obligations_table(result, with_basis), "obligations", out, ("funding_forms",), rows)
    write_jsonl(result.costs, "costs", out, (), rows)
    write_jsonl(warnings_table(result), "warnings", out, (), rows)


def parquet_metadata(result: Any, table: str) -> dict:
    """The comparison's metadata for a Parquet file's footer: as of, currency, FX, scenarios, jurisdictions and
    their regimes, the table's name and the versions of xjur, pandas and pyarrow that wrote it."""
    import pyarrow

    from . import __version__

    return {**result.meta(), "table": table,
            "versions": {"xjur": __version__, "pandas": pd.__version__, "pyarrow": pyarrow.__version__}}


def write_parquet(frame: pd.DataFrame, path: str | Path, metadata: dict, rows: int = PARQUET_ROWS) -> Path:
    """``frame`` as one Parquet file, ``rows`` rows per row group written one at a time (categoricals as
    dictionary columns), with ``metadata`` as JSON under :data:`PARQUET_META_KEY` in the file metadata.

    A categorical with many categories (the ``profile`` column of a large batch) is written with, in each row
    group, a dictionary of the values that row group uses: Parquet stores a column's dictionary in every row
    group, so a million profile names would otherwise be written, and compressed, once per row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    large = {c: pa.array(frame[c].cat.categories.to_numpy(dtype=object), type=pa.string())
             for c in frame.columns
             if isinstance(frame[c].dtype, pd.CategoricalDtype) and len(frame[c].cat.categories) > LARGE_DICTIONARY}
    writer, plain = None, set()
    try:
        for part in chunks(frame, rows):
            rest = part.drop(columns=list(large))
            # converted in this thread (nthreads=1): the thread pool pyarrow would start for each row group costs
            # more than it saves, and worker processes (comparisons/parallel.py) share the CPUs already; a frame
            # of large categoricals only starts from a placeholder column giving the row count
            table = pa.Table.from_pandas(rest if len(rest.columns) else pd.DataFrame({"_": np.zeros(len(part))}),
                                         preserve_index=False, nthreads=1)
            for c, categories in large.items():
                codes = part[c].cat.codes.to_numpy()
                local, used = pd.factorize(codes, use_na_sentinel=False)  # the row group's own dictionary
                if writer is None and len(used) > len(codes) // 2:
                    plain.add(c)  # mostly distinct values (profile names): written plain
                missing = codes < 0
                indices = pa.array(local.astype(np.int32), mask=missing if missing.any() else None)
                values = categories.take(pa.array(np.maximum(used, 0)))
                table = table.append_column(c, pa.DictionaryArray.from_arrays(indices, values))
            table = table.select(list(frame.columns))
            if writer is None:
                table = _portable_schema(table)
                meta = dict(table.schema.metadata or {})
                meta[PARQUET_META_KEY] = json.dumps(metadata, ensure_ascii=False, default=str).encode("utf-8")
                schema = table.schema.with_metadata(meta)
                # dictionary pages for the repetitive text columns only: hashing every float costs more than it
                # saves, and a profile name occurs once per row group (plain is smaller and three times faster;
                # the schema stored keeps the column a dictionary, so pandas reads it back as a categorical);
                # min/max statistics on the numbers and the market, which readers filter on (those of every text
                # column would cost a third of the writing)
                text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)
                        or frame[c].dtype == object]
                stats = [c for c in frame.columns if c not in text or c == "jurisdiction"]
                writer = pq.ParquetWriter(path, schema, use_dictionary=[c for c in text if c not in plain] or False,
                                          write_statistics=stats or False)
            writer.write_table(table.cast(schema) if table.schema != schema else table, row_group_size=rows)
    finally:
        if writer is not None:
            writer.close()
    return path


def _portable_schema(table):
    """``table`` with the schema every file of a partitioned table shares (``comparisons/parallel.py``): text
    columns with no value (an empty table, a part with no note) typed as text rather than Arrow's ``null``, and
    every dictionary column indexed by int32 (pandas codes a categorical of up to 127 categories in int8, and a
    reader takes the first file's schema for all)."""
    import pyarrow as pa

    def portable(f):
        if pa.types.is_null(f.type):
            return pa.field(f.name, pa.string())
        if pa.types.is_dictionary(f.type):
            values = pa.string() if pa.types.is_null(f.type.value_type) else f.type.value_type
            return pa.field(f.name, pa.dictionary(pa.int32(), values))
        return f

    schema = pa.schema([portable(f) for f in table.schema], metadata=table.schema.metadata)
    return table if schema == table.schema else table.cast(schema)


def write_result_parquet(result: Any, directory: str | Path, with_basis: bool, rows: int = PARQUET_ROWS
                         ) -> list[Path]:
    """``obligations.parquet``, ``costs.parquet`` and ``warnings.parquet`` in ``directory``. Each file is written
    by one background thread while the next table is computed (the costs while the obligations are written, the
    warnings while the costs are): Parquet encoding runs outside Python's lock, so two cores share the work."""
    from concurrent.futures import ThreadPoolExecutor

    from .batch_parts import clear_single

    d = Path(directory)
    for table in TABLES:
        clear_single(d / f"{table}.parquet")  # the part files of an earlier run in parts
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xjur-parquet") as writer:
        def write(table: str, frame: pd.DataFrame):
            return writer.submit(write_parquet, frame, d / f"{table}.parquet", parquet_metadata(result, table), rows)

        written = [write("obligations", obligations_table(result, with_basis))]
        written.append(write("costs", result.costs))
        written.append(write("warnings", warnings_table(result)))
        return [w.result() for w in written]


def read_parquet_metadata(path: str | Path) -> dict:
    """The comparison's metadata stored in a Parquet file written by :func:`write_parquet`, or in the first file
    of a table written in parts (a directory: ``comparisons/parallel.py``)."""
    import pyarrow.parquet as pq

    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix == ".parquet")
        if not files:
            raise FileNotFoundError(f"{p}: no Parquet files")
        p = files[0]
    return json.loads(pq.read_schema(p).metadata[PARQUET_META_KEY])


def format_advice(n_profiles: int, fmt: str) -> str | None:
    """A warning when ``fmt`` is a poor fit for a batch of ``n_profiles`` profiles, naming the better format."""
    if fmt == "json" and n_profiles >= JSON_ADVICE_MIN_PROFILES:
        return (f"--format json holds the whole document of {n_profiles:,} profiles in memory: --format jsonl "
                "streams it one row per line, --format parquet --output DIR/ writes columnar files")
    if fmt == "csv" and n_profiles >= CSV_ADVICE_MIN_PROFILES:
        return (f"--format csv writes every cell of {n_profiles:,} profiles as text: --format parquet --output DIR/ "
                "is several times smaller and faster to write and to read back")
    return None
