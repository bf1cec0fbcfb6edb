"""Terminal rendering (rich): side-by-side tables that line categories up across jurisdictions."""
from __future__ import annotations

import math
from typing import Any, Iterable

import pandas as pd
from rich.table import Table
from rich.text import Text

from jurisdictions.framework import CATEGORIES

from ..formatting import compact, compact_money  # noqa: F401  (re-exported for the CLI)

STATUS_STYLE = {"in_force": "green", "guidance": "cyan", "proposed": "yellow", "assumed": "magenta"}
STATUS_MARK = {"in_force": "", "guidance": " (g)", "proposed": " (p)", "assumed": " (a)"}


def _cell(rows: pd.DataFrame, ref_ccy: str, show_local: bool, notes: dict[str, int]) -> Text:
    """One cell: each obligation id on its own line, its amount on the next (so that narrow columns, with
    three or more markets side by side, wrap the id and never split the amount); '—' when the market has
    no obligation in the category; 'n/a' with a footnote number pointing at the reason."""
    cell = Text()
    if rows.empty:
        cell.append("—", style="dim")
        return cell
    for r in rows.itertuples(index=False):
        if cell.plain:
            cell.append("\n")
        cell.append(r.obligation + (f" [{r.scenario}]" if r.scenario else ""))
        cell.append("\n  ")
        if isinstance(r.amount, float) and math.isnan(r.amount):
            n = notes.setdefault(str(r.reason or "not applicable"), len(notes) + 1)
            cell.append(f"n/a [{n}]", style="dim")
        else:
            cell.append(compact(r.amount_ref), style="bold")
            if show_local and r.currency != ref_ccy:
                cell.append(f" ({compact_money(r.currency, r.amount)})", style="dim")
        cell.append(STATUS_MARK.get(r.status, ""), style=STATUS_STYLE.get(r.status, ""))
    return cell


def side_by_side_tables(result: Any, show_local: bool = True, limit: int | None = None) -> list[Table]:
    """One rich table per profile (the first ``limit`` profiles): rows = categories (in the fixed order
    capital, liquidity, loss cover, custody, client money, so that capital sits against capital across
    markets), columns = jurisdictions (headed with their currency), cells = obligations. Reasons for blank
    amounts are footnotes below. Read from the compact table: no ``basis`` line is rendered for a table."""
    ob = result.plain_amounts(profiles=limit)
    names = result.profiles["name"] if limit is None else result.profiles["name"].iloc[:limit]
    codes = [j.code for j in result.jurisdictions]
    ccys = {j.code: j.currency for j in result.jurisdictions}
    by_profile = dict(tuple(ob.groupby("profile", sort=False)))
    tables = []
    for name in names:
        rows = by_profile.get(name, ob.iloc[:0])
        t = Table(title=Text(f"{name} — amounts in {result.currency} (local in brackets)", style="bold"), title_justify="left",
                  show_lines=True, expand=False, caption_justify="left")
        t.add_column("category", style="bold", no_wrap=True)
        for c in codes:
            t.add_column(Text.assemble(c, (f" ({ccys[c]})", "dim")), overflow="fold", min_width=12)
        notes: dict[str, int] = {}
        for cat in CATEGORIES:
            cat_rows = rows[rows["category"] == cat]
            if cat_rows.empty:
                continue
            t.add_row(cat.replace("_", " "),
                      *[_cell(cat_rows[cat_rows["jurisdiction"] == c], result.currency, show_local, notes)
                        for c in codes])
        if notes:
            t.caption = "\n".join(f"[{n}] {reason}" for reason, n in notes.items())
            t.caption_style = "dim"
        tables.append(t)
    return tables


def legend() -> Text:
    t = Text("status: ")
    for s, mark in STATUS_MARK.items():
        t.append(f"{s}{mark or ' (none)'}  ", style=STATUS_STYLE[s])
    return t


def frame_table(df: pd.DataFrame, title: str = "", money_columns: Iterable[str] = ()) -> Table:
    """A plain rich table of a DataFrame (money columns in compact form)."""
    t = Table(title=Text(title, style="bold") if title else None, title_justify="left")
    money_columns = set(money_columns)
    for c in df.columns:
        t.add_column(str(c), justify="right" if c in money_columns else "left", overflow="fold")
    for row in df.itertuples(index=False, name=None):
        t.add_row(*[Text(compact(v)) if c in money_columns else Text("" if v is None else str(v))
                    for c, v in zip(df.columns, row)])
    return t
