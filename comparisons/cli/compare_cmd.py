"""``xjur compare``: obligations of every profile in every jurisdiction, side by side."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import (
    AssumptionsOpt, AsOfOpt, CurrencyOpt, Format, FormatOpt, FundingOpt, FxRatesOpt, InForceOnlyOpt,
    JurisdictionOpt, OutputOpt, ParametersOpt, ScenarioOpt, SheetOpt, TableName, TableOpt, app, compare_kwargs,
    console, cost_kwargs, emit_result, profile_source,
)


#: the terminal shows the tables of this many profiles; a larger batch is for --format csv / json
TABLE_MAX_PROFILES = 40


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
                  "(with --output FILE) gives every row", highlight=False)
    con.print(legend())
    from .plan_cmd import print_cost_section

    print_cost_section(result, con, max_profiles=TABLE_MAX_PROFILES)


@app.command("compare")
def compare_command(
    profiles: List[Path] = typer.Argument(..., help="Profile files (YAML, CSV, XLSX)"),
    jurisdiction: Optional[List[str]] = JurisdictionOpt,
    as_of: Optional[str] = AsOfOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = ScenarioOpt,
    parameters: Optional[List[Path]] = ParametersOpt,
    in_force_only: bool = InForceOnlyOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    assumptions: Optional[List[Path]] = AssumptionsOpt,
    funding: Optional[Path] = FundingOpt,
    format: Format = FormatOpt,
    output: Optional[Path] = OutputOpt,
    sheet: Optional[str] = SheetOpt,
    table: Optional[TableName] = TableOpt,
) -> None:
    """Compare what each jurisdiction demands of the same profiles."""
    from ..compare import compare

    result = compare(profile_source(profiles, sheet),
                     **compare_kwargs(jurisdiction, as_of, currency, scenario, parameters, in_force_only, fx_rates),
                     **cost_kwargs(assumptions, funding))
    emit_result(result, format, output, print_result_table, table=table)
