"""A large batch on one machine in several processes (``xjur compare BIG --format parquet --output DIR/``).

The batch is read and checked once, in the calling process (:func:`~comparisons.compare.prepare_comparison`: every
bad row reported at once, as always). Its profiles are then split into parts of about :data:`PART_PROFILES`, and a
pool of worker processes compares, costs and writes each part: ``DIR/obligations.parquet/part-00000.parquet`` …,
and the same for ``costs.parquet`` and ``warnings.parquet``. Each table is a Parquet dataset (a directory of files
with one schema) that ``pd.read_parquet(DIR / "obligations.parquet")`` or ``pyarrow.dataset`` reads as one table,
rows in part order.

The workers are forked from the calling process: they inherit the checked profiles rather than receive a copy,
and send back only a summary of each part and its batch-level notes, which the calling process merges
(``comparisons/batch_parts.py``) into ``warnings.parquet/notes.parquet``. The rules are row-independent per
profile, so the parts give the rows of the whole batch (tested against :func:`~comparisons.compare.compare`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .batch_parts import NOTES_FILE, PART_FILE, TABLES, batch_notes, clear_dataset, part_bounds, part_warnings

#: from this many profiles ``--format parquet`` splits a batch over worker processes (unless ``--jobs`` says)
PARALLEL_MIN_PROFILES = 200_000
#: profiles per part: small enough that a worker's tables stay a few hundred MB and reuse the memory of the
#: part before (filling fresh pages costs as much as computing the costs)
PART_PROFILES = 125_000
#: worker processes at most, when ``--jobs`` is not given
MAX_DEFAULT_JOBS = 8
#: per part, the first warnings sent back to be shown on the terminal
PREVIEW_WARNINGS = 200


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux, macOS; not Windows)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def default_jobs(n_profiles: int) -> int:
    """The worker processes for a batch of ``n_profiles``: every CPU (at most :data:`MAX_DEFAULT_JOBS`) from
    :data:`PARALLEL_MIN_PROFILES` profiles where processes can be forked, else 1 (one process, one file per
    table)."""
    if n_profiles < PARALLEL_MIN_PROFILES or not can_fork():
        return 1
    return max(1, min(available_cpus(), MAX_DEFAULT_JOBS))


@dataclass(frozen=True)
class PartsWritten:
    """What :func:`compare_in_parts` wrote: one ``summary`` row per part (part, the worker's pid, profiles,
    obligation_rows, cost_rows, warning_rows), the batch-level ``notes``, the first warnings (for the terminal)
    and the three dataset directories."""

    summary: pd.DataFrame
    notes: pd.DataFrame
    first_warnings: pd.DataFrame
    paths: tuple[Path, ...]
    workers: int

    @property
    def warning_count(self) -> int:
        return len(self.notes) + int(self.summary["warning_rows"].sum())


@dataclass(frozen=True)
class _Job:
    """What every worker needs, inherited when it is forked (never pickled)."""

    prepared: Any
    out: Path
    with_basis: bool
    defer_text: bool
    meta: dict
    parts: int


#: the job of this worker process, set once as it starts (:func:`_adopt`); empty in the calling process
_WORKER: dict = {}


def _adopt(job: _Job) -> None:
    _WORKER["job"] = job


def _run_part(index: int, start: int, stop: int) -> dict:
    """In a worker: profiles ``start`` to ``stop`` compared, costed and written as part ``index``; its summary,
    its batch-level notes and its first warnings."""
    from .output import obligations_table, write_parquet

    job: _Job = _WORKER["job"]
    result = job.prepared.subset(start, stop).run(progress=False, defer_text=job.defer_text)
    name = PART_FILE.format(index)

    def write(table: str, frame: pd.DataFrame) -> int:
        meta = {**job.meta, "table": table, "part": {"index": index, "parts": job.parts, "profiles": [start, stop]}}
        write_parquet(frame, job.out / f"{table}.parquet" / name, meta)
        return len(frame)

    rows = write("obligations", obligations_table(result, job.with_basis))
    cost_rows = write("costs", result.costs)
    warnings = part_warnings(result)
    warning_rows = write("warnings", warnings.per_profile)
    return {"part": index, "pid": os.getpid(), "profiles": stop - start, "obligation_rows": rows,
            "cost_rows": cost_rows, "warning_rows": warning_rows, "shared": warnings.shared,
            "cost_hits": warnings.cost_hits, "first_warnings": warnings.per_profile.head(PREVIEW_WARNINGS)}


def compare_in_parts(prepared: Any, out_dir: str | Path, *, jobs: int, with_basis: bool = False,
                     part_profiles: int = PART_PROFILES, progress: bool | None = None) -> PartsWritten:
    """Compare a prepared batch (:func:`~comparisons.compare.prepare_comparison`) in parts of about
    ``part_profiles`` profiles (at least one per worker) on ``jobs`` forked worker processes, each part written
    as Parquet into ``out_dir/obligations.parquet/``, ``costs.parquet/`` and ``warnings.parquet/``.

    ``progress``: a progress bar on stderr (default: large batches on a terminal)."""
    import multiprocessing
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    from jurisdictions.framework import XjurError

    from .compare import DEFER_TEXT_MIN_PROFILES, _progress_bar
    from .output import parquet_metadata, write_parquet

    if not can_fork():  # pragma: no cover - not on Linux
        raise XjurError("worker processes are forked, which this platform does not offer: use --jobs 1")
    n = len(prepared.frame)
    bounds = part_bounds(n, max(jobs, -(-n // max(1, part_profiles))))
    out = Path(out_dir)
    paths = tuple(out / f"{t}.parquet" for t in TABLES)
    for p in paths:
        clear_dataset(p)
    base = parquet_metadata(prepared, "")
    job = _Job(prepared, out, bool(with_basis), n >= DEFER_TEXT_MIN_PROFILES, base, len(bounds))
    workers = max(1, min(jobs, len(bounds)))
    done: list[dict] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_adopt, initargs=(job,)) as pool:
        futures = [pool.submit(_run_part, i, a, b) for i, (a, b) in enumerate(bounds)]
        bar = _progress_bar(progress, n)  # started once the workers are forked: its thread stays here
        task = bar.add_task(f"{n:,} profiles in {len(bounds)} parts on {workers} processes",
                            total=len(bounds)) if bar is not None else None
        try:
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for f in finished:
                    done.append(f.result())  # a worker's error is raised here, the parts not started cancelled
                    if bar is not None:
                        bar.advance(task)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            if bar is not None:
                bar.stop()
    done.sort(key=lambda r: r["part"])
    notes = batch_notes([r["shared"] for r in done], [r["cost_hits"] for r in done])
    write_parquet(notes, paths[-1] / NOTES_FILE, {**base, "table": "warnings", "part": "notes"})
    summary = pd.DataFrame([{k: r[k] for k in ("part", "pid", "profiles", "obligation_rows", "cost_rows",
                                               "warning_rows")}
                            for r in done])
    first = pd.concat([notes, *(r["first_warnings"] for r in done)], ignore_index=True).head(PREVIEW_WARNINGS)
    return PartsWritten(summary=summary, notes=notes, first_warnings=first, paths=paths, workers=workers)
