"""A third party adds a market without touching xjur: the example plug-in ``examples/plugins/xjur-atlantis``
(a FICTIONAL market) installed as its own package into a fresh virtualenv, next to the deliberately broken
``examples/plugins/xjur-broken`` test fixture.

The virtualenv is built offline: ``python -m venv --without-pip``, a ``.pth`` file that adds the project
venv's site-packages (pandas, pip, setuptools and the editable xjur), then ``pip install --no-deps
--no-build-isolation --no-index`` of copies of the two plug-in directories. The CLI then runs as
``<venv>/bin/python -m comparisons.cli``. Worked examples of the Atlantis rules, computed by hand from its
(fictional) parameter file, are at the end; they run in-process on the plug-in imported from its source.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from comparisons import compare
from jurisdictions.framework import ParameterError, discover
from tests.conftest import AS_OF, ROOT, make_profile

PLUGINS = ROOT / "examples" / "plugins"
ATLANTIS_DIR = PLUGINS / "xjur-atlantis"


def load_atlantis():
    """The example plug-in object, imported from its source directory (the package is not installed here)."""
    mod = sys.modules.get("xjur_atlantis")
    if mod is None:
        pkg = ATLANTIS_DIR / "xjur_atlantis"
        spec = importlib.util.spec_from_file_location("xjur_atlantis", pkg / "__init__.py",
                                                      submodule_search_locations=[str(pkg)])
        mod = importlib.util.module_from_spec(spec)
        sys.modules["xjur_atlantis"] = mod
        spec.loader.exec_module(mod)
    return mod.jurisdiction


# A custodian and an adviser, in EUR (the plug-in's currency: no conversion).
PROFILES_YAML = """\
profiles:
  - name: Atlantis custodian
    currency: EUR
    services: [custody, exchange_fiat, trading_platform]
    client_crypto_assets: 200_000_000
    hot_wallet_share: 0.12
    client_fiat: 30_000_000
    annual_trading_volume: 5_000_000_000
    fixed_overheads: 2_000_000
    annual_operating_expenses: 4_000_000
    own_funds: 10_000_000
    recent_incident_losses: 600_000
  - name: Atlantis adviser
    currency: EUR
    services: [advice]
    client_crypto_assets: 0
    hot_wallet_share: 0
    client_fiat: 0
    annual_trading_volume: 0
    fixed_overheads: 100_000
    annual_operating_expenses: 400_000
    own_funds: 300_000
"""


# --- the installed plug-in, in a temporary virtualenv -------------------------------------------------------

def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PIP_INDEX_URL")}
    env.update(PIP_NO_INDEX="1", PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CONFIG_FILE=os.devnull,
               PYTHONNOUSERSITE="1", COLUMNS="200", NO_COLOR="1")
    return env


def _run(args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> dict:
    """A fresh virtualenv with xjur (through a .pth file) and the two plug-in packages installed."""
    from importlib.metadata import version

    have = tuple(int(x) for x in version("setuptools").split(".")[:2])
    assert have >= (70, 1), (f"setuptools {version('setuptools')} cannot build wheels without the `wheel` package; "
                             "the dev extra pins setuptools>=70.1: run `make install`")
    root = tmp_path_factory.mktemp("third_party")
    vdir = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", vdir], cwd=root)
    py = vdir / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")
    purelib = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root)
                   .stdout.strip())
    project_site = sysconfig.get_paths()["purelib"]  # the project venv running this test
    # addsitedir (not a bare path line) so that the project's own .pth files run: the editable xjur finder
    (purelib / "xjur_project_env.pth").write_text(f"import site; site.addsitedir({project_site!r})\n")
    src = root / "src"
    for name in ("xjur-atlantis", "xjur-broken"):  # build from copies: nothing is written into the repository
        shutil.copytree(PLUGINS / name, src / name,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    _run([py, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
          "--quiet", src / "xjur-atlantis", src / "xjur-broken"], cwd=root)
    (root / "profiles.yaml").write_text(PROFILES_YAML, encoding="utf-8")
    return {"python": py, "root": root, "purelib": purelib}


def xjur(venv: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return _run([venv["python"], "-m", "comparisons.cli", *args], cwd=venv["root"], check=check)


def test_plugin_is_installed_as_its_own_package(venv):
    # the distribution and its entry point live in the temporary venv, not in the project
    installed = sorted(p.name for p in venv["purelib"].glob("xjur_*.dist-info"))
    assert [n.split("-")[0] for n in installed] == ["xjur_atlantis", "xjur_broken"]
    ep = (venv["purelib"] / next(n for n in installed if n.startswith("xjur_atlantis")) / "entry_points.txt")
    assert "[xjur.jurisdictions]" in ep.read_text() and "ATL = xjur_atlantis:jurisdiction" in ep.read_text()
    assert (venv["purelib"] / "xjur_atlantis" / "parameters.yaml").is_file()  # package data shipped
    # the project environment itself does not know either plug-in: nothing in the core changed
    here = discover()
    assert "ATL" not in here.jurisdictions and "BROKEN" not in here.errors


def test_jurisdictions_lists_the_plugin_and_names_the_broken_one(venv):
    doc = json.loads(xjur(venv, "jurisdictions", "--json").stdout)
    codes = [j["code"] for j in doc["jurisdictions"]]
    assert "ATL" in codes and "EU" in codes  # the third-party market next to the built-ins
    atl = next(j for j in doc["jurisdictions"] if j["code"] == "ATL")
    assert atl["currency"] == "EUR"
    assert [(r["id"], r["status"]) for r in atl["regimes"]] == [("atl.vaa", "in_force"),
                                                                ("atl.incident_reserve", "proposed")]
    assert atl["parameters"] == 9  # the nine ids of its own parameters.yaml
    assert atl["parameter_dates"] == "2025-07-01 … 2027-01-01"
    # the broken plug-in: one error, under its name, saying what failed
    assert "BROKEN" in doc["errors"]
    assert "xjur_broken:jurisdiction" in doc["errors"]["BROKEN"]
    assert "RuntimeError" in doc["errors"]["BROKEN"] and "deliberately broken" in doc["errors"]["BROKEN"]
    assert "BROKEN" not in codes


def test_jurisdictions_table_reports_broken_plugin_by_name(venv):
    # `python -m comparisons` runs the same CLI as `python -m comparisons.cli` and the `xjur` script
    proc = _run([venv["python"], "-m", "comparisons", "jurisdictions"], cwd=venv["root"])
    assert "ATL" in proc.stdout and "Atlantis" in proc.stdout and "EU" in proc.stdout
    assert "plug-in BROKEN failed to load" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_compare_uses_the_installed_plugin(venv):
    proc = xjur(venv, "compare", "profiles.yaml", "-j", "ATL", "-j", "EU", "--as-of", AS_OF.isoformat(),
                "--currency", "EUR", "--scenario", "all", "--format", "json")
    doc = json.loads(proc.stdout)
    rows = {(r["profile"], r["jurisdiction"], r["obligation"], r["scenario"]): r for r in doc["obligations"]}
    c = "Atlantis custodian"
    # max(EUR 250,000 floor, 0.25 × EUR 4,000,000 = 1,000,000) = EUR 1,000,000
    assert rows[(c, "ATL", "minimum_capital", "")]["amount"] == pytest.approx(1_000_000)
    # 1.0 × EUR 200,000,000 × 12 % hot = EUR 24,000,000
    assert rows[(c, "ATL", "hot_wallet_cover", "")]["amount"] == pytest.approx(24_000_000)
    assert rows[(c, "ATL", "hot_wallet_cover", "")]["funding_forms"] == ["own_funds", "insurance", "bank_guarantee"]
    # (12 % − 10 % cap) × EUR 200,000,000 = EUR 4,000,000 to move to cold storage
    assert rows[(c, "ATL", "cold_storage_shortfall", "")]["amount"] == pytest.approx(4_000_000)
    assert rows[(c, "ATL", "client_money_segregation", "")]["amount"] == pytest.approx(30_000_000)
    # proposed reserve, one row per scenario: max(rate × 200m, 1.0 × 600,000 recent losses)
    assert rows[(c, "ATL", "incident_reserve", "low")]["amount"] == pytest.approx(600_000)     # 0.1 % → 200,000
    assert rows[(c, "ATL", "incident_reserve", "central")]["amount"] == pytest.approx(600_000)  # 0.25 % → 500,000
    assert rows[(c, "ATL", "incident_reserve", "high")]["amount"] == pytest.approx(1_000_000)   # 0.5 % → 1,000,000
    assert rows[(c, "ATL", "incident_reserve", "low")]["status"] == "assumed"   # the assumed loss floor binds
    assert rows[(c, "ATL", "incident_reserve", "high")]["status"] == "proposed"  # the consulted rate binds
    # the adviser holds no client crypto: blank cover, with the reason
    adv = rows[("Atlantis adviser", "ATL", "hot_wallet_cover", "")]
    assert adv["amount"] is None and adv["reason"].startswith("not in scope: hot_wallet_cover (atl.vaa) applies to "
                                                               "custodians")
    assert adv["reason"].endswith("would apply with services custody")
    # the built-in EU plug-in works in the same run: class 3, max(150,000, 0.25 × 2,000,000 = 500,000)
    assert rows[(c, "EU", "prudential_safeguards", "")]["amount"] == pytest.approx(500_000)
    assert any("fictional" in w["message"] for w in doc["warnings"])


def test_selecting_the_broken_plugin_is_a_clean_error(venv):
    proc = xjur(venv, "compare", "profiles.yaml", "-j", "BROKEN", "--as-of", AS_OF.isoformat(), check=False)
    assert proc.returncode == 2
    assert "BROKEN" in proc.stderr and "failed to load" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- the Atlantis rules in-process: worked examples from its parameter file ------------------------------

def atl_rows(*profiles, as_of=AS_OF, **kw):
    result = compare(list(profiles), jurisdictions=[load_atlantis()], as_of=as_of, currency="EUR", **kw)
    return result.obligations.set_index(["profile", "obligation", "scenario"])


def test_capital_floor_rises_on_its_amendment_date():
    small = make_profile(name="small", annual_operating_expenses=400_000)
    # 2026: max(EUR 250,000, 0.25 × 400,000 = 100,000) = EUR 250,000
    assert atl_rows(small).loc[("small", "minimum_capital", ""), "amount"] == 250_000
    # from 2027-01-01 (amendment, fictional): max(EUR 300,000, 100,000) = EUR 300,000
    row = atl_rows(small, as_of=dt.date(2027, 1, 1)).loc[("small", "minimum_capital", "")]
    assert row["amount"] == 300_000
    assert row["basis"] == "max(EUR 300,000 [floor], 0.25 × EUR 400,000 [annual opex]) = EUR 300,000"


def test_before_the_act_rows_are_blank_with_reasons():
    rows = atl_rows(make_profile(name="p", client_crypto_assets=1e6), as_of=dt.date(2025, 6, 30))
    vaa = rows[rows["regime"] == "atl.vaa"]
    assert len(vaa) == 4 and vaa["amount"].isna().all()
    assert vaa["reason"].str.contains("atl.vaa does not apply on 2025-06-30").all()
    # a proposal is a what-if on any date (DESIGN.md Contract 3): CP 26/1's first values are read.
    # make_profile offers custody: max(0.25 % × EUR 1,000,000, 1 × EUR 0) = EUR 2,500
    reserve = rows.loc[("p", "incident_reserve", "central")]
    assert reserve["amount"] == pytest.approx(0.0025 * 1e6) and reserve["status"] == "proposed"


def test_hot_cover_basis_and_insurance_cap_declared():
    rows = atl_rows(make_profile(name="p", client_crypto_assets=50_000_000, hot_wallet_share=0.04))
    # 1 × EUR 50,000,000 × 4 % = EUR 2,000,000
    assert rows.loc[("p", "hot_wallet_cover", ""), "basis"] == \
        "1 × EUR 50,000,000 × 4 % [hot share] = EUR 2,000,000"
    spec = load_atlantis().spec("hot_wallet_cover")
    assert spec.form_caps == (("insurance", "atl_hot_cover_insurance_share_max"),)
    assert load_atlantis().parameters().at("atl_hot_cover_insurance_share_max", AS_OF).number() == 0.5


def test_user_override_of_an_atlantis_parameter(tmp_path):
    override = tmp_path / "atl.yaml"
    override.write_text(
        "atl_hot_wallet_cap:\n  values:\n    - effective_from: 2026-01-01\n      value: 0.05\n"
        "      status: assumed\n      citation: what-if of a tighter cap\n", encoding="utf-8")
    p = make_profile(name="p", client_crypto_assets=100_000_000, hot_wallet_share=0.08)
    reg = discover().with_jurisdiction(load_atlantis())
    res = compare([p], jurisdictions=["ATL"], as_of=AS_OF, currency="EUR", parameters=str(override), registry=reg)
    row = res.obligations.set_index("obligation").loc["cold_storage_shortfall"]
    # (8 % − 5 %) × EUR 100,000,000 = EUR 3,000,000, marked assumed (the user's what-if)
    assert row["amount"] == pytest.approx(3_000_000)
    assert row["status"] == "assumed"


def test_reading_atlantis_parameters_before_their_first_date_is_an_error():
    params = load_atlantis().parameters()
    with pytest.raises(ParameterError, match="first value applies from 2025-07-01"):
        params.at("atl_capital_floor", dt.date(2025, 6, 30))


def test_notes_flag_hot_share_above_cap():
    res = compare([make_profile(name="p", client_crypto_assets=200_000_000, hot_wallet_share=0.12)],
                  jurisdictions=[load_atlantis()], as_of=AS_OF, currency="EUR")
    msgs = [w["message"] for w in res.warnings if w.get("profile") == "p"]
    # (12 % − 10 %) × EUR 200 m = EUR 4 m; a declared check ends with its citation
    assert msgs == ["hot-wallet share 12 % is above the 10 % cap: EUR 4,000,000 must move to cold storage "
                    "(Virtual Asset Act 2025 (Atlantis, fictional), s. 18(2))"]
