"""xjur comparisons: run many profiles through many jurisdictions (Contract 4).

    from comparisons import compare, load_profiles
    result = compare(load_profiles("examples/profiles.yaml"), jurisdictions=["JP", "EU", "HK"],
                     as_of="2026-11-25", currency="USD", scenarios=["central"])
"""
from importlib.metadata import PackageNotFoundError, version

from .compare import ComparisonResult, compare
from .explain import explain
from .load import load_profiles

try:
    __version__ = version("xjur")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["ComparisonResult", "__version__", "compare", "explain", "load_profiles"]
