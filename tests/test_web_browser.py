"""``xjur serve`` in a real browser (issue 23): headless Debian Chromium driven by Playwright, every request
outside the test's own 127.0.0.1 server blocked. Fill the form for one profile and see every installed market
side by side and a chart drawn; a cell's explanation; a bad value (hot share 1.5) shows its message beside the
field; a hostile name shows as text; upload the examples file; the briefing download opens.
A screenshot of the result page is saved under the test's temporary folder (docs/web-result.png is one)."""
from __future__ import annotations

import pytest
import yaml

from jurisdictions.framework import discover
from tests.conftest import AS_OF, EXAMPLES
from tests.test_browser import ARGS, XSS, _browser_or_skip

pytest.importorskip("uvicorn")
from tests.web_server import running_server  # noqa: E402

PROFILE = {"name": "Browser test GmbH", "currency": "EUR", "client_crypto_assets": "400000000",
           "hot_wallet_share": "0.05", "client_fiat": "20000000", "annual_trading_volume": "5000000000",
           "fixed_overheads": "2000000", "annual_operating_expenses": "6000000", "own_funds": "3000000"}
SERVICES = ("custody", "exchange_crypto", "trading_platform")
RENDERED = ("[...document.querySelectorAll('div.chart')].every(e => e.dataset.rendered === 'true' || "
            "e.dataset.error)")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A server, a browser page with the network off (only the server answers), and what the page did."""
    chromium = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    seen = {"blocked": [], "errors": [], "dialogs": []}
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def route(r):
            if r.request.url.startswith(base + "/"):
                r.continue_()
            else:
                seen["blocked"].append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(300_000)  # a result page computes costs, stress and charts: slow on a busy machine
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        yield base, page, seen, tmp_path_factory.mktemp("web-shots")
        browser.close()


def fill(page, base: str, **changes: str) -> None:
    page.goto(base + "/")
    for k, v in {**PROFILE, **changes}.items():
        page.fill(f'input[name="{k}"]', v)
    for s in SERVICES:
        page.check(f'input[name="services"][value="{s}"]')
    page.fill('input[name="as_of"]', AS_OF.isoformat())
    page.click("#compare-button")
    page.wait_for_load_state("load")


def test_one_profile_every_market_side_by_side_a_chart_and_an_explanation(session):
    base, page, seen, shots = session
    fill(page, base)
    heads = page.eval_on_selector_all("table.side-by-side th.jcol", "els => els.map(e => e.dataset.jurisdiction)")
    assert heads == discover().codes()  # every installed market, none ticked = all
    page.wait_for_function(RENDERED, timeout=180_000)
    charts = page.eval_on_selector_all("div.chart", """els => els.map(e => ({error: e.dataset.error || null,
        marks: e.querySelectorAll('svg [class*="mark-"] path, svg [class*="mark-"] text').length}))""")
    assert charts and all(c["error"] is None for c in charts) and charts[0]["marks"] > 0
    page.screenshot(path=str(shots / "web-result.png"))
    # a click on EU's prudential safeguards: max(EUR 150,000, 0.25 × EUR 2,000,000) = EUR 500,000, with its citation
    page.click('div.ob[data-jurisdiction="EU"][data-obligation="prudential_safeguards"] a')
    page.wait_for_selector("#explain-body .explain")
    text = page.inner_text("#explain-panel")
    assert "MiCA Art. 67(1)(b)" in text and "eu_fo_multiplier" in text and "EUR 500,000" in text
    assert seen["blocked"] == [] and seen["errors"] == []


def test_hot_share_1_5_shows_its_message_beside_the_field(session):
    base, page, seen, _ = session
    fill(page, base, hot_wallet_share="1.5")
    msg = page.inner_text('[data-field="hot_wallet_share"] .error')
    assert "field 'hot_wallet_share': share must be between 0 and 1 (value '1.5')" in msg
    assert page.input_value('input[name="hot_wallet_share"]') == "1.5"
    assert page.input_value('input[name="name"]') == PROFILE["name"]  # what was typed is kept
    assert page.is_checked('input[name="services"][value="custody"]')


def test_a_hostile_name_shows_as_text(session):
    base, page, seen, _ = session
    fill(page, base, name=XSS)
    assert XSS in page.inner_text("table.side-by-side >> nth=0") or XSS in page.inner_text("body")
    assert page.eval_on_selector_all("script", "els => els.filter(e => e.textContent.includes('alert(1)') "
                                               "&& e.type !== 'application/json').length") == 0
    assert seen["dialogs"] == []


def test_upload_the_examples_file_and_open_the_briefing(session):
    base, page, seen, _ = session
    page.goto(base + "/")
    page.fill('input[name="as_of"]', AS_OF.isoformat())
    page.check('input[name="j"][value="JP"]')
    page.check('input[name="j"][value="EU"]')
    page.set_input_files('input[name="file"]', str(EXAMPLES / "profiles.yaml"))
    page.click("#upload-button")
    page.wait_for_selector("table.side-by-side")
    names = [p["name"] for p in yaml.safe_load((EXAMPLES / "profiles.yaml").read_text())["profiles"]]
    shown = page.eval_on_selector_all("table.side-by-side", "els => els.map(e => e.dataset.profile)")
    assert shown == names
    assert "data=" in page.input_value("#share-url")
    page.click('a[data-download="briefing.html"]')
    page.wait_for_load_state("load")
    assert "/download/briefing.html" in page.url
    assert page.inner_text("h1")  # the briefing's title
    assert all(n in page.inner_text("body") for n in names)
    assert seen["blocked"] == [] and seen["errors"] == []
