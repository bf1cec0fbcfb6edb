"""The same comparison on a Dask cluster, partition by partition (``xjur compare DIR --engine dask``).

Obligations, costs and stress are row-independent per profile, so a batch split into partitions gives the same
rows as the whole batch compared at once. The profiles are a Dask DataFrame read from a directory of Parquet
files (each file checked by the input policy first: size, rows and unpacked size from its footer); every
partition is validated, compared, costed and written as Parquet *on a worker*
(``OUT/obligations/part-N.parquet``, ``OUT/costs/part-N.parquet``, ``OUT/warnings/part-N.parquet``); the client
receives only one summary row per partition (profiles, rows, the worker that computed it, the partition's
batch-level notes), never the tables, and writes the batch-level notes once (``OUT/warnings/notes.parquet``:
see ``comparisons/batch_parts.py``).

Without a scheduler address a ``distributed.LocalCluster`` is started: worker processes, bound to 127.0.0.1,
no dashboard. On a real cluster, pass its scheduler (``tcp://HOST:8786``); the workers need xjur installed and
must see the input and output directories at the same paths (a shared file system or object store).

Profile names are unique within a partition (validated there); across partitions they are not compared.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

#: the summary row each partition returns to the client: its columns and their dtypes
SUMMARY_COLUMNS = {"partition": "int64", "profiles": "int64", "obligation_rows": "int64", "cost_rows": "int64",
                   "worker": object, "notes": object, "cost_hits": object}
#: the local cluster started without --scheduler
LOCAL_WORKERS = 2


def parquet_files(directory: str | Path) -> list[Path]:
    """The ``.parquet`` files of ``directory`` (sorted), each within the input policy (size on disk, rows and
    unpacked size from its footer); a clear error when there are none."""
    from jurisdictions.framework import Problem, ProfileError
    from jurisdictions.framework import input_policy as policy
    from jurisdictions.framework.errors import NO_VALUE

    from .load import _refused, check_parquet

    d = Path(directory)
    if not d.is_dir():
        raise ProfileError([Problem(str(d), "", "", NO_VALUE, "--engine dask reads a directory of Parquet files")])
    files = sorted(p for p in d.iterdir() if p.suffix.lower() == ".parquet" and p.is_file())
    if not files:
        raise ProfileError([Problem(str(d), "", "", NO_VALUE, "no .parquet files in the directory")])
    try:
        for f in files:
            check_parquet(f)
    except policy.InputError as e:
        raise _refused(e) from None
    return files


def compare_partition(raw: pd.DataFrame, partition_info: dict | None = None, *, out_dir: str,
                      with_basis: bool = False, options: dict) -> pd.DataFrame:
    """One partition of raw profiles validated, compared, costed and written as Parquet into ``out_dir``
    (run on a worker); its summary row (:data:`SUMMARY_COLUMNS`)."""
    from .batch_parts import PART_FILE, part_warnings
    from .compare import compare
    from .load import load_profiles
    from .output import obligations_table, parquet_metadata, write_parquet

    number = int(partition_info["number"]) if partition_info else 0
    if len(raw) == 0:  # dask's meta computation, or an empty file
        return _summary(number, 0, 0, 0)
    result = compare(load_profiles(raw.reset_index(drop=True)), **options)
    ob = obligations_table(result, with_basis)
    costs = result.costs
    warnings = part_warnings(result)
    name = PART_FILE.format(number)
    write_parquet(ob, Path(out_dir) / "obligations" / name, parquet_metadata(result, "obligations"))
    write_parquet(costs, Path(out_dir) / "costs" / name, parquet_metadata(result, "costs"))
    write_parquet(warnings.per_profile, Path(out_dir) / "warnings" / name, parquet_metadata(result, "warnings"))
    return _summary(number, len(result.profiles), len(ob), len(costs), warnings.shared.to_json(orient="records"),
                    warnings.cost_hits.to_json(orient="records"))


def _summary(number: int, profiles: int, obligation_rows: int, cost_rows: int, notes: str = "[]",
             cost_hits: str = "[]") -> pd.DataFrame:
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = ""
    values = (number, profiles, obligation_rows, cost_rows, worker, notes, cost_hits)
    return pd.DataFrame({c: pd.Series([v], dtype=t) for (c, t), v in zip(SUMMARY_COLUMNS.items(), values)})


def compare_dask(directory: str | Path, out_dir: str | Path, *, scheduler: Any = None, with_basis: bool = False,
                 as_of: Any = None, **options: Any) -> pd.DataFrame:
    """Compare the profiles of a directory of Parquet files partition by partition on a Dask cluster and write
    ``out_dir/obligations/``, ``out_dir/costs/`` and ``out_dir/warnings/`` as partitioned Parquet; the
    per-partition summary.

    ``scheduler``: a scheduler address, a ``distributed.Client``, or None (a local cluster of
    :data:`LOCAL_WORKERS` worker processes, started and closed here). ``options``: ``compare``'s keyword
    arguments (jurisdictions, currency, scenarios, parameters, fx, assumptions, funding ...); ``as_of`` is fixed
    on the client (default today) so that every worker compares on the same date."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from .batch_parts import NOTES_FILE, TABLES, batch_notes, clear_dataset
    from .compare import note_frame, parse_date
    from .costs.warnings import hit_table
    from .output import read_parquet_metadata, write_parquet

    files = parquet_files(directory)
    out = Path(out_dir)
    for table in TABLES:
        clear_dataset(out / table)  # no part file of an earlier, larger run left behind
    options = {**options, "as_of": parse_date(as_of)}
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in SUMMARY_COLUMNS.items()})
    cluster = client = None
    try:
        if isinstance(scheduler, Client):
            client = scheduler
        elif scheduler is not None:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
        frame = dd.read_parquet([str(f) for f in files])
        parts = frame.map_partitions(compare_partition, out_dir=str(out.resolve()), with_basis=with_basis,
                                     options=options, meta=meta, align_dataframes=False)
        summary = client.compute(parts).result()
    finally:
        if client is not None and client is not scheduler:
            client.close()
        if cluster is not None:
            cluster.close()
    summary = summary.sort_values("partition").reset_index(drop=True)
    notes = batch_notes([note_frame(json.loads(j)) for j in summary["notes"]],  # as the workers sent them
                        [hit_table(json.loads(j)) for j in summary["cost_hits"]])
    parts = sorted((out / "warnings").glob("part-*.parquet"))
    meta = read_parquet_metadata(parts[0]) if parts else {"table": "warnings"}
    write_parquet(notes, out / "warnings" / NOTES_FILE, {**meta, "part": "notes"})
    return summary.drop(columns=["notes", "cost_hits"])

