"""The dates of a timeline: from a start to an end, one per year or per quarter (ISO dates)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from jurisdictions.framework import XjurError

#: the steps a timeline takes: the same day of the month, one year or three months on
STEPS = ("year", "quarter")
#: a timeline has at most this many dates (a century of quarters)
MAX_DATES = 400


def date_grid(start: dt.date, end: dt.date, step: str = "year") -> list[dt.date]:
    """``start``, then every ``step`` after it up to and including ``end``.

    >>> date_grid(dt.date(2024, 1, 1), dt.date(2026, 6, 30))
    [datetime.date(2024, 1, 1), datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)]
    """
    if step not in STEPS:
        raise XjurError(f"--step {step!r}: choose one of {', '.join(STEPS)}")
    if end < start:
        raise XjurError(f"the timeline ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    months = 12 if step == "year" else 3
    n = ((end.year - start.year) * 12 + end.month - start.month) // months + 1
    if n > MAX_DATES:
        raise XjurError(f"the timeline has {n:,} dates; at most {MAX_DATES} (a longer step or a shorter window)")
    # each date counted from the start (31 Jan, 30 Apr, 31 Jul: no drift to the 30th)
    dates = [(pd.Timestamp(start) + pd.DateOffset(months=months * k)).date() for k in range(n)]
    return [d for d in dates if d <= end]


def years_between(start: dt.date, day: dt.date) -> float:
    """Years from ``start`` to ``day`` in whole months (a year and three months = 1.25), the growth clock."""
    return ((day.year - start.year) * 12 + day.month - start.month) / 12
