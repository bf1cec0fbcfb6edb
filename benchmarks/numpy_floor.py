"""The floor to beat: the same formulas as the EU, JP (3 reserve scenarios) and HK plug-ins, in plain numpy.

No strings, no pandas, no validation: float arrays in, one float array of amounts per obligation out (in the
jurisdiction's currency, plus the reference-currency amount). This is the least work any implementation of
the rules must do; ``python -m benchmarks`` reports how far the real path (validation, ``compare`` with its
Contract 2 table and ``basis`` text, costs) is from it.

The figures are read from the plug-ins' own parameter files for the comparison date (``floor_parameters``),
so both paths compute with the same numbers. The cost step uses fixed illustrative rates: it measures the
arithmetic a per-obligation cost needs (one product and one minimum per allowed funding form), not a price.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jurisdictions.framework import SERVICES

#: parameter ids read by the floor, per jurisdiction (scenario parameters are read per scenario)
EU_IDS = ("eu_pmc_class1", "eu_pmc_class2", "eu_pmc_class3", "eu_fo_multiplier",
          "eu_client_funds_safeguarded_share")
JP_IDS = ("jp_min_paid_in_capital", "jp_pgc_ratio", "jp_customer_money_trust_share", "jp_max_non_cold_share")
JP_RESERVE_IDS = ("jp_reserve_rate_volume", "jp_reserve_rate_cold_aum", "jp_reserve_floor", "jp_reserve_cap",
                  "jp_reserve_incident_factor")
HK_IDS = ("hk_comp_cover_share_cold", "hk_comp_cover_share_hot_other", "hk_cold_storage_min_share",
          "hk_min_paid_up_capital", "hk_rlc_floor", "hk_basic_amount_rate", "hk_liquid_assets_opex_months")
SCENARIOS = ("low", "central", "high")
#: illustrative annual cost rates per funding form (benchmark arithmetic only, not assumptions of the model)
COST_RATES = {"own_funds": 0.12, "insurance": 0.02, "trust_funds": 0.08, "bank_guarantee": 0.015,
              "same_kind_crypto": 0.12, "segregation": 0.0}


@dataclass(frozen=True)
class FloorInputs:
    """The profiles as plain arrays (what the floor starts from)."""

    currency: np.ndarray  # int index into ``currencies``
    currencies: tuple[str, ...]
    services: np.ndarray  # bool, rows × SERVICES
    crypto: np.ndarray
    hot: np.ndarray
    fiat: np.ndarray
    volume: np.ndarray
    overheads: np.ndarray
    opex: np.ndarray
    liabilities: np.ndarray
    losses: np.ndarray

    def __len__(self) -> int:
        return len(self.crypto)


def floor_inputs(frame: pd.DataFrame) -> FloorInputs:
    """Arrays from a generated frame (Contract 1 CSV layout). Not timed: the floor starts from numbers."""
    codes, uniq = pd.factorize(frame["currency"])
    matrix = np.zeros((len(frame), len(SERVICES)), dtype=bool)
    for j, s in enumerate(SERVICES):
        matrix[:, j] = frame["services"].str.contains(s, regex=False).to_numpy()

    def col(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype="float64")

    return FloorInputs(
        currency=codes, currencies=tuple(str(u) for u in uniq), services=matrix,
        crypto=col("client_crypto_assets"), hot=col("hot_wallet_share"), fiat=col("client_fiat"),
        volume=col("annual_trading_volume"), overheads=col("fixed_overheads"),
        opex=col("annual_operating_expenses"), liabilities=col("adjusted_liabilities"),
        losses=col("recent_incident_losses"),
    )


def floor_parameters(as_of: dt.date) -> dict[str, dict]:
    """The numbers of each installed seed plug-in for ``as_of`` (JP reserve terms per scenario)."""
    from jurisdictions.framework import discover

    reg = discover()
    out: dict[str, dict] = {}
    for code, ids in (("EU", EU_IDS), ("JP", JP_IDS), ("HK", HK_IDS)):
        if code not in reg.jurisdictions:
            continue
        ps = reg.jurisdictions[code].parameters()
        vals = {pid: ps.at(pid, as_of).number() for pid in ids}
        if code == "JP":
            for pid in JP_RESERVE_IDS:
                # the proposal is a what-if: read at max(as_of, first date), as the plug-in does
                pv = ps.at(pid, max(as_of, ps.history(pid).first_date()))
                vals[pid] = {sc: pv.number(sc) for sc in SCENARIOS}
        out[code] = vals
    return out


def _svc(inp: FloorInputs, *codes: str) -> np.ndarray:
    return inp.services[:, [SERVICES.index(c) for c in codes]].any(axis=1)


def eu_amounts(inp: FloorInputs, f: np.ndarray, p: dict) -> dict[str, np.ndarray]:
    """MiCA Art. 67(1) and Annex IV; Art. 70(3). ``f``: conversion factor of each row into EUR."""
    cls = np.where(_svc(inp, "trading_platform"), 3, np.where(_svc(inp, "custody", "exchange_fiat", "exchange_crypto"), 2, 1))
    pmc = np.choose(cls - 1, [p["eu_pmc_class1"], p["eu_pmc_class2"], p["eu_pmc_class3"]])
    return {
        "prudential_safeguards": np.maximum(pmc, p["eu_fo_multiplier"] * inp.overheads * f),
        "client_funds_safeguarding": p["eu_client_funds_safeguarded_share"] * inp.fiat * f,
    }


def jp_amounts(inp: FloorInputs, f: np.ndarray, p: dict) -> dict[str, np.ndarray]:
    """PSA Art. 63-11, 63-11-2; CAESP CO Order Art. 27(2); the assumed liability reserve per scenario."""
    crypto = inp.crypto * f
    out = {
        "minimum_capital": np.full(len(inp), p["jp_min_paid_in_capital"]),
        "performance_guarantee_crypto": p["jp_pgc_ratio"] * inp.hot * crypto,
        "client_fiat_trust": p["jp_customer_money_trust_share"] * inp.fiat * f,
        "cold_storage_shortfall": np.maximum(0.0, inp.hot - p["jp_max_non_cold_share"]) * crypto,
    }
    cold = (1.0 - inp.hot) * crypto
    volume, losses = inp.volume * f, inp.losses * f
    for sc in SCENARIOS:
        a, b = p["jp_reserve_rate_volume"][sc], p["jp_reserve_rate_cold_aum"][sc]
        lo, hi, c = p["jp_reserve_floor"][sc], p["jp_reserve_cap"][sc], p["jp_reserve_incident_factor"][sc]
        out[f"liability_reserve ({sc})"] = np.minimum(hi, np.maximum(lo, a * volume + b * cold)) + c * losses
    # scope: a crypto-asset exchange service (the jp.psa scope; transfer assumed), else no amount
    caesp = _svc(inp, "custody", "trading_platform", "exchange_fiat", "exchange_crypto", "execution", "transfer")
    return {k: np.where(caesp, v, np.nan) for k, v in out.items()}


def hk_amounts(inp: FloorInputs, f: np.ndarray, p: dict) -> dict[str, np.ndarray]:
    """VATP Guidelines paras 6.1-6.3, 10.6(c), 10.11, 10.22; FRR basic amount (assumed 5 %)."""
    crypto = inp.crypto * f
    vatp = _svc(inp, "trading_platform")  # the VATP scope: a firm operating a trading platform
    blank = np.where(vatp, 1.0, np.nan)  # non-platforms: blank rows (with a reason in the real path)
    c_cold, c_hot = p["hk_comp_cover_share_cold"], p["hk_comp_cover_share_hot_other"]
    cap = 1.0 - p["hk_cold_storage_min_share"]
    return {
        "compensation_cover": crypto * (c_cold + (c_hot - c_cold) * inp.hot) * blank,
        "paid_up_capital": np.full(len(inp), p["hk_min_paid_up_capital"]) * blank,
        "liquid_capital": np.maximum(p["hk_rlc_floor"], p["hk_basic_amount_rate"] * inp.liabilities * f) * blank,
        "liquid_assets_opex": p["hk_liquid_assets_opex_months"] / 12.0 * inp.opex * f * blank,
        "client_fiat_segregation": inp.fiat * f * blank,
        "cold_storage_shortfall": np.maximum(0.0, inp.hot - cap) * crypto * blank,
    }


RULES = {"EU": ("EUR", eu_amounts), "JP": ("JPY", jp_amounts), "HK": ("HKD", hk_amounts)}


def numpy_floor(inp: FloorInputs, per_eur: dict[str, float], params: dict[str, dict], reference: str = "USD",
                costs: bool = True) -> dict[str, np.ndarray]:
    """Amounts (local and reference currency) of every obligation of every jurisdiction in ``params``,
    and, with ``costs``, the cheapest annual cost of each under the illustrative rates."""
    out: dict[str, np.ndarray] = {}
    rate_of = np.array([per_eur[c] for c in inp.currencies])
    for code, vals in params.items():
        ccy, rule = RULES[code]
        f = per_eur[ccy] / rate_of[inp.currency]  # each row's currency into the jurisdiction's
        to_ref = per_eur[reference] / per_eur[ccy]
        for name, amount in rule(inp, f, vals).items():
            out[f"{code}.{name}"] = amount
            out[f"{code}.{name}.ref"] = amount * to_ref
            if costs:
                # the cheapest of two funding forms (own funds, insurance), each a rate × amount
                out[f"{code}.{name}.cost"] = np.minimum(COST_RATES["own_funds"] * amount,
                                                        COST_RATES["insurance"] * amount) * to_ref
    return out
