"""Terminal rendering (rich): side-by-side tables that line categories up across jurisdictions, and the
stress tables.

Tables with one column per market (or regime) are :class:`ColumnBlocks`: when printed, their data columns
are split into consecutive blocks that each fit the console's width, the row labels repeated in every block.
Every market is shown at any width (80 columns, a pipe or a redirect included), in the comparison's order,
and no identifier or amount is broken inside a word: each line of a cell is an unbreakable unit and a column
is as wide as its longest line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import pandas as pd
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from jurisdictions.framework import CATEGORIES

from ..formatting import compact, compact_money  # noqa: F401  (re-exported for the CLI)

STATUS_STYLE = {"in_force": "green", "guidance": "cyan", "enacted": "blue", "proposed": "yellow",
                "assumed": "magenta"}
STATUS_MARK = {"in_force": "", "guidance": " (g)", "enacted": " (e)", "proposed": " (p)", "assumed": " (a)"}
#: what a rich table adds around each column (one space of padding each side and one rule)
COLUMN_FRAME = 3
#: reserve scenarios in the order every table shows them
SCENARIO_RANK = {"": 0, "low": 1, "central": 2, "high": 3, "fiea_analogue": 4}


def text_width(t: Text | str) -> int:
    """Width in terminal cells of the longest line of ``t``."""
    plain = t.plain if isinstance(t, Text) else str(t)
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def fit_blocks(widths: Sequence[int], lead: int, total: int) -> list[list[int]]:
    """Indices of the data columns (of content ``widths``), split into consecutive blocks so that each block,
    with the ``lead`` cells of row labels in front, fits in ``total`` cells. A column wider than what is left
    beside the labels gets a block of its own."""
    blocks: list[list[int]] = []
    used = lead
    for i, w in enumerate(widths):
        if blocks and used + w + COLUMN_FRAME <= total:
            blocks[-1].append(i)
            used += w + COLUMN_FRAME
        else:
            blocks.append([i])
            used = lead + w + COLUMN_FRAME
    return blocks


@dataclass(frozen=True)
class Column:
    """One column of a :class:`ColumnBlocks`: its header, one cell per row, and its alignment."""

    header: Text
    cells: tuple[Text, ...]
    justify: str = "left"
    style: str = ""

    @property
    def width(self) -> int:
        return max([text_width(self.header), *(text_width(c) for c in self.cells)])


@dataclass(frozen=True)
class ColumnBlocks:
    """A rich renderable: row-label columns (``lead``) and data columns, printed as one table per block of
    data columns that fits the console (see :func:`fit_blocks`). The title is printed above the blocks and
    the caption below them, at the console's width; ``unit`` names the data columns in the block titles
    (``markets 3–4 of 7``)."""

    title: Text | None
    lead: tuple[Column, ...]
    columns: tuple[Column, ...]
    unit: str = "markets"
    caption: Text | None = None
    show_lines: bool = True

    def blocks(self, width: int) -> list[list[int]]:
        lead = 1 + sum(c.width + COLUMN_FRAME for c in self.lead)
        return fit_blocks([c.width for c in self.columns], lead, width)

    def tables(self, width: int) -> list[Table]:
        """The tables printed at ``width`` cells (one per block; the title and caption are printed apart,
        at the full width)."""
        blocks = self.blocks(width)
        n = len(self.columns)
        lead_w = 1 + sum(c.width + COLUMN_FRAME for c in self.lead)
        out = []
        for block in blocks:
            span = f"{block[0] + 1}" if len(block) == 1 else f"{block[0] + 1}–{block[-1] + 1}"
            t = Table(title=Text(f"{self.unit} {span} of {n}", style="dim") if len(blocks) > 1 else None,
                      title_justify="left", show_lines=self.show_lines, expand=False)
            for c in self.lead:
                t.add_column(c.header, justify=c.justify, style=c.style, no_wrap=True, width=c.width)
            for i in block:
                c = self.columns[i]
                fits = lead_w + c.width + COLUMN_FRAME <= width
                t.add_column(c.header, justify=c.justify, style=c.style, no_wrap=fits, overflow="fold",
                             width=c.width if fits else None)
            for r in range(len(self.lead[0].cells) if self.lead else 0):
                t.add_row(*(c.cells[r] for c in self.lead), *(self.columns[i].cells[r] for i in block))
            out.append(t)
        return out

    def __rich_console__(self, console: Any, options: Any):
        if self.title is not None:
            yield self.title
        yield from self.tables(options.max_width)
        if self.caption is not None:
            yield self.caption


# -- the side-by-side obligations ----------------------------------------------------------------------
def _cell(rows: pd.DataFrame, ref_ccy: str, show_local: bool, notes: dict[str, int]) -> Text:
    """One cell: each obligation id on its own line, its amount (and status mark) on the next, the local
    amount on a third; '—' when the market has no obligation in the category; 'n/a' with a footnote number
    pointing at the reason."""
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
            cell.append(STATUS_MARK.get(r.status, ""), style=STATUS_STYLE.get(r.status, ""))
        else:
            cell.append(compact(r.amount_ref), style="bold")
            cell.append(STATUS_MARK.get(r.status, ""), style=STATUS_STYLE.get(r.status, ""))
            if show_local and r.currency != ref_ccy:
                cell.append(f"\n  ({compact_money(r.currency, r.amount)})", style="dim")
    return cell


def side_by_side_tables(result: Any, show_local: bool = True, limit: int | None = None) -> list[ColumnBlocks]:
    """One table per profile (the first ``limit`` profiles): rows = categories (in the fixed order capital,
    liquidity, loss cover, custody, client money, so that capital sits against capital across markets),
    columns = jurisdictions in the comparison's order (headed with their currency), cells = obligations.
    Reasons for blank amounts are footnotes below. Printed in blocks of markets that fit the terminal.
    Read from the compact table: no ``basis`` line is rendered for a table."""
    ob = result.plain_amounts(profiles=limit)
    names = result.profiles["name"] if limit is None else result.profiles["name"].iloc[:limit]
    codes = [j.code for j in result.jurisdictions]
    ccys = {j.code: j.currency for j in result.jurisdictions}
    by_profile = dict(tuple(ob.groupby("profile", sort=False)))
    tables = []
    for name in names:
        rows = by_profile.get(name, ob.iloc[:0])
        notes: dict[str, int] = {}
        cats = [c for c in CATEGORIES if (rows["category"] == c).any()]
        per_cat = {c: rows[rows["category"] == c] for c in cats}
        columns = tuple(
            Column(Text.assemble(c, (f" ({ccys[c]})", "dim")),
                   tuple(_cell(per_cat[cat][per_cat[cat]["jurisdiction"] == c], result.currency, show_local, notes)
                         for cat in cats))
            for c in codes)
        lead = (Column(Text("category"), tuple(Text(c.replace("_", " ")) for c in cats), style="bold"),)
        caption = Text("\n".join(f"[{n}] {reason}" for reason, n in notes.items()), style="dim") if notes else None
        tables.append(ColumnBlocks(Text(f"{name} — amounts in {result.currency} (local in brackets)", style="bold"),
                                   lead, columns, unit="markets", caption=caption))
    return tables


def legend() -> Text:
    t = Text("status: ")
    for s, mark in STATUS_MARK.items():
        t.append(f"{s}{mark or ' (none)'}  ", style=STATUS_STYLE[s])
    return t


# -- the stress tables -----------------------------------------------------------------------------------
def _coverage_cell(ratio: float, covered: float) -> Text:
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return Text("n/a", style="dim")
    style = "green" if ratio >= 0.9995 else ("yellow" if ratio > 0 else "red")
    t = Text("100 %" if ratio >= 0.9995 else f"{ratio * 100:.1f} %", style=f"bold {style}")
    t.append(f"\n{compact(covered)}", style="dim")
    return t


def regime_columns(table: pd.DataFrame, jurisdictions: Sequence[Any]) -> list[tuple[str, str, str]]:
    """The (jurisdiction, regime, scenario) columns of a stress table, in the comparison's order: markets as
    compared (the order of ``xjur compare``), each market's regimes as it declares them (``all``, the
    stacked row, last), reserve scenarios low, central, high."""
    j_rank = {j.code: i for i, j in enumerate(jurisdictions)}
    r_rank = {(j.code, r.id): k for j in jurisdictions for k, r in enumerate(j.regimes)}
    cols = list(dict.fromkeys(zip(table["jurisdiction"].astype(str), table["regime"].astype(str),
                                  table["scenario"].fillna("").astype(str))))
    return sorted(cols, key=lambda c: (j_rank.get(c[0], len(j_rank)), c[0],
                                       r_rank.get((c[0], c[1]), 999 if c[1] == "all" else 998), c[1],
                                       SCENARIO_RANK.get(c[2], 9), c[2]))


def stress_tables(result: Any) -> list[tuple[str, ColumnBlocks | None]]:
    """(heading, table) per profile: rows = loss scenarios, columns = regimes (× reserve scenario) in the
    order of ``xjur compare``, each market's regimes followed by the market with every regime stacked ("all
    regimes"), cells = share of the customer loss covered and the amount covered (reference currency; "n/a" where
    a regime sets no amount); for incidents, what customers actually got back and who paid. Printed in blocks
    of regimes that fit the terminal."""
    from rich.markup import escape

    tab = result.table
    jurisdictions = result.comparison.jurisdictions
    tables: list[tuple[str, ColumnBlocks | None]] = []
    for name in dict.fromkeys(tab["profile"]):
        rows = tab[tab["profile"] == name]
        rows = rows.assign(scenario=rows["scenario"].fillna("").astype(str))
        if (rows["customer_loss"] == 0).all() and (rows["hot_loss"] + rows["cold_loss"] + rows["unattributed_loss"]
                                                  == 0).all():
            tables.append((f"[bold]{escape(str(name))}[/] — no customer loss in any scenario (no client "
                           "crypto-assets in the wallets concerned)", None))
            continue
        cols = regime_columns(rows, jurisdictions)
        losses = list(dict.fromkeys(rows["loss_scenario"]))
        by_cell = {(r.loss_scenario, r.jurisdiction, r.regime, r.scenario): r
                   for r in rows.itertuples(index=False)}
        first = rows.drop_duplicates("loss_scenario").set_index("loss_scenario")
        lead = (
            Column(Text("loss scenario"), tuple(Text(str(x), style="bold") for x in losses)),
            Column(Text("customer\nloss"), tuple(Text(compact(first.at[x, "customer_loss"])
                                                      + ("*" if first.at[x, "capped"] else "")) for x in losses),
                   justify="right"),
        )
        if "paid_by" in first.columns and first["paid_by"].fillna("").ne("").any():
            lead += (Column(Text("customers\ngot back"), tuple(_got_back(first.loc[x]) for x in losses)),)
        columns = []
        for j, regime, sc in cols:
            short = regime.split(".", 1)[1] if regime.lower().startswith(j.lower() + ".") else regime
            short = "all regimes" if regime == "all" else short
            cells = []
            for x in losses:
                r = by_cell.get((x, j, regime, sc))
                cells.append(_coverage_cell(r.coverage_ratio, r.covered) if r is not None else Text(""))
            columns.append(Column(Text(f"{j}\n{short}" + (f"\n[{sc}]" if sc else ""),
                                       style="bold" if regime == "all" else ""), tuple(cells), justify="right"))
        tables.append((f"[bold]{escape(str(name))}[/] — customer loss covered (amounts in {result.currency})",
                       ColumnBlocks(None, lead, tuple(columns), unit="regimes")))
    return tables


def _got_back(row: pd.Series) -> Text:
    """What customers of an incident actually got back, and who paid (``incidents.csv`` and its outcomes)."""
    rec = row.get("recovery_rate")
    got = "" if rec is None or (isinstance(rec, float) and math.isnan(rec)) else f"{rec * 100:.0f} %"
    paid = str(row.get("paid_by") or "").replace("_", " ")
    return Text(" ".join(x for x in (got, f"({paid})" if paid else "") if x))


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
