"""Sensitivity: sweep one parameter over a grid and see how one obligation moves.

Built for the Japanese liability reserve, whose every coefficient is an assumption, but it works for any
jurisdiction, obligation and parameter::

    from comparisons.sensitivity import sweep
    df = sweep("examples/profiles.yaml", "jp_reserve_rate_cold_aum", [0.0025, 0.005, 0.01, 0.02, 0.03],
               scenarios=("low", "central", "high"), as_of="2026-11-25")

Each grid value replaces the parameter's whole built-in history (for every scenario) through an override
:class:`ParameterSet`, exactly as a user's ``--parameters`` file would. The loop runs over grid values only;
each step is one vectorised :func:`compare` over all profiles.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

from jurisdictions.framework import ParameterSet, XjurError, did_you_mean, discover, parse_parameters

from .compare import compare, load_overrides, parse_date
from .load import load_profiles

COLUMNS: tuple[str, ...] = ("profile", "parameter", "value", "scenario", "jurisdiction", "obligation", "amount",
                            "currency", "amount_ref", "ref_currency")


def override(parameters: ParameterSet, parameter: str, value: Any, origin: str = "sensitivity sweep") -> ParameterSet:
    """An override set that replaces every dated value of ``parameter`` with ``value`` (all scenarios).

    The single entry starts on the parameter's first built-in date, so it replaces the whole history; it is
    marked ``assumed`` (a what-if value) and names the sweep as its source.
    """
    history = parameters.history(parameter)  # ParameterError with a did-you-mean for an unknown id
    first = history.values[0]
    entry = {
        parameter: {
            "description": first.description,
            "unit": history.values[-1].unit,
            "values": [{
                "effective_from": history.first_date(),
                "value": value,
                "status": "assumed",
                "citation": f"sensitivity sweep of {parameter} (replaces: {history.values[-1].citation})",
                "source": origin,
                "note": f"what-if value {value!r} set by a sensitivity sweep",
            }],
        }
    }
    return parse_parameters(entry, origin)


def sweep(
    profiles: Any,
    parameter: str,
    values: Iterable[Any],
    jurisdiction: str = "JP",
    obligation: str = "liability_reserve",
    scenarios: Sequence[str] = ("central",),
    as_of: Any = None,
    currency: str = "USD",
    **compare_kwargs: Any,
) -> pd.DataFrame:
    """Amounts of ``obligation`` in ``jurisdiction`` for every profile, scenario and grid value of ``parameter``.

    Returns a tidy frame with columns ``profile, parameter, value, scenario, jurisdiction, obligation, amount,
    currency, amount_ref, ref_currency`` (``scenario`` empty for obligations without scenarios). Other keyword
    arguments go to :func:`compare` (e.g. ``parameters=`` a user's file, applied under the swept value, ``fx=``,
    ``registry=``).
    """
    grid = list(values)
    if not grid:
        raise XjurError("sweep: give at least one value for the grid")
    frame = load_profiles(profiles)  # validated once, reused by every step
    day = parse_date(as_of)
    registry = compare_kwargs.pop("registry", None) or discover()
    compare_kwargs.pop("jurisdictions", None)
    j = registry.select([jurisdiction])[0]
    ids = sorted({s.id for s in j.obligations})
    if obligation not in ids:
        raise XjurError(f"{j.code} has no obligation {obligation!r}{did_you_mean(obligation, ids)}; "
                        f"it has: {', '.join(ids)}")
    user = load_overrides(compare_kwargs.pop("parameters", None))
    base = j.parameters(user)

    steps = []
    for v in grid:  # one vectorised comparison per grid value
        swept = override(base, parameter, v)
        merged = ParameterSet({**(user.histories if user is not None else {}), **swept.histories},
                              swept.origin if user is None else f"{user.origin}; {swept.origin}")
        result = compare(frame, jurisdictions=[j], as_of=day, currency=currency, scenarios=scenarios,
                         parameters=merged, registry=registry, **compare_kwargs)
        ob = result.plain_amounts()  # a sweep needs no basis lines
        ob = ob[(ob["jurisdiction"] == j.code) & (ob["obligation"] == obligation)]
        steps.append(ob.assign(parameter=parameter, value=v, ref_currency=result.currency))
    out = pd.concat(steps, ignore_index=True)
    return out[list(COLUMNS)]
