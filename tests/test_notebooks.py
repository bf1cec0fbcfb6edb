"""Every notebook in notebooks/ runs top to bottom (cwd = notebooks/); one test per notebook.

The notebooks are committed without outputs; a notebook that breaks (an API change, a failing check cell)
fails the build. Executed, their charts load nothing from the network (altair's html renderer with the Vega
libraries inlined by vl-convert).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_quickstart", "02_japan_reserve_uncertainty", "03_incident_stress", "04_multi_market_plan",
         "05_add_a_jurisdiction", "06_timeline"]


def test_the_six_notebooks_are_there_and_nothing_else():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook with no code"
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    except CellExecutionError as e:  # the failing cell and its traceback, not nbclient's internals
        pytest.fail(f"{name}.ipynb failed:\n{e}", pytrace=False)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # the chart cells produced charts drawn by Vega bundled inline (altair's html renderer, inline template)
    outs = [o for c in code for o in c.outputs if o.output_type in ("display_data", "execute_result")]
    charts = [o.data["text/html"] for o in outs if "vegaEmbed(" in o.data.get("text/html", "")]
    assert charts
    # offline: no output loads a script or a stylesheet from the network (links a reader clicks are fine)
    html = "\n".join(o.data.get("text/html", "") for o in outs)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)  # every script is inline
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"cdn\.jsdelivr|unpkg\.com|require(js)?\.config", html, re.I)
    assert not any(m.startswith("application/vnd.vegalite") for o in outs for m in o.data)  # no CDN-backed mimetype
