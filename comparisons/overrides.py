"""A user's parameter values replacing built-in ones: from files, a ParameterSet, or ``{id: value}`` in Python.

``compare(..., parameters=...)`` and :func:`comparisons.sensitivity.sweep` read overrides through this
module, and so do cost assumptions' error messages (:func:`with_example`): a file holding bare values
(``cost_of_capital: 0.10``) is refused with the dated form it needs, shown for the id it met.

A value given as ``{id: value}`` replaces the parameter's whole built-in history (every date and scenario),
from its first built-in date, with status ``assumed`` and the caller named as the source: a what-if, never
presented as law.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from jurisdictions.framework import ParameterError, ParameterSet, did_you_mean, load_parameters, parse_parameters

#: the origin named in citations for ``compare(..., parameters={id: value})``
MAPPING_ORIGIN = "compare(parameters={...})"


def override(parameters: ParameterSet, parameter: str, value: Any, origin: str = "sensitivity sweep",
             citation: str | None = None) -> ParameterSet:
    """An override set that replaces every dated value of ``parameter`` with ``value`` (all scenarios).

    The single entry starts on the parameter's first built-in date, so it replaces the whole history; it is
    marked ``assumed`` (a what-if value) and names ``origin`` as its source. ``value`` is a number, None
    (e.g. "no cap") or a ``{scenario: value}`` mapping.
    """
    history = parameters.history(parameter)  # ParameterError with a did-you-mean for an unknown id
    first = history.values[0]
    replaced = history.values[-1].citation
    entry = {
        "effective_from": history.first_date(),
        "status": "assumed",
        "citation": citation or f"{origin} of {parameter} (replaces: {replaced})",
        "source": origin,
        "note": f"what-if value {value!r} set by {origin}",
    }
    if isinstance(value, Mapping):
        entry["scenarios"] = dict(value)
    else:
        entry["value"] = value
    return parse_parameters({parameter: {"description": first.description, "unit": history.values[-1].unit,
                                         "values": [entry]}}, origin)


def from_mapping(values: Mapping[str, Any], builtin: Callable[[str], ParameterSet],
                 origin: str = MAPPING_ORIGIN) -> ParameterSet:
    """``{id: value}`` (or ``{id: parameter-file entry with 'values'}``) → one override set.

    ``builtin(id)`` gives the built-in parameter set holding ``id`` (ParameterError when none does)."""
    merged: dict = {}
    for pid, v in values.items():
        pid = str(pid)
        if isinstance(v, Mapping) and "values" in v:  # a full parameter-file entry
            merged.update(parse_parameters({pid: v}, origin).histories)
        else:
            merged.update(override(builtin(pid), pid, v, origin=origin).histories)
    return ParameterSet(merged, origin)


def load_overrides(parameters: Any, builtin: Callable[[str], ParameterSet] | None = None) -> ParameterSet | None:
    """A user's parameter overrides: a path, several paths, a ParameterSet or a mapping ``{id: value}``
    (None: no overrides). ``builtin`` finds the built-in set of an id (needed for a mapping)."""
    if parameters is None:
        return None
    if isinstance(parameters, ParameterSet):
        return parameters
    if isinstance(parameters, Mapping):
        if builtin is None:
            raise ParameterError(f"{MAPPING_ORIGIN}: {{id: value}} needs the installed jurisdictions' parameters")
        return from_mapping(parameters, builtin)
    paths = [parameters] if isinstance(parameters, (str, Path)) else list(parameters)
    merged: dict = {}
    for p in paths:
        with with_example("parameters", "jp_reserve_rate_cold_aum", 0.02):
            merged.update(load_parameters(p, user_file=True).histories)
    return ParameterSet(merged, ", ".join(str(p) for p in paths))


def source_label(origin: str) -> str:
    """How an override set's origin is named in a citation: ``user file PATH`` or the Python argument."""
    return origin if origin.startswith(MAPPING_ORIGIN) else f"user file {origin}"


def finder(sets: Mapping[str, ParameterSet]) -> Callable[[str], ParameterSet]:
    """``builtin(id)`` over the parameter sets of several jurisdictions (by code)."""
    def builtin(pid: str) -> ParameterSet:
        for pset in sets.values():
            if pid in pset:
                return pset
        known = sorted({i for pset in sets.values() for i in pset.ids()})
        raise ParameterError(f"{MAPPING_ORIGIN}: parameter {pid!r} is not a parameter of any installed "
                             f"jurisdiction{did_you_mean(pid, known)}")
    return builtin


class with_example:
    """Context manager: a user file of bare values (``id: 0.10``) fails with the dated form it needs.

    ``kind`` names the argument (``parameters`` or ``assumptions``); ``pid`` and ``value`` the example used
    when the message does not name the offending id.
    """

    MARK = "each parameter needs a 'values' list"

    def __init__(self, kind: str, pid: str, value: Any) -> None:
        self.kind, self.pid, self.value = kind, pid, value

    def __enter__(self) -> "with_example":
        return self

    def __exit__(self, typ, err, tb) -> bool:
        if isinstance(err, ParameterError) and self.MARK in str(err) and "e.g." not in str(err):
            head = str(err).split(self.MARK)[0].rstrip(": ")
            pid = head.rsplit(": ", 1)[-1] if ": " in head else self.pid
            raise ParameterError(
                f"{err}: each value is dated and cited, e.g.\n"
                f"  {pid}:\n"
                f"    values:\n"
                f"      - {{effective_from: 2020-01-01, value: {self.value}, status: assumed, "
                f"citation: \"my estimate\"}}\n"
                f"(in Python, a bare value works: compare(..., {self.kind}={{\"{pid}\": {self.value}}}))"
            ) from None
        return False
