"""``xjur stress``: would each regime's mandated resources have made customers whole after a hack?"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .app import (
    AsOfOpt, CurrencyOpt, Format, FormatOpt, FxRatesOpt, InForceOnlyOpt, JurisdictionOpt, OutputOpt,
    ParametersOpt, ScenarioOpt, SheetOpt, app, compare_kwargs, console, emit_result, profile_source,
)


def rules_table(result):
    t = Table(title="what absorbs a customer loss in each regime", title_justify="left")
    t.add_column("regime", style="bold")
    t.add_column("resources that apply", overflow="fold")
    for r in result.rules.itertuples(index=False):
        extra = ("; plus own funds above what the rules tie up (any loss; not ring-fenced)"
                 if result.with_own_funds else "")
        t.add_row(Text(f"{r.jurisdiction} {r.regime}", style="bold"), Text(r.rule + extra))
    return t


def print_stress(result, out=None) -> None:
    from ..report.terminal import stress_tables

    con = out or console
    con.print(f"[bold]xjur stress[/] as of {result.as_of.isoformat()} · FX {result.fx.date.isoformat()} "
              f"({result.fx.source}) · amounts in {result.currency} · USD ranges read at their "
              f"{result.loss_point}" + (" · with own funds" if result.with_own_funds else ""), highlight=False)
    for heading, t in stress_tables(result):
        con.print(heading, highlight=False)
        if t is not None:
            con.print(t)
    con.print(rules_table(result))
    fx_notes = result.table.drop_duplicates(["loss_scenario", "loss_fx"])
    for r in result.loss_scenarios.itertuples(index=False):
        con.print(Text.assemble((r.loss_scenario, "bold"), ": ", r.description))
        for note in fx_notes.loc[fx_notes["loss_scenario"] == r.loss_scenario, "loss_fx"]:
            if note:
                con.print(Text("  converted: " + note, style="dim"))
    con.print("[dim]cells: share of the customer loss covered by what the rules set aside for customer losses, then "
              "the amount covered; general capital floors are not cover (mandated_capital in --format json); "
              "all regimes: every regime of the market shown, stacked; n/a: the rule sets no amount; * the "
              "incident's loss was capped at what the profile holds in that wallet; full detail (rule, uncovered, "
              "local amounts, loss notes, exchange rates, outcomes) with --format json or csv[/]")


def list_incidents_table():
    from ..stress.incidents import load_incidents
    from ..formatting import compact

    t = Table(title="incidents (comparisons/data/incidents.csv, from the rulebook)", title_justify="left")
    for c in ("id", "exchange", "date", "customer loss", "wallet", "customer share"):
        t.add_column(c, overflow="fold")
    for r in load_incidents().itertuples(index=False):
        loss = f"{r.loss_currency} {compact(r.customer_loss)}" if r.loss_currency else "n/a"
        t.add_row(*(Text(str(x)) for x in (r.slug, r.exchange, r.date, loss, r.wallet, r.customer_share_basis)))
    return t


@app.command("stress")
def stress_command(
    profiles: Optional[List[Path]] = typer.Argument(None, help="Profile files (YAML, CSV, XLSX)"),
    incident: Optional[List[str]] = typer.Option(None, "--incident", "-i",
                                                 help="Incident id, e.g. coincheck-2018 (repeatable)"),
    all_incidents: bool = typer.Option(False, "--all-incidents", help="Replay every incident with a loss amount"),
    hot_loss: Optional[float] = typer.Option(None, "--hot-loss", help="Share of the hot-wallet holdings lost (0-1)"),
    cold_loss: Optional[float] = typer.Option(None, "--cold-loss", help="Share of the cold-wallet holdings lost (0-1)"),
    with_own_funds: bool = typer.Option(False, "--with-own-funds",
                                        help="Also use the firm's own funds above what the rules tie up"),
    loss_point: str = typer.Option("midpoint", "--loss-point",
                                   help="Where to read a USD loss range low-high: midpoint, low or high"),
    list_incidents: bool = typer.Option(False, "--list-incidents", help="List the incident ids and exit"),
    jurisdiction: Optional[List[str]] = JurisdictionOpt,
    as_of: Optional[str] = AsOfOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = ScenarioOpt,
    parameters: Optional[List[Path]] = ParametersOpt,
    in_force_only: bool = InForceOnlyOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    format: Format = FormatOpt,
    output: Optional[Path] = OutputOpt,
    sheet: Optional[str] = SheetOpt,
) -> None:
    """Replay historical hacks (or a hot/cold loss) against every regime: covered, uncovered, coverage."""
    from jurisdictions.framework import XjurError

    from ..stress import stress

    if list_incidents:
        console.print(list_incidents_table())
        return
    if not profiles:
        raise XjurError("give at least one profile file (e.g. xjur stress examples/profiles.yaml --all-incidents)")
    result = stress(
        profile_source(profiles, sheet), incidents=incident or None, all_incidents=all_incidents, hot_loss=hot_loss,
        cold_loss=cold_loss, with_own_funds=with_own_funds, loss_point=loss_point,
        **compare_kwargs(jurisdiction, as_of, currency, scenario, parameters, in_force_only, fx_rates),
    )
    emit_result(result, format, output, print_stress, width=200)
