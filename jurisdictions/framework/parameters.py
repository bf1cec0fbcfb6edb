"""Dated, cited parameters (the OpenFisca way): one value per date, each with its legal reference.

A parameter file is YAML, a mapping from parameter id (the rulebook's id) to an entry::

    eu_pmc_class2:
      description: Permanent minimum capital of a class 2 CASP
      unit: EUR
      values:
        - effective_from: 2024-12-30
          value: 125000
          status: in_force
          citation: MiCA Art. 67(1)(a), Annex IV
          source: rulebook/eu_mica.md §4 (eu_pmc_class2)
          note: optional free text (for `assumed` values: the reasoning)

A status may carry the rulebook's flag ``†`` (``status: in_force †``): the value was not verified against the
primary text. The flag is kept (``ParameterValue.unverified``) and every row whose amount it decides cites
its instrument with `` †``.

A value may instead be given per scenario (``scenarios: {low: ..., central: ..., high: ...}``); ``null``
means "none" (e.g. no cap). Reading a parameter for a date before its first ``effective_from`` is an
error, never a silent 0.

A user's override file has the same format; each of its entries *replaces* the built-in history of that id
from its own ``effective_from`` on, and the output then names the user's file as the source.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

from . import input_policy as policy
from .errors import ParameterError, did_you_mean
from .obligations import SCENARIOS as _SCENARIOS  # Contract 2's scenario names
from .status import PARAMETER_STATUSES, UNVERIFIED_FLAG

_ENTRY_KEYS = {"effective_from", "value", "scenarios", "status", "citation", "source", "note", "unit"}


class _UniqueKeyLoader(policy.safe_base()):
    """The safe loader, refusing a key given twice in one mapping (YAML would silently keep the last)."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable key: construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date YAML cannot build (``2024-13-01``) stays a string, so the message names the parameter."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of one parameter, as read for an ``as_of`` date."""

    id: str
    value: Any  # a number, None (= none / unlimited) or a string rule; or per scenario (see `for_scenario`)
    unit: str
    effective_from: dt.date
    status: str
    citation: str
    source: str = ""
    note: str = ""
    description: str = ""
    scenarios: Mapping[str, Any] | None = None
    unverified: bool = False  # flagged † in the rulebook: not verified against the primary text

    def for_scenario(self, scenario: str | None) -> Any:
        """The value for one scenario (the plain value when the parameter has no scenarios)."""
        if self.scenarios is None:
            return self.value
        if scenario not in self.scenarios:
            raise ParameterError(
                f"parameter {self.id!r} has no value for scenario {scenario!r} (it has {sorted(self.scenarios)})"
            )
        return self.scenarios[scenario]

    def number(self, scenario: str | None = None) -> float:
        """The value as a float; ``None`` (no limit) reads as +inf."""
        v = self.for_scenario(scenario)
        if isinstance(v, str):
            raise ParameterError(f"parameter {self.id!r} is a rule ({v!r}), not a number")
        return math.inf if v is None else float(v)

    def label(self) -> str:
        """Short provenance label for tables: ``citation; status; from DATE``."""
        return f"{self.citation}; {self.status}; from {self.effective_from.isoformat()}"


@dataclass(frozen=True)
class ParameterHistory:
    """All dated values of one parameter, oldest first."""

    id: str
    values: tuple[ParameterValue, ...]

    def at(self, as_of: dt.date) -> ParameterValue:
        chosen = None
        for v in self.values:
            if v.effective_from <= as_of:
                chosen = v
        if chosen is None:
            first = self.values[0].effective_from
            raise ParameterError(
                f"parameter {self.id!r} has no value on {as_of.isoformat()}: its first value applies from "
                f"{first.isoformat()}"
            )
        return chosen

    def first_date(self) -> dt.date:
        return self.values[0].effective_from


@dataclass(frozen=True)
class ParameterSet:
    """The parameters of one jurisdiction (immutable; overrides return a new set)."""

    histories: Mapping[str, ParameterHistory]
    origin: str = ""

    def __contains__(self, pid: str) -> bool:
        return pid in self.histories

    def ids(self) -> list[str]:
        return sorted(self.histories)

    def history(self, pid: str) -> ParameterHistory:
        try:
            return self.histories[pid]
        except KeyError:
            raise ParameterError(f"unknown parameter {pid!r}{did_you_mean(pid, self.histories)}") from None

    def at(self, pid: str, as_of: dt.date) -> ParameterValue:
        return self.history(pid).at(as_of)

    def what_if(self, pid: str, as_of: dt.date) -> ParameterValue:
        """A proposal's parameter, evaluated whatever the date: the value on ``as_of``, or its first value
        when ``as_of`` comes before it (a what-if is not skipped for being early)."""
        hist = self.history(pid)
        return hist.at(max(as_of, hist.first_date()))

    def latest(self, pid: str) -> ParameterValue:
        return self.history(pid).values[-1]

    def snapshot(self, as_of: dt.date, ids: Iterable[str] | None = None) -> dict[str, ParameterValue]:
        """Every parameter (or the ones named) as read on ``as_of``."""
        return {pid: self.at(pid, as_of) for pid in (ids if ids is not None else self.ids())}

    def with_overrides(self, overrides: "ParameterSet") -> "ParameterSet":
        """A new set where each overridden id takes the user's values from their first date on.

        Only ids this set knows are taken: an override file may hold parameters of several jurisdictions,
        and the caller checks that every id of the file was used by some jurisdiction.
        """
        merged = dict(self.histories)
        for pid, hist in overrides.histories.items():
            if pid not in merged:
                continue
            start = hist.first_date()
            kept = tuple(v for v in merged[pid].values if v.effective_from < start)
            unit = merged[pid].values[-1].unit
            new = tuple(replace(v, unit=v.unit or unit) for v in hist.values)
            merged[pid] = ParameterHistory(pid, kept + new)
        return ParameterSet(MappingProxyType(merged), self.origin)


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"{where}: effective_from {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _check_value(v: Any, where: str) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ParameterError(f"{where}: value {v!r} is not a number, a rule string or null")
    if not math.isfinite(float(v)):
        raise ParameterError(f"{where}: value {v!r} is not finite")
    return v


def parse_parameters(data: Any, origin: str) -> ParameterSet:
    """Build a :class:`ParameterSet` from the parsed YAML of a parameter file (``origin`` names the file)."""
    if not isinstance(data, Mapping) or not data:
        raise ParameterError(f"{origin}: a parameter file is a non-empty mapping of parameter ids to entries")
    histories: dict[str, ParameterHistory] = {}
    for pid, entry in data.items():
        where = f"{origin}: {pid}"
        if not isinstance(entry, Mapping) or "values" not in entry:
            raise ParameterError(f"{where}: each parameter needs a 'values' list")
        unit = str(entry.get("unit", ""))
        desc = str(entry.get("description", ""))
        raw_values = entry["values"]
        if not isinstance(raw_values, list) or not raw_values:
            raise ParameterError(f"{where}: 'values' must be a non-empty list")
        vals = []
        for i, raw in enumerate(raw_values):
            w = f"{where}.values[{i}]"
            if not isinstance(raw, Mapping):
                raise ParameterError(f"{w}: each value is a mapping")
            unknown = set(raw) - _ENTRY_KEYS
            if unknown:
                k = sorted(unknown)[0]
                raise ParameterError(f"{w}: unknown key {k!r}{did_you_mean(k, _ENTRY_KEYS)}")
            for key in ("effective_from", "status", "citation"):
                if key not in raw:
                    raise ParameterError(f"{w}: missing {key!r}")
            if ("value" in raw) == ("scenarios" in raw):
                raise ParameterError(f"{w}: give exactly one of 'value' or 'scenarios'")
            status = str(raw["status"]).strip()
            unverified = status.endswith(UNVERIFIED_FLAG)
            status = status.rstrip(UNVERIFIED_FLAG).strip()
            if status not in PARAMETER_STATUSES:
                raise ParameterError(
                    f"{w}: status {status!r} is not one of {', '.join(PARAMETER_STATUSES)}"
                    f"{did_you_mean(status, PARAMETER_STATUSES)}"
                )
            scenarios = None
            value = None
            if "scenarios" in raw:
                if not isinstance(raw["scenarios"], Mapping) or not raw["scenarios"]:
                    raise ParameterError(f"{w}: 'scenarios' maps scenario names to values")
                for k in raw["scenarios"]:
                    if k not in _SCENARIOS:
                        raise ParameterError(f"{w}: unknown scenario {k!r}: use {', '.join(_SCENARIOS)}"
                                             f"{did_you_mean(str(k), _SCENARIOS)}")
                scenarios = {str(k): _check_value(v, f"{w}.scenarios.{k}") for k, v in raw["scenarios"].items()}
            else:
                value = _check_value(raw["value"], w)
            vals.append(
                ParameterValue(
                    id=str(pid),
                    value=value,
                    unit=str(raw.get("unit", unit)),
                    effective_from=_as_date(raw["effective_from"], w),
                    status=status,
                    unverified=unverified,
                    citation=str(raw["citation"]),
                    source=str(raw.get("source", origin)),
                    note=str(raw.get("note", "")).strip(),
                    description=desc,
                    scenarios=scenarios,
                )
            )
        vals.sort(key=lambda v: v.effective_from)
        for a, b in zip(vals, vals[1:]):
            if a.effective_from == b.effective_from:
                raise ParameterError(f"{where}: two values from {a.effective_from.isoformat()} (one value per date)")
        histories[str(pid)] = ParameterHistory(str(pid), tuple(vals))
    return ParameterSet(MappingProxyType(histories), origin)


def load_parameters(path: str | Path, *, user_file: bool = False, kind: str = "parameters") -> ParameterSet:
    """Read a parameter file (see :func:`_load_parameters`); parsed once per file version. ``kind`` is the
    input policy's kind of file (``parameters``, or ``assumptions`` for a cost-assumption file)."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError as e:
        raise ParameterError(f"{p}: cannot read parameter file ({e.strerror})") from None
    return _load_parameters(str(p), user_file, stat.st_mtime_ns, stat.st_size, kind)


@functools.lru_cache(maxsize=64)
def _load_parameters(path: str, user_file: bool, mtime_ns: int, size: int, kind: str = "parameters") -> ParameterSet:
    """Read a parameter file with the safe YAML loader.

    With ``user_file=True`` every value's ``source`` becomes the file's path, so that outputs show the
    user's file as the source of the values it replaced.
    """
    p = Path(path)
    # size, UTF-8, no aliases, bounded nesting, bounded values; the safe loader refusing duplicate keys too
    data = policy.load_checked_yaml(p, kind, ParameterError, loader=_UniqueKeyLoader)
    pset = parse_parameters(data, str(p))
    if user_file:
        pset = ParameterSet(
            {
                pid: ParameterHistory(pid, tuple(replace(v, source=f"user file {p}") for v in h.values))
                for pid, h in pset.histories.items()
            },
            str(p),
        )
    return pset
