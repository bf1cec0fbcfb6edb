"""FX: ECB reference rates shipped offline, last business day on or before as_of, AED through its USD peg."""
from __future__ import annotations

import datetime as dt

import pytest

from comparisons import compare
from comparisons.fx import ecb_table, rates_file_table
from jurisdictions.framework import FxError
from tests.conftest import make_profile


def test_weekend_uses_the_friday_rate():
    table = ecb_table()
    # 2025-06-14 is a Saturday: the rate of Friday 2025-06-13 applies
    snap = table.on(dt.date(2025, 6, 14))
    assert snap.date == dt.date(2025, 6, 13)
    friday = table.per_eur.loc["2025-06-13"]
    assert snap.per_eur["JPY"] == friday["JPY"]
    assert snap.rate("EUR", "JPY") == friday["JPY"]
    # JPY → USD = (USD per EUR) / (JPY per EUR)
    assert snap.rate("JPY", "USD") == pytest.approx(friday["USD"] / friday["JPY"])


def test_aed_through_its_usd_peg():
    snap = ecb_table().on(dt.date(2025, 6, 13))
    assert snap.rate("USD", "AED") == pytest.approx(3.6725)
    assert snap.per_eur["AED"] == pytest.approx(snap.per_eur["USD"] * 3.6725)


def test_unknown_currency_is_a_clear_error():
    snap = ecb_table().on(dt.date(2025, 6, 13))
    with pytest.raises(FxError, match="cannot convert XAF"):
        snap.rate("XAF", "EUR")


def test_before_the_history_is_an_error():
    with pytest.raises(FxError, match="no exchange rates on or before 1998-12-31"):
        ecb_table().on(dt.date(1998, 12, 31))


def test_user_rates_file(tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("date,currency,per_eur\n2026-01-02,USD,1.10\n2026-06-01,USD,1.25\n2026-01-02,XAF,655.957\n")
    table = rates_file_table(f)
    snap = table.on(dt.date(2026, 3, 1))
    assert snap.per_eur["USD"] == 1.10 and snap.date == dt.date(2026, 1, 2)
    # a profile in XAF can be compared when the user's file gives its rate
    result = compare([make_profile(name="cfa", currency="XAF", fixed_overheads=655.957 * 1_000_000)],
                     jurisdictions=["EU"], as_of="2026-07-01", currency="USD", fx=str(f))
    row = result.obligations.set_index("obligation").loc["prudential_safeguards"]
    assert row["amount"] == pytest.approx(250_000)  # max(125,000, 0.25 × EUR 1,000,000)
    assert row["amount_ref"] == pytest.approx(250_000 * 1.25)
    assert result.fx.source.startswith("rates file")


def test_malformed_rates_file_names_row_and_field(tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("currency,per_eur\nUSD,1.1\nJPY,-3\n")
    with pytest.raises(FxError, match=r"row 2, field 'per_eur'"):
        rates_file_table(f)


def test_rate_date_appears_in_json():
    result = compare([make_profile()], jurisdictions=["EU"], as_of="2025-06-14")
    doc = result.to_dict()
    assert doc["fx"]["date"] == "2025-06-13" and doc["fx"]["as_of"] == "2025-06-14"


def test_stale_rates_warn():
    last = ecb_table().per_eur.index[-1].date()
    result = compare([make_profile()], jurisdictions=["EU"], as_of=last + dt.timedelta(days=30))
    assert any("exchange rates of" in w["message"] for w in result.warnings)
