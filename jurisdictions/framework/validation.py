"""Vectorised validation of profile frames (Contract 1), with the same rules as :class:`Profile`.

Every check runs over whole columns; every problem of every row is collected and reported at once in one
:class:`ProfileError`, each naming the source, the row and the field. Nothing is dropped silently.

The validated frame has the Contract 1 columns (``services`` as a canonical ``;``-joined string) plus one
boolean column per service, ``svc_<code>``, so that rules never parse strings per row.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .currencies import ISO_4217
from .errors import NO_VALUE, Problem, ProfileError, did_you_mean
from .profile import (
    DEFAULTS, FIELDS, FRAME_COLUMNS, MONEY_FIELDS, MSG_NEGATIVE, MSG_NOT_FINITE, MSG_SHARE, MSG_WHOLE,
    REQUIRED_FIELDS, SERVICES, SIGNED_MONEY_FIELDS,
)

SERVICE_COLUMNS: tuple[str, ...] = tuple(f"svc_{s}" for s in SERVICES)
_NUMERIC = MONEY_FIELDS + ("hot_wallet_share", "active_users")
_SERVICE_CODE = {s: i for i, s in enumerate(SERVICES)}
_MAX_PER_CHECK = 1000  # problems listed per check before summarising (a million bad rows stay readable)


def _services_to_strings(col: pd.Series) -> pd.Series:
    """Services given as lists (DataFrames, YAML) become ``;``-joined strings; strings pass through."""
    if col.dtype == object:
        is_list = col.map(lambda v: isinstance(v, (list, tuple))) if len(col) < 50_000 else None
        if is_list is None:
            first = col.iloc[0] if len(col) else ""
            if isinstance(first, (list, tuple)):
                return col.str.join(";")
            return col
        if is_list.any():
            col = col.copy()
            col[is_list] = col[is_list].str.join(";")
    return col


def service_matrix(services: pd.Series) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """Parse ``;``-separated service strings in one pass.

    Returns the boolean matrix (rows × SERVICES), a Series of unknown service codes (indexed by row
    position) and a boolean Series of rows with no service at all.

    Each distinct string is parsed once (a batch has a few hundred service combinations at most), and the
    rows take the parsed result by their code: no per-row Python.
    """
    codes, uniq = pd.factorize(services.reset_index(drop=True), use_na_sentinel=True)
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
    codes = np.where(codes < 0, k, codes)
    matrix = u_matrix[codes]
    u_empty = ~u_matrix.any(axis=1) & np.array([not u for u in u_unknown])
    bad = np.array([bool(u) for u in u_unknown])
    positions, found = [], []
    if bad.any():
        for r in np.flatnonzero(bad[codes]).tolist():
            for code in u_unknown[codes[r]]:
                positions.append(r)
                found.append(code)
    unknown = pd.Series(found, index=pd.Index(positions, dtype="int64"), dtype="string")
    return matrix, unknown, pd.Series(u_empty[codes])


def canonical_services(matrix: np.ndarray) -> np.ndarray:
    """The ``;``-joined service codes (in SERVICES order) of each row of a rows × SERVICES boolean matrix.

    Rows are encoded as bit masks so that only the distinct combinations are joined.
    """
    masks = matrix.astype(np.int64) @ (1 << np.arange(len(SERVICES), dtype=np.int64))
    uniq, inverse = np.unique(masks, return_inverse=True)
    joined = np.array([";".join(s for j, s in enumerate(SERVICES) if m >> j & 1) for m in uniq.tolist()],
                      dtype=object)
    return joined[inverse.ravel()]


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

    df = frame.reset_index(drop=True)
    out: dict[str, object] = {}

    # name: required, non-empty, unique
    raw_name = df["name"]
    if isinstance(raw_name.dtype, pd.StringDtype):  # text already: strip without a string-dtype round trip
        values = raw_name.to_numpy(dtype=object)
        stripped = (list(map(str.strip, values)) if not raw_name.isna().any()
                    else [v.strip() if isinstance(v, str) else None for v in values])
        name = pd.Series(stripped, dtype=object)
    else:
        name = raw_name.astype("string").str.strip()
    missing_name = name.isna() | (name == "")
    add_rows(missing_name.to_numpy(), "name", None, "name is required")
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
    out["name"] = name.astype(object)

    # currency: ISO 4217
    cur_codes, cur_uniq = pd.factorize(df["currency"], use_na_sentinel=True)
    u_cur = pd.Series(cur_uniq, dtype=object).astype("string").str.strip().str.upper()
    u_ok = (~u_cur.isna() & u_cur.isin(list(ISO_4217))).to_numpy(dtype=bool)
    bad_cur = (cur_codes < 0) | ~np.append(u_ok, False)[cur_codes]
    cur = pd.Series(np.append(u_cur.astype(object).to_numpy(), None)[cur_codes], dtype=object)
    for i in np.flatnonzero(bad_cur)[:_MAX_PER_CHECK]:
        raw = df["currency"].iloc[i]
        problems.append(
            Problem(source, str(labels[i]), "currency", raw,
                    f"unknown currency (not an ISO 4217 code){did_you_mean(str(raw).upper(), sorted(ISO_4217))}")
        )
    out["currency"] = cur.astype(object)

    # services: at least one, each known
    svc = _services_to_strings(df["services"])
    svc_missing = svc.isna().to_numpy()
    matrix, unknown, empty = service_matrix(svc.fillna(""))
    add_rows(svc_missing | empty.to_numpy(), "services", None, "at least one service is required")
    for pos, code in list(unknown.items())[:_MAX_PER_CHECK]:
        problems.append(
            Problem(source, str(labels[pos]), "services", code, f"unknown service{did_you_mean(code, SERVICES)}")
        )
    # canonical string, in SERVICES order
    out["services"] = pd.Series(canonical_services(matrix), dtype=object)

    # numbers: present (or defaulted), numeric, finite, in range
    for f in _NUMERIC:
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
        add_rows(not_number, f, raw, "not a number")
        nan_given = ~was_blank & ~not_number & ~np.isfinite(values)
        add_rows(nan_given, f, raw, MSG_NOT_FINITE)
        finite = np.isfinite(values)
        if f == "hot_wallet_share":
            add_rows(finite & ((values < 0) | (values > 1)), f, raw, MSG_SHARE)
        elif f not in SIGNED_MONEY_FIELDS:
            add_rows(finite & (values < 0), f, raw, MSG_NEGATIVE)
        if f == "active_users":
            add_rows(finite & (values != np.floor(values)), f, raw, MSG_WHOLE)
        out[f] = values

    if problems:
        raise ProfileError(_in_row_order(problems, labels))

    out["active_users"] = np.asarray(out["active_users"]).astype("int64")
    for j, c in enumerate(SERVICE_COLUMNS):
        out[c] = np.ascontiguousarray(matrix[:, j])
    return pd.DataFrame(out, columns=list(FRAME_COLUMNS) + list(SERVICE_COLUMNS))


def _in_row_order(problems: list[Problem], labels: np.ndarray) -> list[Problem]:
    """Problems sorted by row, then by the field order of Contract 1 (stable within a field)."""
    pos = {str(label): i for i, label in enumerate(labels)}
    order = {f: i for i, f in enumerate(FIELDS)}
    return sorted(problems, key=lambda p: (pos.get(p.row, len(pos)), order.get(p.field, len(order))))


def services_of(frame: pd.DataFrame, *codes: str) -> np.ndarray:
    """Rows offering any of ``codes`` (reads the boolean ``svc_*`` columns of a validated frame)."""
    return frame[[f"svc_{c}" for c in codes]].to_numpy().any(axis=1)
