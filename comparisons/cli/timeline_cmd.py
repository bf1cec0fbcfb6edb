"""``xjur timeline``: obligations and costs at each date, as regimes phase in, reserves build up and the business
grows (DESIGN.md Contract 4: ``--format json`` prints ``{"timeline": [rows], "costs": [rows]}``)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import (
    AssumptionsOpt, CurrencyOpt, Format, FormatOpt, FundingOpt, FxRatesOpt, JurisdictionOpt, OutputOpt,
    ParametersOpt, ScenarioOpt, SheetOpt, app, console_err, cost_kwargs, emit, profile_source, to_file,
)


def print_timeline(result, con) -> None:
    """The notes (growth, FX, starts), the cost per date and market, and the what-changes table."""
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import compact_money

    for note in result.notes:
        con.print(f"[dim]·[/] {escape(note)}", highlight=False)
    from ..tables import headline_scenario, one_scenario

    sc = headline_scenario(result.costs)
    costs = one_scenario(result.costs, sc)
    for profile, part in costs.groupby("profile", sort=False):
        t = Table(title=escape(f"{profile}: annual cost ({result.currency}), counted regimes only; reserve "
                               f"scenario {sc}"), title_justify="left")
        t.add_column("market")
        for d in result.dates:
            t.add_column(d.isoformat(), justify="right", min_width=10)
        wide = part.pivot_table(index="jurisdiction", columns="date", values="annual_cost_ref", aggfunc="sum",
                                sort=False)
        for code, row in wide.iterrows():
            t.add_row(code, *[compact_money(result.currency, row.get(d, 0.0)) if d in row else "–"
                              for d in result.dates])
        con.print(t)
    changes = result.changes()
    t = Table(title="What changes when", title_justify="left")
    for c in ("date", "profile", "market", "change", f"effect on resources ({result.currency})",
              f"effect on annual cost ({result.currency})"):
        t.add_column(c)
    for r in changes.itertuples(index=False):
        t.add_row(r.date.isoformat(), escape(r.profile), r.market, escape(r.change),
                  compact_money(result.currency, r.effect_resources_ref),
                  compact_money(result.currency, r.effect_annual_cost_ref))
    con.print(t)


@app.command("timeline")
def timeline_command(
    profiles: List[Path] = typer.Argument(..., help="Profile files (YAML, CSV, XLSX)"),
    start: str = typer.Option(..., "--from", help="First date (YYYY-MM-DD)"),
    end: str = typer.Option(..., "--to", help="Last date (YYYY-MM-DD)"),
    step: str = typer.Option("year", "--step", help="year or quarter"),
    growth: Optional[Path] = typer.Option(None, "--growth", help="YAML growth file (default: no growth)"),
    jurisdiction: Optional[List[str]] = JurisdictionOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = ScenarioOpt,
    parameters: Optional[List[Path]] = ParametersOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    assumptions: Optional[List[Path]] = AssumptionsOpt,
    funding: Optional[Path] = FundingOpt,
    format: Format = FormatOpt,
    output: Optional[Path] = OutputOpt,
    sheet: Optional[str] = SheetOpt,
) -> None:
    """Obligations and costs at each date from --from to --to: regimes counted from their start (proposals from
    their assumed start), reserves building up, the business growing. With --fx-rates, each date's rate from
    the file (a path); without, one rate for the whole timeline."""
    from ..timeline import timeline

    result = timeline(profile_source(profiles, sheet), start, end, step=step,
                      growth=str(growth) if growth else None, jurisdictions=jurisdiction or None,
                      currency=currency, scenarios=scenario,
                      parameters=[str(p) for p in parameters] if parameters else None,
                      fx=str(fx_rates) if fx_rates else None, **cost_kwargs(assumptions, funding))
    if format is Format.json:
        emit(result.to_json(), output)
    elif format is Format.csv:
        emit(result.to_csv(), output)
    else:
        with to_file(output) as con:
            print_timeline(result, con)
    if format is not Format.table:
        for note in result.notes:
            console_err.print(f"note: {note}", highlight=False, markup=False)
