"""The packaged incident data: ids, loss amounts, customer shares and wallets read from the rulebook's CSV."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from comparisons.stress.incidents import (
    CSV_COLUMNS, IncidentError, WALLETS, get_incident, incidents_path, load_incidents, load_outcomes,
    parse_customer_share,
    parse_range, parse_wallet, resolve, slug,
)
from jurisdictions.framework import XjurError


@pytest.fixture(scope="module")
def inc() -> pd.DataFrame:
    return load_incidents().set_index("slug")


def test_packaged_copy_keeps_every_column_and_a_source_for_every_row():
    raw = pd.read_csv(incidents_path(), dtype=str, keep_default_na=False)
    assert tuple(raw.columns) == CSV_COLUMNS
    assert len(raw) == 23
    assert (raw["source_url"].str.startswith("http")).all()
    frame = load_incidents()
    assert list(frame["id"]) == list(raw["id"])  # every row, in the file's order
    assert (frame["source_url"] == raw["source_url"]).all()


def test_slugs_are_the_csv_ids_with_hyphens(inc):
    assert slug("coincheck_2018") == "coincheck-2018"
    assert {"coincheck-2018", "dmm-bitcoin-2024", "bybit-2025", "mtgox-2014"} <= set(inc.index)
    assert inc.loc["dmm-bitcoin-2024", "id"] == "dmm_bitcoin_2024"
    assert inc.loc["dmm-bitcoin-2024", "year"] == 2024


@pytest.mark.parametrize("given", ["coincheck-2018", "coincheck_2018", "Coincheck-2018", " coincheck_2018 "])
def test_resolve_accepts_slug_and_csv_id(given):
    assert resolve(given) == ["coincheck-2018"]


def test_unknown_incident_says_did_you_mean():
    with pytest.raises(IncidentError, match=r"unknown incident 'coinchek-2018' \(did you mean 'coincheck-2018'\?\)"):
        resolve(["coinchek-2018"])
    assert issubclass(IncidentError, XjurError)


def test_get_incident_returns_one_row():
    row = get_incident("bybit_2025")
    assert row["exchange"] == "Bybit"
    assert row["wallet"] == "cold"


# -- loss amounts ---------------------------------------------------------------------------------------------

def test_parse_range():
    assert parse_range("450-480") == (450.0, 480.0)
    assert parse_range("30.4") == (30.4, 30.4)
    lo, hi = parse_range("")
    assert math.isnan(lo) and math.isnan(hi)
    with pytest.raises(IncidentError):
        parse_range("about 3")


def test_local_amount_is_preferred_over_the_usd_figure(inc):
    # coincheck: loss_local_amount 58,000,000,000 JPY (the USD column says 530)
    row = inc.loc["coincheck-2018"]
    assert row["loss_amount"] == 58_000_000_000
    assert row["loss_currency"] == "JPY"
    assert "loss_local_amount" in row["loss_basis"]
    assert row["loss_usd"] == 530_000_000


@pytest.mark.parametrize("point, expected", [
    # KuCoin: loss_usd_millions 281-285, no local amount
    ("midpoint", (281 + 285) / 2 * 1e6),  # = USD 283 m
    ("low", 281e6),
    ("high", 285e6),
])
def test_usd_range_is_read_at_the_chosen_point(point, expected):
    frame = load_incidents(point).set_index("slug")
    row = frame.loc["kucoin-2020"]
    assert row["loss_amount"] == pytest.approx(expected)
    assert row["loss_currency"] == "USD"
    assert row["loss_usd_low"] == 281e6 and row["loss_usd_high"] == 285e6
    assert f"({point} of the range)" in row["loss_basis"]
    assert frame.attrs["loss_point"] == point


def test_bad_loss_point():
    with pytest.raises(IncidentError, match="loss_point 'mean'"):
        load_incidents("mean")


def test_incidents_without_an_amount_stay_blank(inc):
    for s in ("quadrigacx-2019", "aax-2022", "ftx-japan-2022"):
        assert math.isnan(inc.loc[s, "loss_amount"])
        assert inc.loc[s, "loss_basis"] == "no loss amount in the data"


# -- customer share -------------------------------------------------------------------------------------------

def test_customer_share_from_customer_and_own_amounts(inc):
    # Zaif: "yes (≈¥4.5bn customer, ≈¥2.2bn own)" → 4.5 / (4.5 + 2.2) = 0.6716; 6.7 bn × 0.6716 = 4.5 bn
    row = inc.loc["zaif-2018"]
    assert row["customer_share"] == pytest.approx(4.5 / 6.7)
    assert row["customer_loss"] == pytest.approx(4.5e9)
    # Bitpoint: "¥2.06bn customer, ¥0.96bn own" → 2.06 / 3.02; 3.02 bn × that = 2.06 bn
    assert inc.loc["bitpoint-2019", "customer_loss"] == pytest.approx(2.06e9)


def test_customer_share_from_part_of_whole(inc):
    # Mt. Gox: "≈750,000 of ≈850,000 BTC" → 0.88235; JPY 48 bn × 0.88235 = JPY 42.35 bn
    row = inc.loc["mtgox-2014"]
    assert row["customer_share"] == pytest.approx(750_000 / 850_000)
    assert row["customer_loss"] == pytest.approx(48e9 * 750_000 / 850_000)


def test_customer_share_whole_none_and_unknown(inc):
    assert inc.loc["bitfinex-2016", "customer_share"] == 1.0  # taken from users' segregated wallets
    assert inc.loc["ftx-japan-2022", "customer_share"] == 0.0  # no customer loss: assets segregated
    row = inc.loc["coincheck-2018"]  # "no": not known → whole loss replayed, and said so
    assert math.isnan(row["customer_share"])
    assert row["customer_share_used"] == 1.0
    assert "assumed" in row["customer_share_basis"]
    assert math.isnan(inc.loc["liquid-2021", "customer_share"])  # "partly": unknown
    assert "partly" in inc.loc["liquid-2021", "customer_share_basis"]


def test_customer_share_parser_units():
    share, basis = parse_customer_share("yes (¥750m customer, ¥250m own)")
    assert share == pytest.approx(0.75)  # 750 m / (750 m + 250 m)
    assert parse_customer_share("no")[0] != parse_customer_share("no")[0]  # NaN


# -- wallet ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, wallet", [
    ("hot", "hot"),
    ("hot (single-signature, no multisig)", "hot"),
    ("warm (MPC wallet)", "hot"),  # Contract 1: warm and other online storage count as hot
    ("multisig (users' segregated BitGo wallets, online co-signing)", "hot"),
    ("cold (Safe multisig ETH wallet; breached while funds moved from cold to warm)", "cold"),
    ("multisig (Safe wallet on Liminal custody infrastructure)", "unknown"),
    ("n/a (misappropriation)", "unknown"),
    ("", "unknown"),
])
def test_parse_wallet(text, wallet):
    assert parse_wallet(text) == wallet


def test_every_incident_has_a_known_wallet_class(inc):
    assert set(inc["wallet"]) <= set(WALLETS)
    assert inc.loc["dmm-bitcoin-2024", "wallet"] == "unknown"  # wallet_type empty in the CSV
    assert inc.loc["coincheck-2018", "wallet"] == "hot"


def test_malformed_file_names_row_and_field(tmp_path):
    raw = pd.read_csv(incidents_path(), dtype=str, keep_default_na=False)
    raw.loc[2, "loss_local_amount"] = "lots"
    p = tmp_path / "incidents.csv"
    raw.to_csv(p, index=False)
    with pytest.raises(IncidentError, match=r"row 3, field 'loss_local_amount': 'lots'"):
        load_incidents(path=p)


@pytest.mark.parametrize("field, value, message", [
    ("recovery_rate_pct", "most", r"row 4, field 'recovery_rate_pct': 'most' is not a number"),
    ("date", "Jan 2018", r"row 4, field 'date': 'Jan 2018' is not YYYY-MM-DD or YYYY-MM"),
])
def test_malformed_recovery_or_date_names_row_and_field(tmp_path, field, value, message):
    raw = pd.read_csv(incidents_path(), dtype=str, keep_default_na=False)
    raw.loc[3, field] = value
    p = tmp_path / "incidents.csv"
    raw.to_csv(p, index=False)
    with pytest.raises(IncidentError, match=message):
        load_incidents(path=p)


def test_recovery_rate_is_the_percentage_over_100(inc):
    assert inc.loc["coincheck-2018", "recovery_rate"] == 1.0  # 100
    assert inc.loc["quadrigacx-2019", "recovery_rate"] == pytest.approx(0.13)  # 13
    assert inc.loc["ftx-2022", "recovery_rate"] == pytest.approx(1.18)  # 118: claims paid above petition value
    assert math.isnan(inc.loc["bybit-2025", "recovery_rate"])  # no percentage in the sources


def test_bad_payer_in_the_outcomes_file_names_the_entry(tmp_path):
    p = tmp_path / "outcomes.yaml"
    p.write_text("incidents:\n  coincheck_2018: {paid_by: frim, evidence: x}\n", encoding="utf-8")
    with pytest.raises(IncidentError, match=r"incidents.coincheck_2018, field 'paid_by': 'frim'.*did you mean 'firm'"):
        load_outcomes(p)
