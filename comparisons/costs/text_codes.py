"""Text columns as integer codes: read a column's codes (a Categorical's own, or factorized), collect the
distinct texts of an output column, code integer keys without hashing, and format ``render.compact`` once
per distinct text. The cost table (``comparisons/costs/table.py``) and its summary group and write text this way,
so that fifteen million rows never become fifteen million Python strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

@dataclass
class TextCodes:
    """A text column as integer codes into its categories (a Categorical's own, or factorized)."""

    codes: np.ndarray
    categories: pd.Index
    dtype: pd.CategoricalDtype | None = None  # the input's dtype, reused for the output when unchanged

    @classmethod
    def of(cls, column: pd.Series) -> "TextCodes":
        """Codes of ``column``; missing values read as ""."""
        if isinstance(column.dtype, pd.CategoricalDtype):
            # the Categorical's own codes (a read-only view; ``.cat.codes`` would copy them)
            codes, cats, dtype = column.array.codes, column.cat.categories, column.dtype
        else:
            codes, cats = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
            cats, dtype = pd.Index(np.asarray(cats, dtype=object), dtype=object), None
        if len(codes) and codes.min() < 0:  # missing text: ""
            blank = cats.get_loc("") if "" in cats else len(cats)
            if blank == len(cats):
                cats, dtype = cats.append(pd.Index([""], dtype=object)), None
            codes = np.where(codes < 0, blank, codes)
        return cls(codes, cats, dtype)

    def code(self, text: str) -> int:
        """The code of ``text`` (-1 when no row can have it)."""
        try:
            loc = self.categories.get_loc(text)
        except KeyError:
            return -1
        return loc if isinstance(loc, (int, np.integer)) else -1

    def text(self, code: int) -> str:
        return str(self.categories[code])

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        dtype = self.dtype if self.dtype is not None else pd.CategoricalDtype(self.categories)
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


class TextPool:
    """Distinct output texts of one column, each with its code (the Categorical's categories)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, text: str) -> int:
        c = self.index.get(text)
        if c is None:
            c = self.index[text] = len(self.values)
            self.values.append(text)
        return c

    def codes(self, texts: Sequence[str]) -> np.ndarray:
        return np.fromiter((self.code(t) for t in texts), dtype=np.int32, count=len(texts))

    def by_key(self, key: np.ndarray, text: Callable[[int], str]) -> np.ndarray | int:
        """Codes for small non-negative integer keys, ``text(k)`` built once per distinct key (a scalar when
        all keys are equal)."""
        if not len(key):
            return np.zeros(0, dtype=np.int32)
        present = np.flatnonzero(np.bincount(key))
        if len(present) == 1:
            return self.code(text(int(present[0])))
        table = np.zeros(int(present[-1]) + 1, dtype=np.int32)
        table[present] = self.codes([text(int(k)) for k in present])
        return table[key]

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(self.values, dtype=object)),
                                         validate=False)


def distinct_keys(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, one row per code) of a non-negative integer key: rows with equal keys share a code.
    Keys up to a few times the number of rows are coded through a table (no hashing)."""
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    top = int(key.max())
    if key.min() >= 0 and top < 4 * len(key) + (1 << 16):
        present = np.flatnonzero(np.bincount(key, minlength=top + 1))
        table = np.zeros(top + 1, dtype=np.int64)
        table[present] = np.arange(len(present))
        codes = table[key]
        size = len(present)
    else:
        codes, uniq = pd.factorize(key)
        size = len(uniq)
    first = np.empty(size, dtype=np.int64)
    first[codes] = np.arange(len(codes))  # a row of each code (the last write wins)
    return codes, first


def combine_keys(key: np.ndarray | None, codes: np.ndarray, size: int) -> np.ndarray:
    """``key × size + codes`` as int64, re-coded when the product could overflow."""
    codes = codes.astype(np.int64, copy=False)
    if key is None:
        return codes
    if len(key) and (int(key.max()) + 1) * max(size, 1) >= 2 ** 62:
        key = pd.factorize(key)[0].astype(np.int64)
    return key * max(size, 1) + codes


def compact_codes(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``comparisons.formatting.compact`` over an array: ``(codes, texts)`` with ``texts[codes[i]] ==
    compact(values[i])``, formatting in Python only one value per distinct text.

    ``compact`` writes 3 significant digits (``,.3g`` of the value ÷ 10^3k) or, below 1,000 and from a
    thousand trillion up, a whole number (``,.0f``), so a value's text is fixed by its scale and its rounded
    digits. Those are computed with numpy (a whole number by ``rint``, which rounds exact binary values half
    to even as ``format`` does); values within 10^-6 of a rounding tie, negative, -0.0, NaN or infinite are
    formatted one by one instead. Texts may repeat (``9.999`` and ``10.0`` both give ``10``).
    """
    x = np.asarray(values, dtype="float64").ravel()
    with np.errstate(invalid="ignore", over="ignore"):
        return _compact_codes(x)


def _compact_codes(x: np.ndarray) -> tuple[np.ndarray, list[str]]:
    from ..formatting import compact

    n = len(x)
    key = np.empty(n, dtype=np.int64)
    for s in range(0, n, _CHUNK):  # the keys a chunk at a time: the temporaries stay small
        key[s:s + _CHUNK] = _compact_keys(x[s:s + _CHUNK])
    done = key >= 0
    texts: list[str] = []
    if done.all():
        codes, first = distinct_keys(key)
        return codes, [compact(v) for v in x[first].tolist()]
    codes = np.empty(n, dtype=np.int64)
    if done.any():
        c, first = distinct_keys(key[done])
        rows = np.flatnonzero(done)
        texts = [compact(v) for v in x[rows[first]].tolist()]
        codes[rows] = c
    rest = np.flatnonzero(~done)
    c, first = distinct_keys(pd.factorize(x[rest], use_na_sentinel=False)[0])
    codes[rest] = c + len(texts)
    texts += [compact(v) for v in x[rest[first]].tolist()]
    return codes, texts


_CHUNK = 1 << 16


def _compact_keys(x: np.ndarray) -> np.ndarray:
    """The key of each value's ``compact`` text (equal keys, equal texts); -1 where it is formatted one by one."""
    ok = np.isfinite(x) & (x >= 0) & ~np.signbit(x)
    # scale: 0 below 1,000 (a whole number), then k, m, bn, tn (the thresholds compact compares with)
    step = np.searchsorted(np.array([1e3, 1e6, 1e9, 1e12]), x, side="right")
    q = x / np.array([1.0, 1e3, 1e6, 1e9, 1e12])[step]  # x / 1.0 is x: the whole-number case reads x itself
    whole = (step == 0) | (q >= 1000)  # f"{x:,.0f}" below 1,000; f"{q:,.0f} tn" from 1,000 tn up
    e = (q >= 10).astype(np.int64) + (q >= 100)  # 1 ≤ q < 1000: digits before the point − 1
    mant = np.where(whole, q, q * np.array([100.0, 10.0, 1.0])[e])  # three significant digits before the point
    clear = whole | (np.abs(mant - np.floor(mant) - 0.5) > 1e-6)
    r = np.rint(mant)
    ok &= clear & (r < 1e9)
    # key: whole numbers r (below 1,000: 0 … 1,000; trillions: 4·3003 + 1001 + r); else scale, e and digits
    key = np.where(whole, np.where(step == 0, 0, 4 * 3003 + 1001), 1001 + (step - 1) * 3003 + e * 1001)
    key += np.where(ok, r, 0).astype(np.int64)
    key[~ok] = -1
    return key
