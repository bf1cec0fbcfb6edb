"""The README's table of assumed scope choices is the one generated from the plug-ins' declarations."""
from __future__ import annotations

from pathlib import Path

from comparisons.scope_table import assumed_scope_markdown, assumed_scope_rows
from jurisdictions.framework import discover

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_holds_the_generated_assumed_scope_table():
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- assumed-scope:start -->\n", "<!-- assumed-scope:end -->"
    block = text[text.index(start) + len(start):text.index(end)].strip()
    assert block == assumed_scope_markdown(discover().jurisdictions.values())


def test_every_assumed_service_of_every_declared_scope_is_in_the_table():
    js = list(discover().jurisdictions.values())
    rows = assumed_scope_rows(js)
    uk = rows[rows["regime / obligation"] == "uk.cryptopru"].iloc[0]
    assert uk["services in by assumption"] == "advice, portfolio_management, transfer"
    assert uk["reasoning"].startswith("advice, portfolio management and transfer are not named")
    kr = rows[rows["regime / obligation"] == "kr.bank_guideline"].iloc[0]
    assert kr["services in by assumption"] == "exchange_fiat"
    declared = sum(bool(r.scope and r.scope.assumed_services) for j in js for r in j.regimes) + sum(
        bool(s.scope and s.scope.assumed_services) for j in js for s in j.obligations)
    assert len(rows) == declared and (rows["reasoning"] != "").all()  # each with its reasoning
