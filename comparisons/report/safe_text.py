"""Text written to CSV files that a spreadsheet will not execute (the OWASP rule for CSV injection).

A spreadsheet opening a CSV file reads a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula, and
a tab or carriage return at the start can smuggle one in: a profile named ``=HYPERLINK("http://…","open")``
would become a live link, ``@cmd`` a command. Every CSV the CLI writes goes through :func:`to_csv`, which
prefixes such text cells with a single quote (``'=HYPERLINK(…)``): the spreadsheet shows the text, and
runs nothing. Numbers are left as they are (a negative amount is a number, not text). DataFrames from the
Python API keep the raw text; only the CSV text is neutralised.
"""
from __future__ import annotations

from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

#: The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """One text cell made inert: a leading quote when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (object, string and categorical columns) are made inert, column by
    column; number columns and cells that are not text (lists, missing values) are untouched. A categorical
    is fixed through its categories; a text column with one C-level ``startswith`` pass per cell."""
    out = df.copy(deep=False)
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
            new = [neutralise(c) if isinstance(c, str) else c for c in cats]
            if new != cats:
                out[col] = (s.cat.rename_categories(new) if len(set(new)) == len(new)
                            else _neutralise_values(s.astype(object)))
            continue
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            fixed = _neutralise_values(s)
            if fixed is not None:
                out[col] = fixed
    return out


def _neutralise_values(s: pd.Series) -> pd.Series | None:
    """The column with its risky text cells quoted (None when none is)."""
    values = s.to_numpy(dtype=object)
    try:
        risky = np.fromiter(map(str.startswith, values, repeat(FORMULA_START)), dtype=bool, count=len(values))
    except TypeError:  # cells that are not text: only the text ones are looked at
        risky = np.fromiter((isinstance(v, str) and v.startswith(FORMULA_START) for v in values), dtype=bool,
                            count=len(values))
    if not risky.any():
        return None
    values = values.copy()
    values[risky] = ["'" + v for v in values[risky]]
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def to_csv(df: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """``df`` as CSV (no index), every text cell neutralised; written to ``path`` or returned as text."""
    return neutralise_frame(df).to_csv(path, index=False)
