"""``import comparisons`` and ``xjur compare one.yaml`` do not pay for charts, notebooks or Excel.

Each check runs in a fresh interpreter (a subprocess), since this test process has imported everything.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import yaml

from tests.conftest import ROOT, make_profile

#: modules that only charts (altair, vl-convert), notebooks (jupyter) and Excel (openpyxl) need
HEAVY = ("altair", "vl_convert", "openpyxl", "jupyter_client", "jupyter_core", "nbclient", "nbformat",
         "ipykernel", "IPython", "matplotlib")


def loaded_after(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; the HEAVY modules then in sys.modules."""
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print("@@" + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    line = next(x for x in r.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])


@pytest.fixture
def one_yaml(tmp_path):
    p = tmp_path / "one.yaml"
    p.write_text(yaml.safe_dump(make_profile(name="one", services=["custody", "trading_platform"],
                                             client_crypto_assets=1e8, hot_wallet_share=0.04), sort_keys=False))
    return p


def test_the_heavy_modules_are_installed():
    # otherwise the checks below would pass for the wrong reason
    assert set(loaded_after("import altair, openpyxl, nbclient")) >= {"altair", "openpyxl", "nbclient"}


def test_importing_comparisons_is_light():
    assert loaded_after("import comparisons\nfrom comparisons import compare, load_profiles, explain") == []


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_compare_of_one_profile_is_light(one_yaml, fmt):
    code = f"""
        import contextlib, io, sys
        from comparisons.cli import main
        sys.argv = ["xjur", "compare", {str(one_yaml)!r}, "--format", {fmt!r}, "--as-of", "2026-11-25"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                main()
            except SystemExit as e:
                assert not e.code, e.code
        assert "one" in out.getvalue()
    """
    assert loaded_after(code) == []


def test_python_api_compare_and_costs_are_light(one_yaml):
    code = f"""
        from comparisons import compare
        r = compare({str(one_yaml)!r}, ["EU"], as_of="2026-11-25", currency="EUR")
        r.to_json()
        assert len(r.obligations) == 2
    """
    assert loaded_after(code) == []
