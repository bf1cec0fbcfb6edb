"""``xjur plan``: a multi-market licensing plan; and the cost section of ``xjur compare``'s table."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .app import (
    AssumptionsOpt, Format, FormatOpt, FundingOpt, FxRatesOpt, OutputOpt, ParametersOpt, TableName, TableOpt, app,
    console, console_err, emit_result,
)


def _assumption_line(costs) -> str:
    """The assumption ids and values behind the costs shown (deduplicated, in order of appearance)."""
    import re

    seen: dict[str, None] = {}
    for text in costs["assumptions"]:
        for m in re.finditer(r"\b((?:equity_premium|reserve_yield_\w+|insurance_rate_\w+|bank_guarantee_fee|"
                             r"cost_cap_single_insured_max|cost_cap_group_max) [^()]*\([a-z_]+(?:, user)?\))", str(text)):
            seen.setdefault(m.group(1), None)
    return "; ".join(seen)


def cost_summary_table(summary, currency: str, title: str, first_col: str | None = "profile", extra=()) -> Table:
    """Resources tied up, insured amount, annual cost and bp of volume, one row per summary row.

    ``extra``: further columns as (header, function of the row giving the cell text)."""
    from ..formatting import compact

    t = Table(title=title, title_justify="left")
    heads = ([(first_col, "left")] if first_col else []) + [
        ("market", "left"), ("scenario", "left"), ("tied up", "right"), ("insured", "right"),
        ("annual cost", "right"), ("local", "right"), ("bp vol.", "right"), *((h, "right") for h, _ in extra)]
    for c, j in heads:  # codes and scenario names are never broken; amounts wrap at their space
        t.add_column(c, justify=j, overflow="fold", no_wrap=c in ("market", "scenario"))
    for r in summary.itertuples(index=False):
        bp = "n/a" if r.cost_bp_of_volume != r.cost_bp_of_volume else f"{r.cost_bp_of_volume:,.2f}"
        cells = [escape(str(getattr(r, first_col)))] if first_col else []
        t.add_row(*cells, r.jurisdiction, r.scenario or "", compact(r.resources_tied_up_ref),
                  compact(r.insured_ref), compact(r.annual_cost_ref), f"{r.currency} {compact(r.annual_cost)}", bp,
                  *(fn(r) for _, fn in extra))
    return t


def print_cost_section(result, con=None, max_profiles: int | None = None) -> None:
    """The cost section under ``xjur compare``'s side-by-side tables (the first ``max_profiles`` profiles)."""
    con = con or console
    costs = result.costs
    if costs.empty:
        return
    fixed = f", with the fixed mix of {result.funding.origin}" if result.funding else ""
    summary = result.cost_summary()
    if max_profiles is not None and len(result.profiles) > max_profiles:
        summary = summary[summary["profile"].isin(result.profiles["name"].iloc[:max_profiles])]
    con.print(f"[bold]Annual cost of the obligations (cheapest allowed funding{escape(fixed)}), in "
              f"{result.currency}; Japanese reserve scenarios one by one[/]", highlight=False)
    for name, rows in summary.groupby("profile", sort=False):  # one table per profile: fits 80 columns
        con.print(cost_summary_table(rows, result.currency, escape(str(name)), first_col=None))
    _print_legend(con, costs)


def _print_legend(con, costs) -> None:
    con.print("[dim]tied up = own funds, funds on trust and own crypto held for the obligations (insurance and "
              "guarantees are bought; segregated money is the clients'); bp vol. = annual cost per 10,000 of "
              "annual trading volume; each row's assumptions: --format json, key 'costs'[/]", highlight=False)
    con.print(f"[dim]assumptions: {escape(_assumption_line(costs))}[/]", highlight=False)
    notes = costs.loc[costs["note"].str.contains("limited by|no allowed form|not allowed", regex=True),
                      ["profile", "jurisdiction", "note"]].drop_duplicates()
    for r in notes.head(8).itertuples(index=False):
        con.print(f"[yellow]note:[/] {escape(r.jurisdiction)} · {escape(r.profile)}: {escape(r.note)}", highlight=False)
    if len(notes) > 8:
        con.print(f"[yellow]note:[/] … and {len(notes) - 8} more (see --format json)", highlight=False)


def print_plan(result, con=None) -> None:
    """Per-market and group totals, the ranking, and each market's obligations and funding."""
    from ..formatting import compact

    con = con or console
    con.print(f"[bold]{escape(result.name)}[/] · as of {result.as_of.isoformat()} · FX {result.fx.date.isoformat()} "
              f"({result.fx.source}) · amounts in {result.currency}", highlight=False)
    markets = result.market_summary()
    extra = (("share", lambda r: "n/a" if r.share_of_group_volume != r.share_of_group_volume
              else f"{r.share_of_group_volume * 100:.3g} %"), ("rank", lambda r: str(r.rank)))
    con.print(cost_summary_table(markets, result.currency, f"Markets ranked by annual cost per unit of business "
                                 f"(bp of the entity's trading volume; 1 = cheapest), in {result.currency}",
                                 first_col=None, extra=extra))
    for m in result.markets:
        how = "share of the group" if m.shares is not None else "explicit profile"
        con.print(f"[dim]{escape(m.jurisdiction)}: {escape(m.entity)} ({how})[/]", highlight=False)
    g = Table(title=f"Group total (sum of the market entities), in {result.currency}", title_justify="left")
    for c in ("scenario", "markets", "tied up", "insured", "annual cost", "bp of licensed volume"):
        g.add_column(c, justify="left" if c == "scenario" else "right")
    for r in result.group_total().itertuples(index=False):
        g.add_row(r.scenario or "", str(r.markets), compact(r.resources_tied_up_ref), compact(r.insured_ref),
                  compact(r.annual_cost_ref),
                  "n/a" if r.cost_bp_of_volume != r.cost_bp_of_volume else f"{r.cost_bp_of_volume:,.2f}")
    con.print(g)
    costs = result.costs
    d = Table(title=f"Obligations and their funding by market (annual cost in {result.currency})",
              title_justify="left")
    for c in ("market", "obligation", "scenario", "form", "funded", "annual cost"):
        d.add_column(c, justify="right" if c in ("funded", "annual cost") else "left", overflow="fold")
    for r in costs.itertuples(index=False):
        form = (r.form or "—") + (" (overlap: not counted)" if r.note.startswith("overlap group") else "")
        d.add_row(r.jurisdiction, r.obligation, r.scenario, form, f"{r.currency} {compact(r.funded_amount)}",
                  compact(r.annual_cost_ref))
    con.print(d)
    _print_legend(con, costs)


@app.command("plan")
def plan_command(
    plan_file: Path = typer.Argument(..., help="Plan file (YAML): a group profile and the markets it will license in"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Comparison date (YYYY-MM-DD); default: the plan's, else today"),
    currency: Optional[str] = typer.Option(None, "--currency", help="Reference currency; default: the plan's, else the group's"),
    scenario: Optional[List[str]] = typer.Option(None, "--scenario", help="Japanese reserve scenario: low, central, high or all (repeatable); default: the plan's, else central"),
    parameters: Optional[List[Path]] = ParametersOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    assumptions: Optional[List[Path]] = AssumptionsOpt,
    funding: Optional[Path] = FundingOpt,
    format: Format = FormatOpt,
    output: Optional[Path] = OutputOpt,
    table: Optional[TableName] = TableOpt,
    brief: Optional[Path] = typer.Option(None, "--brief", help="Also write the plan's briefing to this HTML file"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Also write the plan's tables to this .xlsx workbook"),
    static_charts: bool = typer.Option(False, "--static-charts",
                                       help="Briefing charts as static inline SVG (no script)"),
) -> None:
    """Cost a multi-market licensing plan: per-market entities, group totals, markets ranked by cost."""
    from ..planning import plan

    result = plan(str(plan_file), as_of=as_of, currency=currency, scenarios=scenario or None,
                  parameters=[str(p) for p in parameters] if parameters else None,
                  fx=str(fx_rates) if fx_rates else None,
                  assumptions=[str(p) for p in assumptions] if assumptions else None,
                  funding=str(funding) if funding else None)
    emit_result(result, format, output, print_plan, table=table)
    if brief is not None or xlsx is not None:
        b = result.briefing()
        if brief is not None:
            from ..report.briefing import write_briefing

            write_briefing(b, brief, chart_mode="svg" if static_charts else "interactive")
            console_err.print(f"wrote {brief}", highlight=False)
        if xlsx is not None:
            from ..report.workbook import write_workbook

            write_workbook(b, xlsx)
            console_err.print(f"wrote {xlsx}", highlight=False)
