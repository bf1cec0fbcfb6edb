"""Vectorised validation of profile frames (Contract 1), with the same rules as :class:`Profile`.

Every check runs over whole columns; every problem of every row is collected and reported at once in one
:class:`ProfileError`, each naming the source, the row and the field. Nothing is dropped silently.

The validated frame has the Contract 1 columns (``services`` as a canonical ``;``-joined string) plus one
boolean column per service, ``svc_<code>``, so that rules never parse strings per row.

Speed (issue 8): text columns are hashed once and only their distinct values are parsed (a batch has a few
hundred service combinations and a handful of currencies); numbers already stored as numbers are checked
with a min/max pass and copied once, straight into the output's blocks. When a quick check finds something
wrong, the field goes through the detailed path, which finds and words every problem.
"""
from __future__ import annotations

from itertools import repeat
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .currencies import ISO_4217
from .errors import NO_VALUE, Problem, ProfileError, did_you_mean
from .input_policy import CONTROL_IN_NAME, MAX_ABS_NUMBER, MAX_NAME_CHARS, MSG_CONTROL, MSG_NAME_TOO_LONG, MSG_TOO_LARGE
from .optional_fields import validate_optional
from .profile import (
    DEFAULTS, FIELDS, FRAME_COLUMNS, MONEY_FIELDS, MSG_NEGATIVE, MSG_NOT_FINITE, MSG_SHARE, MSG_SHARE_PERCENT,
    MSG_WHOLE, REQUIRED_FIELDS, SERVICES, SIGNED_MONEY_FIELDS, not_a_number_message, unknown_service_message,
)

try:  # pandas >= 3.0: build the validated frame from its blocks, without the constructor's extra copy
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - older pandas: the ordinary constructor
    _from_blocks = None

SERVICE_COLUMNS: tuple[str, ...] = tuple(f"svc_{s}" for s in SERVICES)
_NUMERIC = MONEY_FIELDS + ("hot_wallet_share", "active_users")
_SERVICE_CODE = {s: i for i, s in enumerate(SERVICES)}
_MAX_PER_CHECK = 1000  # problems listed per check before summarising (a million bad rows stay readable)

_OUT_COLUMNS: tuple[str, ...] = FRAME_COLUMNS + SERVICE_COLUMNS
_TEXT = ("name", "currency", "services")
_FLOATS = tuple(f for f in FRAME_COLUMNS if f in _NUMERIC and f != "active_users")
_EXACT_INT = 2.0 ** 53  # integers beyond this do not survive the float64 round trip of the detailed path

AddRows = Callable[[np.ndarray, str, "pd.Series | np.ndarray | None", str], None]


def _services_to_strings(col: pd.Series) -> pd.Series:
    """Services given as lists or tuples (DataFrames, YAML) become ``;``-joined strings; strings pass through.

    Only object columns can hold lists; the cells are tested with a C-level ``map`` (no Python per row) and
    only the list cells are joined.
    """
    if col.dtype != object:
        return col
    values = col.to_numpy()
    is_list = np.fromiter(map(isinstance, values, repeat((list, tuple))), dtype=bool, count=len(values))
    if not is_list.any():
        return col
    col = col.copy()
    col[is_list] = col[is_list].str.join(";")
    return col


def _factorize(col: pd.Series, long_text: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Codes (``-1`` for a missing cell) and distinct values of a column, each cell hashed once.

    A categorical column already holds both; text columns are factorised as a plain object array (faster
    than through pandas' string arrays). For ``long_text`` (services: tens of characters per cell, a few
    hundred distinct values) the distinct values are collected with a dict and each cell is then looked up
    among them: both steps reuse Python's cached string hashes, where ``pd.factorize`` rehashes every
    string's bytes. Anything but plain text (missing cells, numbers, lists) takes ``pd.factorize``.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), col.cat.categories.to_numpy(dtype=object)
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        return _factorize_arrow(col)
    values = col.to_numpy(dtype=object)
    if long_text:
        try:
            uniq = list(dict.fromkeys(values))
        except TypeError:  # unhashable cells (lists)
            uniq = None
        if uniq is not None and all(isinstance(u, str) for u in uniq):
            distinct = np.empty(len(uniq), dtype=object)
            distinct[:] = uniq
            return pd.Index(distinct, dtype=object, copy=False).get_indexer(values), distinct
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniq, dtype=object)


def _factorize_arrow(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_factorize` of a text column held by Arrow (a Parquet file's): hashed by Arrow, no Python string
    made per cell (a million services cells: 0.02 s instead of 0.6 s)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(col.array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return codes, encoded.dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)


def _parse_services(uniq: np.ndarray, join_lists: bool = False) -> tuple[np.ndarray, list[list[str]]]:
    """Parse distinct service values: a boolean matrix (values × SERVICES, plus a last all-False row for a
    missing value) and the unknown codes of each value. With ``join_lists`` a tuple value (the hashable
    form of a list of services in a column of objects) counts as its ``;``-join."""
    uniq = np.asarray(uniq, dtype=object)
    seq = (np.fromiter(map(isinstance, uniq, repeat((list, tuple))), dtype=bool, count=len(uniq))
           if join_lists else np.zeros(0, dtype=bool))
    if seq.any():
        uniq = uniq.copy()
        uniq[seq] = pd.Series(uniq[seq], dtype=object).str.join(";").to_numpy(dtype=object)
    texts = pd.Series(uniq, dtype=object).astype("string")
    k = len(texts)
    u_matrix = np.zeros((k + 1, len(SERVICES)), dtype=bool)  # the last row stands for a missing value
    u_unknown: list[list[str]] = [[] for _ in range(k + 1)]
    for i, text in enumerate(texts):
        if text is pd.NA:
            continue
        for part in text.split(";"):
            code = part.strip()
            if not code:
                continue
            j = _SERVICE_CODE.get(code)
            if j is None:
                u_unknown[i].append(code)
            else:
                u_matrix[i, j] = True
    return u_matrix, u_unknown


def _unknown_by_row(codes: np.ndarray, u_unknown: list[list[str]]) -> pd.Series:
    """The unknown service codes of the rows (indexed by row position), in row order."""
    bad = np.array([bool(u) for u in u_unknown])
    positions, found = [], []
    if bad.any():
        for r in np.flatnonzero(bad[codes]).tolist():
            for code in u_unknown[codes[r]]:
                positions.append(r)
                found.append(code)
    return pd.Series(found, index=pd.Index(positions, dtype="int64"), dtype="string")


def _empty_rows(u_matrix: np.ndarray, u_unknown: list[list[str]]) -> np.ndarray:
    """Distinct values naming no service at all (not even an unknown one)."""
    return ~u_matrix.any(axis=1) & np.array([not u for u in u_unknown])


def _with_missing(codes: np.ndarray, k: int) -> np.ndarray:
    """Codes with the missing sentinel ``-1`` turned into ``k`` (the extra last row of a per-value table)."""
    codes = np.asarray(codes)
    return np.where(codes < 0, k, codes) if len(codes) and codes.min() < 0 else codes


def _canonical(u_matrix: np.ndarray) -> np.ndarray:
    """The ``;``-joined service codes (in SERVICES order) of each row of a small boolean matrix."""
    return np.array([";".join(s for s, on in zip(SERVICES, row) if on) for row in u_matrix.tolist()],
                    dtype=object)


class RowLabels(Sequence[str]):
    """Row labels made on demand (``"row 1"``, ``"row 2"`` ...): a million rows need no million strings."""

    def __init__(self, n: int, label=lambda i: f"row {i + 1}") -> None:
        self._n = n
        self._label = label

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._label(k) for k in range(*i.indices(self._n))]
        i = int(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return self._label(i)


# --- name ---------------------------------------------------------------------------------------------------

def _distinct_and_filled(names: np.ndarray) -> bool:
    """No name blank and none twice: one pass of comparisons when the names come sorted, else a set."""
    index = pd.Index(names, dtype=object, copy=False)
    if index.is_monotonic_increasing:
        # decided by that same pass: strictly increasing means unique, and then only the first name can
        # be "" (the smallest string)
        return index.is_unique and names[0] != ""
    return all(names) and len(set(names)) == len(names)


def _names_quick(raw: pd.Series) -> np.ndarray | None:
    """The stripped names when every cell is text, non-blank and unique; None when anything needs a word."""
    if not (raw.dtype == object or isinstance(raw.dtype, pd.StringDtype)):
        return None
    values = raw.to_numpy(dtype=object)
    try:
        stripped = np.fromiter(map(str.strip, values), dtype=object, count=len(values))
    except TypeError:  # a missing or non-text cell
        return None
    if not _bounded_plain_text(stripped):
        return None
    return stripped if _distinct_and_filled(stripped) else None


def _bounded_plain_text(names: np.ndarray) -> bool:
    """Every name within the length limit and free of control characters (two C-level passes)."""
    if not len(names):
        return True
    if max(map(len, names)) > MAX_NAME_CHARS:
        return False
    joined = " ".join(names)
    # printable text has no control character (Cc) nor format character (Cf, the bidirectional overrides);
    # text that is not printable (a no-break space, say) is looked at with the exact pattern
    return joined.isprintable() or CONTROL_IN_NAME.search(joined) is None


def _names(raw: pd.Series, source: str, labels: Sequence[str], add_rows: AddRows,
           problems: list[Problem]) -> np.ndarray:
    """name: required, non-empty, unique."""
    quick = _names_quick(raw)
    if quick is not None:
        return quick
    if isinstance(raw.dtype, pd.StringDtype):  # text already: strip without a string-dtype round trip
        values = raw.to_numpy(dtype=object)
        stripped = (list(map(str.strip, values)) if not raw.isna().any()
                    else [v.strip() if isinstance(v, str) else None for v in values])
        name = pd.Series(stripped, dtype=object)
    else:
        name = raw.astype("string").str.strip()
    missing_name = name.isna() | (name == "")
    add_rows(missing_name.to_numpy(), "name", None, "name is required")
    add_rows((name.str.len() > MAX_NAME_CHARS).fillna(False).to_numpy(dtype=bool), "name", name, f"name {MSG_NAME_TOO_LONG}")
    add_rows(name.str.contains(CONTROL_IN_NAME.pattern, regex=True).fillna(False).to_numpy(dtype=bool), "name", name,
             f"name {MSG_CONTROL}")
    dup = name.duplicated(keep=False) & ~missing_name
    if dup.any():
        first_row = {}
        for i in np.flatnonzero(dup.to_numpy()):
            nm = name.iloc[i]
            if nm in first_row:
                problems.append(
                    Problem(source, str(labels[i]), "name", nm, f"duplicate name (also at {first_row[nm]})")
                )
            else:
                first_row[nm] = labels[i]
    return name.astype(object).to_numpy()


# --- currency -----------------------------------------------------------------------------------------------

def _currencies(raw: pd.Series, source: str, labels: Sequence[str], problems: list[Problem]) -> np.ndarray:
    """currency: an ISO 4217 code (trimmed, upper case); each distinct value is checked once."""
    cur_codes, cur_uniq = _factorize(raw)
    u_cur = pd.Series(cur_uniq, dtype=object).astype("string").str.strip().str.upper()
    u_ok = (~u_cur.isna() & u_cur.isin(list(ISO_4217))).to_numpy(dtype=bool)
    codes = _with_missing(cur_codes, len(u_ok))
    if not u_ok.all() or codes.max() == len(u_ok):  # an unknown code, or a missing cell
        bad_cur = ~np.append(u_ok, False)[codes]
        for i in np.flatnonzero(bad_cur)[:_MAX_PER_CHECK]:
            value = raw.iloc[i]
            problems.append(
                Problem(source, str(labels[i]), "currency", value,
                        f"unknown currency (not an ISO 4217 code){did_you_mean(str(value).upper(), sorted(ISO_4217))}")
            )
    return np.append(u_cur.astype(object).to_numpy(), None)[codes]


# --- services -----------------------------------------------------------------------------------------------

def _services(raw: pd.Series, source: str, labels: Sequence[str], add_rows: AddRows,
              problems: list[Problem]) -> tuple[np.ndarray, np.ndarray]:
    """services: at least one, each known. Returns the canonical strings and the (SERVICES × rows) booleans."""
    try:
        codes, uniq = _factorize(raw, long_text=True)
    except TypeError:  # unhashable cells: lists of services
        codes, uniq = _factorize(_services_to_strings(raw), long_text=True)
    # as before: tuples in a column of objects are lists of services; a categorical's categories are text
    u_matrix, u_unknown = _parse_services(uniq, join_lists=raw.dtype == object)
    codes = _with_missing(codes, len(uniq))
    add_rows(_empty_rows(u_matrix, u_unknown)[codes], "services", None, "at least one service is required")
    if any(u_unknown):
        for pos, code in list(_unknown_by_row(codes, u_unknown).items())[:_MAX_PER_CHECK]:
            problems.append(
                Problem(source, str(labels[pos]), "services", code, unknown_service_message([code], named=False))
            )
    # canonical string, in SERVICES order; the booleans laid out as the output's block (one row per service)
    return _canonical(u_matrix)[codes], np.take(np.ascontiguousarray(u_matrix.T), codes, axis=1)


# --- numbers ------------------------------------------------------------------------------------------------

def _number_quick(f: str, col: pd.Series | None) -> np.ndarray | None:
    """A column already stored as numbers with nothing wrong: its values (maybe a view), checked with one
    min/max pass. None when the detailed path must look (blanks, non-finite or out-of-range values)."""
    if col is None or not isinstance(col.dtype, np.dtype) or col.dtype.kind not in "if":
        return None
    values = col.to_numpy()
    lo, hi = values.min(), values.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):  # NaN (a blank) or inf somewhere
        return None
    if max(abs(float(lo)), abs(float(hi))) > MAX_ABS_NUMBER:
        return None
    if f == "hot_wallet_share":
        ok = lo >= 0 and hi <= 1
    elif f == "active_users":
        ok = lo >= 0 and hi < _EXACT_INT and (values.dtype.kind == "i" or bool((values == np.floor(values)).all()))
    else:
        ok = f in SIGNED_MONEY_FIELDS or lo >= 0
    return values if ok else None


def _number_detailed(f: str, df: pd.DataFrame, n: int, add_rows: AddRows) -> np.ndarray:
    """present (or defaulted), numeric, finite, in range: every bad cell named."""
    spelled_nan = None
    if f in df.columns and isinstance(df[f].dtype, np.dtype) and df[f].dtype.kind in "iuf":
        raw = df[f]  # numbers already (a DataFrame, a generated batch): nothing to parse
        num = pd.Series(raw.to_numpy(dtype="float64"))
        was_blank = np.isnan(num.to_numpy())
        spelled_nan = np.zeros(n, dtype=bool)
    elif f in df.columns:
        raw = df[f]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        was_blank = raw.isna().to_numpy().copy()
        # only the cells that did not parse can be blank or spell "nan": look at their text alone
        unparsed = np.flatnonzero(np.isnan(num.to_numpy()) & ~was_blank)
        text = raw.iloc[unparsed].astype("string").str.strip()
        was_blank[unparsed] = (text == "").fillna(True).to_numpy()
        spelled_nan = np.zeros(n, dtype=bool)
        spelled_nan[unparsed] = text.str.lower().isin(["nan"]).fillna(False).to_numpy()
    else:
        raw = pd.Series([np.nan] * n)
        num = pd.Series(np.full(n, np.nan))
        was_blank = np.ones(n, dtype=bool)
    values = num.to_numpy()
    if f in DEFAULTS:
        values = np.where(was_blank, float(DEFAULTS[f]), values)
    else:
        add_rows(was_blank, f, None, "required field is empty")
    if spelled_nan is None:
        spelled_nan = raw.astype("string").str.strip().str.lower().isin(["nan"]).fillna(False).to_numpy()
    not_number = ~was_blank & np.isnan(values) & ~spelled_nan
    if not_number.any():  # the message names the form expected (3 % → 0.03, 3,000 → 3000)
        bad = np.flatnonzero(not_number)
        messages = pd.Series([not_a_number_message(v) for v in raw.iloc[bad[:_MAX_PER_CHECK]]], dtype=object)
        messages = np.concatenate([messages.to_numpy(), np.full(len(bad) - len(messages), "not a number", dtype=object)])
        for message in dict.fromkeys(messages):
            mask = np.zeros(n, dtype=bool)
            mask[bad[messages == message]] = True
            add_rows(mask, f, raw, message)
    nan_given = ~was_blank & ~not_number & ~np.isfinite(values)
    add_rows(nan_given, f, raw, MSG_NOT_FINITE)
    finite = np.isfinite(values)
    too_large = finite & (np.abs(np.where(finite, values, 0.0)) > MAX_ABS_NUMBER)
    add_rows(too_large, f, raw, MSG_TOO_LARGE)
    finite &= ~too_large
    if f == "hot_wallet_share":
        percent = finite & (values > 1) & (values <= 100) & (values == np.floor(values))
        add_rows(percent, f, raw, MSG_SHARE_PERCENT)
        add_rows(finite & ~percent & ((values < 0) | (values > 1)), f, raw, MSG_SHARE)
    elif f not in SIGNED_MONEY_FIELDS:
        add_rows(finite & (values < 0), f, raw, MSG_NEGATIVE)
    if f == "active_users":
        add_rows(finite & (values != np.floor(values)), f, raw, MSG_WHOLE)
    return values


# --- the frame ----------------------------------------------------------------------------------------------

def _assemble(n: int, text: list[np.ndarray], floats: np.ndarray, users: np.ndarray,
              services: np.ndarray) -> pd.DataFrame:
    """The validated frame from its four blocks (text, floats, the user count, the service flags)."""
    if _from_blocks is not None:
        where = {c: i for i, c in enumerate(_OUT_COLUMNS)}
        blocks = [  # each text column its own block: no copy of a million pointers into a 2-D array
            *((np.asarray(values, dtype=object).reshape(1, n), np.array([where[c]])) for c, values in zip(_TEXT, text)),
            (floats, np.array([where[c] for c in _FLOATS])),
            (users.astype(np.int64).reshape(1, n), np.array([where["active_users"]])),
            (services, np.array([where[c] for c in SERVICE_COLUMNS])),
        ]
        return _from_blocks(blocks, index=pd.RangeIndex(n), columns=pd.Index(list(_OUT_COLUMNS)))
    out: dict[str, object] = dict(zip(_TEXT, text))
    out.update(zip(_FLOATS, floats))
    out["active_users"] = users.astype(np.int64)
    out.update(zip(SERVICE_COLUMNS, services))
    return pd.DataFrame(out, columns=list(_OUT_COLUMNS))


def validate_frame(
    frame: pd.DataFrame,
    source: str = "<frame>",
    row_labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Validate a profile frame and return it normalised, or raise :class:`ProfileError` with every problem.

    ``row_labels`` names the rows in messages (e.g. ``"row 3"`` for the third data row of a CSV); by
    default rows are numbered from 1.
    """
    problems: list[Problem] = []
    n = len(frame)
    labels = row_labels if row_labels is not None else RowLabels(n)

    def add_rows(mask: np.ndarray, field: str, values: pd.Series | np.ndarray | None, message: str) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        shown = idx[:_MAX_PER_CHECK]
        vals = None if values is None else np.asarray(
            values.iloc[shown] if isinstance(values, pd.Series) else np.asarray(values)[shown], dtype=object)
        for k, i in enumerate(shown):
            problems.append(Problem(source, str(labels[i]), field, NO_VALUE if vals is None else vals[k], message))
        if len(idx) > _MAX_PER_CHECK:
            problems.append(
                Problem(source, f"and {len(idx) - _MAX_PER_CHECK} more rows", field, NO_VALUE, message)
            )

    if n == 0:
        raise ProfileError([Problem(source, "", "", NO_VALUE, "no profiles: the input is empty")])

    cols = [str(c) for c in frame.columns]
    known_cols = set(FIELDS)
    for c in cols:
        if c not in known_cols:
            problems.append(
                Problem(source, "header", c, NO_VALUE, f"unknown field {c!r}{did_you_mean(c, FIELDS)}")
            )
    for c in REQUIRED_FIELDS:
        if c not in cols:
            problems.append(Problem(source, "header", c, NO_VALUE, "required field is missing"))
    if problems:
        raise ProfileError(problems)

    df = frame.reset_index(drop=True)  # no copy (copy-on-write): only the row positions matter below

    name = _names(df["name"], source, labels, add_rows, problems)
    currency = _currencies(df["currency"], source, labels, problems)
    services, flags = _services(df["services"], source, labels, add_rows, problems)

    floats = np.empty((len(_FLOATS), n), dtype="float64")  # the output's float block, filled in place
    users = None
    for f in _NUMERIC:
        values = _number_quick(f, df[f] if f in df.columns else None)
        if values is None:
            values = _number_detailed(f, df, n, add_rows)
        if f == "active_users":
            users = values
        else:
            floats[_FLOATS.index(f)] = values

    optional = validate_optional(df, source, labels, add_rows, problems)
    if "peak_annual_trading_volume" in optional:  # the peak of the current year and the two before it
        peak = optional["peak_annual_trading_volume"]
        add_rows(peak < floats[_FLOATS.index("annual_trading_volume")], "peak_annual_trading_volume",
                 df["peak_annual_trading_volume"], "must be at least annual_trading_volume (the peak includes the "
                 "current year); leave it out to use annual_trading_volume")
    if problems:
        raise ProfileError(_in_row_order(problems, labels))
    out = _assemble(n, [name, currency, services], floats, users, flags)
    return out.assign(**optional) if optional else out


def _in_row_order(problems: list[Problem], labels: np.ndarray) -> list[Problem]:
    """Problems sorted by row, then by the field order of Contract 1 (stable within a field)."""
    pos = {str(label): i for i, label in enumerate(labels)}
    order = {f: i for i, f in enumerate(FIELDS)}
    return sorted(problems, key=lambda p: (pos.get(p.row, len(pos)), order.get(p.field, len(order))))


def services_of(frame: pd.DataFrame, *codes: str) -> np.ndarray:
    """Rows offering any of ``codes`` (reads the boolean ``svc_*`` columns of a validated frame)."""
    return frame[[f"svc_{c}" for c in codes]].to_numpy().any(axis=1)
