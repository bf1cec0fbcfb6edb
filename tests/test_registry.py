"""The registry: entry-point discovery, broken plug-ins reported by name, check_plugin, with_jurisdiction."""
from __future__ import annotations

import datetime as dt
import sys
from importlib.metadata import EntryPoint
from types import SimpleNamespace

import pytest

from jurisdictions.eu_mica import EUMiCA
from jurisdictions.framework import ObligationSpec, PluginError, Regime, Registry, check_plugin, discover
from jurisdictions.framework import registry as registry_module
from jurisdictions.framework.registry import GROUP
from tests.test_third_party_plugin import load_atlantis

REGIME = Regime("min.r", "Minimal rule", "in_force", dt.date(2025, 1, 1), "Minimal Act s. 1")
SPEC = ObligationSpec(id="floor", regime="min.r", category="capital", funding_forms=("own_funds",),
                      formula="a floor", citation="Minimal Act s. 2")


def plugin(**overrides) -> SimpleNamespace:
    """A duck-typed plug-in (no base class needed): the Contract 3 attributes, any of them replaced."""
    attrs = dict(code="MIN", name="Minimal", currency="EUR", regimes=(REGIME,), obligations=(SPEC,),
                 reads=("fixed_overheads",), assess=lambda profiles, as_of, scenarios=("central",): None)
    attrs.update(overrides)
    return SimpleNamespace(**attrs)


# --- discovery ------------------------------------------------------------------------------------------

def test_discover_loads_the_built_ins_in_design_order():
    reg = discover()
    assert isinstance(reg.get("EU"), EUMiCA)
    order = ["JP", "EU", "HK", "KR", "SG", "AE", "UK", "US", "BR", "CA", "CH", "AU", "TH"]
    loaded = [c for c in reg.codes() if c in order]
    assert loaded == [c for c in order if c in loaded]  # JP, EU, HK, ... in the order of DESIGN.md
    assert "EU" in loaded
    for code, j in reg.jurisdictions.items():
        assert j.code == code


@pytest.fixture
def fake_entry_points(monkeypatch, tmp_path):
    """Replace the installed entry points by the ones a test declares; write their modules to tmp_path."""
    load_atlantis()  # the example plug-in module, importable as ``xjur_atlantis``
    (tmp_path / "xjt_raises.py").write_text('raise ImportError("needs libfoo, which is not installed")\n')
    (tmp_path / "xjt_plugins.py").write_text(
        "from tests.test_registry import plugin\n"
        "good = plugin()\n"
        "bad_currency = plugin(code='BAD', currency='EURO')\n"
        "class Boom:\n"
        "    def __init__(self):\n"
        "        raise ValueError('no configuration file')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("xjt_raises", "xjt_plugins"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    def declare(*pairs: tuple[str, str]) -> None:
        eps = [EntryPoint(name, value, GROUP) for name, value in pairs]
        monkeypatch.setattr(registry_module, "entry_points",
                            lambda group: [e for e in eps if e.group == group])
    return declare


def test_broken_plugins_are_reported_by_name_and_the_others_keep_working(fake_entry_points):
    fake_entry_points(
        ("ATL", "xjur_atlantis:jurisdiction"),
        ("EU", "jurisdictions.eu_mica:jurisdiction"),
        ("MIN", "xjt_plugins:good"),
        ("RAISES", "xjt_raises:jurisdiction"),
        ("NOATTR", "xjt_plugins:missing"),
        ("BAD", "xjt_plugins:bad_currency"),
        ("BOOM", "xjt_plugins:Boom"),
        ("OTHER", "xjt_plugins:good"),  # entry point name differs from the object's code
    )
    reg = discover()
    assert reg.codes() == ["EU", "ATL", "MIN"]  # built-ins first (DESIGN order), then alphabetical
    assert sorted(reg.errors) == ["BAD", "BOOM", "NOATTR", "OTHER", "RAISES"]
    assert reg.errors["RAISES"] == ("plug-in 'RAISES' (xjt_raises:jurisdiction) failed to load: ImportError: "
                                    "needs libfoo, which is not installed")
    assert reg.errors["NOATTR"].startswith("plug-in 'NOATTR' (xjt_plugins:missing) failed to load: AttributeError")
    assert reg.errors["BAD"] == "plug-in 'BAD': currency 'EURO' is not an ISO 4217 code"
    assert reg.errors["BOOM"] == "plug-in 'BOOM': cannot instantiate Boom: no configuration file"
    assert reg.errors["OTHER"] == "plug-in 'OTHER': entry point name and code 'MIN' differ"
    # asking for a broken one is a clear error naming it; the loaded ones still work
    with pytest.raises(PluginError, match="jurisdiction RAISES is installed but failed to load: .*needs libfoo"):
        reg.get("RAISES")
    assert reg.get("atl").code == "ATL"


def test_the_same_code_declared_twice_keeps_the_first(fake_entry_points):
    fake_entry_points(("MIN", "xjt_plugins:good"), ("MIN", "xjt_plugins:good"))
    reg = discover()
    assert reg.codes() == ["MIN"]
    assert reg.errors == {"MIN": "plug-in 'MIN': code MIN is declared twice"}


def test_no_plugins_installed(fake_entry_points):
    fake_entry_points()
    reg = discover()
    assert reg.codes() == [] and reg.errors == {}
    with pytest.raises(PluginError, match="unknown jurisdiction 'EU'; installed: none"):
        reg.get("EU")


# --- lookups --------------------------------------------------------------------------------------------

def test_get_is_case_and_space_insensitive_and_hints_on_typos():
    reg = Registry({"EU": EUMiCA(), "ATL": load_atlantis()})
    assert reg.get(" eu ").code == "EU"
    with pytest.raises(PluginError, match=r"unknown jurisdiction 'ATLL'; installed: EU, ATL \(did you mean 'ATL'\?\)"):
        reg.get("ATLL")


def test_select_codes_objects_and_duplicates():
    eu, atl = EUMiCA(), load_atlantis()
    reg = Registry({"EU": eu})
    assert reg.select(None) == [eu]
    assert reg.select(["EU", "eu"]) == [eu]  # the same jurisdiction once
    assert reg.select(["EU", atl]) == [eu, atl]  # an object not in the registry is checked and used
    with pytest.raises(PluginError, match="plug-in 'MIN': currency 'EURO'"):
        reg.select([plugin(currency="EURO")])


def test_with_jurisdiction_returns_a_new_registry():
    eu, atl = EUMiCA(), load_atlantis()
    base = Registry({"EU": eu}, {"BROKEN": "failed"})
    more = base.with_jurisdiction(atl)
    assert more.codes() == ["EU", "ATL"] and more.errors == {"BROKEN": "failed"}
    assert base.codes() == ["EU"]  # unchanged: registries are values
    replaced = more.with_jurisdiction(plugin(code="EU", name="my EU"))
    assert replaced.get("EU").name == "my EU" and replaced.codes() == ["EU", "ATL"]
    with pytest.raises(PluginError, match="code 'eu' must be 2-6 upper-case letters"):
        base.with_jurisdiction(plugin(code="eu"))


# --- check_plugin ---------------------------------------------------------------------------------------

def test_check_plugin_accepts_an_object_and_instantiates_a_class():
    p = plugin()
    assert check_plugin(p, "MIN") is p
    inst = check_plugin(EUMiCA, "EU")
    assert isinstance(inst, EUMiCA)


@pytest.mark.parametrize("overrides, message", [
    ({"assess": "not a function"}, "plug-in 'X': assess is not callable"),
    ({"code": "mi"}, "plug-in 'X': code 'mi' must be 2-6 upper-case letters"),
    ({"code": "M"}, "plug-in 'X': code 'M' must be 2-6 upper-case letters"),
    ({"code": "MINIMAL"}, "plug-in 'X': code 'MINIMAL' must be 2-6 upper-case letters"),
    ({"code": "M1"}, "plug-in 'X': code 'M1' must be 2-6 upper-case letters"),
    ({"code": "M N"}, "plug-in 'X': code 'M N' must be 2-6 upper-case letters"),
    ({"code": 42}, "plug-in 'X': code 42 must be 2-6 upper-case letters"),
    ({"currency": "EURO"}, "plug-in 'X': currency 'EURO' is not an ISO 4217 code"),
    ({"regimes": (Regime("min.r", "R", "draft", None, "c"),)}, "plug-in 'X': regime min.r has status 'draft'"),
    ({"regimes": (Regime("min.r", "R", "in_force", "2025-01-01", "c"),)},
     "plug-in 'X': regime min.r in_force_from must be a date"),
    ({"obligations": (ObligationSpec("floor", "min.other", "capital", ("own_funds",), "f", "c"),)},
     "plug-in 'X': obligation floor names unknown regime 'min.other'"),
    ({"obligations": (ObligationSpec("floor", "min.r", "capitl", ("own_funds",), "f", "c"),)},
     "plug-in 'X': obligation floor has category 'capitl'"),
    ({"obligations": (ObligationSpec("floor", "min.r", "capital", ("own_funds", "cash"), "f", "c"),)},
     "plug-in 'X': obligation floor has funding forms ['cash']"),
    ({"regimes": ("min.r",)}, "plug-in 'X': malformed declaration: AttributeError"),
    ({"currency": ["EUR"]}, "plug-in 'X': malformed declaration: TypeError"),
])
def test_check_plugin_failures_name_the_plugin(overrides, message):
    with pytest.raises(PluginError) as e:
        check_plugin(plugin(**overrides), "X")
    assert str(e.value).startswith(message)


def test_check_plugin_lists_every_missing_attribute():
    with pytest.raises(PluginError, match=r"^plug-in 'X': missing currency, reads \(Contract 3\)$"):
        check_plugin(SimpleNamespace(**{k: v for k, v in vars(plugin()).items() if k not in ("currency", "reads")}),
                     "X")
