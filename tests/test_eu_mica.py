"""EU MiCA: worked examples computed by hand from Art. 67(1), Annex IV and Art. 70(3)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pandas as pd

from comparisons import compare
from jurisdictions.eu_mica import jurisdiction as EU
from jurisdictions.framework import SERVICES, validate_frame
from tests.conftest import AS_OF, make_profile


def eu_rows(*profiles, **kw):
    result = compare(list(profiles), jurisdictions=["EU"], as_of=AS_OF, currency="EUR", **kw)
    return result.obligations.set_index(["profile", "obligation"])


@pytest.mark.parametrize(
    "services, overheads, expected, binds_minimum",
    [
        # class 1 (advice): max(EUR 50,000, 0.25 × 100,000 = 25,000) = 50,000
        ("advice", 100_000, 50_000, True),
        # class 1: max(50,000, 0.25 × 400,000 = 100,000) = 100,000
        ("advice;transfer", 400_000, 100_000, False),
        # class 2 (custody): max(125,000, 0.25 × 200,000 = 50,000) = 125,000
        ("custody", 200_000, 125_000, True),
        # class 2: max(125,000, 0.25 × 3,000,000 = 750,000) = 750,000 (the DESIGN example)
        ("custody;exchange_fiat", 3_000_000, 750_000, False),
        # class 3 (trading platform alone, ESMA Q&A 2343): max(150,000, 0.25 × 500,000 = 125,000) = 150,000
        ("trading_platform", 500_000, 150_000, True),
        # class 3: max(150,000, 0.25 × 2,600,000 = 650,000) = 650,000 (rulebook §5 worked example FO)
        ("trading_platform;custody", 2_600_000, 650_000, False),
    ],
)
def test_prudential_safeguards_by_class(services, overheads, expected, binds_minimum):
    rows = eu_rows(make_profile(name="p", services=services, fixed_overheads=overheads))
    row = rows.loc[("p", "prudential_safeguards")]
    assert row["amount"] == pytest.approx(expected)
    assert row["currency"] == "EUR"
    assert "Art. 67" in row["citation"]
    assert row["basis"].startswith("max(EUR ")
    assert row["basis"].endswith(f"= EUR {expected:,.0f}")
    assert row["funding_forms"] == "own_funds;insurance"
    assert row["category"] == "capital"
    if not binds_minimum:
        assert row["status"] == "in_force"


def test_design_example_basis_text():
    rows = eu_rows(make_profile(name="p", services="custody", fixed_overheads=3_000_000))
    assert rows.loc[("p", "prudential_safeguards"), "basis"] == (
        "max(EUR 125,000 [Annex IV class 2], 0.25 × EUR 3,000,000) = EUR 750,000"
    )


def test_class_from_q_and_a_is_guidance_when_minimum_binds():
    # trading platform alone: Annex IV speaks of "class 2 services plus" a platform; Q&A 2343 places it in class 3
    rows = eu_rows(make_profile(name="p", services="trading_platform", fixed_overheads=0))
    assert rows.loc[("p", "prudential_safeguards"), "status"] == "guidance"
    # all class 1 services offered: class 1 from Annex IV itself
    all_c1 = "execution;placing;reception_transmission;advice;portfolio_management;transfer"
    rows = eu_rows(make_profile(name="q", services=all_c1, fixed_overheads=0))
    assert rows.loc[("q", "prudential_safeguards"), "status"] == "in_force"


def test_status_follows_the_binding_term():
    # platform alone, FO 0: max(150,000 [class 3 by Q&A 2343], 0) = 150,000 → guidance (the Q&A decides it)
    # platform alone, FO 1,000,000: max(150,000, 0.25 × 1,000,000 = 250,000) = 250,000 → in_force (Art. 67(1)(b))
    rows = eu_rows(make_profile(name="min", services="trading_platform", fixed_overheads=0),
                   make_profile(name="fo", services="trading_platform", fixed_overheads=1_000_000))
    assert rows.loc[("min", "prudential_safeguards"), ["amount", "status"]].tolist() == [150_000, "guidance"]
    assert rows.loc[("fo", "prudential_safeguards"), ["amount", "status"]].tolist() == [
        0.25 * 1_000_000, "in_force"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_one_of_the_ten_services_brings_a_firm_under_mica(service):
    # Annex IV names the class of each service: no mapping is assumed, no row is out of scope
    rows = eu_rows(make_profile(name="p", services=service, fixed_overheads=0))
    assert rows["amount"].notna().all()
    assert not (rows["status"] == "assumed").any()
    cls_minimum = {"trading_platform": 150_000, "custody": 125_000, "exchange_fiat": 125_000,
                   "exchange_crypto": 125_000}.get(service, 50_000)
    assert rows.loc[("p", "prudential_safeguards"), "amount"] == cls_minimum


def test_a_frame_with_no_service_is_out_of_scope_with_the_reason():
    # Contract 1 asks for at least one service; of two profiles sent straight to assess, the one without any
    # service is out of scope, the other keeps max(125,000 [class 2], 0.25 × 1,000,000) = 250,000
    frame = validate_frame(pd.DataFrame([make_profile(name=n, fixed_overheads=1_000_000) for n in ("none", "p")]))
    frame.loc[0, [f"svc_{s}" for s in SERVICES]] = False
    rows = EU.assess(frame, AS_OF).set_index(["profile", "obligation"])
    assert rows.loc[("p", "prudential_safeguards"), "amount"] == 0.25 * 1_000_000
    out = rows.loc["none"]
    assert out["amount"].isna().all() and out["reason"].str.startswith("not in scope: eu.mica applies to").all()
    assert all(s in out["reason"].iloc[0] for s in SERVICES)


def test_client_funds_safeguarding_equals_client_fiat():
    rows = eu_rows(make_profile(name="p", client_fiat=400_000_000))
    row = rows.loc[("p", "client_funds_safeguarding")]
    assert row["amount"] == 400_000_000  # 100 % of client funds, Art. 70(3)
    assert row["funding_forms"] == "segregation"
    assert row["category"] == "client_money"
    assert "70(3)" in row["citation"]


def test_usd_profile_gives_eur_result_of_its_eur_twin():
    # FX from the ECB history on the comparison date: convert the EUR twin's overheads to USD by hand
    from comparisons.compare import fx_snapshot

    usd_per_eur = fx_snapshot(AS_OF).per_eur["USD"]
    eur = make_profile(name="eur", currency="EUR", fixed_overheads=3_000_000, client_fiat=1_000_000)
    usd = make_profile(name="usd", currency="USD", fixed_overheads=3_000_000 * usd_per_eur,
                       client_fiat=1_000_000 * usd_per_eur)
    rows = eu_rows(eur, usd)
    for ob in ("prudential_safeguards", "client_funds_safeguarding"):
        assert rows.loc[("usd", ob), "amount"] == pytest.approx(rows.loc[("eur", ob), "amount"], rel=1e-12)
    assert rows.loc[("usd", "prudential_safeguards"), "amount"] == pytest.approx(750_000)


def test_significant_casp_warning():
    # Art. 85(1): 15,000,000 active users ≥ 15,000,000 is significant, 14,999,999 is not
    result = compare([make_profile(name="big", active_users=15_000_000),
                      make_profile(name="small", active_users=14_999_999)], jurisdictions=["EU"], as_of=AS_OF)
    flagged = [(w["profile"], w["message"]) for w in result.warnings if "significant CASP" in w["message"]]
    assert flagged == [("big", "significant CASP: 15,000,000 active users ≥ 15,000,000; notification and "
                               "information duties towards ESMA apply, no extra capital (MiCA Art. 85(1))")]


def test_before_mica_applies_rows_are_blank_with_reason():
    result = compare([make_profile(name="p", fixed_overheads=1_000_000)], jurisdictions=["EU"], as_of="2024-06-30")
    ob = result.obligations
    assert ob["amount"].isna().all()
    assert ob["reason"].str.contains("applies from 2024-12-30").all()


service_sets = st.sets(st.sampled_from(SERVICES), min_size=1)
money = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(services=service_sets, extra=st.sampled_from(SERVICES), overheads=money, rise=money)
def test_requirement_never_falls_and_never_below_class_minimum(services, extra, overheads, rise):
    base = make_profile(name="base", services=";".join(sorted(services)), fixed_overheads=overheads)
    more_fo = dict(base, name="more_fo", fixed_overheads=overheads + rise)
    more_svc = dict(base, name="more_svc", services=";".join(sorted(services | {extra})))
    rows = eu_rows(base, more_fo, more_svc)
    a = rows.loc[("base", "prudential_safeguards"), "amount"]
    assert rows.loc[("more_fo", "prudential_safeguards"), "amount"] >= a
    assert rows.loc[("more_svc", "prudential_safeguards"), "amount"] >= a
    minimum = 150_000 if "trading_platform" in services else (
        125_000 if services & {"custody", "exchange_fiat", "exchange_crypto"} else 50_000)
    assert a >= minimum


def test_notes_no_compensation_scheme_and_the_art_75_8_custody_liability():
    result = compare([make_profile(name="c", currency="EUR", services="custody")], jurisdictions=["EU"],
                     as_of=AS_OF)
    notes = [w for w in result.warnings if w["jurisdiction"] == "EU" and w.get("level") == "note"
             and w["profile"] == ""]
    text = " ".join(w["message"] for w in notes)
    assert "no compensation or guarantee scheme covers crypto-assets in the EU" in text
    assert "Joint ESAs warning of 6 Oct 2025" in text
    assert "MiCA Art. 75(8); in_force †" in text  # eu_custody_liability_cap is in_force † in the rulebook
    assert "up to the market value of the lost crypto-asset at the time of loss" in text
    assert "a claim on the firm, not a fund" in text
    # notes, not amounts: the rows are unchanged
    assert set(result.obligations["obligation"]) == {"prudential_safeguards", "client_funds_safeguarding"}


def test_explain_text_names_esma_qa_2349_on_fixed_overheads():
    formula = EU.spec("prudential_safeguards").formula
    assert "ESMA Q&A 2349" in formula and "depreciation stay in" in formula
