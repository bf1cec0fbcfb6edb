"""A batch compared in parts (worker processes of ``comparisons/parallel.py``, partitions of
``comparisons/distributed.py``): where the parts lie, and how their warnings become the whole batch's.

Obligations, costs and per-profile warnings are row-independent: each part writes its own. The batch-level notes
are not: a market's note on the regime, the stale-FX warning and a note on the cost assumptions come out of every
part alike, and a cost resting on an ``unknown`` figure is one warning per market and obligation counting the
profiles concerned. So a part keeps its per-profile warnings and returns the rest (:class:`PartWarnings`);
:func:`batch_notes` merges them: each note once, the unknown-cost counts summed over the parts.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

#: the tables a batch in parts writes, each a directory of part files
TABLES = ("obligations", "costs", "warnings")
#: the file of a partitioned warnings table holding the batch-level notes (read first: it sorts before parts)
NOTES_FILE = "notes.parquet"
#: a part's files: part-00000.parquet, part-00001.parquet …
PART_FILE = "part-{:05d}.parquet"


def part_bounds(n_profiles: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive (start, stop) ranges of profile positions, as even as can be, none empty."""
    parts = max(1, min(parts, n_profiles))
    edges = [round(i * n_profiles / parts) for i in range(parts + 1)]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


@dataclass(frozen=True)
class PartWarnings:
    """One part's warnings: ``per_profile`` rows (written with the part), the batch-level ``shared`` notes
    and the ``cost_hits`` of costs resting on unknown figures (``costs/warnings.py``), both merged by
    :func:`batch_notes`."""

    per_profile: pd.DataFrame
    shared: pd.DataFrame
    cost_hits: pd.DataFrame


def part_warnings(result: Any) -> PartWarnings:
    """The warnings of a part's :class:`~comparisons.compare.ComparisonResult`, split."""
    from .compare import note_frame
    from .costs.assumptions import assumption_notes
    from .costs.warnings import unknown_cost_hits

    table = result.warnings_table
    mine = table["profile"].astype(str).to_numpy() != ""
    shared = table[~mine]
    if result.assumptions is not None:
        shared = pd.concat([shared, note_frame(assumption_notes(result.assumptions))], ignore_index=True)
    return PartWarnings(per_profile=table[mine].reset_index(drop=True), shared=shared.reset_index(drop=True),
                        cost_hits=unknown_cost_hits(result.costs))


def batch_notes(shared: Sequence[pd.DataFrame], cost_hits: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The batch-level warnings of all parts (given in part order): each note once, in the order first seen,
    then one warning per market and obligation whose cost rests on an unknown figure, over the whole batch."""
    from .compare import note_frame
    from .costs.warnings import merge_hits, unknown_cost_messages

    # a note as often as the part that has it most often has it (a part's notes are its whole batch's)
    seen = [t.assign(_nth=t.groupby(list(t.columns), sort=False).cumcount()) for t in shared if len(t)]
    notes = (pd.concat(seen, ignore_index=True).drop_duplicates(ignore_index=True).drop(columns="_nth")
             if seen else note_frame([]))
    costs = note_frame(unknown_cost_messages(merge_hits(list(cost_hits)))) if cost_hits else note_frame([])
    return pd.concat([notes, costs], ignore_index=True) if len(costs) else notes


def clear_dataset(path: Path) -> None:
    """Make room for a partitioned table at ``path``: remove a single file written there before, or the part
    files of an earlier run (fewer parts now would leave stale ones that readers take for data). A directory
    holding anything else is refused rather than emptied."""
    from jurisdictions.framework import XjurError

    if path.is_file():
        path.unlink()
    elif path.is_dir():
        files = list(path.iterdir())
        ours = [f.is_file() and (f.name == NOTES_FILE or (f.name.startswith("part-") and f.suffix == ".parquet"))
                for f in files]
        foreign = [f.name for f, mine in zip(files, ours) if not mine]
        if foreign:
            raise XjurError(f"{path} holds files xjur did not write ({', '.join(sorted(foreign)[:3])}): choose "
                            "another --output directory")
        for f in files:
            f.unlink()
    path.mkdir(parents=True, exist_ok=True)


def clear_single(path: Path) -> None:
    """Make room for a single-file table at ``path``: remove the part files an earlier partitioned run left
    there (see :func:`clear_dataset`)."""
    if path.is_dir():
        clear_dataset(path)
        path.rmdir()
