"""Contract 1: loading and validating profiles; every kind of bad input gets a clear, located error."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from comparisons import load_profiles
from jurisdictions.framework import Profile, ProfileError
from tests.conftest import make_profile

HEADER = ("name,currency,services,client_crypto_assets,hot_wallet_share,client_fiat,annual_trading_volume,"
          "fixed_overheads,annual_operating_expenses,own_funds")


def write_yaml(tmp_path: Path, data, name="p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False) if not isinstance(data, str) else data, encoding="utf-8")
    return p


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_examples_load_with_derived_incident_losses(examples):
    df = load_profiles(examples)
    assert len(df) == 6
    assert df["name"].is_unique
    osaka = df.set_index("name").loc["Osaka mid-size exchange (illustrative)"]
    assert osaka["recent_incident_losses"] == 1_500_000_000  # from its one incident
    assert osaka["svc_custody"] and not osaka["svc_trading_platform"]


def test_single_mapping_yaml_and_list_under_profiles(tmp_path):
    one = write_yaml(tmp_path, make_profile(name="solo", services=["custody"]), "one.yaml")
    many = write_yaml(tmp_path, {"profiles": [make_profile(name="a"), make_profile(name="b")]}, "many.yaml")
    assert list(load_profiles(one)["name"]) == ["solo"]
    assert list(load_profiles(many)["name"]) == ["a", "b"]


def test_csv_xlsx_frame_and_records_agree(tmp_path):
    rec = make_profile(name="x", services="custody;advice", client_crypto_assets=1e9, hot_wallet_share=0.1,
                       adjusted_liabilities=5.0, active_users=7)
    frame = pd.DataFrame([rec])
    csv = tmp_path / "p.csv"
    frame.to_csv(csv, index=False)
    xlsx = tmp_path / "p.xlsx"
    frame.to_excel(xlsx, index=False)
    loaded = [load_profiles(csv), load_profiles(xlsx), load_profiles(frame), load_profiles([rec])]
    for other in loaded[1:]:
        pd.testing.assert_frame_equal(loaded[0], other, check_dtype=False)
    assert loaded[0]["services"].iloc[0] == "custody;advice"
    assert loaded[0]["active_users"].iloc[0] == 7


def test_services_as_list_in_a_frame():
    df = load_profiles(pd.DataFrame([make_profile(name="l", services=["transfer", "custody"])]))
    assert df["services"].iloc[0] == "custody;transfer"  # canonical order (Contract 1 list)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("client_fiat", -1, "must not be negative"),
        ("hot_wallet_share", 1.5, "between 0 and 1"),
        ("hot_wallet_share", -0.1, "between 0 and 1"),
        ("services", "custody;custdy", "unknown service"),
        ("currency", "XYZ", "unknown currency"),
        ("fixed_overheads", float("nan"), "finite"),
        ("annual_trading_volume", float("inf"), "finite"),
        ("active_users", -3, "must not be negative"),
    ],
)
def test_bad_values_name_file_row_and_field(tmp_path, field, value, message):
    good = make_profile(name="good")
    good.setdefault(field, 0)  # the same columns in both rows
    rows = [good, make_profile(name="bad", **{field: value})]
    # YAML (pydantic path) and CSV (vectorised path) give the same located message
    y = write_yaml(tmp_path, {"profiles": rows})
    with pytest.raises(ProfileError) as e:
        load_profiles(y)
    text = problems(e)
    assert len(text) == 1, text
    assert str(y) in text[0] and "profiles[1]" in text[0] and repr(field) in text[0] and message in text[0]
    c = tmp_path / "p.csv"
    pd.DataFrame(rows).to_csv(c, index=False, na_rep="nan")  # a written NaN, not an empty cell
    with pytest.raises(ProfileError) as e:
        load_profiles(c)
    text = problems(e)
    assert len(text) == 1, text
    assert str(c) in text[0] and "row 2 (line 3)" in text[0] and repr(field) in text[0] and message in text[0]


def test_unknown_service_suggests_the_right_one(tmp_path):
    y = write_yaml(tmp_path, make_profile(services=["custdy"]))
    with pytest.raises(ProfileError, match=r"did you mean 'custody'"):
        load_profiles(y)


def test_unknown_field_is_rejected_with_hint(tmp_path):
    y = write_yaml(tmp_path, dict(make_profile(), hot_wallet_shar=0.1))
    with pytest.raises(ProfileError) as e:
        load_profiles(y)
    assert "unknown field 'hot_wallet_shar'" in str(e.value) and "did you mean 'hot_wallet_share'" in str(e.value)
    c = tmp_path / "p.csv"
    pd.DataFrame([dict(make_profile(), clientfiat=1)]).to_csv(c, index=False)
    with pytest.raises(ProfileError, match=r"unknown field 'clientfiat' \(did you mean 'client_fiat'\?\)"):
        load_profiles(c)


def test_missing_required_column(tmp_path):
    c = tmp_path / "p.csv"
    pd.DataFrame([make_profile()]).drop(columns=["own_funds"]).to_csv(c, index=False)
    with pytest.raises(ProfileError, match=r"field 'own_funds': required field is missing"):
        load_profiles(c)


def test_duplicate_names(tmp_path):
    y = write_yaml(tmp_path, {"profiles": [make_profile(name="twin"), make_profile(name="twin")]})
    with pytest.raises(ProfileError, match=r"profiles\[1\].*duplicate name \(also at profiles\[0\]\)"):
        load_profiles(y)


def test_duplicate_names_across_files(tmp_path):
    a = write_yaml(tmp_path, make_profile(name="twin"), "a.yaml")
    b = write_yaml(tmp_path, make_profile(name="twin"), "b.yaml")
    with pytest.raises(ProfileError, match="duplicate name"):
        load_profiles([a, b])


@pytest.mark.parametrize("suffix, text", [(".yaml", ""), (".csv", ""), (".yaml", "# only a comment\n")])
def test_empty_file(tmp_path, suffix, text):
    p = tmp_path / f"empty{suffix}"
    p.write_text(text)
    with pytest.raises(ProfileError, match="empty"):
        load_profiles(p)


def test_csv_with_header_only_is_empty(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text(HEADER + "\n")
    with pytest.raises(ProfileError, match="no profiles"):
        load_profiles(p)


def test_malformed_yaml_names_the_line(tmp_path):
    p = write_yaml(tmp_path, "profiles:\n  - name: a\n    currency: [EUR\n")
    with pytest.raises(ProfileError) as e:
        load_profiles(p)
    assert "malformed YAML" in str(e.value) and "line" in str(e.value)


def test_yaml_python_tag_is_rejected_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    p = write_yaml(tmp_path, f'name: !!python/object/apply:os.system ["touch {marker}"]\ncurrency: EUR\n')
    with pytest.raises(ProfileError, match="tag not allowed"):
        load_profiles(p)
    assert not marker.exists()


def test_csv_with_three_bad_rows_of_ten_names_all_three(tmp_path):
    lines = [HEADER]
    for i in range(10):
        lines.append(f"p{i},EUR,custody,1000,0.1,0,0,0,0,0")
    lines[3] = "p2,EUR,custody,-5,0.1,0,0,0,0,0"        # row 3: negative client crypto
    lines[6] = "p5,EUR,custody,1000,1.2,0,0,0,0,0"       # row 6: share above 1
    lines[10] = "p9,EUR,tradingplatform,1000,0.1,0,0,0,0,0"  # row 10: unknown service
    c = tmp_path / "ten.csv"
    c.write_text("\n".join(lines) + "\n")
    with pytest.raises(ProfileError) as e:
        load_profiles(c)
    text = problems(e)
    assert len(text) == 3
    assert "row 3 (line 4), field 'client_crypto_assets'" in text[0]
    assert "row 6 (line 7), field 'hot_wallet_share'" in text[1]
    assert "row 10 (line 11), field 'services'" in text[2] and "did you mean 'trading_platform'" in text[2]
    assert str(e.value).startswith("3 problems")


def test_text_in_a_number_field(tmp_path):
    c = tmp_path / "t.csv"
    pd.DataFrame([make_profile(client_fiat="lots")]).to_csv(c, index=False)
    with pytest.raises(ProfileError, match=r"field 'client_fiat': not a number \(value 'lots'\)"):
        load_profiles(c)


def test_optional_fields_default_and_own_funds_may_be_negative():
    df = load_profiles([make_profile(own_funds=-5.0)])
    assert df["own_funds"].iloc[0] == -5.0
    assert df["adjusted_liabilities"].iloc[0] == 0 and df["active_users"].iloc[0] == 0
    assert df["recent_incident_losses"].iloc[0] == 0


def test_incidents_are_yaml_only(tmp_path):
    c = tmp_path / "i.csv"
    pd.DataFrame([dict(make_profile(), incidents="x")]).to_csv(c, index=False)
    with pytest.raises(ProfileError, match="YAML-only"):
        load_profiles(c)


def test_bad_incident_is_located(tmp_path):
    y = write_yaml(tmp_path, dict(make_profile(), incidents=[{"date": "2025-01-01", "customer_loss": -1}]))
    with pytest.raises(ProfileError, match=r"field 'incidents\[0\].customer_loss'"):
        load_profiles(y)


def test_pydantic_model_rejects_the_same_things():
    with pytest.raises(ValueError):
        Profile.model_validate(make_profile(hot_wallet_share=2))
    p = Profile.model_validate(make_profile(services="custody; advice", currency="eur"))
    assert p.services == ["custody", "advice"] and p.currency == "EUR"
    assert math.isclose(p.recent_incident_losses, 0.0)


# --- the optional fields added after the seed markets (DESIGN.md Contract 1) ---------------------------------

def test_optional_fields_are_kept_normalised_and_left_out_when_not_given():
    from comparisons import load_profiles
    from tests.conftest import make_profile

    frame = load_profiles([
        make_profile(name="a", fiat_markets="krw; usd", us_states=["ny", "TX"], peak_annual_trading_volume=9e12,
                     annual_trading_volume=6e12, total_assets=5e9, third_party_custody_share=0.8,
                     annual_revenue=1e8),
        make_profile(name="b"),
    ])
    a, b = frame.iloc[0], frame.iloc[1]
    assert (a["fiat_markets"], a["us_states"]) == ("KRW;USD", "NY;TX")  # canonical: upper case, ';' between
    assert (a["peak_annual_trading_volume"], a["total_assets"], a["third_party_custody_share"],
            a["annual_revenue"]) == (9e12, 5e9, 0.8, 1e8)
    assert pd.isna(b["fiat_markets"]) and math.isnan(b["peak_annual_trading_volume"])  # left out: the default applies
    assert "fiat_markets" not in load_profiles([make_profile(name="c")]).columns  # not given: no column at all


@pytest.mark.parametrize("field, value, message", [
    ("fiat_markets", "KRW, USD", "codes are separated by ';', not ','"),
    ("fiat_markets", "KRX", "unknown ISO 4217 currency code 'KRX'"),
    ("us_states", "NY;XX", "unknown two-letter US state code 'XX'"),
    ("third_party_custody_share", 1.5, "share must be between 0 and 1"),
    ("total_assets", -1, "must not be negative"),
    ("peak_annual_trading_volume", 1.0, "must be at least annual_trading_volume"),
])
def test_optional_fields_are_checked_in_a_csv(tmp_path, field, value, message):
    from comparisons import load_profiles
    from jurisdictions.framework import ProfileError
    from tests.conftest import make_profile

    path = tmp_path / "p.csv"
    pd.DataFrame([make_profile(name="a", annual_trading_volume=5.0, **{field: value})]).to_csv(path, index=False)
    with pytest.raises(ProfileError, match=message) as e:
        load_profiles(path)
    assert f"field '{field}'" in str(e.value) and "row 1" in str(e.value)
