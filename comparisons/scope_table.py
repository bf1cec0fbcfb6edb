"""The table of every assumed scope choice, generated from the plug-ins' declarations (each regime's and each
obligation's ``Scope.assumed_services`` and ``assumption``), so the README cannot drift from the code."""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

COLUMNS = ("market", "regime / obligation", "services in by assumption", "reasoning")


def assumed_scope_rows(jurisdictions: Iterable[Any]) -> pd.DataFrame:
    """One row per scope (of a regime, or of an obligation narrowing it) that brings firms in by assumption."""
    rows = []
    for j in jurisdictions:
        scopes = [(r.id, getattr(r, "scope", None)) for r in j.regimes]
        scopes += [(f"{s.regime} / {s.id}", getattr(s, "scope", None)) for s in getattr(j, "obligations", ())]
        for where, sc in scopes:
            if sc is not None and sc.assumed_services:
                rows.append((j.code, where, ", ".join(sc.assumed_services), sc.assumption))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def assumed_scope_markdown(jurisdictions: Iterable[Any]) -> str:
    """The rows as a Markdown table (the README's "Assumed scope choices")."""
    df = assumed_scope_rows(jurisdictions)
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731 - a cell's pipes would split it
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(f"`{cell(v)}`" if i == 1 else cell(v) for i, v in enumerate(row)) + " |"
              for row in df.itertuples(index=False)]
    return "\n".join(lines)


if __name__ == "__main__":  # print the table for the README
    from jurisdictions.framework import discover

    print(assumed_scope_markdown(discover().jurisdictions.values()))
