"""Multi-market licensing plans: entities from shares or explicit profiles, per-market and group totals."""
from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons.planning import PlanError, plan
from tests.conftest import AS_OF, EXAMPLES, make_profile

GROUP = dict(make_profile(name="Group", currency="USD", services="custody;trading_platform;exchange_fiat"),
             client_crypto_assets=10e9, hot_wallet_share=0.03, client_fiat=2e9, annual_trading_volume=400e9,
             fixed_overheads=200e6, annual_operating_expenses=300e6, own_funds=1e9, active_users=1_000_000)


def eu_plan(**market):
    return {"name": "t", "as_of": AS_OF.isoformat(), "currency": "EUR", "group": GROUP,
            "markets": [{"jurisdiction": "EU", **market}]}


def test_share_scales_every_money_field_and_the_users():
    r = plan(eu_plan(share=0.25))
    e = r.entities.iloc[0]
    assert e["name"] == "Group — EU"
    assert e["client_crypto_assets"] == pytest.approx(2.5e9)          # 0.25 × 10 bn
    assert e["annual_trading_volume"] == pytest.approx(100e9)         # 0.25 × 400 bn
    assert e["fixed_overheads"] == pytest.approx(50e6)                # 0.25 × 200 m
    assert e["active_users"] == 250_000
    assert e["hot_wallet_share"] == 0.03 and e["currency"] == "USD"   # ratios and currency stay
    # EU: requirement 0.25 × FO = 0.25 × USD 50 m in EUR; insured at 2 %
    fo_eur = 50e6 * r.fx.rate("USD", "EUR")
    m = r.market_summary().iloc[0]
    assert m["annual_cost_ref"] == pytest.approx(0.25 * fo_eur * 0.02)
    # cost per unit of business: annual cost ÷ the entity's volume (USD 100 bn in EUR) × 10,000
    assert m["cost_bp_of_volume"] == pytest.approx(0.25 * fo_eur * 0.02 / (100e9 * r.fx.rate("USD", "EUR")) * 1e4)
    assert m["share_of_group_volume"] == pytest.approx(0.25)


def test_per_field_shares_with_a_default_and_a_services_override():
    r = plan(eu_plan(share={"default": 0.1, "fixed_overheads": 0.5}, services=["custody"]))
    e = r.entities.iloc[0]
    assert e["fixed_overheads"] == pytest.approx(100e6)   # 0.5 × 200 m
    assert e["client_fiat"] == pytest.approx(0.2e9)       # default 0.1 × 2 bn
    assert e["services"] == "custody"


def test_shares_above_one_are_an_error_naming_file_and_key(tmp_path):
    doc = eu_plan(share=0.7)
    doc["markets"].append({"jurisdiction": "HK", "share": {"default": 0.2, "client_fiat": 0.4}})
    f = tmp_path / "plan.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(PlanError, match=r"plan.yaml: markets\[\*\].share.client_fiat: the shares add up to 1.1 "
                                        r"= 0.7 \(EU\) \+ 0.4 \(HK\), more than the whole group's business"):
        plan(str(f))


def test_shares_below_one_warn_that_part_of_the_business_is_unlicensed():
    r = plan(eu_plan(share=0.25))
    msgs = [w["message"] for w in r.warnings]
    assert any("booked in no licensed market" in m and "client_fiat 75 %" in m for m in msgs)


@pytest.mark.parametrize("doc_change, message", [
    (lambda d: d["markets"][0].update(share=0.2, profile={"currency": "EUR"}), r"give exactly one of 'share'"),
    (lambda d: d["markets"].append({"jurisdiction": "eu", "share": 0.1}), r"markets\[1\].jurisdiction: EU is already markets\[0\]"),
    (lambda d: d["markets"][0].update(shares=0.2), r"markets\[0\].shares: unknown key \(did you mean 'share'\?\)"),
    (lambda d: d.update(marktes=[]), r"marktes: unknown key \(did you mean 'markets'\?\)"),
    (lambda d: d["markets"][0].update(share=1.5), r"markets\[0\].share: share 1.5 is not a number between 0 and 1"),
    (lambda d: d["markets"][0].update(share={"client_fiat": 0.2}), r"markets\[0\].share: no share for 'client_crypto_assets'"),
    (lambda d: d["markets"][0].update(share={"default": 0.2, "clients": 0.1}), r"markets\[0\].share.clients: not a field"),
    (lambda d: d["markets"][0].update(jurisdiction="EUU"), r"markets\[0\].jurisdiction: 'EUU' is not an installed jurisdiction .*\(did you mean 'EU'\?\)"),
])
def test_plan_errors_name_the_key(tmp_path, doc_change, message):
    doc = eu_plan(share=0.2)
    doc_change(doc)
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(PlanError, match=message):
        plan(str(f))


def test_explicit_entity_profile_errors_name_the_market(tmp_path):
    doc = eu_plan(profile={"currency": "EUR", "services": ["custody"]})
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(Exception, match=r"p.yaml, markets\[0\].profile \(name 'Group — EU'\), field 'client_fiat'"):
        plan(str(f))


def test_example_plan_per_market_and_group_totals():
    pytest.importorskip("jurisdictions.japan")
    pytest.importorskip("jurisdictions.hong_kong")
    r = plan(str(EXAMPLES / "plan.yaml"), scenarios=["all"])
    m = r.market_summary()
    assert set(m["market"]) == {"JP", "EU", "HK"}
    assert list(dict.fromkeys(m["scenario"])) == ["low", "central", "high", "fiea_analogue"]
    g = r.group_total().set_index("scenario")
    costs = r.costs
    for s in ("low", "central", "high"):
        # group total = sum over the market entities (two paths: the market summary and the cost rows)
        assert g.loc[s, "annual_cost_ref"] == pytest.approx(m[m["scenario"] == s]["annual_cost_ref"].sum())
        rows = costs[(costs["scenario"] == s) | (costs["scenario"] == "")]
        assert g.loc[s, "annual_cost_ref"] == pytest.approx(rows["annual_cost_ref"].sum())
        ranks = m[m["scenario"] == s].sort_values("cost_bp_of_volume")["rank"].tolist()
        assert ranks == [1, 2, 3]
    # the JP entity is 10 % of the group; HK's an explicit HKD profile
    ent = r.entities.set_index("name")
    assert ent.loc["Global exchange group (illustrative) — JP", "client_crypto_assets"] == pytest.approx(6e9)
    assert ent.loc["Global exchange HK (illustrative)", "currency"] == "HKD"


def test_cli_plan_table_and_json():
    pytest.importorskip("jurisdictions.japan")
    pytest.importorskip("jurisdictions.hong_kong")
    from tests.test_cli import run

    r = run("plan", "examples/plan.yaml")
    assert r.returncode == 0, r.stderr
    for text in ("Markets ranked by annual cost per unit of business", "Group total", "JP", "EU", "HK",
                 "equity_premium 11.25 %"):
        assert text in r.stdout
    assert "booked in no licensed market" in r.stderr
    j = run("plan", "examples/plan.yaml", "--format", "json", "--currency", "EUR")
    assert j.returncode == 0, j.stderr
    doc = json.loads(j.stdout)
    assert doc["currency"] == "EUR"
    assert {"markets", "group_total", "entities", "obligations", "costs", "fx", "warnings"} <= set(doc)
    total = doc["group_total"][0]
    assert total["annual_cost_ref"] == pytest.approx(sum(m["annual_cost_ref"] for m in doc["markets"]))
    assert sorted(m["rank"] for m in doc["markets"]) == [1, 2, 3]


def test_cli_plan_bad_file_exits_2(tmp_path):
    from tests.test_cli import run

    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(eu_plan(share=2)), encoding="utf-8")
    r = run("plan", str(f))
    assert r.returncode == 2 and "share 2 is not a number between 0 and 1" in r.stderr
    assert "Traceback" not in r.stderr


@settings(max_examples=10, deadline=None)
@given(shares=st.lists(st.floats(0, 0.5), min_size=2, max_size=2), coc=st.floats(0.05, 0.3))
def test_group_total_equals_the_sum_of_its_market_entities(shares, coc):
    codes = ["EU", "HK"]
    pytest.importorskip("jurisdictions.hong_kong")
    doc = {"as_of": AS_OF.isoformat(), "currency": "USD", "group": GROUP,
           "markets": [{"jurisdiction": c, "share": s} for c, s in zip(codes, shares)]}
    r = plan(doc, assumptions={"equity_premium": coc})
    total = r.group_total().iloc[0]
    # independently: every cost row of every entity, converted by hand at the plan's FX
    by_hand = sum(row.annual_cost * r.fx.rate(row.currency, "USD") for row in r.costs.itertuples())
    assert total["annual_cost_ref"] == pytest.approx(by_hand, rel=1e-9, abs=1e-6)
    assert total["annual_cost_ref"] == pytest.approx(r.market_summary()["annual_cost_ref"].sum(), rel=1e-12, abs=1e-9)
    assert total["resources_tied_up_ref"] == pytest.approx(
        sum(row.funded_amount_ref for row in r.costs.itertuples() if row.ties_up), rel=1e-9, abs=1e-6)
