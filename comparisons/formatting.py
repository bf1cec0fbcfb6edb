"""Short forms of amounts for tables, charts and prose: ``1234567`` → ``1.23 m``."""
from __future__ import annotations

import math


def compact(x: float) -> str:
    """1234567 → '1.23 m'; NaN → 'n/a'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    for div, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if a >= div:
            return f"{x / div:,.3g}{suffix}" if x / div < 1000 else f"{x / div:,.0f}{suffix}"
    return f"{x:,.0f}"


def compact_money(ccy: str, x: float) -> str:
    return f"{ccy} {compact(x)}"
