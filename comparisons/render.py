"""Terminal rendering (rich): side-by-side tables that line categories up across jurisdictions."""
from __future__ import annotations

import math
from typing import Any, Iterable

import pandas as pd
from rich.table import Table
from rich.text import Text

from jurisdictions.framework import CATEGORIES

STATUS_STYLE = {"in_force": "green", "guidance": "cyan", "proposed": "yellow", "assumed": "magenta"}
STATUS_MARK = {"in_force": "", "guidance": " (g)", "proposed": " (p)", "assumed": " (a)"}


def compact(x: float) -> str:
    """1234567 → '1.23 m'; NaN → 'n/a'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    for div, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if a >= div:
            return f"{x / div:,.3g}{suffix}" if x / div < 1000 else f"{x / div:,.0f}{suffix}"
    return f"{x:,.0f}"


def compact_money(ccy: str, x: float) -> str:
    return f"{ccy} {compact(x)}"


def side_by_side_tables(result: Any, show_local: bool = True) -> list[Table]:
    """One rich table per profile: rows = categories, columns = jurisdictions, cells = obligations."""
    ob = result.obligations
    codes = [j.code for j in result.jurisdictions]
    tables = []
    for name in result.profiles["name"]:
        rows = ob[ob["profile"] == name]
        t = Table(title=f"{name} — amounts in {result.currency} (local in brackets)", title_justify="left",
                  show_lines=True, expand=False)
        t.add_column("category", style="bold")
        for c in codes:
            t.add_column(c, overflow="fold")
        for cat in CATEGORIES:
            cat_rows = rows[rows["category"] == cat]
            if cat_rows.empty:
                continue
            cells = []
            for c in codes:
                cell = Text()
                for r in cat_rows[cat_rows["jurisdiction"] == c].itertuples(index=False):
                    label = r.obligation + (f" [{r.scenario}]" if r.scenario else "")
                    if cell.plain:
                        cell.append("\n")
                    cell.append(f"{label}: ")
                    if isinstance(r.amount, float) and math.isnan(r.amount):
                        cell.append("n/a", style="dim")
                    else:
                        cell.append(compact(r.amount_ref), style="bold")
                        if show_local and r.currency != result.currency:
                            cell.append(f" ({compact_money(r.currency, r.amount)})", style="dim")
                    cell.append(STATUS_MARK.get(r.status, ""), style=STATUS_STYLE.get(r.status, ""))
                cells.append(cell)
            t.add_row(cat, *cells)
        tables.append(t)
    return tables


def legend() -> Text:
    t = Text("status: ")
    for s, mark in STATUS_MARK.items():
        t.append(f"{s}{mark or ' (none)'}  ", style=STATUS_STYLE[s])
    return t


def frame_table(df: pd.DataFrame, title: str = "", money_columns: Iterable[str] = ()) -> Table:
    """A plain rich table of a DataFrame (money columns in compact form)."""
    t = Table(title=title or None, title_justify="left")
    money_columns = set(money_columns)
    for c in df.columns:
        t.add_column(str(c), justify="right" if c in money_columns else "left", overflow="fold")
    for row in df.itertuples(index=False, name=None):
        t.add_row(*[compact(v) if c in money_columns else ("" if v is None else str(v)) for c, v in zip(df.columns, row)])
    return t
