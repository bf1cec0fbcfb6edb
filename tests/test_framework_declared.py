"""The engine of plug-in contract v2, tested once for every market on a toy market ("Toyland", TOY, in EUR):
scope, regime dates (in force, enacted, proposed), status narrowed to the binding term, † citations, reasons of
rules that set no amount, text rendered on demand equal to text rendered at once, a slice equal to the batch,
declared checks, and declarations that fail at load."""
from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from comparisons import compare, load_profiles
from jurisdictions.framework import Check, Jurisdiction, ObligationSpec, PluginError, Regime, Scope, discover
from tests.conftest import make_profile

PARAMETERS = """
toy_floor:
  unit: EUR
  values:
    - {effective_from: 2020-01-01, value: 100000, status: in_force, citation: Toy Act s.1}
toy_rate:
  unit: fraction
  values:
    - {effective_from: 2020-01-01, value: 0.02, status: assumed, citation: Toy rulebook, note: a guess}
toy_custody_rate:
  unit: fraction
  values:
    - {effective_from: 2028-01-01, value: 0.01, status: enacted †, citation: Toy Custody Rules r.2}
toy_levy:
  unit: fraction
  values:
    - {effective_from: 2030-01-01, scenarios: {low: 0.001, central: 0.002, high: 0.004}, status: proposed,
       citation: Toy Bill cl.3}
"""


def capital(p, q):
    """Toy Act s.1: capital of at least EUR 100,000 or 2 % of client assets (the rate is assumed)."""
    amount = q.max(("toy_floor", q.peek("toy_floor")), ("toy_rate", q.peek("toy_rate") * p.client_crypto_assets))
    return amount, dict(floor=q.peek("toy_floor"), rate=q.peek("toy_rate"), crypto=p.client_crypto_assets)


def custody_buffer(p, q):
    """Toy Custody Rules r.2: 1 % of client assets; no amount for a firm with no client assets."""
    rate = q("toy_custody_rate")
    amount = np.where(p.client_crypto_assets > 0, rate * p.client_crypto_assets, np.nan)
    return amount, dict(rate=rate, crypto=p.client_crypto_assets, reason="no client assets to buffer")


def levy(p, q):
    """Toy Bill cl.3: a levy on trading volume (one row per scenario)."""
    rate = q("toy_levy")
    return rate * p.annual_trading_volume, dict(rate=rate, volume=p.annual_trading_volume)


def no_fund(p, q):
    """Toy Act s.30: no compensation fund covers crypto-assets (a note about the market)."""
    return q("toy_floor") > 0, dict(cite="Toy Act s.30")


def too_little_capital(p, q):
    """Toy Act s.1: own funds below the floor."""
    floor = q("toy_floor")
    return p.own_funds < floor, dict(own=p.own_funds, floor=floor)


ACT = Regime("toy.act", "Toy Act", "in_force", dt.date(2021, 1, 1), "Toy Act 2020",
             scope=Scope(services=("custody", "exchange_fiat"), assumed_services=("transfer",),
                         describe="custodians and exchanges", assumption="transfer read as custody"))
CUSTODY = Regime("toy.custody", "Toy Custody Rules", "enacted", dt.date(2028, 1, 1), "Toy Custody Rules 2026",
                 scope=Scope(services=("custody",), describe="custodians"))
BILL = Regime("toy.bill", "Toy Bill", "proposed", dt.date(2030, 1, 1), "Toy Bill 2026")


class Toyland(Jurisdiction):
    code, name, currency = "TOY", "Toyland", "EUR"
    regimes = (ACT, CUSTODY, BILL)
    reads = ("client_crypto_assets", "annual_trading_volume", "own_funds")
    obligations = (
        ObligationSpec(id="capital", regime="toy.act", category="capital", funding_forms=("own_funds",),
                       rule=capital, citation="Toy Act s.1",
                       basis="max({floor:money}, {rate:pct} × {crypto:money}) = {amount:money}"),
        ObligationSpec(id="custody_buffer", regime="toy.custody", category="loss_cover",
                       funding_forms=("own_funds", "insurance"), rule=custody_buffer, citation="Toy Custody r.2",
                       basis="{rate:pct} × {crypto:money} = {amount:money}"),
        ObligationSpec(id="levy", regime="toy.bill", category="loss_cover", funding_forms=("own_funds",),
                       rule=levy, citation="Toy Bill cl.3", scenarios=True,
                       basis="{rate:num} × {volume:money} = {amount:money}"),
        ObligationSpec(id="bond", regime="toy.act", category="capital", funding_forms=("bank_guarantee",),
                       citation="Toy Act s.9", no_amount="set by the Toy Authority per licensee"),
        ObligationSpec(id="reconciliation", regime="toy.act", category="custody", funding_forms=("segregation",),
                       rule=lambda p, q: q("toy_floor") * 0 + p.client_crypto_assets, citation="Toy Act s.12A",
                       in_force_from=dt.date(2024, 1, 1), basis="{amount:money}"),
    )
    checks = (Check("toy.act", too_little_capital, "own funds {own:money} below {floor:money}", "Toy Act s.1"),
              Check("toy.act", no_fund, "no fund covers crypto-assets ({cite})", level="note"))

    def __init__(self, folder: Path) -> None:
        self.parameters_file = folder / "toy.yaml"
        self.parameters_file.write_text(PARAMETERS)


@pytest.fixture(scope="module")
def toy():
    return Toyland(Path(tempfile.mkdtemp()))


@pytest.fixture(scope="module")
def registry(toy):
    return discover().with_jurisdiction(toy)


PROFILES = [
    make_profile(name="custodian", services="custody", client_crypto_assets=10e6, own_funds=50_000,
                 annual_trading_volume=1e9),
    make_profile(name="big custodian", services="custody", client_crypto_assets=20e6, own_funds=1e6),
    make_profile(name="mover", services="transfer", client_crypto_assets=1e6, own_funds=1e6),
    make_profile(name="adviser", services="advice", own_funds=1e6),
    make_profile(name="exchange", services="exchange_fiat", own_funds=1e6),
]


def rows(registry, as_of="2026-12-03", **kw):
    r = compare(PROFILES, jurisdictions=["TOY"], as_of=as_of, registry=registry, **kw)
    return r, r.obligations.set_index(["profile", "obligation", "scenario"])


def test_status_follows_the_binding_term(registry):
    _, ob = rows(registry)
    # custodian: max(EUR 100,000 [in force], 2 % × EUR 10 m = EUR 200,000 [assumed]) → the assumed rate binds
    c = ob.loc[("custodian", "capital", "")]
    assert c["amount"] == pytest.approx(0.02 * 10e6)
    assert c["status"] == "assumed"
    assert c["basis"] == "max(EUR 100,000, 2 % × EUR 10,000,000) = EUR 200,000"
    # exchange: no client assets, max(EUR 100,000, 2 % × 0) → the in-force floor binds
    e = ob.loc[("exchange", "capital", "")]
    assert (e["amount"], e["status"]) == (100_000, "in_force")


def test_scope_blank_rows_name_what_would_bring_the_firm_in(registry):
    _, ob = rows(registry)
    a = ob.loc[("adviser", "capital", "")]
    assert math.isnan(a["amount"])
    assert a["reason"] == ("not in scope: toy.act applies to custodians and exchanges; would apply with services "
                           "custody, exchange_fiat, transfer")
    assert a["basis"] == "not in scope"
    # transfer brings the mover in only under the assumed mapping: its rows are assumed
    m = ob.loc[("mover", "capital", "")]
    assert m["amount"] == 100_000 and m["status"] == "assumed"
    # the custody rules reach custodians only
    assert ob.loc[("exchange", "custody_buffer", "")]["reason"].startswith("not in scope: toy.custody")


def test_an_enacted_regime_is_evaluated_before_its_start_and_labelled_enacted_with_a_dagger(registry):
    _, before = rows(registry, as_of="2026-12-03")
    r = before.loc[("custodian", "custody_buffer", "")]
    assert r["amount"] == pytest.approx(0.01 * 10e6)  # 1 % × EUR 10 m = EUR 100,000, read from the 2028 value
    assert r["status"] == "enacted"
    assert r["citation"] == "Toy Custody r.2 †"  # toy_custody_rate is flagged † (enacted †)
    _, after = rows(registry, as_of="2028-01-01")
    assert after.loc[("custodian", "custody_buffer", "")]["status"] == "in_force"


def test_an_in_force_regime_before_its_start_has_blank_rows(registry):
    _, ob = rows(registry, as_of="2020-06-30")
    r = ob.loc[("custodian", "capital", "")]
    assert math.isnan(r["amount"]) and r["reason"] == "toy.act does not apply on 2020-06-30 (applies from 2021-01-01)"


def test_a_proposal_is_a_what_if_with_one_row_per_scenario(registry):
    _, ob = rows(registry, scenarios=["all"])
    for sc, rate in (("low", 0.001), ("central", 0.002), ("high", 0.004)):
        r = ob.loc[("custodian", "levy", sc)]
        assert r["amount"] == pytest.approx(rate * 1e9)  # rate × EUR 1 bn of volume
        assert r["status"] == "proposed"


def test_in_force_only_keeps_what_applies_on_the_date(registry):
    r, ob = rows(registry, in_force_only=True)
    assert set(ob.index.get_level_values("obligation")) == {"capital", "bond", "reconciliation"}
    assert set(r.obligations["regime"]) == {"toy.act"}


def test_a_rule_that_sets_no_amount_gives_a_reason(registry):
    _, ob = rows(registry)
    bond = ob.loc[("custodian", "bond", "")]
    assert math.isnan(bond["amount"]) and bond["reason"] == "set by the Toy Authority per licensee"
    buffer = ob.loc[("big custodian", "custody_buffer", "")]
    assert buffer["amount"] == pytest.approx(0.01 * 20e6)
    assert ob.loc[("custodian", "custody_buffer", "")]["reason"] == ""


def test_deferred_text_equals_text_at_once_and_no_rule_runs_twice(registry, monkeypatch):
    eager = compare(PROFILES, jurisdictions=["TOY"], as_of="2026-12-03", registry=registry, defer_text=False,
                    scenarios=["all"])
    lazy = compare(PROFILES, jurisdictions=["TOY"], as_of="2026-12-03", registry=registry, defer_text=True,
                   scenarios=["all"])
    calls = []
    monkeypatch.setattr(Toyland, "evaluate", lambda *a, **k: calls.append(a) or pytest.fail("evaluated twice"))
    pd.testing.assert_frame_equal(lazy.obligations, eager.obligations)
    assert calls == []


def test_a_slice_of_the_batch_gives_the_rows_of_the_batch(registry):
    whole = compare(PROFILES, jurisdictions=["TOY"], as_of="2026-12-03", registry=registry).obligations
    one = compare(PROFILES[2:3], jurisdictions=["TOY"], as_of="2026-12-03", registry=registry).obligations
    pd.testing.assert_frame_equal(whole[whole["profile"] == "mover"].reset_index(drop=True), one)


def test_declared_checks_warn_about_profiles_in_scope(registry):
    r, _ = rows(registry)
    toy = [w["message"] for w in r.warnings if w.get("jurisdiction") == "TOY" and w.get("level") == "warning"]
    # only the custodian has own funds (EUR 50,000) below EUR 100,000; the adviser is out of scope
    assert toy == ["own funds EUR 50,000 below EUR 100,000 (Toy Act s.1)"]


def test_what_a_rule_reads_is_found_when_it_is_declared(toy):
    spec = {s.id: s for s in toy.obligations}
    assert spec["capital"].parameters == ("toy_floor", "toy_rate")
    assert spec["capital"].inputs == ("client_crypto_assets",)
    assert spec["capital"].formula.startswith("Toy Act s.1: capital of at least EUR 100,000")


def test_a_template_naming_a_number_the_rule_does_not_return_fails_at_declaration():
    with pytest.raises(PluginError, match=r"obligation 'capital': its basis template names \['rat'\]"):
        ObligationSpec(id="capital", regime="toy.act", category="capital", funding_forms=("own_funds",),
                       rule=capital, citation="c", basis="{rat:pct} = {amount:money}")


def test_a_rule_that_cannot_run_fails_at_declaration():
    def broken(p, q):
        return p.client_crypto_assets * q("x") / undefined_name  # noqa: F821

    with pytest.raises(PluginError, match="obligation 'b': its rule fails on a synthetic profile: NameError"):
        ObligationSpec(id="b", regime="toy.act", category="capital", funding_forms=("own_funds",), rule=broken,
                       citation="c")


def test_a_measure_added_later_is_blank_before_its_own_start(registry):
    _, before = rows(registry, as_of="2023-12-31")
    r = before.loc[("custodian", "reconciliation", "")]
    assert math.isnan(r["amount"])
    assert r["reason"] == "reconciliation (toy.act) does not apply on 2023-12-31 (applies from 2024-01-01)"
    assert before.loc[("custodian", "capital", "")]["amount"] == pytest.approx(200_000)  # the Act applies already
    _, after = rows(registry, as_of="2024-01-01")
    assert after.loc[("custodian", "reconciliation", "")]["amount"] == pytest.approx(10e6)


def test_a_market_note_names_no_profile_and_needs_no_regime_date(registry):
    for day in ("2026-12-03", "2020-06-30"):  # before the Act applies too: the note is about the market
        r, _ = rows(registry, as_of=day)
        notes = [w for w in r.warnings if w.get("jurisdiction") == "TOY" and w.get("profile") == ""
                 and w["message"].startswith("no fund")]
        assert [(w["message"], w["level"]) for w in notes] == [("no fund covers crypto-assets (Toy Act s.30)", "note")]


def test_an_out_of_scope_row_has_the_regimes_status_and_no_dagger(registry):
    _, ob = rows(registry)
    # the adviser is outside toy.custody, whose only parameter is enacted †: the blank row says enacted, no †
    r = ob.loc[("adviser", "custody_buffer", "")]
    assert math.isnan(r["amount"]) and r["status"] == "enacted" and not r["citation"].endswith("†")
    # outside toy.act, the assumed 2 % rate decided nothing: in_force, the regime's status
    assert ob.loc[("adviser", "capital", "")]["status"] == "in_force"
