"""The web form (``xjur serve``, issue 23) through Starlette's test client: the form lists every installed market,
bad input is shown beside its field with what was typed kept, uploads go through the input policy, profile text
is escaped, the result and its downloads carry the figures of the rules, and the shared URL holds the inputs."""
from __future__ import annotations

import io
import json
import re
import warnings
import zlib
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette")
pytest.importorskip("multipart")
with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient  # noqa: E402

from comparisons.cli.serve_cmd import INSTALL_HINT, is_loopback  # noqa: E402
from comparisons.web import create_app  # noqa: E402
from comparisons.web import form as F  # noqa: E402
from jurisdictions.framework import discover  # noqa: E402
from tests.conftest import AS_OF, EXAMPLES, zip_bomb_workbook  # noqa: E402

XSS = "<script>alert(1)</script>"
#: One EUR profile; EU's prudential safeguards = max(class-3 minimum EUR 150,000, 0.25 × fixed overheads).
FORM = {"name": "Form test GmbH", "currency": "EUR", "services": ["custody", "exchange_crypto", "trading_platform"],
        "client_crypto_assets": "400000000", "hot_wallet_share": "0.05", "client_fiat": "20000000",
        "annual_trading_volume": "5000000000", "fixed_overheads": "2000000", "annual_operating_expenses": "6000000",
        "own_funds": "3000000", "as_of": AS_OF.isoformat()}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def errors_of(html: str) -> dict[str, list[str]]:
    """The messages shown beside each field (``data-error-for``), unescaped."""
    out: dict[str, list[str]] = {}
    for field, msg in re.findall(r'<p class="error" data-error-for="([^"]*)">([^<]*)</p>', html):
        out.setdefault(field, []).append(unescape(msg))
    return out


def input_value(html: str, name: str) -> str:
    m = re.search(rf'<input type="text" name="{name}"[^>]*? value="([^"]*)"', html)
    assert m, name
    return unescape(m.group(1))


def upload(client: TestClient, name: str, content: bytes, **options):
    return client.post("/upload", files={"file": (name, io.BytesIO(content), "application/octet-stream")},
                       data={"as_of": AS_OF.isoformat(), **options}, follow_redirects=False)


def test_the_form_lists_every_installed_market_and_every_field(client):
    html = client.get("/").text
    codes = discover().codes()
    assert len(codes) >= 7
    for code in codes:  # from the registry: a market installed later appears without edits
        assert f'name="j" value="{code}"' in html
    for f in F.PROFILE_FIELDS:
        assert f'data-field="{f}"' in html
    assert html.count('name="services" value=') == 10  # MiCA's ten services, as checkboxes
    assert "fraction 0–1" in html and "in the profile&#39;s currency" in html


def test_hot_share_1_5_shows_the_cli_message_beside_its_field_and_keeps_the_input(client):
    r = client.get("/compare", params={**FORM, "hot_wallet_share": "1.5", "client_fiat": "3%"})
    assert r.status_code == 400
    errs = errors_of(r.text)
    assert errs["hot_wallet_share"] == ["<list>, row 1 (name 'Form test GmbH'), field 'hot_wallet_share': share "
                                        "must be between 0 and 1 (value '1.5')"]
    assert "3% is 0.03" in errs["client_fiat"][0]
    assert input_value(r.text, "hot_wallet_share") == "1.5" and input_value(r.text, "client_fiat") == "3%"
    assert input_value(r.text, "fixed_overheads") == "2000000"
    assert 'value="custody" checked' in r.text and 'value="advice" checked' not in r.text


def test_bad_options_show_beside_their_fields(client):
    r = client.get("/compare", params={**FORM, "as_of": "2026-13-01", "currency_ref": "XXX"})
    assert r.status_code == 400
    assert errors_of(r.text)["as_of"] == ["as_of '2026-13-01' is not an ISO date (YYYY-MM-DD)"]
    r = client.get("/compare", params={**FORM, "currency_ref": "XXX"})
    assert "reference currency XXX" in errors_of(r.text)["currency_ref"][0]
    r = client.get("/compare", params={**FORM, "parameters": "a: &x 1\nb: *x\n"})
    assert "parameters.yaml" in errors_of(r.text)["parameters"][0] and "/tmp" not in r.text


def test_result_page_every_market_side_by_side_with_the_rule_figure(client):
    r = client.get("/compare", params=FORM)
    assert r.status_code == 200
    heads = re.findall(r'<th class="jcol" data-jurisdiction="(\w+)">', r.text)
    assert heads == discover().codes()
    # EU prudential safeguards: max(EUR 150,000 class 3, 0.25 × EUR 2,000,000 = EUR 500,000) = EUR 500,000;
    # the JSON download of the same inputs holds the exact figure
    js = json.loads(client.get("/download/result.json", params=FORM).text)
    eu = [o for o in js["obligations"] if o["jurisdiction"] == "EU" and o["obligation"] == "prudential_safeguards"]
    assert eu[0]["amount"] == pytest.approx(max(150_000, 0.25 * 2_000_000))
    assert '<script src="/static/vega.js">' in r.text and "cdn" not in r.text.lower()
    assert 'data-chart="obligations_0"' in r.text and "Annual cost" in r.text and "Stress" in r.text


def test_explain_a_cell_gives_formula_parameters_dates_statuses_and_citations(client):
    r = client.get("/explain", params={**FORM, "profile": "Form test GmbH", "jurisdiction": "EU",
                                       "obligation": "prudential_safeguards"})
    assert r.status_code == 200
    text = unescape(r.text)
    assert "MiCA Art. 67(1)(b)" in text and "eu_fo_multiplier" in text and "0.25" in text
    assert "2024-12-30" in text and "in force" in text
    assert "EUR 500,000" in text  # 0.25 × 2,000,000


def test_a_hostile_name_is_text_everywhere(client):
    r = client.get("/compare", params={**FORM, "name": XSS})
    assert r.status_code == 200 and XSS not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = client.get("/compare", params={**FORM, "name": XSS, "hot_wallet_share": "1.5"})
    assert XSS not in r.text
    csv = client.get("/download/obligations.csv", params={**FORM, "name": "=HYPERLINK(1)"}).text
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_upload_of_the_examples_file_redirects_to_a_shareable_result(client):
    r = upload(client, "profiles.yaml", (EXAMPLES / "profiles.yaml").read_bytes(), j=["JP", "EU"])
    assert r.status_code == 303
    loc = r.headers["location"]
    q = dict(parse_qsl(urlsplit(loc).query))
    assert q["as_of"] == AS_OF.isoformat() and "data" in q
    page = client.get(loc)
    assert page.status_code == 200
    names = [p["name"] for p in __import__("yaml").safe_load((EXAMPLES / "profiles.yaml").read_text())["profiles"]]
    assert len(set(names)) == 6  # six distinct profiles, each shown below
    for n in names:
        assert f'data-profile="{n}"' in unescape(page.text)
    assert re.findall(r'<th class="jcol" data-jurisdiction="(\w+)">', page.text)[:2] == ["JP", "EU"]
    summary = pd.read_csv(io.StringIO(client.get("/download/summary.csv?" + urlsplit(loc).query).text))
    assert set(summary["profile"]) == set(names) and set(summary["jurisdiction"]) == {"JP", "EU"}


def test_downloads_briefing_workbook_csv_json(client):
    html = client.get("/download/briefing.html", params=FORM)
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>") and "Form test GmbH" in html.text
    xlsx = client.get("/download/workbook.xlsx", params=FORM)
    book = pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None)
    assert xlsx.content[:2] == b"PK" and len(book) >= 2
    csv = pd.read_csv(io.StringIO(client.get("/download/obligations.csv", params=FORM).text))
    assert set(csv["jurisdiction"]) == set(discover().codes())
    assert client.get("/download/nothing.txt", params=FORM).status_code == 404


def test_uploads_go_through_the_input_policy(client, tmp_path):
    alias = b"profiles:\n  - &a {name: x}\n  - *a\n"
    r = upload(client, "aliases.yaml", alias)
    assert r.status_code == 400
    assert "aliases.yaml" in errors_of(r.text)["upload"][0] and "alias" in errors_of(r.text)["upload"][0]
    r = upload(client, "bomb.xlsx", zip_bomb_workbook(tmp_path).read_bytes())
    msg = errors_of(r.text)["upload"][0]
    assert r.status_code == 400 and "bomb.xlsx" in msg and "zip bomb" in msg
    r = upload(client, "../../etc/evil name<b>.csv", b"name,currency\nx,EUR\n")
    assert r.status_code == 400 and "<b>" not in r.text and "evil name_b_.csv" in errors_of(r.text)["upload"][0]
    assert input_value(r.text, "as_of") == AS_OF.isoformat()  # what the user typed is kept


def test_a_shared_link_that_inflates_too_far_is_refused():
    limit = F.policy.limits("profiles_yaml").max_bytes
    data = F.base64.urlsafe_b64encode(zlib.compress(b" " * (limit + 10), 9)).decode()
    with pytest.raises(F.policy.InputError, match="inflate beyond"):
        F.decode_data(data)
    with pytest.raises(F.policy.InputError, match="damaged"):
        F.decode_data("not-zlib")


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=2000))
def test_shared_data_round_trips(text):
    assert F.decode_data(F.encode_data(text)) == text


@settings(max_examples=50, deadline=None)
@given(name=st.text(min_size=1, max_size=40), share=st.text(max_size=10),
       services=st.lists(st.sampled_from(F.SERVICES), unique=True),
       markets=st.lists(st.sampled_from(("JP", "EU", "HK")), unique=True), in_force=st.booleans())
def test_the_query_string_holds_every_input(name, share, services, markets, in_force):
    from starlette.datastructures import QueryParams

    values = F.values_of(QueryParams({**FORM, "name": name, "hot_wallet_share": share}.items()))
    values.update(services=services, jurisdictions=markets, in_force_only=in_force)
    again = F.values_of(QueryParams(F.query_items(values)))
    for k in ("name", "services", "jurisdictions", "in_force_only", "as_of", "fixed_overheads"):
        assert again[k] == (values[k] if k != "name" or name.strip() else "")
    assert again["hot_wallet_share"] == (share if share.strip() else "")


def test_vega_is_served_by_the_app(client):
    r = client.get("/static/vega.js")
    assert r.status_code == 200 and "vegaEmbed" in r.text and len(r.text) > 500_000


def test_serve_listens_on_loopback_unless_told_and_says_how_to_install(monkeypatch):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    from typer.testing import CliRunner

    from comparisons.cli import app, serve_cmd

    monkeypatch.setattr(serve_cmd, "find_spec", lambda m: None if m == "uvicorn" else object())
    with pytest.raises(Exception, match=re.escape(INSTALL_HINT)):
        CliRunner().invoke(app, ["serve"], catch_exceptions=False)
    help_text = CliRunner().invoke(app, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "--port" in help_text


def test_a_bad_option_with_uploaded_profiles_keeps_them_in_the_form(client):
    data = F.encode_data((EXAMPLES / "profiles.yaml").read_text(encoding="utf-8"))
    r = client.get("/compare", params={"data": data, "as_of": "25.11.2026"})
    assert r.status_code == 400
    assert errors_of(r.text)["as_of"] == ["as_of '25.11.2026' is not an ISO date (YYYY-MM-DD)"]
    assert f'<input type="hidden" name="data" value="{data}">' in r.text and 'id="kept-upload"' in r.text
