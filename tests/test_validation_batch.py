"""The vectorised frame validator and the pydantic ``Profile`` model agree, and a batch reports every bad row.

Hypothesis draws profiles field by field from good and bad values (negative and non-finite amounts, shares
outside [0, 1], fractional user counts, unknown services and currencies, blank names, padded and lower-case
codes); each one goes through both validators, which must accept or reject it alike, object to the same
fields, and — when they accept it — produce the same normalised row.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from benchmarks.generate import generate_profiles
from comparisons import load_profiles
from jurisdictions.framework import FRAME_COLUMNS, Profile, ProfileError, validate_frame
from jurisdictions.framework.validation import _MAX_PER_CHECK

GOOD_MONEY = st.floats(min_value=0, max_value=1e15, allow_nan=False)
BAD_MONEY = st.sampled_from([-1.0, -1e9, math.nan, math.inf, -math.inf])
GOOD_SHARE = st.floats(min_value=0, max_value=1, allow_nan=False)
BAD_SHARE = st.sampled_from([-0.01, 1.0001, 2.0, math.nan, math.inf])


def mixed(good, bad):
    return st.one_of(*[good] * 7, bad)  # mostly good: single faults are common, and so are good profiles


profile_dicts = st.fixed_dictionaries({
    "name": mixed(st.text(alphabet="abcxyz -_0123456789", min_size=1, max_size=12).filter(str.strip),
                  st.sampled_from(["", "   "])),
    "currency": mixed(st.sampled_from(["EUR", "USD", "JPY", "HKD", " eur", "usd "]),
                      st.sampled_from(["XYZ", "EURO", "", "€"])),
    "services": mixed(
        st.lists(st.sampled_from(["custody", "trading_platform", "exchange_fiat", "advice", "transfer",
                                  " custody "]), min_size=1, max_size=4).map(";".join),
        st.sampled_from(["", ";", "custdy", "custody;bogus", " ; "])),
    "client_crypto_assets": mixed(GOOD_MONEY, BAD_MONEY),
    "hot_wallet_share": mixed(GOOD_SHARE, BAD_SHARE),
    "client_fiat": mixed(GOOD_MONEY, BAD_MONEY),
    "annual_trading_volume": mixed(GOOD_MONEY, BAD_MONEY),
    "fixed_overheads": mixed(GOOD_MONEY, BAD_MONEY),
    "annual_operating_expenses": mixed(GOOD_MONEY, BAD_MONEY),
    "own_funds": mixed(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
                       st.sampled_from([math.nan, math.inf])),
    "adjusted_liabilities": mixed(GOOD_MONEY, BAD_MONEY),
    "active_users": mixed(st.integers(min_value=0, max_value=10**9),
                          st.sampled_from([-1, -100])),
    "recent_incident_losses": mixed(GOOD_MONEY, BAD_MONEY),
})


OPTIONAL = ("adjusted_liabilities", "active_users", "recent_incident_losses")


def as_record(rec: dict) -> dict:
    """In a table a NaN cell is an empty cell: for an optional field, the field left out (default applies)."""
    return {k: v for k, v in rec.items() if not (k in OPTIONAL and isinstance(v, float) and math.isnan(v))}


def pydantic_verdict(rec: dict) -> tuple[set[str], dict | None]:
    try:
        return set(), Profile.model_validate(as_record(rec)).as_row()
    except ValidationError as e:
        return {str(err["loc"][0]) for err in e.errors()}, None


def frame_verdict(rec: dict) -> tuple[set[str], dict | None]:
    try:
        row = validate_frame(pd.DataFrame([rec])).iloc[0]
        return set(), {c: row[c] for c in FRAME_COLUMNS}
    except ProfileError as e:
        return {p.field for p in e.problems}, None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile_dicts)
def test_model_and_frame_validator_agree(rec):
    bad_model, row_model = pydantic_verdict(rec)
    bad_frame, row_frame = frame_verdict(rec)
    assert bad_model == bad_frame
    if row_model is not None:
        for c in FRAME_COLUMNS:
            if c == "services":  # the model keeps the given order; the frame writes SERVICES order
                assert set(row_model[c].split(";")) == set(row_frame[c].split(";"))
            else:
                assert row_model[c] == row_frame[c], c
        # end to end, records (model, then frame) and a frame load to the same validated row
        pd.testing.assert_frame_equal(load_profiles([as_record(rec)]), load_profiles(pd.DataFrame([rec])),
                                      check_dtype=False)


def test_good_values_normalise_alike():
    rec = dict(name="  padded  ", currency=" eur ", services="transfer; custody ;custody",
               client_crypto_assets=1e9, hot_wallet_share=0.05, client_fiat=2.0, annual_trading_volume=3.0,
               fixed_overheads=4.0, annual_operating_expenses=5.0, own_funds=-6.0, active_users=7)
    _, model = pydantic_verdict(rec)
    _, frame = frame_verdict(rec)
    assert model == {**frame, "services": "transfer;custody"}  # the model keeps the order given
    assert frame["name"] == "padded" and frame["currency"] == "EUR"
    assert frame["services"] == "custody;transfer"  # canonical order, duplicates dropped
    assert frame["adjusted_liabilities"] == 0.0 and frame["recent_incident_losses"] == 0.0  # defaults


def test_a_batch_reports_each_bad_row():
    frame = generate_profiles(2_000, seed=11)
    frame["services"] = frame["services"].astype(object)
    bad_fiat = np.arange(5, 2_000, 50)  # 40 rows with a negative amount
    bad_share = np.arange(7, 2_000, 100)  # 20 rows with a share above 1
    bad_service = [3, 999, 1_998]  # 3 rows with a misspelt service
    frame.loc[bad_fiat, "client_fiat"] = -1.0
    frame.loc[bad_share, "hot_wallet_share"] = 1.5
    frame.loc[bad_service, "services"] = "custody;custdy"
    with pytest.raises(ProfileError) as exc:
        load_profiles(frame)
    problems = exc.value.problems
    assert len(problems) == 40 + 20 + 3
    got = {(p.row, p.field) for p in problems}
    assert got == ({(f"row {i}", "client_fiat") for i in bad_fiat}  # the frame's index labels the rows
                   | {(f"row {i}", "hot_wallet_share") for i in bad_share}
                   | {(f"row {i}", "services") for i in bad_service})
    fiat = next(p for p in problems if p.field == "client_fiat")
    assert fiat.value == -1.0 and "must not be negative" in fiat.message
    service = next(p for p in problems if p.field == "services")
    assert service.value == "custdy" and "did you mean 'custody'" in service.message


def test_csv_text_and_numbers_validate_alike(tmp_path):
    frame = generate_profiles(500, seed=12)
    path = tmp_path / "batch.csv"
    frame.to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_profiles(path), load_profiles(frame), check_dtype=False)


def test_bad_rows_beyond_the_limit_are_counted_in_one_line():
    n = _MAX_PER_CHECK + 250
    frame = generate_profiles(n, seed=13)
    frame["client_fiat"] = -5.0  # every row bad in one field
    with pytest.raises(ProfileError) as exc:
        validate_frame(frame, "big.csv")
    problems = exc.value.problems
    # each of the first _MAX_PER_CHECK rows is named, the rest are counted in one line
    assert len(problems) == _MAX_PER_CHECK + 1
    assert problems[0].row == "row 1" and problems[_MAX_PER_CHECK - 1].row == f"row {_MAX_PER_CHECK}"
    assert problems[-1].row == "and 250 more rows"
