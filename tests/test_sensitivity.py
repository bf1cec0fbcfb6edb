"""Sensitivity sweeps: one parameter over a grid, worked by hand on the Japanese reserve and on MiCA."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import comparisons.sensitivity as sensitivity
from comparisons.compare import fx_snapshot
from comparisons.sensitivity import COLUMNS, sweep
from jurisdictions.framework import ParameterError, XjurError
from tests.conftest import AS_OF, EXAMPLES, make_profile

BN = 1_000_000_000
TN = 1_000 * BN


def ref(name: str = "ref", **kw) -> dict:
    """JPY 300 bn client crypto at 3 % hot (cold 291 bn), JPY 6 tn traded a year, no incidents."""
    base = dict(name=name, currency="JPY", client_crypto_assets=300 * BN, hot_wallet_share=0.03,
                annual_trading_volume=6 * TN)
    base.update(kw)
    return make_profile(**base)


def test_sweep_reserve_volume_rate_central():
    df = sweep([ref()], "jp_reserve_rate_volume", [0.0001, 0.0002, 0.001], as_of=AS_OF, currency="USD")
    assert list(df.columns) == list(COLUMNS)
    assert list(df["value"]) == [0.0001, 0.0002, 0.001]
    assert set(df["scenario"]) == {"central"} and set(df["parameter"]) == {"jp_reserve_rate_volume"}
    assert set(df["jurisdiction"]) == {"JP"} and set(df["obligation"]) == {"liability_reserve"}
    # a × 6 tn + 0.01 × 291 bn: 0.6 + 2.91 = 3.51 bn; 1.2 + 2.91 = 4.11 bn; 6 + 2.91 = 8.91 bn
    assert df["amount"].to_numpy() == pytest.approx([3.51 * BN, 4.11 * BN, 8.91 * BN])
    assert set(df["currency"]) == {"JPY"} and set(df["ref_currency"]) == {"USD"}
    usd_per_jpy = fx_snapshot(AS_OF).rate("JPY", "USD")
    assert df["amount_ref"].to_numpy() == pytest.approx(df["amount"].to_numpy() * usd_per_jpy)


def test_grid_value_replaces_the_parameter_in_every_scenario():
    df = sweep([ref()], "jp_reserve_rate_volume", [0.0002], scenarios=("low", "central", "high"), as_of=AS_OF)
    by = df.set_index("scenario")["amount"]
    # a = 0.0002 everywhere; b, floor, cap, c stay per scenario
    assert by["low"] == pytest.approx(1.9275 * BN)  # 1.2 bn + 0.0025 × 291 bn = 1.2 + 0.7275
    assert by["central"] == pytest.approx(4.11 * BN)  # 1.2 bn + 0.01 × 291 bn
    assert by["high"] == pytest.approx(9.93 * BN)  # 1.2 bn + 0.03 × 291 bn = 1.2 + 8.73


def test_sweep_cap_including_no_cap():
    df = sweep([ref()], "jp_reserve_cap", [1 * BN, None], as_of=AS_OF)
    assert df["amount"].iloc[0] == pytest.approx(1 * BN)  # min(1 bn, 4.11 bn)
    assert df["amount"].iloc[1] == pytest.approx(4.11 * BN)  # null = no cap
    assert df["value"].iloc[1] is None


def test_sweep_over_many_profiles_is_one_compare_per_grid_value(monkeypatch):
    calls = []
    real = sensitivity.compare

    def counting(profiles, **kw):
        calls.append(len(profiles))
        return real(profiles, **kw)

    monkeypatch.setattr(sensitivity, "compare", counting)
    grid = [0.0025, 0.005, 0.01, 0.02, 0.03]
    df = sweep(EXAMPLES / "profiles.yaml", "jp_reserve_rate_cold_aum", grid, as_of=AS_OF)
    assert calls == [6] * len(grid)  # every call carries all 6 example profiles
    assert len(df) == 6 * len(grid)
    # the reserve never falls as b rises (each profile's amounts in grid order); the adviser is out of scope
    for name, g in df.groupby("profile"):
        amounts = g.sort_values("value")["amount"].to_numpy()
        if name.startswith("Lisbon"):
            assert np.isnan(amounts).all()
            continue
        assert np.all(np.diff(amounts) >= 0)
    tokyo = df[df["profile"].str.startswith("Tokyo")].set_index("value")["amount"]
    # Tokyo: 0.0002 × 6 tn + b × 0.97 × 1.2 tn (= 1,164 bn): b 0.02 → 1.2 + 23.28 = 24.48 bn
    assert tokyo[0.02] == pytest.approx(24.48 * BN)


def test_sweep_on_top_of_a_user_parameter_file(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(textwrap.dedent("""\
        jp_reserve_rate_cold_aum:
          values:
            - {effective_from: 2027-04-01, value: 0.02, status: assumed, citation: my view}
        """), encoding="utf-8")
    df = sweep([ref()], "jp_reserve_rate_volume", [0.0002, 0.0005], as_of=AS_OF, parameters=str(f))
    # 0.0002 × 6 tn + 0.02 × 291 bn = 1.2 + 5.82 = 7.02 bn; 0.0005 × 6 tn + 5.82 = 3 + 5.82 = 8.82 bn
    assert df["amount"].to_numpy() == pytest.approx([7.02 * BN, 8.82 * BN])


def test_sweep_an_in_force_japanese_parameter():
    p = ref(hot_wallet_share=0.08)
    df = sweep([p], "jp_max_non_cold_share", [0.05, 0.02], obligation="cold_storage_shortfall", as_of=AS_OF)
    # (8 % − 5 %) × 300 bn = 9 bn; (8 % − 2 %) × 300 bn = 18 bn
    assert df["amount"].to_numpy() == pytest.approx([9 * BN, 18 * BN])
    assert set(df["scenario"]) == {""}


def test_sweep_another_jurisdiction():
    p = make_profile(name="casp", services="custody", fixed_overheads=3_000_000)
    df = sweep([p], "eu_fo_multiplier", [0.25, 0.5, 0.01], jurisdiction="EU", obligation="prudential_safeguards",
               as_of=AS_OF, currency="EUR")
    # max(125,000, m × 3,000,000): 750,000; 1,500,000; max(125,000, 30,000) = 125,000
    assert df["amount"].to_numpy() == pytest.approx([750_000, 1_500_000, 125_000])
    assert df["amount_ref"].to_numpy() == pytest.approx(df["amount"].to_numpy())  # EUR → EUR


def test_sweep_bad_arguments():
    with pytest.raises(ParameterError, match="did you mean 'jp_reserve_rate_volume'"):
        sweep([ref()], "jp_reserve_rate_volum", [0.1], as_of=AS_OF)
    with pytest.raises(XjurError, match="no obligation 'liability_reserv'"):
        sweep([ref()], "jp_reserve_floor", [1], obligation="liability_reserv", as_of=AS_OF)
    with pytest.raises(XjurError, match="at least one value"):
        sweep([ref()], "jp_reserve_floor", [], as_of=AS_OF)


def test_override_marks_values_assumed_and_replaces_whole_history():
    from jurisdictions.japan import jurisdiction as japan

    base = japan.parameters()
    o = sensitivity.override(base, "jp_pgc_ratio", 2.0)
    merged = base.with_overrides(o)
    v = merged.latest("jp_pgc_ratio")
    assert (v.value, v.status, v.effective_from) == (2.0, "assumed", base.history("jp_pgc_ratio").first_date())
    assert len(merged.history("jp_pgc_ratio").values) == 1
