"""``xjur compare``: obligations of every profile in every jurisdiction, side by side."""
from __future__ import annotations

import contextlib
import sys
from enum import Enum
from pathlib import Path
from typing import IO, Iterator, List, Optional

import typer

from .app import (
    AssumptionsOpt, AsOfOpt, BatchFormat, CurrencyOpt, Format, FundingOpt, FxRatesOpt, InForceOnlyOpt,
    JurisdictionOpt, OutputOpt, ParametersOpt, ScenarioOpt, SheetOpt, TableName, TableOpt, app, compare_kwargs,
    MAX_WARNINGS_SHOWN, console, console_err, cost_kwargs, emit_result, print_warnings, profile_source,
)


#: the terminal shows the tables of this many profiles; a larger batch is for --format csv / json
TABLE_MAX_PROFILES = 40


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def print_result_table(result, out=None) -> None:
    """The side-by-side tables, the FX line and the warnings, on the terminal."""
    from ..report.terminal import legend, side_by_side_tables

    con = out or console
    con.print(f"[bold]xjur[/] as of {result.as_of.isoformat()} · FX {result.fx.date.isoformat()} "
              f"({result.fx.source}) · reference currency {result.currency}", highlight=False)
    for t in side_by_side_tables(result, limit=TABLE_MAX_PROFILES):
        con.print(t)
    more = len(result.profiles) - TABLE_MAX_PROFILES
    if more > 0:
        con.print(f"[yellow]… {more:,} more profiles not shown as tables:[/] --format csv or --format json "
                  "(large batches: jsonl, or parquet --output DIR/) gives every row", highlight=False)
    con.print(legend())
    from .plan_cmd import print_cost_section

    print_cost_section(result, con, max_profiles=TABLE_MAX_PROFILES)


@contextlib.contextmanager
def text_out(output: Optional[Path]) -> Iterator[IO[str]]:
    """stdout, or ``output`` opened for writing (then "wrote FILE" on stderr)."""
    if output is None:
        yield sys.stdout
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as fh:
        yield fh
    console_err.print(f"wrote {output}", highlight=False)


def parquet_dir(output: Optional[Path], what: str) -> Path:
    """The directory ``--output`` names for Parquet files (required: Parquet is not written to a terminal)."""
    from jurisdictions.framework import XjurError

    if output is None:
        raise XjurError(f"{what} writes Parquet files: give the directory with --output DIR/")
    if output.exists() and not output.is_dir():
        raise XjurError(f"--output {output}: Parquet files are written into a directory, and this is a file")
    return output


def emit_batch(result, format: BatchFormat, output: Optional[Path], with_basis: Optional[bool],
               table: Optional[TableName]) -> None:
    """CSV, JSON Lines or Parquet written in chunks (``comparisons/output.py``); warnings on stderr (JSON Lines
    carries them as lines of its own)."""
    from .. import output as out

    basis = out.with_basis_default(result, with_basis)
    if format is BatchFormat.parquet:  # columnar files for large batches: basis lines only when asked
        paths = out.write_result_parquet(result, parquet_dir(output, "--format parquet"), bool(with_basis))
        for path in paths:
            console_err.print(f"wrote {path}", highlight=False)
        warnings = out.warnings_table(result)
        print_warnings(warnings.head(MAX_WARNINGS_SHOWN).to_dict("records"), total=len(warnings),
                       everything=f"{paths[-1]}")
        return
    with text_out(output) as fh:
        if format is BatchFormat.jsonl:
            out.write_result_jsonl(result, fh, basis)
        else:
            name = table.value if table is not None else "obligations"
            frame = out.obligations_table(result, basis) if name == "obligations" else result.table(name)
            out.write_csv(frame, fh)
    if format is BatchFormat.csv:
        print_warnings(result.warnings)
    if not basis and with_basis is None:
        console_err.print(f"[dim]note:[/] {len(result.profiles):,} profiles: the obligations are written without "
                          "their basis lines (--with-basis adds them)", highlight=False)


@app.command("compare")
def compare_command(
    profiles: List[Path] = typer.Argument(..., help="Profile files (YAML, CSV, XLSX, Parquet); with --engine dask, "
                                                    "one directory of Parquet files"),
    jurisdiction: Optional[List[str]] = JurisdictionOpt,
    as_of: Optional[str] = AsOfOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = ScenarioOpt,
    parameters: Optional[List[Path]] = ParametersOpt,
    in_force_only: bool = InForceOnlyOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    assumptions: Optional[List[Path]] = AssumptionsOpt,
    funding: Optional[Path] = FundingOpt,
    format: BatchFormat = typer.Option(BatchFormat.table, "--format", "-f",
                                       help="Output format; large batches: jsonl (one row per line) or parquet "
                                            "(--output DIR/)"),
    output: Optional[Path] = OutputOpt,
    sheet: Optional[str] = SheetOpt,
    table: Optional[TableName] = TableOpt,
    with_basis: Optional[bool] = typer.Option(None, "--with-basis/--without-basis",
                                              help="Write each obligation's basis line (default: below 5,000 "
                                                   "profiles; never in Parquet unless asked)"),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1,
                                       help="--format parquet: worker processes comparing the batch in parts, "
                                            "each table written as a directory of part files (default: every "
                                            "CPU from 200,000 profiles; 1: one process, one file per table)"),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: this process; dask: partition by "
                                  "partition on a Dask cluster (a directory of Parquet files in, --format "
                                  "parquet --output DIR/ out)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="--engine dask: the address of a running "
                                            "Dask scheduler (tcp://HOST:8786); default: a local cluster of 2 "
                                            "worker processes"),
) -> None:
    """Compare what each jurisdiction demands of the same profiles."""
    from jurisdictions.framework import XjurError

    kwargs = {**compare_kwargs(jurisdiction, as_of, currency, scenario, parameters, in_force_only, fx_rates),
              **cost_kwargs(assumptions, funding)}
    if engine is Engine.dask or scheduler is not None:
        if jobs is not None:
            raise XjurError("--jobs sets the worker processes of --engine local: --engine dask uses the cluster's "
                            "workers")
        return _compare_dask(profiles, format, output, with_basis, scheduler, kwargs)
    from ..compare import prepare_comparison
    from ..output import format_advice

    # option errors before the comparison, not after it
    if table is not None and format in (BatchFormat.jsonl, BatchFormat.parquet):
        raise XjurError(f"--table {table.value}: chooses the table of --format csv (--format {format.value} shows "
                        "every table)")
    if format is BatchFormat.parquet:
        parquet_dir(output, "--format parquet")
    elif jobs is not None and jobs > 1:
        raise XjurError(f"--jobs {jobs}: worker processes write --format parquet (not {format.value})")
    prepared = prepare_comparison(profile_source(profiles, sheet), **kwargs)
    advice = format_advice(len(prepared.frame), format.value)
    if advice:
        console_err.print(f"[yellow]warning:[/] {advice}", highlight=False)
    workers = _workers(jobs, len(prepared.frame)) if format is BatchFormat.parquet else 1
    if workers > 1:
        return emit_parts(prepared, output, workers, with_basis)
    result = prepared.run()
    if format in (BatchFormat.table, BatchFormat.json) or (format is BatchFormat.csv and table is TableName.summary):
        emit_result(result, Format(format.value), output, print_result_table, table=table)
    else:
        emit_batch(result, format, output, with_basis, table)


def _workers(jobs: Optional[int], n_profiles: int) -> int:
    """The worker processes for ``--format parquet``: as asked, else :func:`comparisons.parallel.default_jobs`."""
    from ..parallel import can_fork, default_jobs

    if jobs is None:
        return default_jobs(n_profiles)
    if jobs > 1 and not can_fork():  # pragma: no cover - not on Linux
        console_err.print("[yellow]warning:[/] worker processes are forked, which this platform does not offer: "
                          "one process", highlight=False)
        return 1
    return jobs


def emit_parts(prepared, output: Path, jobs: int, with_basis: Optional[bool]) -> None:
    """``--format parquet`` in parts on ``jobs`` worker processes (``comparisons/parallel.py``): each table a
    directory of part files; the first warnings on stderr."""
    from ..parallel import compare_in_parts

    written = compare_in_parts(prepared, output, jobs=jobs, with_basis=bool(with_basis))
    s = written.summary
    for path in written.paths:
        notes = " and notes.parquet, the batch-level notes" if path == written.paths[-1] else ""
        console_err.print(f"wrote {path}/ ({len(s)} part files{notes})", highlight=False)
    console_err.print(f"[dim]note:[/] {int(s['profiles'].sum()):,} profiles in {len(s)} parts on {written.workers} "
                      f"processes: {int(s['obligation_rows'].sum()):,} obligation rows, "
                      f"{int(s['cost_rows'].sum()):,} cost rows; each table is a Parquet dataset "
                      "(pandas.read_parquet reads the directory as one table)", highlight=False)
    print_warnings(written.first_warnings.to_dict("records"), total=written.warning_count,
                   everything=f"{written.paths[-1]}/")


def _compare_dask(profiles: List[Path], format: BatchFormat, output: Optional[Path], with_basis: Optional[bool],
                  scheduler: Optional[str], kwargs: dict) -> None:
    """``--engine dask``: the comparison of a directory of Parquet files, partition by partition."""
    from jurisdictions.framework import XjurError

    if format is not BatchFormat.parquet:
        raise XjurError(f"--engine dask writes partitioned Parquet: use --format parquet (not {format.value})")
    if len(profiles) != 1:
        raise XjurError("--engine dask reads one directory of Parquet files")
    from ..distributed import compare_dask

    summary = compare_dask(profiles[0], parquet_dir(output, "--engine dask"), scheduler=scheduler,
                           with_basis=bool(with_basis), **kwargs)
    console_err.print(f"wrote {len(summary)} partitions ({int(summary['profiles'].sum()):,} profiles, "
                      f"{int(summary['obligation_rows'].sum()):,} obligation rows) to {output} on "
                      f"{summary['worker'].nunique()} workers", highlight=False)
