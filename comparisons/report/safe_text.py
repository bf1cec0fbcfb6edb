"""Text written to CSV files that a spreadsheet will not execute (the OWASP rule for CSV injection).

A spreadsheet opening a CSV file reads a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula, and
a tab or carriage return at the start can smuggle one in: a profile named ``=HYPERLINK("http://…","open")``
would become a live link, ``@cmd`` a command. Every CSV the CLI writes goes through :func:`to_csv`, which
prefixes such text cells with a single quote (``'=HYPERLINK(…)``): the spreadsheet shows the text, and
runs nothing. Numbers are left as they are (a negative amount is a number, not text). DataFrames from the
Python API keep the raw text; only the CSV text is neutralised.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

#: The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_RE = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """One text cell made inert: a leading quote when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (object, string and categorical columns) are made inert, column by
    column (vectorised); number columns are untouched. Cells that are lists are written as their text."""
    out = df.copy(deep=False)
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            if cats.dtype == object or isinstance(cats.dtype, pd.StringDtype):
                out[col] = s.cat.rename_categories([neutralise(c) if isinstance(c, str) else c for c in cats])
            continue
        if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            continue
        text = s.where(s.map(type) == str) if s.dtype == object else s
        risky = text.astype("string").str.contains(_FORMULA_START_RE, regex=True).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            col_out = s.astype(object).copy()
            col_out[risky] = "'" + s[risky].astype(str)
            out[col] = col_out
    return out


def to_csv(df: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """``df`` as CSV (no index), every text cell neutralised; written to ``path`` or returned as text."""
    return neutralise_frame(df).to_csv(path, index=False)
