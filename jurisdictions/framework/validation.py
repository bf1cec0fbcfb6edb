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
from .profile import DEFAULTS, FIELDS, FRAME_COLUMNS, MONEY_FIELDS, REQUIRED_FIELDS, SERVICES, SIGNED_MONEY_FIELDS

SERVICE_COLUMNS: tuple[str, ...] = tuple(f"svc_{s}" for s in SERVICES)
_NUMERIC = MONEY_FIELDS + ("hot_wallet_share", "active_users")
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
    """
    n = len(services)
    s = services.reset_index(drop=True).astype("string")
    exploded = s.str.split(";").explode().str.strip()
    exploded = exploded[exploded.notna() & (exploded != "")]
    codes = pd.Categorical(exploded, categories=list(SERVICES)).codes
    matrix = np.zeros((n, len(SERVICES)), dtype=bool)
    known = codes >= 0
    matrix[exploded.index.to_numpy()[known], codes[known]] = True
    unknown = exploded[~known]
    empty = pd.Series(~matrix.any(axis=1) & unknown.groupby(level=0).size().reindex(range(n), fill_value=0).eq(0).to_numpy())
    return matrix, unknown, empty


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
    labels = np.asarray(row_labels if row_labels is not None else [f"row {i + 1}" for i in range(n)], dtype=object)

    def add_rows(mask: np.ndarray, field: str, values: pd.Series | np.ndarray | None, message: str) -> None:
        idx = np.flatnonzero(mask)
        vals = None if values is None else np.asarray(values, dtype=object)
        for i in idx[:_MAX_PER_CHECK]:
            problems.append(Problem(source, str(labels[i]), field, NO_VALUE if vals is None else vals[i], message))
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
    name = df["name"].astype("string").str.strip()
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
    cur = df["currency"].astype("string").str.strip().str.upper()
    bad_cur = (cur.isna() | ~cur.isin(list(ISO_4217))).to_numpy()
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
    canon = pd.Series([""] * n, dtype=object)
    for j, code in enumerate(SERVICES):
        has = matrix[:, j]
        if has.any():
            canon = canon.where(~has, canon + np.where(canon == "", "", ";") + code)
    out["services"] = canon

    # numbers: present (or defaulted), numeric, finite, in range
    for f in _NUMERIC:
        if f in df.columns:
            raw = df[f]
            num = pd.to_numeric(raw, errors="coerce").astype("float64")
            was_blank = raw.isna().to_numpy() | (raw.astype("string").str.strip() == "").fillna(True).to_numpy()
        else:
            raw = pd.Series([np.nan] * n)
            num = pd.Series(np.full(n, np.nan))
            was_blank = np.ones(n, dtype=bool)
        values = num.to_numpy()
        if f in DEFAULTS:
            values = np.where(was_blank, float(DEFAULTS[f]), values)
        else:
            add_rows(was_blank, f, None, "required field is empty")
        not_number = ~was_blank & np.isnan(values) & ~raw.astype("string").str.strip().str.lower().isin(["nan"]).fillna(False).to_numpy()
        add_rows(not_number, f, raw, "not a number")
        nan_given = ~was_blank & ~not_number & ~np.isfinite(values)
        add_rows(nan_given, f, raw, "must be a finite number (NaN and inf are not amounts)")
        finite = np.isfinite(values)
        if f == "hot_wallet_share":
            add_rows(finite & ((values < 0) | (values > 1)), f, raw, "share must be between 0 and 1")
        elif f not in SIGNED_MONEY_FIELDS:
            add_rows(finite & (values < 0), f, raw, "must not be negative")
        if f == "active_users":
            add_rows(finite & (values != np.floor(values)), f, raw, "must be a whole number")
        out[f] = values

    if problems:
        raise ProfileError(problems)

    result = pd.DataFrame(out, columns=list(FRAME_COLUMNS))
    result["active_users"] = result["active_users"].astype("int64")
    for j, c in enumerate(SERVICE_COLUMNS):
        result[c] = matrix[:, j]
    return result


def services_of(frame: pd.DataFrame, *codes: str) -> np.ndarray:
    """Rows offering any of ``codes`` (reads the boolean ``svc_*`` columns of a validated frame)."""
    return frame[[f"svc_{c}" for c in codes]].to_numpy().any(axis=1)
