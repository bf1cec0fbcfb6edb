"""xjur comparisons: run many profiles through many jurisdictions (Contract 4).

    from comparisons import compare, load_profiles
    result = compare(load_profiles("examples/profiles.yaml"), jurisdictions=["JP", "EU", "HK"],
                     as_of="2026-11-25", currency="USD", scenarios=["central"])

Also here (loaded on first use): ``sweep`` (one parameter over a grid), ``stress`` and ``load_incidents``
(past hacks replayed), ``plan`` (multi-market licensing plans), ``timeline`` (obligations and costs year by
year), ``charts``.
"""
import sys
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from .compare import ComparisonResult, compare
from .explain import explain
from .load import load_profiles

try:
    __version__ = version("xjur")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

# Loaded on first use, so that `import comparisons` stays light (see tests/test_lazy_imports.py).
_LAZY = {
    "stress": ("stress", "stress"),
    "StressResult": ("stress", "StressResult"),
    "load_incidents": ("stress.incidents", "load_incidents"),
    "plan": ("planning", "plan"),
    "PlanResult": ("planning", "PlanResult"),
    "sweep": ("sensitivity", "sweep"),
    "timeline": ("timeline", "timeline"),
    "TimelineResult": ("timeline", "TimelineResult"),
    "charts": ("report.charts", None),  # the module: ``from comparisons import charts``
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        loaded = import_module(f".{module}", __name__)
        return loaded if attr is None else getattr(loaded, attr)
    raise AttributeError(f"module 'comparisons' has no attribute {name!r}")


def _function_over_subpackage(name: str) -> property:
    """A package attribute that is the function ``name`` of the subpackage of the same name, also once the
    subpackage is imported (the import system then sets the attribute to the subpackage: that assignment is
    ignored). The subpackage stays importable by its dotted name (``from comparisons.stress import replay``)."""
    from importlib import import_module

    return property(lambda self: getattr(import_module(f".{name}", __name__), name), lambda self, _module: None,
                    doc=f"``comparisons.{name}`` is the function (the subpackage stays importable by its dotted name).")


class _Package(ModuleType):
    """``comparisons.stress`` and ``comparisons.timeline`` are the functions (see :func:`_function_over_subpackage`)."""

    stress = _function_over_subpackage("stress")
    timeline = _function_over_subpackage("timeline")


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    """Every public name, the lazily loaded ones included (tab completion in Jupyter and IPython)."""
    return sorted(__all__)


__all__ = ["ComparisonResult", "__version__", "compare", "explain", "load_profiles", *_LAZY]
