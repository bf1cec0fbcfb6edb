"""The quick paths of the frame validator (issue 8) give the same frame and the same problems as the checks
they skip: services as categoricals and as lists, names in any order, numbers already stored as numbers,
and a validated frame that shares no memory with its input.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import generate_profiles
from comparisons import load_profiles
from jurisdictions.framework import ProfileError, validate_frame
from tests.conftest import make_profile


def frame_of(*profiles: dict) -> pd.DataFrame:
    return pd.DataFrame(list(profiles))


def test_services_as_a_categorical_column():
    frame = frame_of(make_profile(name="a"), make_profile(name="b"), make_profile(name="c"))
    frame["services"] = pd.Categorical(["advice;custody", " transfer ", "advice;custody"])
    out = validate_frame(frame)
    assert out["services"].tolist() == ["custody;advice", "transfer", "custody;advice"]  # SERVICES order
    assert out["svc_custody"].tolist() == [True, False, True]
    assert out["svc_advice"].tolist() == [True, False, True]
    assert out["svc_transfer"].tolist() == [False, True, False]
    assert out["svc_placing"].tolist() == [False, False, False]


def test_categorical_services_with_a_gap_and_a_typo_are_reported():
    frame = frame_of(make_profile(name="a"), make_profile(name="b"), make_profile(name="c"))
    frame["services"] = pd.Categorical(["custody", None, "custdy"])  # row 2 empty, row 3 misspelt
    with pytest.raises(ProfileError) as exc:
        validate_frame(frame, "cat.csv")
    got = [(p.row, p.field, p.value, p.message) for p in exc.value.problems]
    assert got[0][:2] == ("row 2", "services") and got[0][3] == "at least one service is required"
    assert got[1] == ("row 3", "services", "custdy", "unknown service (did you mean 'custody'?)")
    assert len(got) == 2


def test_lists_and_strings_mixed_in_a_big_frame():
    # 60,000 rows: lists and strings alternate, in a column of objects (each row is parsed by its own form)
    n = 60_000
    frame = generate_profiles(n, seed=5)
    services = np.empty(n, dtype=object)
    services[0::2] = [["transfer", " custody"]] * (n // 2)  # list, out of order, padded
    services[1::2] = ["advice"] * (n // 2)
    services[3] = ("placing", "advice")  # a tuple is a list too
    frame["services"] = services
    out = load_profiles(frame)
    assert out["services"].iloc[0] == "custody;transfer"
    assert out["services"].iloc[1] == "advice"
    assert out["services"].iloc[3] == "placing;advice"
    assert int(out["svc_custody"].sum()) == n // 2  # 30,000 list rows
    assert int(out["svc_advice"].sum()) == n // 2  # 29,999 "advice" strings + the tuple
    assert int(out["svc_placing"].sum()) == 1


def test_a_list_naming_an_unknown_service_is_reported():
    frame = frame_of(make_profile(name="a", services=["custody"]), make_profile(name="b", services=["advise"]))
    with pytest.raises(ProfileError) as exc:
        load_profiles(frame)
    (p,) = exc.value.problems
    assert (p.row, p.field, p.value) == ("row 1", "services", "advise")  # the frame's index labels the row
    assert p.message == "unknown service (did you mean 'advice'?)"


def test_names_in_any_order_are_stripped_and_duplicates_found():
    frame = frame_of(make_profile(name=" zed"), make_profile(name="alpha  "), make_profile(name="mid"))
    assert validate_frame(frame)["name"].tolist() == ["zed", "alpha", "mid"]
    shuffled = generate_profiles(5_000, seed=6).sample(frac=1, random_state=7).reset_index(drop=True)
    shuffled.loc[4_000, "name"] = " " + shuffled.loc[17, "name"]  # the same name once padded
    with pytest.raises(ProfileError) as exc:
        validate_frame(shuffled)
    (p,) = exc.value.problems
    assert (p.row, p.field, p.value) == ("row 4001", "name", shuffled.loc[17, "name"])
    assert p.message == "duplicate name (also at row 18)"


def test_sorted_names_with_a_blank_first_name():
    frame = frame_of(make_profile(name=" "), make_profile(name="a"), make_profile(name="b"))
    with pytest.raises(ProfileError) as exc:
        validate_frame(frame)
    assert [(p.row, p.field, p.message) for p in exc.value.problems] == [("row 1", "name", "name is required")]


def test_numbers_already_numbers():
    frame = frame_of(
        make_profile(name="a", hot_wallet_share=1.0, own_funds=-5.5, active_users=3.0),
        make_profile(name="b", hot_wallet_share=0.0, own_funds=2.0, active_users=0.0),
    )
    frame["client_fiat"] = np.array([7, 9], dtype=np.int32)  # whole numbers in an integer column
    frame["adjusted_liabilities"] = [math.nan, 4.0]  # blank → the default 0
    out = validate_frame(frame)
    assert out["client_fiat"].tolist() == [7.0, 9.0] and out["client_fiat"].dtype == np.float64
    assert out["hot_wallet_share"].tolist() == [1.0, 0.0]  # both ends of [0, 1] allowed
    assert out["own_funds"].tolist() == [-5.5, 2.0]  # own funds may be negative
    assert out["active_users"].tolist() == [3, 0] and out["active_users"].dtype == np.int64
    assert out["adjusted_liabilities"].tolist() == [0.0, 4.0]


@pytest.mark.parametrize("field, value, message", [
    ("own_funds", math.inf, "must be a finite number (NaN and inf are not amounts)"),
    ("hot_wallet_share", 1.25, "share must be between 0 and 1"),
    ("client_fiat", -0.01, "must not be negative"),
    ("active_users", 2.5, "must be a whole number"),
])
def test_a_bad_number_in_a_number_column_is_named(field, value, message):
    frame = frame_of(*(make_profile(name=f"p{i}") for i in range(4)))
    frame[field] = 0.0  # a float column (active_users is optional: not in make_profile)
    frame.loc[2, field] = value
    with pytest.raises(ProfileError) as exc:
        validate_frame(frame, "nums.csv")
    (p,) = exc.value.problems
    assert (p.source, p.row, p.field, p.value, p.message) == ("nums.csv", "row 3", field, value, message)


def test_validated_frame_shares_no_memory_with_its_input():
    frame = generate_profiles(1_000, seed=8)
    before = frame.copy()
    out = load_profiles(frame)
    for c in ("name", "currency", "services", "client_fiat", "hot_wallet_share", "active_users"):
        assert not np.shares_memory(out[c].to_numpy(), frame[c].to_numpy()), c
    out.loc[0, "client_fiat"] = -1.0
    out.loc[0, "name"] = "changed"
    pd.testing.assert_frame_equal(frame, before)
    assert out.loc[1, "client_fiat"] == frame.loc[1, "client_fiat"]


def test_duplicate_names_across_three_files(tmp_path):
    cols = "name,currency,services,client_crypto_assets,hot_wallet_share,client_fiat,annual_trading_volume,"\
           "fixed_overheads,annual_operating_expenses,own_funds\n"
    paths = []
    for file, names in (("a.csv", ["x", "y"]), ("b.csv", ["z"]), ("c.csv", ["y", "w", "z"])):
        path = tmp_path / file
        path.write_text(cols + "".join(f"{nm},EUR,custody,1,0,0,0,0,0,0\n" for nm in names))
        paths.append(path)
    with pytest.raises(ProfileError) as exc:
        load_profiles(paths)
    got = [(p.source, p.value, p.message) for p in exc.value.problems]
    assert got == [(str(paths[2]), "y", f"duplicate name (also in {paths[0]})"),
                   (str(paths[2]), "z", f"duplicate name (also in {paths[1]})")]
    assert load_profiles(paths[:2])["name"].tolist() == ["x", "y", "z"]
