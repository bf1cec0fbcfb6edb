"""Business growth over a timeline: a growth file moves each profile's figures with time.

A growth file (YAML, read under ``jurisdictions/framework/input_policy.py``, kind ``growth``) gives yearly
growth rates for all profiles (``all``) or for one profile by name, and optionally a hot-share path (ISO dates,
the last on or before each date applies)::

    all: {client_assets: 0.10, volume: 0.10, overheads: 0.03, expenses: 0.05}
    Tokyo large exchange (illustrative):
      volume: 0.20
      hot_share: {2027-01-01: 0.04, 2029-01-01: 0.03}

A rate ``g`` multiplies the field by ``(1 + g) ** years`` (years counted in whole months from the timeline's
start). ``client_assets`` moves client crypto and client money, ``volume`` the annual trading volume (and the
peak volume where given), ``overheads`` the fixed overheads, ``expenses`` the annual operating expenses. No file:
no growth, and the output says so. Growth is an assumption of the user's, never a rule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from jurisdictions.framework import XjurError, did_you_mean
from jurisdictions.framework import input_policy as policy

from .grid import years_between

#: each growth key and the profile fields it moves
FIELDS: dict[str, tuple[str, ...]] = {
    "client_assets": ("client_crypto_assets", "client_fiat"),
    "volume": ("annual_trading_volume", "peak_annual_trading_volume"),
    "overheads": ("fixed_overheads",),
    "expenses": ("annual_operating_expenses",),
}
KEYS = (*FIELDS, "hot_share")
#: a yearly rate outside (-100 %, +1000 %] is a typo, not a plan
MAX_RATE = 10.0


class GrowthError(XjurError):
    """A growth file is malformed: names the file, the entry and the field."""


@dataclass(frozen=True)
class Growth:
    """Yearly growth rates per profile name (``"all"``: every profile not named) and hot-share paths."""

    rates: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    hot_share: Mapping[str, tuple[tuple[dt.date, float], ...]] = field(default_factory=dict)
    source: str = ""

    @property
    def none(self) -> bool:
        return not self.rates and not self.hot_share

    def describe(self) -> str:
        """One line for the output: which growth the timeline assumes."""
        if self.none:
            return "no growth: every profile as given at every date"
        parts = []
        for who, rates in self.rates.items():
            text = ", ".join(f"{k} {v:+.1%}/yr" for k, v in rates.items())
            parts.append(f"{who}: {text}")
        parts += [f"{who}: hot share path from {path[0][0].isoformat()}" for who, path in self.hot_share.items()]
        return f"growth (assumed, {self.source}): " + "; ".join(parts)

    def factors(self, names: pd.Series, key: str, years: float) -> np.ndarray:
        """``(1 + g) ** years`` per profile for one growth key (1 where no rate applies)."""
        default = self.rates.get("all", {}).get(key, 0.0)
        named = {n: r[key] for n, r in self.rates.items() if n != "all" and key in r}
        g = names.map(named).fillna(default).to_numpy(dtype="float64")
        return (1.0 + g) ** years

    def apply(self, profiles: pd.DataFrame, start: dt.date, day: dt.date) -> pd.DataFrame:
        """The profiles as grown from ``start`` to ``day`` (a new frame; the input is unchanged)."""
        if self.none:
            return profiles
        years = max(years_between(start, day), 0.0)
        out = profiles.copy()
        for key, fields in FIELDS.items():
            f = self.factors(out["name"], key, years)
            for col in fields:
                if col in out.columns:
                    out[col] = pd.to_numeric(out[col]) * f
        for who, path in self.hot_share.items():
            before = [v for d, v in path if d <= day]
            if before:
                mask = out["name"] == who if who != "all" else ~out["name"].isin(list(self.hot_share))
                out.loc[mask, "hot_wallet_share"] = before[-1]
        return out


def _rate(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1 < float(value) <= MAX_RATE:
        raise GrowthError(f"{where}: {value!r} is not a yearly growth rate (a number above -1 and at most "
                          f"{MAX_RATE:g}, e.g. 0.10 for 10 % a year)")
    return float(value)


def _path(value: Any, where: str) -> tuple[tuple[dt.date, float], ...]:
    if not isinstance(value, Mapping) or not value:
        raise GrowthError(f"{where}: a hot-share path is a mapping of ISO dates to shares, e.g. {{2027-01-01: 0.04}}")
    out = []
    for d, v in value.items():
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise GrowthError(f"{where}.{d}: not an ISO date (write YYYY-MM-DD)")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= float(v) <= 1:
            raise GrowthError(f"{where}.{d.isoformat()}: {v!r} is not a share between 0 and 1")
        out.append((d, float(v)))
    return tuple(sorted(out))


def parse_growth(data: Any, source: str, names: pd.Series | None = None) -> Growth:
    """A growth mapping checked entry by entry (``names``: the profiles' names, to catch a misspelt one)."""
    if not isinstance(data, Mapping):
        raise GrowthError(f"{source}: a growth file is a mapping of 'all' or profile names to yearly rates")
    known = set(names) if names is not None else None
    rates, paths = {}, {}
    for who, entry in data.items():
        who = str(who)
        where = f"{source}: {who}"
        if known is not None and who != "all" and who not in known:
            raise GrowthError(f"{where}: no profile of this name{did_you_mean(who, sorted(known))} (or 'all')")
        if not isinstance(entry, Mapping):
            raise GrowthError(f"{where}: give the yearly rates as a mapping, e.g. {{volume: 0.10}}")
        for key, value in entry.items():
            if key not in KEYS:
                raise GrowthError(f"{where}.{key}: unknown field{did_you_mean(str(key), KEYS)} "
                                  f"(fields: {', '.join(KEYS)})")
            if key == "hot_share":
                paths[who] = _path(value, f"{where}.{key}")
            else:
                rates.setdefault(who, {})[key] = _rate(value, f"{where}.{key}")
    return Growth(rates=rates, hot_share=paths, source=source)


def load_growth(source: Any, names: pd.Series | None = None) -> Growth:
    """A growth file (path), a mapping, a :class:`Growth`, or None (no growth)."""
    if source is None:
        return Growth()
    if isinstance(source, Growth):
        return source
    if isinstance(source, Mapping):
        return parse_growth(source, "<growth>", names)
    p = Path(source)
    return parse_growth(policy.load_checked_yaml(p, "growth", GrowthError), str(p), names)
