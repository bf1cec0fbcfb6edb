"""Three markets side by side (JP, EU, HK): the wide DataFrame, the rich tables and `xjur compare`.

A reader must see capital against capital and loss cover against loss cover: every profile has rows per
category, in the fixed category order, with one column per jurisdiction.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from rich.console import Console

from comparisons import compare, load_profiles
from comparisons.report.terminal import side_by_side_tables
from jurisdictions.framework import CATEGORIES
from tests.conftest import AS_OF, EXAMPLES

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
    # a crypto adviser is not a Hong Kong trading platform: HK rows carry a reason and no amount
    assert wide.loc[ADVISER, "HK"].isna().all()
    assert wide.loc[ADVISER, "EU"].notna().any()
    hk = result.obligations.query("profile == @ADVISER and jurisdiction == 'HK'")
    assert len(hk) == 6 and hk["reason"].str.contains("not a virtual asset trading platform").all()


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
    assert any(line.startswith("[1] not in scope: ") and "would apply with services" in line for line in lines)


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
