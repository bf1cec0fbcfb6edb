"""Contract 2: the obligations table, one long table that every jurisdiction emits.

Plug-ins build their rows with :func:`obligation_rows` (vectorised over profiles) and format the ``basis``
column with :func:`money` / :func:`number`, so that every market writes amounts the same way.
"""
from __future__ import annotations

import functools
import itertools
from typing import Sequence

import numpy as np
import pandas as pd

from .status import OUTPUT_STATUSES

COLUMNS: tuple[str, ...] = (
    "profile", "jurisdiction", "regime", "obligation", "category", "amount", "currency", "amount_ref",
    "status", "scenario", "funding_forms", "overlap_group", "citation", "basis", "reason",
)
CATEGORIES: tuple[str, ...] = ("capital", "liquidity", "loss_cover", "custody", "client_money")
FUNDING_FORMS: tuple[str, ...] = (
    "own_funds", "insurance", "trust_funds", "bank_guarantee", "same_kind_crypto", "segregation",
)
SCENARIOS: tuple[str, ...] = ("low", "central", "high")


def empty_obligations() -> pd.DataFrame:
    """An obligations table with no rows and the Contract 2 columns."""
    df = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("amount", "amount_ref") else object) for c in COLUMNS})
    return df


def obligation_rows(
    profiles: pd.DataFrame,
    *,
    jurisdiction: str,
    regime: str,
    obligation: str,
    category: str,
    amount: np.ndarray | pd.Series,
    currency: str,
    status: str | np.ndarray,
    citation: str,
    basis: str | pd.Series | np.ndarray,
    funding_forms: Sequence[str],
    overlap_group: str = "",
    scenario: str = "",
    reason: str | pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """Rows of one obligation for every profile (``amount_ref`` is filled in by the comparison).

    ``amount`` may be NaN only where ``reason`` says why; this is checked here so that a plug-in cannot
    emit an unexplained blank.
    """
    if category not in CATEGORIES:
        raise ValueError(f"category {category!r} is not one of {CATEGORIES}")
    bad_forms = [f for f in funding_forms if f not in FUNDING_FORMS]
    if bad_forms:
        raise ValueError(f"funding forms {bad_forms} are not in {FUNDING_FORMS}")
    n = len(profiles)
    amt = np.array(amount, dtype="float64")
    if amt.shape != (n,):
        amt = np.broadcast_to(amt, (n,)).copy()
    reasons = _text("" if reason is None else reason, n)
    unexplained = np.isnan(amt)
    if reason is not None and unexplained.any():
        unexplained &= reasons == ""
    if unexplained.any():
        raise ValueError(f"{regime}/{obligation}: NaN amount without a reason")
    if (amt < 0).any():
        raise ValueError(f"{regime}/{obligation}: negative amount")
    st = np.broadcast_to(np.asarray(status, dtype=object), (n,))
    if not set([status] if isinstance(status, str) else pd.unique(st)) <= set(OUTPUT_STATUSES):
        raise ValueError(f"{regime}/{obligation}: status must be one of {OUTPUT_STATUSES}")
    # Text columns are built as object arrays (no per-element string-dtype inference or validation, and
    # constants filled without per-element Python): the values are the same strings either way.
    columns = {
        "profile": _text(profiles["name"].to_numpy(), n),
        "jurisdiction": _text(jurisdiction, n),
        "regime": _text(regime, n),
        "obligation": _text(obligation, n),
        "category": _text(category, n),
        "amount": amt,
        "currency": _text(currency, n),
        "amount_ref": np.full(n, np.nan),
        "status": _text(status if isinstance(status, (str, np.ndarray)) else st, n),
        "scenario": _text(scenario, n),
        "funding_forms": _text(";".join(funding_forms), n),
        "overlap_group": _text(overlap_group, n),
        "citation": _text(citation, n),
        "basis": _text(basis, n),
        "reason": _text(reasons, n),
    }
    return _frame(columns)


def _text(values: object, n: int) -> np.ndarray:
    """A writable object array of length ``n`` from a scalar (filled in C) or from per-row values."""
    if isinstance(values, str):
        out = np.empty(n, dtype=object)
        out.fill(values)
        return out
    if isinstance(values, np.ndarray) and values.dtype.kind == "U" and values.shape == (n,) and n >= 1000:
        return _shared_text(values)
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    if arr.ndim == 0 or arr.shape != (n,):
        out = np.empty(n, dtype=object)
        out[:] = np.broadcast_to(arr, (n,))
        return out
    return arr if arr.flags.writeable else arr.copy()


def _shared_text(u: np.ndarray) -> np.ndarray:
    """A numpy text array (e.g. from ``np.where(mask, "in_force", "assumed")``) as an object array in which
    equal values share one string object: a million rows of a two-valued status hold two strings, not a
    million. Candidate values come from samples of the rows not yet matched; after a few rounds (many
    distinct values) the rest is converted one by one."""
    out = np.empty(len(u), dtype=object)
    rest = np.arange(len(u))
    for _ in range(4):
        for value in np.unique(u[rest[:: max(1, len(rest) // 512)]]):
            same = u[rest] == value
            out[rest[same]] = str(value)
            rest = rest[~same]
        if not len(rest):
            return out
    out[rest] = u[rest].astype(object)
    return out


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A Contract 2 frame from column arrays (text columns keep ``object`` dtype).

    Small frames (one profile through ``compare`` builds dozens) use pandas' array constructor, ten times
    cheaper per call; large ones are assembled without copying the columns.
    """
    n = len(columns["amount"])
    if n < 10_000 and hasattr(pd.DataFrame, "_from_arrays"):
        return pd.DataFrame._from_arrays([columns[c] for c in COLUMNS], columns=list(COLUMNS),
                                         index=pd.RangeIndex(n), verify_integrity=False)
    return pd.DataFrame(
        {c: pd.Series(columns[c], dtype="float64" if c in ("amount", "amount_ref") else object, copy=False)
         for c in COLUMNS},
        copy=False,
    )


def concat_obligations(frames: Sequence[pd.DataFrame], *, consume: bool = False) -> pd.DataFrame:
    """Concatenate obligation frames (keeps the Contract 2 column order).

    Column by column with numpy (one copy of each column, no block consolidation); a frame with extra
    columns is concatenated by pandas as before. ``consume=True`` (for frames no one else holds, as in
    ``compare``) drops each column from the parts once the result has it, so that a large table is never
    held twice.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_obligations()
    if any(list(f.columns) != list(COLUMNS) for f in frames):
        return pd.concat(frames, ignore_index=True)[list(COLUMNS)]
    if sum(len(f) for f in frames) < 10_000:  # small (one profile): one 2-D array per frame is cheapest
        block = np.concatenate([f.to_numpy(dtype=object) for f in frames])
        return _frame({c: block[:, i].astype("float64") if c in ("amount", "amount_ref") else block[:, i]
                       for i, c in enumerate(COLUMNS)})
    columns = {}
    for c in COLUMNS:
        parts = [f[c].to_numpy() for f in frames]
        kind = "float64" if c in ("amount", "amount_ref") else object
        columns[c] = np.concatenate([np.asarray(p, dtype=kind) for p in parts])
        del parts
        if consume:
            for f in frames:
                del f[c]
    return _frame(columns)


def _formatted(values: np.ndarray | pd.Series, one, many=None) -> pd.Series:
    """``one(x)`` for every value, as an object Series; each distinct value is formatted once.

    The text is exactly that of the scalar path. On large arrays with repeated values (floors, constants,
    capped amounts) only the distinct values are formatted and the strings gathered back; ``many(values)``,
    when given, formats a whole float array at once and must return what ``one`` returns for each value.
    """
    v = np.asarray(values, dtype="float64").ravel()
    n = len(v)
    fmt_all = many if many is not None else (lambda a: [one(x) for x in a.tolist()])
    if n >= 2048 and not (np.signbit(v) & (v == 0)).any():  # -0.0 and 0.0 hash alike but print differently
        sample = v[:: max(1, n // 1024)]
        if len(pd.unique(sample)) < 0.75 * len(sample):
            codes, uniq = pd.factorize(v, use_na_sentinel=False)
            text = np.array(fmt_all(np.asarray(uniq, dtype="float64")), dtype=object)
            return pd.Series(text[codes], dtype=object, copy=False)
    return pd.Series(np.array(fmt_all(v), dtype=object), dtype=object, copy=False)


_CHUNK = 1 << 16  # values per str.format call in the bulk formatters


def _bulk(template: str, values: list) -> list[str]:
    """``template.format(x)`` for each x, a chunk of values per call (one C call formats thousands)."""
    out: list[str] = []
    for i in range(0, len(values), _CHUNK):
        part = values[i:i + _CHUNK]
        out.extend(((template + "\x00") * len(part)).format(*part).split("\x00")[:-1])
    return out


def _whole_numbers_bulk(v: np.ndarray, prefix: str, one) -> list[str]:
    """``f"{prefix}{x:,.0f}"`` for a float array, formatted as integers (same text; faster).

    Rounding to the nearest integer (ties to even) is what ``.0f`` does; the values where the two could
    differ are left to ``one``: NaN, infinities, magnitudes beyond 2**53 and negative values that round to
    zero (``.0f`` writes ``-0``).
    """
    special = ~np.isfinite(v) | (np.abs(v) >= 2.0 ** 53)
    r = np.rint(np.where(special, 0.0, v))
    special |= np.signbit(v) & (r == 0)
    text = _bulk(prefix.replace("{", "{{").replace("}", "}}") + "{:,}", r.astype(np.int64).tolist())
    for i in np.flatnonzero(special).tolist():
        text[i] = one(float(v[i]))
    return text


def _thousands_one(decimals: int, prefix: str = ""):
    fmt = f"{prefix}{{:,.{decimals}f}}".format
    na, unlimited, inf = prefix + "n/a", prefix + "unlimited", float("inf")

    def one(x: float) -> str:
        return na if x != x else (unlimited if x == inf else fmt(x))
    return one


def _thousands_many(decimals: int, prefix: str = ""):
    one = _thousands_one(decimals, prefix)
    if decimals != 0:
        return None
    return lambda v: _whole_numbers_bulk(v, prefix, one)


def _thousands(values: np.ndarray, decimals: int) -> pd.Series:
    return _formatted(values, _thousands_one(decimals), _thousands_many(decimals))


def money(currency: str, values: np.ndarray | pd.Series | float, decimals: int = 0) -> pd.Series | str:
    """``"EUR 125,000"`` for each value (vectorised); a scalar in gives a scalar out."""
    if np.ndim(values) == 0:
        return _thousands_one(decimals, f"{currency} ")(float(values))
    return _formatted(values, _thousands_one(decimals, f"{currency} "), _thousands_many(decimals, f"{currency} "))


def _number_one(x: float) -> str:
    if x != x:
        return "n/a"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def _number_many(v: np.ndarray) -> list[str]:
    """:func:`_number_one` over an array: whole numbers as integers, the others with six decimals stripped."""
    whole = np.isfinite(v) & (v == np.floor(v))
    if whole.all():
        return _whole_numbers_bulk(v, "", _number_one)
    text = [""] * len(v)
    idx = np.flatnonzero(whole)
    for i, t in zip(idx.tolist(), _whole_numbers_bulk(v[idx], "", _number_one)):
        text[i] = t
    rest = np.flatnonzero(~whole)
    finite = np.isfinite(v[rest])
    for i, t in zip(rest[finite].tolist(), _bulk("{:,.6f}", v[rest[finite]].tolist())):
        text[i] = t.rstrip("0").rstrip(".")
    for i in rest[~finite].tolist():
        text[i] = _number_one(float(v[i]))
    return text


def number(values: np.ndarray | pd.Series | float) -> pd.Series | str:
    """A plain number as written in a rule (``0.25``, ``0.0002``, ``1,000``)."""
    if np.ndim(values) == 0:
        return _number_one(float(values))
    return _formatted(values, _number_one, _number_many)


def join_text(*parts: str | pd.Series | np.ndarray) -> np.ndarray:
    """Element-wise concatenation of literal strings and per-row strings (an object array, one per row).

    ``join_text("max(", money("EUR", pmc), ", ", ...)`` gives what ``"max(" + money("EUR", pmc) + ", " + ...``
    gives, about three times faster on large batches: each row's line is built in one step instead of one
    new string per ``+``. Per-row parts must hold strings and have the same length.
    """
    rows = [p for p in parts if not isinstance(p, str)]
    if not rows:
        return np.asarray("".join(parts), dtype=object)
    n = len(rows[0])
    columns = []
    for p in parts:
        if isinstance(p, str):
            columns.append(itertools.repeat(p, n))
        else:
            arr = p.to_numpy(dtype=object) if isinstance(p, pd.Series) else np.asarray(p, dtype=object)
            if arr.shape != (n,):
                raise ValueError(f"join_text: parts of lengths {n} and {arr.shape} cannot be joined row by row")
            columns.append(arr.tolist())
    return np.array(list(map("".join, zip(*columns))), dtype=object)


@functools.lru_cache(maxsize=4096)  # a pure function of its number: notes repeat the same caps per profile
def percent(value: float) -> str:
    """``0.05`` → ``"5 %"`` (for rule text)."""
    p = value * 100
    return f"{p:.6f}".rstrip("0").rstrip(".") + " %"
