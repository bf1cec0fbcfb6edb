"""Contract 2: the obligations table, one long table that every jurisdiction emits.

Plug-ins build their rows with :func:`obligation_rows` (vectorised over profiles) and format the ``basis``
column with :func:`money` / :func:`number`, so that every market writes amounts the same way.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator, Sequence

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
#: how insurance meeting an obligation is priced (``ObligationSpec.insurance_kind``; the cost table reads it)
INSURANCE_KINDS: tuple[str, ...] = ("prudential", "hot", "cold", "storage_mix", "split", "surety")
#: the range a proposal's parameters are given over (low, central, high)
RANGE_SCENARIOS: tuple[str, ...] = ("low", "central", "high")
#: every scenario name of Contract 2: the range, and Japan's securities-style reserve (``fiea_analogue``)
SCENARIOS: tuple[str, ...] = RANGE_SCENARIOS + ("fiea_analogue",)


def scenarios_of(spec: object) -> tuple[str, ...]:
    """The scenarios an obligation gives rows for: ``scenarios=True`` means the range (low, central, high); a
    tuple names them (Japan's reserve adds ``fiea_analogue``); ``False``: none (one row, scenario "")."""
    declared = getattr(spec, "scenarios", False)
    if declared is True:
        return RANGE_SCENARIOS
    return tuple(declared) if declared else ()


# --- compact rows: the batch path of ``compare`` ------------------------------------------------------------
# On a large batch the per-row prose (``basis``) would cost more than every rule together: fifteen million
# Python strings for a million profiles. ``compare`` therefore runs the plug-ins inside ``compact_rows``:
# ``obligation_rows`` then returns the same rows with every text column as a pandas Categorical (a code per
# row) and an empty ``basis``, and ``money`` / ``number`` / ``join_text`` / ``percents`` return "" for arrays
# instead of formatting them. The numbers are computed by the same code either way; the text is rendered
# when someone asks for it (``ComparisonResult.obligations`` re-runs the plug-ins with text on).

@dataclass(frozen=True)
class CompactRows:
    """The batch being assessed: its profile names as a categorical dtype (codes = row positions)."""

    profiles: pd.CategoricalDtype

    def profile_column(self, profiles: pd.DataFrame) -> pd.Categorical:
        """The ``profile`` column for rows of ``profiles`` (the batch, or a subset that kept its index)."""
        names = self.profiles.categories
        n = len(profiles)
        idx = profiles.index
        codes = None
        if isinstance(idx, pd.RangeIndex) and idx.step == 1 and idx.start >= 0 and idx.stop <= len(names):
            codes = np.arange(idx.start, idx.stop, dtype=np.int32 if len(names) < 2**31 else np.int64)
        elif idx.dtype.kind in "iu" and n and 0 <= idx.min() and idx.max() < len(names):
            codes = idx.to_numpy()
        if codes is not None and n:  # the index is taken for row positions only if the names agree
            probe = np.unique(np.linspace(0, n - 1, min(n, 64)).astype(np.int64))
            if not np.array_equal(names.take(codes[probe]).to_numpy(dtype=object),
                                  profiles["name"].to_numpy()[probe].astype(object)):
                codes = None
        if codes is None:
            codes = names.get_indexer(profiles["name"])
            if (codes < 0).any():
                raise ValueError("obligation rows name a profile that is not in the batch being compared")
        return pd.Categorical.from_codes(codes, dtype=self.profiles, validate=False)


_COMPACT: ContextVar[CompactRows | None] = ContextVar("xjur_compact_rows", default=None)


def profile_dtype(names: pd.Series | np.ndarray | Sequence[str]) -> pd.CategoricalDtype:
    """A categorical dtype over a batch's profile names (unique: validation checked them)."""
    cats = pd.Index(np.asarray(names, dtype=object))
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)  # skips re-hashing a million checked names
    return fast(cats, False) if fast is not None else pd.CategoricalDtype(cats)


@contextlib.contextmanager
def compact_rows(names: pd.CategoricalDtype | pd.Series | np.ndarray) -> Iterator[CompactRows]:
    """Within this block obligation rows are built compact (categorical text, no ``basis``)."""
    mode = CompactRows(names if isinstance(names, pd.CategoricalDtype) else profile_dtype(names))
    token = _COMPACT.set(mode)
    try:
        yield mode
    finally:
        _COMPACT.reset(token)


def text_skipped() -> bool:
    """Whether per-row text is being skipped (inside :func:`compact_rows`)."""
    return _COMPACT.get() is not None


def categorical_text(values: object, n: int) -> pd.Categorical:
    """A text column as a Categorical: a constant, a numpy text array (few distinct values, e.g. from
    ``np.where``: codes found by comparing against the values of a sample) or any per-row values."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.Categorical):
        return values
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.ndim == 0 or arr.shape != (n,):
        value = str(arr.reshape(-1)[0]) if arr.size else ""
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=pd.CategoricalDtype([value]),
                                         validate=False)
    if arr.dtype.kind in "UO":
        codes = np.full(n, -1, dtype=np.int16)
        cats: list[str] = []
        rest = np.arange(n)
        for _ in range(4):
            for value in pd.unique(arr[rest[:: max(1, len(rest) // 512)]]):
                if not isinstance(value, str):
                    break
                same = arr[rest] == value
                codes[rest[same]] = len(cats)
                cats.append(str(value))
                rest = rest[~same]
            if not len(rest) or len(cats) > 1000:
                break
        if not len(rest):
            return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats), validate=False)
    return pd.Categorical(pd.Series(arr, dtype=object, copy=False))


def choose(conditions: Sequence[np.ndarray], choices: Sequence[str], default: str) -> pd.Categorical:
    """``np.select`` for text: per row the choice of the first true condition, else ``default``, as a
    Categorical (one small code per row instead of a string per row). For ``status`` and ``reason``."""
    cats = list(dict.fromkeys([*choices, default]))
    codes = np.select(list(conditions), [cats.index(c) for c in choices], default=cats.index(default))
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=pd.CategoricalDtype(cats), validate=False)


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
    reasons = "" if reason is None else _reasons(reason, n)
    unexplained = np.isnan(amt)
    if reason is not None and unexplained.any():
        unexplained &= reasons == ""
    if unexplained.any():
        raise ValueError(f"{regime}/{obligation}: NaN amount without a reason")
    if (amt < 0).any():
        raise ValueError(f"{regime}/{obligation}: negative amount")
    if not isinstance(status, str):
        status = categorical_text(status, n)  # a few distinct values: checked once each
    if not set([status] if isinstance(status, str) else status.categories) <= set(OUTPUT_STATUSES):
        raise ValueError(f"{regime}/{obligation}: status must be one of {OUTPUT_STATUSES}")
    compact = _COMPACT.get()
    if compact is not None:
        text = {"jurisdiction": jurisdiction, "regime": regime, "obligation": obligation, "category": category,
                "currency": currency, "status": status, "scenario": scenario, "funding_forms": ";".join(funding_forms),
                "overlap_group": overlap_group, "citation": citation, "basis": "", "reason": reasons}
        columns = {c: categorical_text(v, n) for c, v in text.items()}
        columns.update(profile=compact.profile_column(profiles), amount=amt, amount_ref=np.full(n, np.nan))
        return _frame(columns)
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
        "status": _text(status, n),
        "scenario": _text(scenario, n),
        "funding_forms": _text(";".join(funding_forms), n),
        "overlap_group": _text(overlap_group, n),
        "citation": _text(citation, n),
        "basis": _text(basis, n),
        "reason": _text(reasons, n),
    }
    return _frame(columns)


def _reasons(reason: object, n: int) -> np.ndarray:
    """The reason column as an array (a numpy text array or a Categorical stays one: compared with "" in C)."""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, pd.Series):
        reason = reason.array
    if (isinstance(reason, np.ndarray) and reason.dtype.kind == "U" or isinstance(reason, pd.Categorical)) \
            and reason.shape == (n,):
        return reason
    return _text("" if reason is None else reason, n)


def _text(values: object, n: int) -> np.ndarray:
    """A writable object array of length ``n`` from a scalar (filled in C) or from per-row values."""
    if isinstance(values, str):
        out = np.empty(n, dtype=object)
        out.fill(values)
        return out
    if isinstance(values, np.ndarray) and values.dtype.kind == "U" and values.shape == (n,) and n >= 1000:
        return _shared_text(values)
    if isinstance(values, pd.Categorical) and len(values) == n:
        return np.asarray(values, dtype=object)  # gathered from the categories: equal values share a string
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


def _frame(columns: dict[str, np.ndarray | pd.Categorical]) -> pd.DataFrame:
    """A Contract 2 frame from column arrays (text columns keep ``object`` dtype, or stay Categoricals).

    Small frames (one profile through ``compare`` builds dozens) use pandas' array constructor, ten times
    cheaper per call; large ones are assembled without copying the columns.
    """
    n = len(columns["amount"])
    if n < 10_000 and hasattr(pd.DataFrame, "_from_arrays"):
        return pd.DataFrame._from_arrays([columns[c] for c in COLUMNS if c in columns],
                                         columns=[c for c in COLUMNS if c in columns],
                                         index=pd.RangeIndex(n), verify_integrity=False)

    def series(c: str) -> pd.Series:
        v = columns[c]
        if isinstance(v, pd.Categorical):
            return pd.Series(v, copy=False)
        return pd.Series(v, dtype="float64" if c in ("amount", "amount_ref") else object, copy=False)

    return pd.DataFrame({c: series(c) for c in COLUMNS if c in columns}, copy=False)


def compact_table(frame: pd.DataFrame, profiles: pd.CategoricalDtype, drop: Sequence[str] = ("basis",)) -> pd.DataFrame:
    """An obligations table in compact form: text columns as Categoricals, ``profile`` coded by the
    position of the profile in the batch (``profiles``: see :func:`profile_dtype`), ``drop`` left out."""
    out: dict[str, np.ndarray | pd.Categorical] = {}
    for c in COLUMNS:
        if c in drop or c not in frame.columns:
            continue
        col = frame[c]
        if c in ("amount", "amount_ref"):
            out[c] = col.to_numpy(dtype="float64")
        elif c == "profile":
            if isinstance(col.dtype, pd.CategoricalDtype) and col.dtype is profiles:
                out[c] = col.array
                continue
            if isinstance(col.dtype, pd.CategoricalDtype):
                codes = np.append(profiles.categories.get_indexer(col.cat.categories), -1)[col.cat.codes.to_numpy()]
            else:
                codes = profiles.categories.get_indexer(col.to_numpy(dtype=object))
            if (codes < 0).any():
                raise ValueError("obligation rows name a profile that is not in the batch being compared")
            out[c] = pd.Categorical.from_codes(codes, dtype=profiles, validate=False)
        elif isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.array
        else:
            out[c] = categorical_text(col.to_numpy(dtype=object), len(col))
    return _frame(out)


def concat_categoricals(parts: Sequence[pd.Categorical]) -> pd.Categorical:
    """Categoricals end to end, categories united in order of appearance (codes recoded with numpy).

    Parts sharing one dtype (the profile column of a batch) only have their codes concatenated.
    """
    first = parts[0].dtype
    if all(p.dtype is first for p in parts):
        codes = np.concatenate([p.codes for p in parts])
        return pd.Categorical.from_codes(codes, dtype=first, validate=False)
    cats = pd.Index(pd.unique(np.concatenate([np.asarray(p.categories, dtype=object) for p in parts])))
    width = np.int8 if len(cats) < 127 else (np.int16 if len(cats) < 32_000 else np.int32)
    codes = np.empty(sum(len(p) for p in parts), dtype=width)
    at = 0
    for p in parts:
        mapping = np.append(cats.get_indexer(p.categories), -1).astype(width)  # code -1 (missing) stays -1
        if len(p.categories) == 1 and p.codes[:1].tolist() == [0] and p.codes.min() == 0:
            codes[at:at + len(p)] = mapping[0]  # a constant column: a fill, no gather
        else:
            codes[at:at + len(p)] = mapping[p.codes]
        at += len(p)
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats), validate=False)


def concat_obligations(frames: Sequence[pd.DataFrame], *, consume: bool = False) -> pd.DataFrame:
    """Concatenate obligation frames (keeps the Contract 2 column order).

    Column by column with numpy (one copy of each column, no block consolidation); a frame with extra
    columns is concatenated by pandas as before. Compact frames (categorical text, from ``compact_rows``)
    stay compact. ``consume=True`` (for frames no one else holds, as in ``compare``) drops each column from
    the parts once the result has it, so that a large table is never held twice.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_obligations()
    cols = list(frames[0].columns)
    if any(list(f.columns) != cols for f in frames) or not set(cols) <= set(COLUMNS):
        return pd.concat(frames, ignore_index=True)[[c for c in COLUMNS if c in cols]]
    categorical = {c: [isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames] for c in cols}
    if not any(any(v) for v in categorical.values()) and cols == list(COLUMNS) \
            and sum(len(f) for f in frames) < 10_000:  # small (one profile): one 2-D array per frame is cheapest
        block = np.concatenate([f.to_numpy(dtype=object) for f in frames])
        return _frame({c: block[:, i].astype("float64") if c in ("amount", "amount_ref") else block[:, i]
                       for i, c in enumerate(COLUMNS)})
    columns: dict[str, np.ndarray | pd.Categorical] = {}
    for c in cols:
        if all(categorical[c]):
            columns[c] = concat_categoricals([f[c].array for f in frames])
        else:
            kind = "float64" if c in ("amount", "amount_ref") else object
            columns[c] = np.concatenate([f[c].to_numpy(dtype=kind) for f in frames])
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
    """``"EUR 125,000"`` for each value (vectorised); a scalar in gives a scalar out (inside
    :func:`compact_rows` an array gives "": the text is rendered later)."""
    if np.ndim(values) == 0:
        return _thousands_one(decimals, f"{currency} ")(float(values))
    if text_skipped():
        return ""
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
    """A plain number as written in a rule (``0.25``, ``0.0002``, ``1,000``); "" for an array inside
    :func:`compact_rows`."""
    if np.ndim(values) == 0:
        return _number_one(float(values))
    if text_skipped():
        return ""
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
    if text_skipped():
        return np.asarray("", dtype=object)
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


def percents(values: np.ndarray | pd.Series) -> pd.Series | str:
    """:func:`percent` of every value (each distinct value formatted once); "" inside :func:`compact_rows`."""
    if text_skipped():
        return ""
    return _formatted(values, percent)
