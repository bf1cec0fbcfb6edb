"""``xjur explain``: the formula, inputs, parameters and citations behind one obligation."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .app import (
    AsOfOpt, CurrencyOpt, FxRatesOpt, OutputOpt, ParametersOpt, app, console, emit, to_file,
)


@app.command("explain")
def explain_command(
    profiles: Path = typer.Argument(..., help="Profile file"),
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="Jurisdiction code"),
    obligation: str = typer.Option(..., "--obligation", help="Obligation id, e.g. compensation_cover"),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Profile name (default: every profile of the file)"),
    as_of: Optional[str] = AsOfOpt,
    currency: str = CurrencyOpt,
    scenario: List[str] = typer.Option(["all"], "--scenario", help="Reserve scenarios to show (default: all)"),
    parameters: Optional[List[Path]] = ParametersOpt,
    fx_rates: Optional[Path] = FxRatesOpt,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON"),
    output: Optional[Path] = OutputOpt,
) -> None:
    """Explain one obligation of a profile (or of each): formula with the profile's numbers, inputs, parameters."""
    import json

    from ..explain import explain
    from ..load import load_profiles

    frame = load_profiles(str(profiles))
    names = [profile] if profile is not None else list(frame["name"])
    explanations = [
        explain(frame, name, jurisdiction, obligation, as_of=as_of, currency=currency, scenarios=scenario,
                parameters=[str(p) for p in parameters] if parameters else None,
                fx=str(fx_rates) if fx_rates else None)
        for name in names
    ]
    if as_json:
        docs = [ex.to_dict() for ex in explanations]
        emit(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, default=str), output)
        return
    with to_file(output) as con:
        for ex in explanations:
            print_explanation(ex, currency, con)


def print_explanation(ex, currency: str, con=None) -> None:
    """One explanation on the terminal: rule, citation, result per scenario, inputs, parameters."""
    from ..formatting import compact

    out = con or console
    out.print(f"[bold]{ex.jurisdiction} {ex.regime} / {ex.obligation}[/] for [bold]{escape(ex.profile)}[/] "
                  f"(as of {ex.as_of}, FX {ex.fx_date})", highlight=False)
    out.print(f"[bold]rule:[/] {escape(ex.formula)}", highlight=False)
    out.print(f"[bold]citation:[/] {escape(ex.citation)}", highlight=False)
    for r in ex.rows.itertuples(index=False):
        sc = f" \\[{r.scenario}]" if r.scenario else ""
        out.print(f"[bold]result{sc}:[/] {escape(r.basis)}  [dim]({r.status}; ≈ {compact(r.amount_ref)} {currency.upper()})[/]",
                      highlight=False)
        if r.reason:
            out.print(f"  [yellow]{escape(r.reason)}[/]", highlight=False)
    t = Table(title=f"inputs (in {ex.input_currency})", title_justify="left")
    t.add_column("field")
    t.add_column("value", justify="right")
    for k, v in ex.inputs.items():
        t.add_row(k, f"{v:,.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v))
    out.print(t)
    out.print("[bold]parameters[/]")
    for p in ex.parameters.itertuples(index=False):
        dagger = " †: not verified against the primary text" if p.unverified else ""
        out.print(f"  [bold]{p.id}[/] = {p.value} {p.unit}  [dim]({p.status}{dagger}, from {p.effective_from})[/]",
                      highlight=False)
        out.print(f"      {escape(p.citation)}", highlight=False)
        if p.source:
            out.print(f"      [dim]source: {escape(p.source)}[/]", highlight=False)
        if p.note:
            out.print(f"      [dim]note: {escape(p.note)}[/]", highlight=False)
