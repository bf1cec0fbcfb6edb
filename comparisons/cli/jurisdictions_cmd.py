"""``xjur jurisdictions``: installed plug-ins, their regimes, status and parameter dates."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .app import OutputOpt, app, console_err, emit, to_file


def start_text(r: dict) -> str:
    """When a regime applies: a proposal's assumed start, an enacted regime's start, an in-force one's."""
    if r["status"] == "proposed":
        return "what-if; assumed start " + (r["start_note"] or str(r["in_force_from"] or "unknown"))
    if r["status"] == "enacted":
        return f"applies from {r['in_force_from']}" + (f" ({r['start_note']})" if r["start_note"] else "")
    return f"from {r['in_force_from']}"


def scope_text(sc: dict | None) -> str:
    """Who the regime reaches: the services in, those in by assumption, a fiat-market condition."""
    if not sc:
        return "every profile"
    text = ", ".join(sc["services"]) or "every profile"
    if sc["fiat_markets"]:
        text += " with a fiat market in " + " or ".join(sc["fiat_markets"])
    return text + (f"; assumed: {', '.join(sc['assumed_services'])}" if sc["assumed_services"] else "")


@app.command("jurisdictions")
def jurisdictions_command(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON"),
    output: Optional[Path] = OutputOpt,
) -> None:
    """List installed jurisdictions: each regime's status, start, scope and the date of its newest fact, and the
    dates of their parameters."""
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
    for c in ("market", "regime", "status", "start", "scope", "facts as of", "parameters"):
        t.add_column(c)
    for info in infos:
        market = f"{info['code']} {info['name']} ({info['currency']})"
        params = f"{info['parameters']} ({info['parameter_dates']})"
        for i, r in enumerate(info["regimes"]):
            t.add_row(market if i == 0 else "", r["id"], r["status"], start_text(r), scope_text(r.get("scope")),
                      r.get("facts_as_of") or "n/k", params if i == 0 else "")
    with to_file(output) as con:
        con.print(t)
    for name, err in reg.errors.items():
        console_err.print(f"[red]plug-in {name} failed to load:[/] {err}", highlight=False)
