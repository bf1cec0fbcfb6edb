"""The HTML briefing and the Excel workbook: same numbers as `xjur compare --format json`, self-contained,
escaped, dated on every page, every parameter and citation in the appendix."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from comparisons.report import briefing as br
from comparisons import compare
from comparisons.cli import app
from tests.conftest import AS_OF

M = 1_000_000
XSS = "<script>alert(1)</script>"
PROFILES = [
    # HK compensation cover (VATP Guidelines para 10.22): 0.5 × cold + 1.0 × hot
    #   = 0.5 × (0.98 × EUR 1,000 m) + 1.0 × (0.02 × EUR 1,000 m) = 490 m + 20 m = EUR 510 m
    dict(name="Harbour exchange", currency="EUR", services=["custody", "trading_platform", "exchange_fiat"],
         client_crypto_assets=1_000 * M, hot_wallet_share=0.02, client_fiat=50 * M, annual_trading_volume=8_000 * M,
         fixed_overheads=8 * M, annual_operating_expenses=1 * M, own_funds=40 * M, active_users=100_000),
    dict(name=XSS, currency="JPY", services=["custody", "exchange_crypto"], client_crypto_assets=20_000 * M,
         hot_wallet_share=0.05, client_fiat=3_000 * M, annual_trading_volume=90_000 * M, fixed_overheads=500 * M,
         annual_operating_expenses=700 * M, own_funds=2_000 * M, active_users=30_000),
]
OPTS = ["--as-of", AS_OF.isoformat(), "--currency", "EUR", "--scenario", "all", "-j", "JP", "-j", "EU", "-j", "HK"]


class Collector(HTMLParser):
    """Collects elements' attributes, the text of <div class="ob"> amounts and of non-script text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict]] = []
        self.ob_texts: dict[tuple, str] = {}
        self.text: list[str] = []
        self._in_script = 0
        self._current_ob: tuple | None = None
        self._amt = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "script":
            self._in_script += 1
        if tag == "div" and "ob" in (a.get("class") or "").split():
            self._current_ob = (a["data-profile"], a["data-jurisdiction"], a["data-obligation"], a["data-scenario"])
        if tag == "span" and a.get("class") == "amt" and self._current_ob is not None:
            self._amt = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script -= 1
        if tag == "span":
            self._amt = False

    def handle_data(self, data):
        if self._amt and self._current_ob is not None:
            self.ob_texts[self._current_ob] = data.strip()
            self._current_ob = None
        if not self._in_script:
            self.text.append(data)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("brief")
    src = d / "profiles.yaml"
    src.write_text(yaml.safe_dump({"profiles": PROFILES}, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["compare", str(src), "--format", "json", *OPTS])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    html, xlsx = d / "briefing.html", d / "briefing.xlsx"
    res = runner.invoke(app, ["brief", str(src), "--output", str(html), "--xlsx", str(xlsx), *OPTS])
    assert res.exit_code == 0, res.output
    return {"src": src, "json": doc, "html": html.read_text(encoding="utf-8"), "xlsx": xlsx, "dir": d}


@pytest.fixture(scope="module")
def parsed(files) -> Collector:
    c = Collector()
    c.feed(files["html"])
    c.html = files["html"]
    return c


def test_every_obligation_of_the_json_is_in_the_briefing_with_the_same_number(files, parsed):
    doc = files["json"]
    obs = {(a["data-profile"], a["data-jurisdiction"], a["data-obligation"], a["data-scenario"]): a
           for tag, a in parsed.elements if tag == "div" and "ob" in (a.get("class") or "").split()}
    assert len(obs) == len(doc["obligations"]) > 20
    for row in doc["obligations"]:
        key = (row["profile"], row["jurisdiction"], row["obligation"], row["scenario"])
        attrs = obs[key]
        if row["amount_ref"] is None:
            assert attrs["data-amount-ref"] == ""
            assert parsed.ob_texts[key] == "n/a"
        else:
            # the JSON writes floats to 15 significant digits (comparisons/tables.py): within half a unit of
            # the 15th digit of the briefing's exact double
            assert float(attrs["data-amount-ref"]) == pytest.approx(row["amount_ref"], rel=5e-15, abs=0)
            assert float(attrs["data-amount"]) == pytest.approx(row["amount"], rel=5e-15, abs=0)
            assert parsed.ob_texts[key] == br.fmt_money(doc["currency"], row["amount_ref"])


def test_costs_in_the_briefing_equal_the_json_costs(files, parsed):
    doc = files["json"]
    cells = [a for tag, a in parsed.elements if tag == "td" and "cost-cell" in (a.get("class") or "")]
    assert cells
    for a in cells:
        rows = [c for c in doc["costs"] if c["profile"] == a["data-profile"] and c["jurisdiction"] == a["data-jurisdiction"]
                and c["scenario"] in ("", a["data-scenario"])]
        expected = sum(c["annual_cost_ref"] for c in rows)
        assert float(a["data-cost-ref"]) == pytest.approx(expected, rel=1e-12)


def test_summary_names_the_market_that_demands_most(parsed):
    text = " ".join(parsed.text)
    # Harbour exchange: HK compensation cover EUR 510 m (see PROFILES) dwarfs MiCA's max(150 k, 0.25 × 8 m = 2 m)
    m = re.search(r"Hong Kong sets the largest safeguards: EUR ([\d.]+) m of capital, liquidity and loss cover, "
                  r"mostly compensation cover \(EUR 510 m\); at the cheapest allowed funding the firm ties up "
                  r"EUR ([\d.]+) m of its own resources for them, insurance and guarantees meeting the rest", text)
    assert m and float(m.group(2)) < float(m.group(1))  # what it ties up is not the whole requirement
    assert "in European Union" not in text and "in the European Union" in text
    assert not re.search(r"\b(hk\.sfc_vatp|eu\.mica|jp\.psa|jp\.liability_reserve)\b", " ".join(
        p for p in parsed.text if "would have covered" in p))  # no internal regime ids in the stress sentence
    assert "is scaled to" not in text and "replayed in full" in text
    # the stress table's column of Japan's proposed reserve names the reserve scenario it shows
    head = re.search(r'<table class="data stress-table">\s*<thead>(.*?)</thead>', parsed.html, re.S).group(1)
    assert re.search(r"jp\.liability_reserve</span><br><span class=\"sc\">central scenario</span>", head)
    assert "Japan's liability reserve is only a proposal" in text
    assert "The cost lies mainly in" in text
    assert "past incidents against this business" in text


def test_profile_text_is_escaped(files, parsed):
    html = files["html"]
    assert XSS not in html  # nowhere raw: not in the HTML, not inside the JSON chart specs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS in " ".join(parsed.text)  # ... yet shown as text
    scripts = [a for tag, a in parsed.elements if tag == "script"]
    # the Vega bundle, one JSON spec per chart, the chart loader: nothing else
    specs = [a for a in scripts if a.get("type") == "application/json"]
    assert len(scripts) == len(specs) + 2


def test_nothing_refers_outside_the_file(files, parsed):
    for tag, attrs in parsed.elements:
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            v = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:|//)", v), (tag, name, v)
        assert tag not in ("link", "iframe", "img", "object")
    assert "url(" not in files["html"].split("<script>")[0]  # no CSS url() at all (fonts, images)
    assert "@import" not in files["html"]


def test_dates_and_version_on_every_page(files, parsed):
    from comparisons import __version__

    html = files["html"]
    fx_date = files["json"]["fx"]["date"]
    # printed pages: the @page margin boxes repeat as-of date, FX date and version on every page
    top_right = re.search(r"@top-right \{ content: \"([^\"]*)\"", html).group(1)
    assert top_right == f"as of {AS_OF.isoformat()} · FX {fx_date} · xjur {__version__}"
    assert "counter(page)" in html and "@media print" in html
    assert "display: table-header-group" in html  # table headers repeat across printed pages
    # on screen: the masthead
    meta = {a.get("name"): a.get("content") for t, a in parsed.elements if t == "meta"}
    assert meta["xjur-as-of"] == AS_OF.isoformat() and meta["xjur-fx-date"] == fx_date
    assert meta["generator"] == f"xjur {__version__}"


def test_appendix_lists_every_parameter_and_assumption_with_status_and_citation(files, parsed):
    result = compare(str(files["src"]), jurisdictions=["JP", "EU", "HK"], as_of=AS_OF, currency="EUR", scenarios=["all"])
    listed = [a["data-parameter"] for t, a in parsed.elements if t == "tr" and "param" in a.get("class", "").split()]
    every = [pid for code in ("JP", "EU", "HK") for pid in result.parameters[code].ids()]
    # by default: the parameters that the obligations shown with an amount declare they read (and their caps)
    ob = result.obligations[result.obligations["amount"].notna()]
    used = {pid for j in result.jurisdictions for spec in j.obligations
            if spec.id in set(ob.loc[ob["jurisdiction"] == j.code, "obligation"])
            for pid in (*spec.parameters, *(p for _, p in spec.form_caps), *(p for _, p in spec.cover_parts))}
    assert listed == [pid for pid in every if pid in used]
    # MiCA's significance threshold (Art. 85) and HK's ICF note are read by no obligation: left out by default
    assert "eu_significant_casp_threshold" not in listed and "hk_icf_cover_va" not in listed
    assert "eu_pmc_class2" in listed and "jp_reserve_rate_cold_aum" in listed
    # with all_parameters (xjur brief --all-parameters): every parameter of the markets compared
    full = br.render_html(br.Briefing(result=result, all_parameters=True))
    assert re.findall(r'<tr class="param[^"]*" data-parameter="([^"]+)"', full) == every
    assert "B. Every parameter, as read on" in full
    assert f"{len(listed)} of the {len(every)} parameters" in files["html"]
    rows = {r["id"]: r for r in br.parameter_rows(result)}
    eu2 = rows["eu_pmc_class2"]
    assert (eu2["value"], eu2["status"], eu2["effective_from"]) == ("125,000", "in_force", "2024-12-30")
    assert eu2["citation"] == "MiCA Art. 67(1)(a), Annex IV" and eu2["citation"] in files["html"]
    cold = rows["jp_reserve_rate_cold_aum"]
    assert cold["value"] == "low: 0.0025, central: 0.01, high: 0.03" and cold["status"] == "assumed"
    assumed = [a["data-parameter"] for t, a in parsed.elements if t == "tr" and a.get("class") == "assumption"]
    assert "equity_premium" in assumed
    for row in files["json"]["obligations"]:  # every obligation's citation and basis
        assert br.Markup.escape(row["citation"]) in files["html"]
        assert br.Markup.escape(row["basis"]) in files["html"]


def test_workbook_has_the_same_tables_with_units(files):
    wb = load_workbook(files["xlsx"], read_only=True)
    assert {"About", "Obligations", "Side by side", "Costs", "Cost summary", "Stress", "Sensitivity", "Parameters",
            "Cost assumptions", "FX rates"} <= set(wb.sheetnames)
    ws = wb["Obligations"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert "amount (EUR)" in head and "amount (local currency)" in head
    got = {(r[head.index("profile")], r[head.index("jurisdiction")], r[head.index("obligation")],
            r[head.index("scenario")] or ""): r[head.index("amount (EUR)")] for r in rows[1:]}
    for row in files["json"]["obligations"]:  # Excel keeps 15 significant digits; no amount: an empty cell
        cell = got[(row["profile"], row["jurisdiction"], row["obligation"], row["scenario"])]
        if row["amount_ref"] is None:
            assert cell is None and row["reason"]
        else:
            assert cell == pytest.approx(row["amount_ref"], rel=1e-14)
    about = dict(list(wb["About"].iter_rows(values_only=True))[1:])
    assert about["as of"] == AS_OF.isoformat() and about["FX date"] == files["json"]["fx"]["date"]
    assert "annual cost (EUR per year)" in next(wb["Cost summary"].iter_rows(values_only=True))


def test_static_svg_mode_has_no_script(files):
    result = compare(str(files["src"]), jurisdictions=["EU", "HK"], as_of=AS_OF, currency="EUR")
    b = br.build_briefing(result, with_stress=False, with_sensitivity=False)
    html = br.render_html(b, chart_mode="svg")
    assert "<script" not in html
    assert html.count("<svg") >= len(b.charts) >= 2
    assert XSS not in html


def test_missing_optional_module_leaves_its_section_out(files, monkeypatch):
    real = br.find_spec
    monkeypatch.setattr(br, "find_spec", lambda name: None if name == "comparisons.stress" else real(name))
    result = compare(str(files["src"]), jurisdictions=["EU", "HK"], as_of=AS_OF, currency="EUR")
    b = br.build_briefing(result, with_sensitivity=False)
    assert b.stress is None and "stress" not in b.charts
    assert b.omitted == ("stress tests: the stress module is not installed",)
    html = br.render_html(b, chart_mode="svg")
    assert 'id="stress"' not in html and "the stress module is not installed" in html


def test_sweep_grid_spans_the_assumed_range():
    from jurisdictions.japan import jurisdiction as japan

    pv = japan.parameters().latest("jp_reserve_rate_cold_aum")  # low 0.0025, central 0.01, high 0.03
    # 0, the three scenario values, the midpoints (0.00625, 0.02) and 1.5 × 0.03 = 0.045
    assert br.sweep_grid(pv) == [0.0, 0.0025, 0.00625, 0.01, 0.02, 0.03, 0.045]


def test_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"profiles": [{**PROFILES[0], "hot_wallet_shere": 0.1}]}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "from comparisons.cli import main; main()", "brief", str(bad),
                           "--output", str(tmp_path / "x.html")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "hot_wallet_shere" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.html").exists()
