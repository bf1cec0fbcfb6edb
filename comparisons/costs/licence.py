"""Licensing and compliance costs per market (rulebook/costs.md §4), kept apart from the carrying costs.

The figures live in ``comparisons/data/licence_costs.yaml``: per market, one-off and yearly items with a
low/high range in the item's currency, their status and source; an item the rulebook marks ``unknown`` has no
figure and is shown as unknown, never as 0; a market with no item at all is one ``unknown`` line.
:func:`licence_costs` gives the items of the markets asked for, converted into the reference currency;
``comparisons/costs/summary.py:with_licence`` adds their sums to the cost summary as their own columns.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
import yaml

from jurisdictions.framework import XjurError, did_you_mean
from jurisdictions.framework.status import PARAMETER_STATUSES

LICENCE_FILE = Path(__file__).parent.parent / "data" / "licence_costs.yaml"
KINDS = ("one_off", "yearly", "benchmark")
STATUSES = (*PARAMETER_STATUSES, "unknown")
_KEYS = ("id", "item", "kind", "currency", "low", "high", "status", "source", "note")
COLUMNS = ("jurisdiction", "id", "item", "kind", "currency", "low", "high", "ref_currency", "low_ref", "high_ref",
           "status", "source", "note")


def read_licence_items(path: str | Path = LICENCE_FILE) -> dict[str, list[dict]]:
    """The items per market code, checked (errors name the file, the market and the item)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise XjurError(f"{path}: expected a mapping of market codes to lists of items")
    out: dict[str, list[dict]] = {}
    for code, items in data.items():
        if not isinstance(items, list):
            raise XjurError(f"{path}: {code}: expected a list of items")
        for i, it in enumerate(items):
            where = f"{path}: {code}[{i}]"
            if not isinstance(it, dict):
                raise XjurError(f"{where}: expected a mapping")
            for k in it:
                if k not in _KEYS:
                    raise XjurError(f"{where}.{k}: unknown key{did_you_mean(str(k), _KEYS)}")
            for k in ("id", "item", "kind", "currency", "status", "source"):
                if not it.get(k):
                    raise XjurError(f"{where}.{k}: required")
            if it["kind"] not in KINDS:
                raise XjurError(f"{where}.kind: {it['kind']!r} is not one of {', '.join(KINDS)}")
            if it["status"] not in STATUSES:
                raise XjurError(f"{where}.status: {it['status']!r} is not one of {', '.join(STATUSES)}")
            lo, hi = it.get("low"), it.get("high")
            if it["status"] == "unknown":
                if lo is not None or hi is not None:
                    raise XjurError(f"{where}: an unknown item has no figure (low and high null)")
            elif not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x >= 0
                         for x in (lo, hi)) or lo > hi:
                raise XjurError(f"{where}: low and high must be amounts ≥ 0 with low ≤ high")
        out[str(code)] = [dict(it) for it in items]
    return out


def licence_costs(codes: Sequence[str], fx: Any, currency: str, path: str | Path = LICENCE_FILE) -> pd.DataFrame:
    """The licensing and compliance items of the markets ``codes``, with low/high in ``currency`` too."""
    items = read_licence_items(path)
    rows = []
    for code in codes:
        found = items.get(code)
        if not found:
            rows.append({"jurisdiction": code, "id": "", "item": "licensing and compliance costs", "kind": "one_off",
                         "currency": "", "low": math.nan, "high": math.nan, "status": "unknown",
                         "source": "no figure in rulebook costs.md §4", "note": ""})
            continue
        for it in found:
            rows.append({"jurisdiction": code, **{k: it.get(k) for k in _KEYS}})
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("ref_currency", "low_ref", "high_ref")])
    frame["note"] = frame["note"].fillna("")
    frame[["low", "high"]] = frame[["low", "high"]].astype("float64")
    rate = frame["currency"].map(lambda c: fx.rate(c, currency) if c else math.nan).astype("float64")
    frame["ref_currency"] = currency
    frame["low_ref"] = frame["low"] * rate
    frame["high_ref"] = frame["high"] * rate
    return frame[list(COLUMNS)]
