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

from jurisdictions.framework import ParameterError, ParameterSet, XjurError, did_you_mean, discover

from .compare import as_list, compare, parse_date
from .load import load_profiles
from .overrides import finder, load_overrides, override

__all__ = ["COLUMNS", "override", "sweep"]

COLUMNS: tuple[str, ...] = ("profile", "parameter", "value", "scenario", "jurisdiction", "obligation", "amount",
                            "currency", "amount_ref", "ref_currency")


def sweep(
    profiles: Any,
    parameter: str,
    values: Iterable[Any],
    jurisdiction: str | None = None,
    obligation: str | None = None,
    scenarios: Sequence[str] | str = ("central",),
    as_of: Any = None,
    currency: str = "USD",
    **compare_kwargs: Any,
) -> pd.DataFrame:
    """Amounts of ``obligation`` in ``jurisdiction`` for every profile, scenario and grid value of ``parameter``.

    ``jurisdiction`` defaults to the one whose parameters include ``parameter`` (``eu_fo_multiplier`` → EU);
    ``obligation`` to every obligation of it whose declaration reads the parameter (all of its obligations
    when its declarations do not say). ``scenarios`` takes a list or one bare string (``"all"``).
    Returns a tidy frame with columns ``profile, parameter, value, scenario, jurisdiction, obligation, amount,
    currency, amount_ref, ref_currency`` (``scenario`` empty for obligations without scenarios; ``amount``
    in ``currency``, the jurisdiction's; ``amount_ref`` in ``ref_currency``). Other keyword arguments go to
    :func:`compare` (e.g. ``parameters=`` a user's file or ``{id: value}``, applied under the swept value,
    ``fx=``, ``registry=``).
    """
    grid = list(values)
    if not grid:
        raise XjurError("sweep: give at least one value for the grid")
    frame = load_profiles(profiles)  # validated once, reused by every step
    day = parse_date(as_of)
    registry = compare_kwargs.pop("registry", None) or discover()
    compare_kwargs.pop("jurisdictions", None)
    j = registry.select([jurisdiction])[0] if jurisdiction is not None else _owner(registry, parameter)
    ids = list(dict.fromkeys(s.id for s in j.obligations))
    if obligation is not None and obligation not in ids:
        raise XjurError(f"{j.code} has no obligation {obligation!r}{did_you_mean(obligation, sorted(ids))}; "
                        f"it has: {', '.join(sorted(ids))}")
    wanted = [obligation] if obligation is not None else _readers(j, parameter) or ids
    builtin = {code: x.parameters() for code, x in registry.jurisdictions.items()}
    builtin.setdefault(j.code, j.parameters())
    user = load_overrides(compare_kwargs.pop("parameters", None), finder(builtin))
    base = j.parameters(user)

    steps = []
    for v in grid:  # one vectorised comparison per grid value
        swept = override(base, parameter, v)
        merged = ParameterSet({**(user.histories if user is not None else {}), **swept.histories},
                              swept.origin if user is None else f"{user.origin}; {swept.origin}")
        result = compare(frame, jurisdictions=[j], as_of=day, currency=currency, scenarios=as_list(scenarios),
                         parameters=merged, registry=registry, **compare_kwargs)
        ob = result.plain_amounts()  # a sweep needs no basis lines
        ob = ob[(ob["jurisdiction"] == j.code) & ob["obligation"].isin(wanted)]
        steps.append(ob.assign(parameter=parameter, value=v, ref_currency=result.currency))
    out = pd.concat(steps, ignore_index=True)
    return out[list(COLUMNS)]


def _owner(registry: Any, parameter: str) -> Any:
    """The installed jurisdiction whose parameter file holds ``parameter`` (an error with a did-you-mean if none)."""
    known: list[str] = []
    for j in registry.jurisdictions.values():
        ids = j.parameters().ids()
        if parameter in ids:
            return j
        known.extend(ids)
    raise ParameterError(f"sweep: {parameter!r} is not a parameter of any installed jurisdiction"
                         f"{did_you_mean(parameter, known)}")


def _readers(j: Any, parameter: str) -> list[str]:
    """The obligations of ``j`` whose declaration lists ``parameter`` among the parameters it reads."""
    return list(dict.fromkeys(s.id for s in j.obligations if parameter in getattr(s, "parameters", ())))
