"""The dtype and number policy of every public table (issue 18, item 10).

**Text columns are categoricals** in the tables a user computes with: ``result.amounts``, ``result.costs``,
``result.cost_summary()`` (and the stress table, whose module is to apply the same function). One dtype, so
that a join, a ``groupby`` or a ``concat`` behaves the same on each table. The one exception is
``result.obligations``, the full-text Contract 2 table (with each row's ``basis`` line): its text columns
are plain strings, and ``result.amounts`` is the same rows with the categoricals.

- ``profile`` is coded by the profile's position in the batch (its categories are the batch's profile names,
  in input order: sorting or grouping by profile keeps the input order);
- every other text column keeps its categories in order of first appearance (``jurisdiction`` in the
  comparison's market order, ``scenario`` as asked);
- an empty text (Contract 2's ``scenario`` of a row without scenarios, an empty ``reason``) is the category
  ``""``, never NaN: it stays ``""`` in CSV and JSON;
- numbers stay float64 (amounts in the currency its column or the ``currency`` / ``ref_currency`` column
  names: ``amount``, ``annual_cost`` … local; ``amount_ref``, ``annual_cost_ref`` … reference currency),
  flags stay bool.

A categorical compares with ``==`` and ``isin``, and answers ``.str``; to join text with ``+`` or to
write to a system that wants plain strings, ``frame.astype({c: str for c in frame.select_dtypes("category")})``
(or ``result.plain_amounts()`` for the obligations).

**Floats in CSV and JSON** are written rounded to 15 significant digits (:func:`tidy_floats`): a double
holds 15.95, so this drops only binary noise (``262955999.99999997`` → ``262956000``), keeps cents on amounts
up to 10^13 and keeps every ratio as computed to 15 digits.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jurisdictions.framework.obligations import RANGE_SCENARIOS, categorical_text

#: significant digits kept when floats are written to CSV or JSON
SIGNIFICANT_DIGITS = 15


def _is_text(dtype) -> bool:
    return not isinstance(dtype, pd.CategoricalDtype) and (dtype == object or pd.api.types.is_string_dtype(dtype))


def categorical_columns(frame: pd.DataFrame, profiles: pd.CategoricalDtype | None = None) -> pd.DataFrame:
    """``frame`` with the text-column policy applied (see the module docstring); the input is unchanged.

    ``profiles``: the batch's profile dtype (``jurisdictions.framework.profile_dtype``) for the ``profile``
    column; without it, ``profile`` is coded in order of appearance like the other text columns.
    """
    changes = {}
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if c == "profile" and profiles is not None and col.dtype != profiles:
                changes[c] = _recode(col.cat.codes.to_numpy(), col.cat.categories, profiles)
        elif c == "profile" and profiles is not None and _is_text(col.dtype):
            changes[c] = pd.Categorical(col.to_numpy(dtype=object), dtype=profiles)  # one lookup per row
        elif _is_text(col.dtype):
            codes, uniques = pd.factorize(col, use_na_sentinel=False)  # one hash pass; NaN a value of its own
            uniques = pd.Index(["" if pd.isna(u) else u for u in uniques], dtype=object)  # "" never NaN
            cats = uniques.unique()  # a NaN that became "" beside a "" already there: one category
            if len(cats) < len(uniques):
                codes = cats.get_indexer(uniques)[codes]
            changes[c] = pd.Categorical.from_codes(codes, categories=cats, validate=False)
    if not changes:
        return frame
    out = frame.copy(deep=False)
    for c, v in changes.items():
        out[c] = pd.Series(v, index=frame.index) if not isinstance(v, pd.Series) else v
    return out


def _recode(codes: np.ndarray, categories: pd.Index, profiles: pd.CategoricalDtype) -> pd.Categorical:
    """Codes over ``categories`` re-expressed over the batch's profile dtype (one lookup per category)."""
    where = profiles.categories.get_indexer(categories)
    if (where < 0).any():
        raise ValueError("a table names a profile that is not in the batch")
    return pd.Categorical.from_codes(where[codes], dtype=profiles, validate=False)


def tidy_floats(frame: pd.DataFrame, digits: int = SIGNIFICANT_DIGITS) -> pd.DataFrame:
    """Every float column rounded to ``digits`` significant digits (vectorised; NaN and ±inf unchanged), for
    writing CSV and JSON without binary noise. The input is unchanged."""
    floats = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    if not floats:
        return frame
    out = frame.copy(deep=False)
    for c in floats:
        out[c] = round_significant(frame[c].to_numpy(dtype="float64"), digits)
    return out


def round_significant(x: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """``x`` rounded to ``digits`` significant digits: 0.1 + 0.2 → 0.3, 262955999.99999997 → 262956000.0."""
    x = np.asarray(x, dtype="float64")
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    if not ok.any():
        return out
    v = x[ok]
    exp = np.floor(np.log10(np.abs(v))).astype(np.int64)
    shift = digits - 1 - exp  # decimal places to keep
    # powers of ten up to 1e22 are exact doubles: scale, round to an integer, scale back (one correctly
    # rounded operation); magnitudes beyond that (below 1e-8 or above 1e37) go through text
    up = (shift >= 0) & (shift <= 22)
    down = (shift < 0) & (shift >= -22)
    r = np.empty_like(v)
    p = 10.0 ** shift[up]
    r[up] = np.rint(v[up] * p) / p
    q = 10.0 ** -shift[down]
    r[down] = np.rint(v[down] / q) * q
    rare = ~(up | down)
    r[rare] = [float(f"{a:.{digits}g}") for a in v[rare]]
    out[ok] = r
    return out


#: a number in JSON text written with more than 15 significant digits (pandas' writer prints a fixed count
#: of decimals, which shows a double's binary expansion: 63592.896174863402848)
_LONG_NUMBER = re.compile(r"(?<![\w.\"-])-?(?=[\d.]{17,})\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.\"])")


def shortest_json_numbers(text: str) -> str:
    """JSON text with each long number rewritten in the shortest form that reads back as the same double
    (the floats were rounded by :func:`tidy_floats` first, so that form has at most 15 digits)."""
    return _LONG_NUMBER.sub(lambda m: repr(float(m.group(0))), text)


#: the tables a result writes one at a time (``--table`` of the CLI's CSV output)
TABLES: tuple[str, ...] = ("obligations", "costs", "summary")


def table_by_name(name: str, tables: dict) -> pd.DataFrame:
    """``tables[name]()`` for one of :data:`TABLES` (each a function: only the table asked for is built), or a
    clear error naming the choices."""
    from jurisdictions.framework import XjurError, did_you_mean

    if name not in tables:
        raise XjurError(f"unknown table {name!r}: use {', '.join(TABLES)}{did_you_mean(name, TABLES)}")
    return tables[name]()


def table_csv(frame: pd.DataFrame, path=None) -> str | None:
    """A public table as CSV: floats without binary noise, text cells made inert for spreadsheets."""
    from .report.safe_text import to_csv

    return to_csv(tidy_floats(frame), path)


#: the order of the reserve scenarios in tables and charts
SCENARIO_ORDER: tuple[str, ...] = RANGE_SCENARIOS


def headline_scenario(obligations: pd.DataFrame) -> str:
    """The scenario a single-number view uses: ``central`` when present, else the first one present."""
    present = [s for s in obligations["scenario"].unique() if s]
    if not present or "central" in present:
        return "central"
    return sorted(present, key=lambda s: SCENARIO_ORDER.index(s) if s in SCENARIO_ORDER else 99)[0]


def one_scenario(obligations: pd.DataFrame, scenario: str | None = None) -> pd.DataFrame:
    """Rows without scenarios plus the rows of one scenario (default: :func:`headline_scenario`)."""
    sc = scenario or headline_scenario(obligations)
    return obligations[(obligations["scenario"] == "") | (obligations["scenario"] == sc)]
