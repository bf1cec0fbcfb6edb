"""Reserves that build up: a balance accrued at each fiscal year's end up to a ceiling.

A build-up is keyed by market, obligation and scenario (:data:`BUILD_UPS`); the rates come from the plug-in's
parameter set (never constants here), so a user's ``--parameters`` override moves them. A plug-in could declare
the same thing itself (a ``BuildUp`` beside its obligation: accrual and ceiling parameter ids, the month its
fiscal year starts, the years the peak looks back); until one does, the declarations live here.

The rule (Japan's ``fiea_analogue`` scenario, CO Order on Financial Instruments Business Art. 175 by analogy,
rulebook japan.md §4.2, §4.5): from the regime's assumed start, at the end of each fiscal year

    accrual = max(0, min(accrual_rate × that year's volume, ceiling − balance)),
    ceiling = ceiling_rate × the peak volume of that year and the ``peak_years − 1`` before it.

A balance above a falling ceiling is kept (the release of the excess is not modelled).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class BuildUp:
    """How one obligation's scenario builds up instead of being held in full from the start."""

    accrual_rate: str  # parameter id: yearly accrual per unit of the year's volume
    ceiling_rate: str  # parameter id: ceiling per unit of the peak annual volume
    fiscal_year_start_month: int = 4  # Japan: April–March
    peak_years: int = 3  # the current fiscal year and the two before it
    rule: str = ""

    def fiscal_years(self, first: dt.date, day: dt.date) -> list[dt.date]:
        """Start dates of the fiscal years from ``first`` (a fiscal year's start) that have ended by ``day``."""
        out, fy = [], first
        while dt.date(fy.year + 1, fy.month, fy.day) - dt.timedelta(days=1) <= day:
            out.append(fy)
            fy = dt.date(fy.year + 1, fy.month, fy.day)
        return out

    def fiscal_year_of(self, day: dt.date) -> dt.date:
        """The start of the fiscal year containing ``day``."""
        m = self.fiscal_year_start_month
        return dt.date(day.year if day.month >= m else day.year - 1, m, 1)


#: the build-ups the timeline knows, keyed by (market code, obligation id, scenario)
BUILD_UPS: dict[tuple[str, str, str], BuildUp] = {
    ("JP", "liability_reserve", "fiea_analogue"): BuildUp(
        accrual_rate="jp_fiea_reserve_accrual_rate", ceiling_rate="jp_fiea_reserve_ceiling_rate",
        rule="CO Order on Financial Instruments Business Art. 175(1)(i)-(ii) by analogy (assumed, rulebook "
             "japan.md §4.5)"),
}


def balances(volume_of: Callable[[dt.date], np.ndarray], years: list[dt.date], accrual_rate: float,
             ceiling_rate: float, peak_years: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balance after the fiscal years ``years`` (their starts, oldest first), the last year's addition and
    ceiling, per profile (``volume_of(fy_start)``: each profile's volume in that fiscal year; vectorised over
    profiles, one step per year)."""
    balance, added, ceiling = np.zeros(n), np.zeros(n), np.zeros(n)
    # the peak looks back over the years before the first too (their volume as the growth path gives it)
    history = [volume_of(dt.date(years[0].year - k, years[0].month, years[0].day))
               for k in range(peak_years - 1, 0, -1)] if years else []
    for fy in years:
        v = volume_of(fy)
        history.append(v)
        ceiling = ceiling_rate * np.max(np.vstack(history[-peak_years:]), axis=0)
        added = np.maximum(0.0, np.minimum(accrual_rate * v, ceiling - balance))
        balance = balance + added
    return balance, added, ceiling
