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


class _Package(ModuleType):
    """``comparisons.stress`` is the function, also once the subpackage of the same name is imported (the import
    system then sets the package attribute to the subpackage: that assignment is ignored here). The subpackage
    stays importable by its dotted name (``from comparisons.stress import replay``)."""

    @property
    def stress(self):
        from .stress import stress

        return stress

    @stress.setter
    def stress(self, _module) -> None:
        pass

    @property
    def timeline(self):
        """``comparisons.timeline`` is the function (the subpackage stays importable by its dotted name)."""
        from .timeline import timeline

        return timeline

    @timeline.setter
    def timeline(self, _module) -> None:
        pass


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    """Every public name, the lazily loaded ones included (tab completion in Jupyter and IPython)."""
    return sorted(__all__)


__all__ = ["ComparisonResult", "__version__", "compare", "explain", "load_profiles", *_LAZY]
