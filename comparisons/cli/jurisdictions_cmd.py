"""``xjur jurisdictions``: installed plug-ins, their regimes, status and parameter dates."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .app import OutputOpt, app, console_err, emit, to_file


@app.command("jurisdictions")
def jurisdictions_command(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON"),
    output: Optional[Path] = OutputOpt,
) -> None:
    """List installed jurisdictions, their regimes and the dates of their parameters."""
    import json

    from jurisdictions.framework import discover

    from ..compare import jurisdiction_info

    reg = discover()
    infos = []
    for j in reg.jurisdictions.values():
        info = jurisdiction_info(j)
        try:
            params = j.parameters()
            dates = sorted({v.effective_from for h in params.histories.values() for v in h.values})
            info["parameters"] = len(params.ids())
            info["parameter_dates"] = f"{dates[0].isoformat()} … {dates[-1].isoformat()}" if dates else ""
        except Exception as e:  # noqa: BLE001 - a plug-in's broken parameter file is reported, not fatal
            info["parameters"] = 0
            info["parameter_dates"] = f"error: {e}"
        infos.append(info)
    if as_json:
        emit(json.dumps({"jurisdictions": infos, "errors": dict(reg.errors)}, indent=2), output)
        return
    t = Table(title="Installed jurisdictions", title_justify="left", show_lines=True)
    for c in ("code", "name", "currency", "regimes (status, from)", "parameters"):
        t.add_column(c)
    for info in infos:
        regimes = "\n".join(
            f"{r['id']} ({r['status']}, {'what-if; assumed start ' + (r['start_note'] or str(r['in_force_from'])) if r['status'] == 'proposed' else 'from ' + str(r['in_force_from'])})"
            for r in info["regimes"]
        )
        t.add_row(info["code"], info["name"], info["currency"], regimes,
                  f"{info['parameters']} ({info['parameter_dates']})")
    with to_file(output) as con:
        con.print(t)
    for name, err in reg.errors.items():
        console_err.print(f"[red]plug-in {name} failed to load:[/] {err}", highlight=False)
