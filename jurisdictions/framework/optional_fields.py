"""The optional fields of Contract 1 added after the seed markets (DESIGN.md): each has a default that leaves
earlier results unchanged, so a profile that leaves them out is compared exactly as before.

| field | kind | default |
|---|---|---|
| ``fiat_markets`` | list of ISO 4217 codes (``;`` in CSV) | the profile's own currency |
| ``peak_annual_trading_volume`` | money ≥ 0 | ``annual_trading_volume`` |
| ``total_assets`` | money ≥ 0 | none (a market that needs it says what it uses instead) |
| ``us_states`` | list of two-letter US state codes (``;`` in CSV) | none (the US model's representative licences) |
| ``third_party_custody_share`` | share in [0, 1] | 0 (everything in house) |
| ``annual_revenue`` | money ≥ 0 | none (a rule that needs it gives no amount and says so) |

The batch validator keeps a column only when the input has it; rules read these fields through
``Columns.optional`` / ``Columns.fiat_market``, which apply the defaults. Lists are kept as canonical
``;``-joined upper-case text; a list given empty (YAML ``[]``, or ``none`` in a CSV cell, where an empty cell
means "not given") is the empty text, and a list not given is missing (None).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .currencies import ISO_4217
from .errors import Problem, did_you_mean
from .input_policy import MAX_ABS_NUMBER

#: optional money fields (in the profile's currency; converted with the others)
OPTIONAL_MONEY_FIELDS: tuple[str, ...] = ("peak_annual_trading_volume", "total_assets", "annual_revenue")
#: optional shares in [0, 1]
OPTIONAL_SHARE_FIELDS: tuple[str, ...] = ("third_party_custody_share",)
#: optional lists of codes
LIST_FIELDS: tuple[str, ...] = ("fiat_markets", "us_states")
OPTIONAL_FIELDS: tuple[str, ...] = ("fiat_markets", "peak_annual_trading_volume", "total_assets", "us_states",
                                    "third_party_custody_share", "annual_revenue")

#: the 50 states, the District of Columbia and the five inhabited territories (USPS codes)
US_STATES: frozenset[str] = frozenset("""
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA
RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP
""".split())
_CODES = {"fiat_markets": (ISO_4217, "ISO 4217 currency code"), "us_states": (US_STATES, "two-letter US state code")}


def list_problem(field: str, value: Any) -> tuple[str | None, str]:
    """(canonical ``;``-joined codes — "" for a list given empty, None for one not given —, problem or "") of one
    cell of a list field."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, ""
    if isinstance(value, str) and value.strip().lower() == "none":
        return "", ""
    if isinstance(value, str):
        items = [v.strip() for v in value.replace(",", ";").split(";")]
        if "," in value:
            return "", f"codes are separated by ';', not ',' (write {';'.join(i for i in items if i)!r})"
    elif isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value]
    else:
        return "", f"a list of codes is expected, not {type(value).__name__}"
    codes = [i.upper() for i in items if i]
    known, what = _CODES[field]
    bad = [c for c in codes if c not in known]
    if bad:
        hints = "".join(did_you_mean(b, known) for b in bad[:1])
        return "", f"unknown {what}{'s' if len(bad) > 1 else ''} {', '.join(repr(b) for b in bad)}{hints}"
    return ";".join(dict.fromkeys(codes)), ""


def validate_optional(df: pd.DataFrame, source: str, labels: Sequence[str],
                      add_rows: Callable[[np.ndarray, str, Any, str], None], problems: list[Problem]
                      ) -> dict[str, np.ndarray]:
    """The optional fields the input has, checked (every bad row reported) and normalised: money and shares
    as float arrays (NaN where left blank), lists as canonical text."""
    out: dict[str, np.ndarray] = {}
    for f in OPTIONAL_MONEY_FIELDS + OPTIONAL_SHARE_FIELDS:
        if f not in df.columns:
            continue
        raw = df[f]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
        # only the cells that did not parse can be blank: look at their text alone
        unparsed = np.flatnonzero(np.isnan(values) & ~raw.isna().to_numpy())
        blank_text = raw.iloc[unparsed].astype(str).str.strip().eq("").to_numpy()
        not_number = np.zeros(len(values), dtype=bool)
        not_number[unparsed[~blank_text]] = True
        add_rows(not_number, f, raw, "not a number")
        finite = np.isfinite(values)
        add_rows(~finite & ~np.isnan(values), f, raw, "must be a finite number (NaN and inf are not amounts)")
        if f in OPTIONAL_SHARE_FIELDS:
            add_rows(finite & ((values < 0) | (values > 1)), f, raw, "share must be between 0 and 1")
        else:
            add_rows(finite & (values < 0), f, raw, "must not be negative")
            add_rows(finite & (np.abs(values) > MAX_ABS_NUMBER), f, raw, "beyond 1e18: not a plausible amount")
        out[f] = np.where(finite, values, np.nan)
    for f in LIST_FIELDS:
        if f not in df.columns:
            continue
        try:
            codes, uniq = pd.factorize(df[f], use_na_sentinel=False)
        except TypeError:  # lists in the cells
            codes, uniq = pd.factorize(df[f].map(lambda v: tuple(v) if isinstance(v, list) else v),
                                       use_na_sentinel=False)
        checked = [list_problem(f, u) for u in uniq]
        text = np.array([c for c, _ in checked], dtype=object)
        for k, (_, why) in enumerate(checked):
            if why:
                add_rows(codes == k, f, df[f], why)
        out[f] = text[codes] if len(uniq) else np.empty(0, dtype=object)
    return out
