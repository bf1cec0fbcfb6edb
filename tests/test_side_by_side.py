"""Three markets side by side (JP, EU, HK): the wide DataFrame, the rich tables and `xjur compare`; and
every market on a narrow terminal (80 columns, pipes), in blocks, with no identifier broken.

A reader must see capital against capital and loss cover against loss cover: every profile has rows per
category, in the fixed category order, with one column per jurisdiction.
"""
from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from rich.cells import cell_len
from rich.console import Console

from jurisdictions.framework import discover
from comparisons import compare, load_profiles
from comparisons.report.terminal import fit_blocks, regime_columns, side_by_side_tables
from jurisdictions.framework import CATEGORIES
from tests.conftest import AS_OF, EXAMPLES, run_xjur

# the wide table keeps profiles in input order, so its MultiIndex is not lexsorted: .loc warns, harmlessly
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.PerformanceWarning")

CODES = ["JP", "EU", "HK"]
PROFILES = EXAMPLES / "profiles.yaml"
HK_PLATFORM = "Hong Kong platform (illustrative)"
ADVISER = "Lisbon crypto adviser (illustrative)"


@pytest.fixture(scope="module")
def result():
    return compare(str(PROFILES), jurisdictions=CODES, as_of=AS_OF, currency="USD")


@pytest.fixture(scope="module")
def wide(result):
    return result.side_by_side()


def test_wide_table_has_a_column_per_jurisdiction_and_rows_per_category(result, wide):
    assert list(wide.columns) == CODES
    assert list(wide.index.names) == ["profile", "category", "item"]
    names = list(load_profiles(str(PROFILES))["name"])
    assert list(dict.fromkeys(wide.index.get_level_values("profile"))) == names  # input order kept
    for name in names:
        cats = list(dict.fromkeys(wide.loc[name].index.get_level_values("category")))
        assert cats == [c for c in CATEGORIES if c in cats]  # capital, liquidity, loss_cover, custody, client_money
        # the adviser offers no exchange, platform or custody service: no market asks it for loss cover
        assert {"capital", "client_money"} | ({"loss_cover"} if name != ADVISER else set()) <= set(cats)
    # every trading platform meets all five categories in at least one market
    assert list(dict.fromkeys(wide.loc[HK_PLATFORM].index.get_level_values("category"))) == list(CATEGORIES)


def test_capital_sits_against_capital_and_loss_cover_against_loss_cover(result, wide):
    hk = wide.loc[HK_PLATFORM]
    capital = hk.loc["capital"]
    # each market's capital obligation is in the capital block, in its own column
    assert capital.loc["minimum_capital", "JP"] > 0 and np.isnan(capital.loc["minimum_capital", "HK"])
    assert capital.loc["prudential_safeguards", "EU"] > 0
    assert capital.loc["paid_up_capital", "HK"] > 0 and capital.loc["liquid_capital", "HK"] > 0
    # within a category, obligations follow the jurisdiction order (JP's, then EU's, then HK's)
    assert list(capital.index) == ["minimum_capital", "prudential_safeguards", "paid_up_capital", "liquid_capital"]
    loss = hk.loc["loss_cover"]
    assert loss.loc["compensation_cover", "HK"] > 0
    assert loss.loc["performance_guarantee_crypto", "JP"] >= 0
    # the one shared obligation id sits on one row with both markets filled
    both = hk.loc[("custody", "cold_storage_shortfall")]
    assert not np.isnan(both["JP"]) and not np.isnan(both["HK"]) and np.isnan(both["EU"])


def test_wide_values_are_the_obligations_in_the_reference_currency(result, wide):
    ob = result.obligations.set_index(["profile", "jurisdiction", "obligation"])
    for code, obligation, cat in (("HK", "compensation_cover", "loss_cover"), ("EU", "prudential_safeguards", "capital"),
                                  ("JP", "minimum_capital", "capital")):
        assert wide.loc[(HK_PLATFORM, cat, obligation), code] == ob.loc[(HK_PLATFORM, code, obligation), "amount_ref"]
    # HK platform, 2 % hot: 0.5 × HKD 9.8 bn + 1.0 × HKD 0.2 bn = HKD 5.1 bn, shown in USD
    usd = wide.loc[(HK_PLATFORM, "loss_cover", "compensation_cover"), "HK"]
    assert usd == pytest.approx(5.1e9 * result.fx.rate("HKD", "USD"), rel=1e-12)
    local = result.side_by_side(value="amount")
    assert local.loc[(HK_PLATFORM, "loss_cover", "compensation_cover"), "HK"] == pytest.approx(5.1e9, rel=1e-12)
    assert local.columns.name == "local amount"


def test_market_that_does_not_apply_leaves_its_column_blank(wide, result):
    # a crypto adviser is not a Hong Kong trading platform: the VATP rows carry a reason and no amount; it
    # receives and transmits orders, so the planned dealer regime asks for its capital (proposed)
    hk_wide = wide.loc[ADVISER, "HK"]
    assert hk_wide.drop(index="planned_paid_up_capital", level="item").isna().all()
    assert wide.loc[ADVISER, "EU"].notna().any()
    hk = result.obligations.query("profile == @ADVISER and jurisdiction == 'HK'")
    vatp = hk[hk["regime"] == "hk.sfc_vatp"]
    assert len(vatp) == 6 and vatp["reason"].str.contains("not a virtual asset trading platform").all()
    planned = hk[hk["regime"] == "hk.va_dealer_custodian"].iloc[0]
    assert planned["amount"] == 5_000_000 and planned["status"] == "proposed"  # HK$5 m for a dealer


def _render(result, width=170) -> dict[str, list[str]]:
    """The rendered text of each profile's table, as lines."""
    out = {}
    for name, table in zip(result.profiles["name"], side_by_side_tables(result)):
        con = Console(width=width, record=True, file=io.StringIO())
        con.print(table)
        out[name] = con.export_text().splitlines()
    return out


def _row_line(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith("│ " + label))


def test_rich_tables_line_up_categories_across_three_markets(result):
    text = _render(result)
    assert set(text) == set(result.profiles["name"])
    lines = text[HK_PLATFORM]
    header = next(line for line in lines if "category" in line)
    assert header.index("JP (JPY)") < header.index("EU (EUR)") < header.index("HK (HKD)")
    # the first line of each category row holds every market's first obligation of that category
    cap = _row_line(lines, "capital")
    assert cap.index("minimum_capital") < cap.index("prudential_safeguards") < cap.index("paid_up_capital")
    loss = _row_line(lines, "loss cover")
    assert loss.index("performance_guarantee_crypto") < loss.index("—") < loss.index("compensation_cover")
    money = _row_line(lines, "client money")
    assert money.index("client_fiat_trust") < money.index("client_funds_safeguarding") < \
        money.index("client_fiat_segregation")
    # the amount line under HK's compensation cover: USD amount with the local HKD 5.1 bn beside it
    assert any("(HKD 5.1 bn)" in line for line in lines)
    order = [next(i for i, line in enumerate(lines) if line.startswith("│ " + c.replace("_", " ")))
             for c in CATEGORIES]
    assert order == sorted(order)


def test_rich_table_footnotes_the_reason_for_blank_amounts(result):
    lines = _render(result)[ADVISER]
    assert any("n/a [1]" in line for line in lines)
    # the footnote gives the reason: the adviser is outside the scope of a regime, and what would bring it in
    notes = " ".join(lines[next(i for i, line in enumerate(lines) if line.startswith("[1] ")):])
    assert notes.startswith("[1] not in scope: ") and "would apply with services" in notes.split("[2]")[0]


def test_cli_compare_three_markets(tmp_path):
    from typer.testing import CliRunner

    from comparisons.cli import app

    runner = CliRunner()
    out = tmp_path / "table.txt"
    r = runner.invoke(app, ["compare", str(PROFILES), "-j", "JP", "-j", "EU", "-j", "HK", "--as-of", "2026-11-25",
                            "--output", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    for name in load_profiles(str(PROFILES))["name"]:
        assert f"{name} — amounts in USD" in text
    assert text.count("JP (JPY)") == text.count("EU (EUR)") == text.count("HK (HKD)") == 6
    assert "Investor Compensation Fund does not cover virtual assets" in " ".join(r.output.split())

    r = runner.invoke(app, ["compare", str(PROFILES), "-j", "JP", "-j", "EU", "-j", "HK", "--as-of", "2026-11-25",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    seen = {(row["profile"], row["jurisdiction"]) for row in doc["obligations"]}
    assert seen == {(n, c) for n in load_profiles(str(PROFILES))["name"] for c in CODES}
    assert any("Investor Compensation Fund" in w["message"] and w["profile"] == "" for w in doc["warnings"])


# -- narrow terminals (issue 18, item 2): every market shown in blocks, no identifier broken --------------
def _whole(ident: str, text: str) -> int:
    """How often ``ident`` occurs as a whole identifier (not inside a longer one)."""
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(ident)}(?![A-Za-z0-9_])", text))


def test_fit_blocks_packs_columns_in_order_within_the_width():
    # lead 16 cells; columns of 28, 25, 12, 12 cells each take 3 more for padding and rule
    # 16 + 31 + 28 = 75 ≤ 80 → [0, 1]; then 16 + 15 + 15 = 46 → [2, 3]
    assert fit_blocks([28, 25, 12, 12], lead=16, total=80) == [[0, 1], [2, 3]]
    # at 200 cells all four fit: 16 + 31 + 28 + 15 + 15 = 105
    assert fit_blocks([28, 25, 12, 12], lead=16, total=200) == [[0, 1, 2, 3]]
    # a column wider than what is left beside the labels gets a block of its own
    assert fit_blocks([70, 5], lead=16, total=80) == [[0], [1]]


def test_compare_at_80_columns_shows_every_market_and_whole_identifiers():
    r = run_xjur("compare", str(PROFILES), "--as-of", "2026-11-25", columns=80, timeout=900)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    result = compare(str(PROFILES), as_of=AS_OF, currency="USD")
    codes = [j.code for j in result.jurisdictions]
    assert len(codes) == len(discover().jurisdictions) == 13  # every installed market
    for j in result.jurisdictions:  # each market's column header once per profile
        assert text.count(f"{j.code} ({j.currency})") == len(result.profiles)
    # every row's obligation id is printed whole, once per row (a broken id would not be counted)
    ob = result.obligations
    for ident, n in ob["obligation"].value_counts().items():
        assert _whole(ident, text) >= n, ident
    # the blocks keep the comparison's market order: JP's block comes before UK's for the first profile
    first = text.split(result.profiles["name"].iloc[1])[0]
    pos = [first.index(f"{c} ({j.currency})") for c, j in zip(codes, result.jurisdictions)]
    assert pos == sorted(pos)


def _fake_result(n_markets: int, ids: list[str]) -> SimpleNamespace:
    """A comparison of one profile across ``n_markets`` made-up markets, each with every obligation of ``ids``
    (capital) at USD 1,000,000 × its position."""
    codes = [f"M{i:02d}" for i in range(n_markets)]
    rows = [dict(profile="p", jurisdiction=c, regime=f"{c.lower()}.r", obligation=o, category="capital",
                 amount=1e6 * (k + 1), currency="EUR", amount_ref=1e6 * (k + 1), status="in_force", scenario="",
                 reason="") for c in codes for k, o in enumerate(ids)]
    ob = pd.DataFrame(rows)
    return SimpleNamespace(
        profiles=pd.DataFrame({"name": ["p"]}), currency="USD",
        jurisdictions=[SimpleNamespace(code=c, currency="EUR", regimes=()) for c in codes],
        plain_amounts=lambda profiles=None: ob)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 13), width=st.integers(50, 240),
       ids=st.lists(st.from_regex(r"[a-z]{2,8}(_[a-z]{2,8}){0,3}", fullmatch=True), min_size=1, max_size=3,
                    unique=True))
def test_side_by_side_fits_any_width_with_up_to_13_markets(n, width, ids):
    result = _fake_result(n, ids)
    (blocks,) = side_by_side_tables(result)
    con = Console(width=width, record=True, file=io.StringIO())
    con.print(blocks)
    text = con.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= width
    for j in result.jurisdictions:
        assert text.count(f"{j.code} (EUR)") == 1  # every market, exactly once
    for ident in ids:
        assert _whole(ident, text) == n  # whole in every market's column
    # the markets' blocks follow the comparison's order
    pos = [text.index(f"{j.code} (EUR)") for j in result.jurisdictions]
    assert pos == sorted(pos)


def test_stress_columns_follow_the_compare_order():
    jur = [SimpleNamespace(code="JP", regimes=[SimpleNamespace(id="jp.psa"), SimpleNamespace(id="jp.liability_reserve")]),
           SimpleNamespace(code="EU", regimes=[SimpleNamespace(id="eu.mica")]),
           SimpleNamespace(code="AE", regimes=[SimpleNamespace(id="ae.vara")])]
    # the stress table arrives alphabetically, with the stacked "all" row and reserve scenarios mixed in
    table = pd.DataFrame({"jurisdiction": ["AE", "EU", "JP", "JP", "JP", "JP"],
                          "regime": ["ae.vara", "eu.mica", "all", "jp.liability_reserve", "jp.liability_reserve",
                                     "jp.psa"],
                          "scenario": ["", "", "", "high", "low", ""]})
    assert regime_columns(table, jur) == [
        ("JP", "jp.psa", ""), ("JP", "jp.liability_reserve", "low"), ("JP", "jp.liability_reserve", "high"),
        ("JP", "all", ""), ("EU", "eu.mica", ""), ("AE", "ae.vara", "")]


def test_stress_at_80_columns_shows_every_regime_in_compare_order():
    r = run_xjur("stress", str(PROFILES), "--as-of", "2026-11-25", "--incident", "coincheck-2018", columns=80,
                 timeout=900)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    first = text.split("Osaka mid-size exchange")[0]
    result = compare(str(PROFILES), as_of=AS_OF, currency="USD")
    lines = first.splitlines()
    heads = []
    for j in result.jurisdictions:
        for reg in j.regimes:
            short = reg.id.split(".", 1)[1]
            assert _whole(short, first) >= 1, reg.id  # every regime of every market, its id whole
            at = next((i, m.start()) for i, line in enumerate(lines)
                      for m in re.finditer(rf"(?<![a-z_]){short}(?![a-z_])", line))
            block = sum(line.startswith("┏") for line in lines[:at[0]])
            heads.append((block, at[1]))  # (block of regimes, column position in it)
    assert heads == sorted(heads)  # JP's regimes first, UK's last: the order of xjur compare
