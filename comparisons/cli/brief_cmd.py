"""``xjur brief``: a self-contained HTML briefing (and optionally an Excel workbook) for some profiles."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import (
    AssumptionsOpt, AsOfOpt, CurrencyOpt, FundingOpt, FxRatesOpt, InForceOnlyOpt, JurisdictionOpt, ParametersOpt,
    SheetOpt, app, compare_kwargs, console_err, cost_kwargs, print_warnings, profile_source,
)


@app.command("brief")
def brief_command(
    profiles: List[Path] = typer.Argument(..., help="Profile files (YAML, CSV, XLSX)"),
    output: Path = typer.Option(Path("briefing.html"), "--output", "-o", help="HTML file to write"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Also write the briefing's tables to this .xlsx workbook"),
    jurisdiction: Optional[List[str]] = JurisdictionOpt,
    as_of: Optional[str] = AsOfOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = typer.Option(["all"], "--scenario",
                                       help="Japanese reserve scenarios: low, central, high or all (default: all, "
                                            "so the briefing shows the range)"),
    parameters: Optional[List[Path]] = ParametersOpt,
    in_force_only: bool = InForceOnlyOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    assumptions: Optional[List[Path]] = AssumptionsOpt,
    funding: Optional[Path] = FundingOpt,
    static_charts: bool = typer.Option(False, "--static-charts",
                                       help="Charts as static inline SVG (no script) instead of interactive ones"),
    no_stress: bool = typer.Option(False, "--no-stress", help="Leave the stress tests out"),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the briefing"),
    sheet: Optional[str] = SheetOpt,
    timeline_to: Optional[str] = typer.Option(None, "--timeline-to",
                                              help="Add a timeline section from --as-of to this date (YYYY-MM-DD)"),
    all_parameters: bool = typer.Option(False, "--all-parameters",
                                        help="List every parameter of the markets compared in the appendix "
                                             "(default: those behind the briefing's figures)"),
) -> None:
    """Write a self-contained HTML briefing: summary, side-by-side table, costs, stress tests, charts, appendix."""
    from ..report.briefing import build_briefing, write_briefing
    from ..compare import compare

    result = compare(profile_source(profiles, sheet),
                     **compare_kwargs(jurisdiction, as_of, currency, scenario, parameters, in_force_only, fx_rates),
                     **cost_kwargs(assumptions, funding))
    b = build_briefing(result, with_stress=not no_stress, title=title, all_parameters=all_parameters,
                       timeline_to=timeline_to)
    write_briefing(b, output, chart_mode="svg" if static_charts else "interactive")
    console_err.print(f"wrote {output}", highlight=False)
    if xlsx is not None:
        from ..report.workbook import write_workbook

        write_workbook(b, xlsx)
        console_err.print(f"wrote {xlsx}", highlight=False)
    for note in b.omitted:
        console_err.print(f"[yellow]left out:[/] {note}", highlight=False)
    print_warnings(result.warnings)
