"""The briefing's tables as an Excel workbook (openpyxl): one sheet per table, units in the headers.

    from comparisons.xlsx import workbook_tables, write_workbook
    write_workbook(briefing, "briefing.xlsx")

Sheets: About (dates, FX, version), Obligations (Contract 2), Side by side, Costs, Cost summary, Stress,
Sensitivity, Parameters, Cost assumptions, Timeline, What changes when, Reserve build-up, Timeline notes (with
``--timeline-to``), FX rates, Warnings. A sheet whose part was left out of the
briefing (module not installed) is left out of the workbook too. Amounts are written as numbers (exact,
not rounded) with a thousands format; the unit of every column is in its header. Every text cell is written
as a string (openpyxl data type ``s``), never as a formula, whatever it starts with: a profile named
``=HYPERLINK(...)`` or ``@cmd`` is shown as that text and runs nothing (issue 13).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jurisdictions.framework import XjurError


def workbook_tables(b: Any) -> dict[str, pd.DataFrame]:
    """Sheet name → table (headers carry units), for a :class:`~comparisons.briefing.Briefing`."""
    from .briefing import assumption_rows, parameter_rows

    r = b.result
    ccy = r.currency
    tables: dict[str, pd.DataFrame] = {}
    fx = r.fx.describe(set(r.profiles["currency"]) | {j.currency for j in r.jurisdictions} | {ccy})
    tables["About"] = pd.DataFrame({
        "item": ["title", "as of", "FX date", "FX source", "reference currency", "reserve scenarios", "xjur version",
                 "generated (UTC)", "left out"],
        "value": [b.title, r.as_of.isoformat(), r.fx.date.isoformat(), r.fx.source, ccy, ", ".join(r.scenarios),
                  b.version, b.created.isoformat(), "; ".join(b.omitted) or "—"],
    })
    ob = r.obligations
    tables["Obligations"] = pd.DataFrame({
        "profile": ob["profile"], "jurisdiction": ob["jurisdiction"], "regime": ob["regime"],
        "obligation": ob["obligation"], "category": ob["category"], "scenario": ob["scenario"],
        "amount (local currency)": ob["amount"], "currency": ob["currency"], f"amount ({ccy})": ob["amount_ref"],
        "status": ob["status"], "funding forms": ob["funding_forms"], "overlap group": ob["overlap_group"],
        "citation": ob["citation"], "basis": ob["basis"], "reason": ob["reason"],
    })
    wide = r.side_by_side()
    if not wide.empty:
        wide = wide.reset_index()
        wide.columns = [str(c) if c in ("profile", "category", "item") else f"{c} ({ccy})" for c in wide.columns]
        wide["category"] = wide["category"].astype(str)
        tables["Side by side"] = wide
    if b.costs is not None:
        c = b.costs
        cols = {"profile": "profile", "jurisdiction": "jurisdiction", "regime": "regime", "obligation": "obligation",
                "scenario": "scenario", "form": "funding form", "funded_amount": "funded amount (local currency)",
                "annual_cost": "annual cost (local currency per year)", "currency": "currency",
                "annual_cost_ref": f"annual cost ({ccy} per year)", "assumptions": "assumptions used"}
        extra = {"note": "note"} if "note" in c else {}
        tables["Costs"] = c[list(cols) + list(extra)].rename(columns={**cols, **extra})
    if b.cost_summary is not None:
        s = b.cost_summary
        tables["Cost summary"] = pd.DataFrame({
            "profile": s["profile"], "jurisdiction": s["jurisdiction"], "reserve scenario": s["scenario"],
            f"resources tied up ({ccy})": s["resources_tied_up_ref"], f"insured ({ccy})": s["insured_ref"],
            f"annual cost ({ccy} per year)": s["annual_cost_ref"], f"trading volume ({ccy} per year)": s["trading_volume_ref"],
            "annual cost (bp of trading volume)": s["cost_bp_of_volume"],
        })
    if b.stress is not None:
        t = b.stress.table
        tables["Stress"] = pd.DataFrame({
            "profile": t["profile"], "loss scenario": t["loss_scenario"], "jurisdiction": t["jurisdiction"],
            "regime": t["regime"], "reserve scenario": t["scenario"], f"customer loss ({ccy})": t["customer_loss"],
            f"resources ({ccy})": t["resources"], f"covered ({ccy})": t["covered"], f"uncovered ({ccy})": t["uncovered"],
            "coverage ratio (0-1)": t["coverage_ratio"], "rule": t["rule"],
        })
    if b.sweep is not None:
        w = b.sweep
        tables["Sensitivity"] = pd.DataFrame({
            "profile": w["profile"], "parameter": w["parameter"], "swept value": w["value"], "scenario": w["scenario"],
            "jurisdiction": w["jurisdiction"], "obligation": w["obligation"], "amount (local currency)": w["amount"],
            "currency": w["currency"], f"amount ({ccy})": w["amount_ref"],
        })
    params = pd.DataFrame(parameter_rows(r))
    if not params.empty:
        tables["Parameters"] = params.rename(columns={"effective_from": "effective from", "id": "parameter"})
    if b.costs is not None:
        assumptions = pd.DataFrame(assumption_rows(r))
        if not assumptions.empty:
            tables["Cost assumptions"] = assumptions.drop(columns=["jurisdiction"]).rename(
                columns={"effective_from": "effective from", "id": "assumption"})
    if getattr(b, "timeline", None) is not None:
        tables.update(timeline_tables(b.timeline))
    tables["FX rates"] = pd.DataFrame({
        "currency": list(fx["per_eur"]), "units per EUR": list(fx["per_eur"].values()),
        "rate date": [fx["rate_dates"].get(c, fx["date"]) for c in fx["per_eur"]],
    })
    warnings = list(getattr(b.stress, "warnings", None) or r.warnings)
    if warnings:
        tables["Warnings"] = pd.DataFrame([{"level": w.get("level", "warning"), "jurisdiction": w.get("jurisdiction", ""),
                                            "profile": w.get("profile", ""), "message": w["message"]} for w in warnings])
    return tables


def timeline_tables(t: Any) -> dict[str, pd.DataFrame]:
    """The timeline's sheets: cost summary per date (counted rows), what changes when, reserves building up."""
    ccy = t.currency
    out = {"Timeline": t.costs.rename(columns={
        "resources_tied_up": "resources tied up (local currency)", "annual_cost": "annual cost (local currency per "
        "year)", "resources_tied_up_ref": f"resources tied up ({ccy})", "annual_cost_ref": f"annual cost ({ccy} "
        "per year)"}).assign(date=t.costs["date"].map(lambda d: d.isoformat())),
           "What changes when": t.changes().rename(columns={
               "effect_resources_ref": f"effect on resources tied up ({ccy})",
               "effect_annual_cost_ref": f"effect on annual cost ({ccy} per year)"}).assign(
               date=lambda f: f["date"].map(lambda d: d.isoformat()))}
    if not t.reserves.empty:
        out["Reserve build-up"] = t.reserves.assign(date=t.reserves["date"].map(lambda d: d.isoformat()))
    out["Timeline notes"] = pd.DataFrame({"note": list(t.notes)})
    return out


def write_workbook(b: Any, path: str | Path) -> Path:
    """Write the briefing's tables to ``path`` (.xlsx): bold frozen headers, number formats, column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise XjurError(f"{p}: the workbook must be an .xlsx file")
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E9C")
    for name, df in workbook_tables(b).items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([str(c) for c in df.columns])
        for cell in ws[1]:
            cell.data_type = "s"
            cell.font = head_font
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in df.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: "=HYPERLINK(...)" from a profile is never a formula
        for i, col in enumerate(df.columns, start=1):
            letter = get_column_letter(i)
            numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
            if numeric:
                fmt = "0.00%" if "ratio" in str(col) else ("#,##0.00" if "bp" in str(col) else "#,##0")
                if "swept value" in str(col) or "per EUR" in str(col):
                    fmt = "General"
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
            longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            ws.column_dimensions[letter].width = min(60, max(10, longest + 2))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    wb.save(p)
    return p


def _cell(v: Any) -> Any:
    """A value openpyxl can store: NaN → empty, numpy scalars → Python, lists → text."""
    import math

    import numpy as np

    if v is None:
        return None
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else (str(f) if math.isinf(f) else f)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    return v if isinstance(v, (int, str, bool)) else str(v)
