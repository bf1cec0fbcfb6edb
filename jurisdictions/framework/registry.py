"""Discovery of jurisdiction plug-ins through the entry-point group ``xjur.jurisdictions``.

Each plug-in is loaded and checked on its own: one that fails to import, or that breaks the contract, is
reported by name in ``Registry.errors`` and the others keep working. The registry is an immutable value;
``with_jurisdiction`` returns a new one (for notebooks that define a plug-in in place).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Iterable, Mapping

from .currencies import ISO_4217
from .errors import PluginError, did_you_mean
from .obligations import CATEGORIES, FUNDING_FORMS
from .status import OUTPUT_STATUSES

GROUP = "xjur.jurisdictions"
_CODE = re.compile(r"[A-Z]{2,6}")
_REQUIRED_ATTRS = ("code", "name", "currency", "regimes", "obligations", "reads", "assess")


def check_plugin(obj: Any, name: str) -> Any:
    """Check an object against Contract 3; return it or raise :class:`PluginError` naming the plug-in."""
    if isinstance(obj, type):
        try:
            obj = obj()
        except Exception as e:  # noqa: BLE001 - any failure of a third party's constructor is reported
            raise PluginError(f"plug-in {name!r}: cannot instantiate {obj.__name__}: {e}") from None
    missing = [a for a in _REQUIRED_ATTRS if not hasattr(obj, a)]
    if missing:
        raise PluginError(f"plug-in {name!r}: missing {', '.join(missing)} (Contract 3)")
    if not callable(obj.assess):
        raise PluginError(f"plug-in {name!r}: assess is not callable")
    if not isinstance(obj.code, str) or not _CODE.fullmatch(obj.code):
        raise PluginError(f"plug-in {name!r}: code {obj.code!r} must be 2-6 upper-case letters")
    try:
        _check_declarations(obj, name)
    except (AttributeError, TypeError) as e:  # e.g. a regime that is not a Regime, obligations not a tuple
        raise PluginError(f"plug-in {name!r}: malformed declaration: {type(e).__name__}: {e}") from None
    return obj


def _check_declarations(obj: Any, name: str) -> None:
    if obj.currency not in ISO_4217:
        raise PluginError(f"plug-in {name!r}: currency {obj.currency!r} is not an ISO 4217 code")
    regime_ids = set()
    for r in obj.regimes:
        regime_ids.add(r.id)
        if r.status not in OUTPUT_STATUSES:
            raise PluginError(f"plug-in {name!r}: regime {r.id} has status {r.status!r}")
        if r.in_force_from is not None and not isinstance(r.in_force_from, dt.date):
            raise PluginError(f"plug-in {name!r}: regime {r.id} in_force_from must be a date")
    for s in obj.obligations:
        if s.regime not in regime_ids:
            raise PluginError(f"plug-in {name!r}: obligation {s.id} names unknown regime {s.regime!r}")
        if s.category not in CATEGORIES:
            raise PluginError(f"plug-in {name!r}: obligation {s.id} has category {s.category!r}")
        bad = [f for f in s.funding_forms if f not in FUNDING_FORMS]
        if bad:
            raise PluginError(f"plug-in {name!r}: obligation {s.id} has funding forms {bad}")


@dataclass(frozen=True)
class Registry:
    """The jurisdictions that loaded, by code, and the errors of those that did not, by plug-in name."""

    jurisdictions: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)

    def codes(self) -> list[str]:
        return list(self.jurisdictions)

    def get(self, code: str) -> Any:
        c = code.strip().upper()
        if c in self.jurisdictions:
            return self.jurisdictions[c]
        if c in self.errors:
            raise PluginError(f"jurisdiction {c} is installed but failed to load: {self.errors[c]}")
        raise PluginError(
            f"unknown jurisdiction {code!r}; installed: {', '.join(self.jurisdictions) or 'none'}"
            f"{did_you_mean(c, self.jurisdictions)}"
        )

    def select(self, codes: Iterable[Any] | None) -> list[Any]:
        """The jurisdictions asked for (codes or plug-in objects), all loaded ones when ``codes`` is None."""
        if codes is None:
            return list(self.jurisdictions.values())
        out = []
        for c in codes:
            out.append(self.get(c) if isinstance(c, str) else check_plugin(c, getattr(c, "code", repr(c))))
        seen: dict[str, Any] = {}
        for j in out:
            seen.setdefault(j.code, j)
        return list(seen.values())

    def with_jurisdiction(self, obj: Any) -> "Registry":
        """A new registry with one more (or a replaced) jurisdiction."""
        j = check_plugin(obj, getattr(obj, "code", repr(obj)))
        return Registry({**self.jurisdictions, j.code: j}, self.errors)


def discover() -> Registry:
    """Load every plug-in of the ``xjur.jurisdictions`` entry-point group, each on its own."""
    found: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            obj = check_plugin(ep.load(), ep.name)
            if obj.code != ep.name:
                raise PluginError(f"plug-in {ep.name!r}: entry point name and code {obj.code!r} differ")
            if obj.code in found:
                raise PluginError(f"plug-in {ep.name!r}: code {obj.code} is declared twice")
            found[obj.code] = obj
        except PluginError as e:
            errors[ep.name] = str(e)
        except Exception as e:  # noqa: BLE001 - a broken third-party plug-in must not break the others
            errors[ep.name] = f"plug-in {ep.name!r} ({ep.value}) failed to load: {type(e).__name__}: {e}"
    order = {c: i for i, c in enumerate(("JP", "EU", "HK", "KR", "SG", "AE", "UK", "US", "BR", "CA", "CH", "AU", "TH"))}
    ordered = dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))
    return Registry(ordered, errors)
