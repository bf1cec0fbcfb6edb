"""Per profile and market: resources tied up, insured amount, annual cost and cost in bp of trading volume,
summed from the cost table (``comparisons/costs/table.py``) on integer keys."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .text_codes import TextCodes

def cost_summary(costs: pd.DataFrame, profiles: pd.DataFrame, fx: Any, currency: str,
                 scenarios: Sequence[str] = ("central",), expand_scenarios: bool = False) -> pd.DataFrame:
    """Per profile and jurisdiction: resources tied up, insured amount, annual cost, cost in bp of volume.

    Jurisdictions with scenario rows (Japan's proposed reserve) get one row per scenario of the comparison,
    each counting the scenario's rows plus the jurisdiction's scenario-free rows. Other jurisdictions get one
    row with an empty scenario, or (``expand_scenarios=True``, as plans need) the same figures under each
    scenario. ``cost_bp_of_volume`` = annual cost ÷ the profile's annual trading volume × 10,000.

    ``costs`` may have categorical or object text columns. Rows are grouped on integer keys (scenario slot,
    jurisdiction, profile position) through tables, summed by ``np.bincount`` (no hashing, no sort): each
    (profile, jurisdiction) is summed once per scenario and once for its scenario-free rows, and a scenario's
    row adds the two. The groups are laid out in planes (scenario slot, jurisdiction), profile by profile
    within a plane, so that a block of the table (one jurisdiction and scenario, profiles in order) adds into
    neighbouring groups; the output rows (profile, jurisdiction, scenario) are then gathered from them.

    Every figure is the same float as a plain grouped sum in table order (unchanged from the row-by-row
    definition): a ``*_ref`` figure sums each row's amount × its currency's rate (not the local sum × rate).
    For speed and memory at millions of rows, the per-row weights are written into one reused buffer (no
    other full-length float temporaries), the text columns are taken from their few distinct texts (same
    dtype as pandas infers), and the frame's columns are not consolidated (no copy into one 2-D block).
    """
    if costs.empty:
        return pd.DataFrame(columns=list(_COLS))
    P, J, S, C, F = (TextCodes.of(costs[c]) for c in ("profile", "jurisdiction", "scenario", "currency", "form"))
    n_rows = len(costs)
    # order: profiles as given, jurisdictions as they appear, scenarios as asked
    names = profiles["name"]
    if len(P.categories) == len(names) and P.categories.equals(pd.Index(names.to_numpy())):
        unique_names, p_rank = names.to_numpy(dtype=object), P.codes  # the compact form
        n_named = len(names)
        NP = n_named
    else:
        first_of = ~names.duplicated().to_numpy()
        unique_names = names.to_numpy(dtype=object)[first_of]
        look = pd.Index(unique_names).get_indexer(P.categories)
        n_named = len(unique_names)
        p_rank = np.where(look >= 0, look, n_named + np.arange(len(P.categories)))[P.codes]
        NP = n_named + len(P.categories)
    NP = max(NP, 1)
    j_first = _in_order_of_appearance(J.codes, len(J.categories))
    NJ = max(len(j_first), 1)
    j_rank = np.zeros(len(J.categories), dtype=np.int64)
    j_rank[j_first] = np.arange(len(j_first))
    # each row's slot: 0 scenario-free, i for the i-th scenario asked, -1 another scenario (not summed)
    W = len(scenarios) + 1
    blank = S.code("")
    slot_of = np.full(len(S.categories), -1, dtype=_small_int(W))
    for i, s in enumerate(scenarios, start=1):
        if S.code(s) >= 0 and slot_of[S.code(s)] < 0:
            slot_of[S.code(s)] = i
    if blank >= 0:
        slot_of[blank] = 0
    # the planes: one per (slot, jurisdiction) pair that has rows (and the scenario-free one of each
    # jurisdiction), the shown slots first, then another scenario's (slot W: counted, not shown). A row's group
    # is its plane × NP + its profile rank, so a block of the table (one jurisdiction and scenario, profiles in
    # order) adds into neighbouring groups.
    slot_all = np.where(slot_of < 0, W, slot_of)
    nS = len(S.categories)
    pair = J.codes.astype(np.int32) * nS
    pair += S.codes
    pairs = np.flatnonzero(np.bincount(pair, minlength=len(J.categories) * nS))
    has_plane = np.zeros((W + 1, NJ), dtype=bool)
    has_plane[0] = True
    has_plane[slot_all[pairs % nS], j_rank[pairs // nS]] = True
    plane_of = np.full((W + 1, NJ), -1, dtype=np.int64)
    plane_of[has_plane] = np.arange(int(has_plane.sum()))
    slot_p, j_p = np.nonzero(has_plane)  # each plane's slot and jurisdiction
    n_planes, n_shown = len(slot_p), int(has_plane[:W].sum())
    table = plane_of[slot_all[None, :], j_rank[:, None]].ravel().astype(_small_int(n_planes))
    G = n_shown * NP  # the groups shown (the other scenarios' follow)
    g = np.multiply(table[pair], NP, dtype=np.int64)
    del pair
    g += p_rank
    occupied = np.bincount(g, minlength=n_planes * NP).reshape(n_planes, NP) > 0  # the group has rows
    exists = np.zeros((NP, NJ, W), dtype=bool)  # laid out as the output: profile, jurisdiction, slot
    for j in range(NJ):
        free = occupied[plane_of[0, j]]
        has_sc = np.zeros(NP, dtype=bool)  # the pair has rows of some scenario
        for s in range(1, W + 1):
            if plane_of[s, j] >= 0:
                has_sc |= occupied[plane_of[s, j]]
        wide = has_sc | expand_scenarios
        for s in range(1, W):
            exists[:, j, s] = wide & ((occupied[plane_of[s, j]] | free) if plane_of[s, j] >= 0 else free)
        if not expand_scenarios:
            exists[:, j, 0] = ~has_sc & free
    del occupied
    # the output rows, row-major over (profile, jurisdiction, slot), and their groups
    p_k, j_k, slot_k = np.nonzero(exists)
    del exists
    # the row's group (a scenario without rows in the jurisdiction: the scenario-free group alone)
    row_plane = plane_of.copy()
    row_plane[row_plane < 0] = np.broadcast_to(plane_of[:1], plane_of.shape)[row_plane < 0]
    at = row_plane.ravel()[slot_k * NJ + j_k]
    at *= NP
    at += p_k
    # each scenario plane gets the scenario-free plane of its jurisdiction added (slot + free, as one sum
    # per row would) before the rows gather
    fold = [(int(plane_of[s, j]) * NP, int(plane_of[0, j]) * NP) for s, j in zip(slot_p.tolist(), j_p.tolist())
            if 0 < s < W]

    def with_free(sums: np.ndarray, op: Callable = np.add) -> np.ndarray:
        """Each scenario group op= its scenario-free group (in place, a plane at a time)."""
        for a, b in fold:
            op(sums[a:a + NP], sums[b:b + NP], out=sums[a:a + NP])
        return sums

    def per_row(sums: np.ndarray) -> np.ndarray:
        """Each summary row's figure: its group's sum, plus the scenario-free sum in scenario rows."""
        return with_free(sums)[at]

    def grouped(weights: np.ndarray) -> np.ndarray:
        return np.bincount(g, weights=weights, minlength=G)

    cost = costs["annual_cost"].to_numpy(dtype="float64")
    # an unfunded part has no cost: the total is then unknown (NaN)
    nan_cost = np.bincount(g[np.flatnonzero(np.isnan(cost))], minlength=G) > 0
    gap = with_free(nan_cost, np.logical_or)[at]
    del nan_cost
    # runs of rows with one jurisdiction and currency (the table comes in blocks per jurisdiction)
    nC = len(C.categories)
    cut = np.flatnonzero((J.codes[1:] != J.codes[:-1]) | (C.codes[1:] != C.codes[:-1])) + 1
    runs = (np.concatenate([[0], cut]), np.concatenate([cut, [n_rows]])) if len(cut) < n_rows // 64 else None
    del cut
    if runs is not None:
        jc = np.zeros(len(J.categories) * nC, dtype=bool)
        jc[J.codes[runs[0]].astype(np.int64) * nC + C.codes[runs[0]]] = True
    else:
        jc = np.bincount(J.codes.astype(np.int64) * nC + C.codes, minlength=len(J.categories) * nC) > 0
    jc = jc.reshape(-1, nC)  # the currencies of each jurisdiction
    # the currency of the row's first cost row: its jurisdiction's, when each jurisdiction has one
    if (jc.sum(axis=1) <= 1).all():
        row_currency = jc.argmax(axis=1)[j_first][j_k]
    else:
        idx_t = np.int32 if n_rows < 2 ** 31 - 1 else np.int64
        first = np.full(n_planes * NP, n_rows, dtype=idx_t)
        first[g[::-1]] = np.arange(n_rows - 1, -1, -1, dtype=idx_t)  # a group's first row (the last write wins)
        row_currency = C.codes[with_free(first, np.minimum)[at]]
        del first
    present_c = np.flatnonzero(jc.any(axis=0))
    del jc
    funded = costs["funded_amount"].to_numpy(dtype="float64")
    rates = np.full(len(C.categories), np.nan)
    for c in present_c.tolist():
        rates[c] = fx.rate(C.text(c), currency)
    tied = costs["ties_up"].to_numpy(dtype=bool)
    finite_funded = bool(np.isfinite(funded).all())
    w = np.empty(n_rows)  # the weights of one sum (reused)

    def weigh(values: np.ndarray, mask: np.ndarray | None) -> None:
        """``w`` = the values (where ``mask``; else 0), NaN read as 0 (pandas sums skip NaN)."""
        if mask is None:
            np.copyto(w, values)
        else:
            np.multiply(values, mask, out=w)  # × False: ±0.0 or NaN, both sum as 0
        if mask is None or not finite_funded:  # finite amounts × a mask give no NaN
            np.copyto(w, 0.0, where=np.isnan(w))

    finite_rates = bool(np.isfinite(rates[present_c]).all() and (rates[present_c] != 0).all())

    def to_ref() -> None:
        """``w`` × each row's rate to the reference currency (no full-length rate column)."""
        if runs is not None:  # a scalar rate per run
            for a, b in zip(*(r.tolist() for r in runs)):
                w[a:b] *= rates[C.codes[a]]
        else:
            for s in range(0, n_rows, _CHUNK):
                w[s:s + _CHUNK] *= rates[C.codes[s:s + _CHUNK]]
        if not finite_rates:  # w has no NaN (weigh): NaN only from a NaN, infinite or zero rate
            np.copyto(w, 0.0, where=np.isnan(w))

    out: dict[str, Any] = {}
    for name, values, mask in (("resources_tied_up", funded, tied),
                               ("insured", funded, F.codes == F.code("insurance")), ("annual_cost", cost, None),
                               ("unfunded", funded, F.codes == F.code("unfunded"))):
        weigh(values, mask)
        del mask
        if name != "unfunded":
            out[name] = per_row(grouped(w))
        to_ref()
        out[f"{name}_ref"] = per_row(grouped(w))
    w = g = at = None  # free the full-length arrays (the sums are done)
    out["annual_cost"][gap] = np.nan
    out["annual_cost_ref"][gap] = np.nan

    vol_all = profiles["annual_trading_volume"].to_numpy(dtype="float64") * fx.factors(profiles["currency"], currency)
    if len(unique_names) != len(names):
        vol_all = vol_all[~names.duplicated().to_numpy()]
    vol = np.concatenate([vol_all, np.full(len(P.categories), np.nan)])[p_k]
    with np.errstate(over="ignore", invalid="ignore"):  # a vanishing volume gives an infinite cost per unit
        bp = np.divide(out["annual_cost_ref"] * 1e4, vol, out=np.full(len(vol), np.nan), where=vol > 0)
    bp[np.isinf(bp)] = np.nan  # JSON has no infinity
    profile_text = np.concatenate([unique_names, P.categories.to_numpy(dtype=object)])
    text = {
        "profile": _texts(profile_text, p_k), "jurisdiction": _texts(J.categories.to_numpy(dtype=object), j_first[j_k]),
        "scenario": _texts(np.array(("",) + tuple(scenarios), dtype=object), slot_k),
        "currency": _texts(C.categories.to_numpy(dtype=object), row_currency),
        "ref_currency": _texts(np.array([currency], dtype=object), np.zeros(len(vol), dtype=np.intp)),
    }
    numbers = {**out, "trading_volume_ref": vol, "cost_bp_of_volume": bp}
    # copy=False: each column its own block (pandas would otherwise copy the floats into one 2-D block)
    return pd.DataFrame({c: text[c] if c in text else numbers[c] for c in _COLS}, copy=False)


_COLS = ("profile", "jurisdiction", "scenario", "currency", "resources_tied_up", "insured", "annual_cost",
         "ref_currency", "resources_tied_up_ref", "insured_ref", "annual_cost_ref", "trading_volume_ref",
         "cost_bp_of_volume", "unfunded_ref")
_CHUNK = 1 << 20


def _small_int(n: int) -> type:
    """The smallest signed integer type holding 0 … n."""
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int64


def _texts(values: np.ndarray, codes: np.ndarray):
    """``values[codes]`` as the text column pandas would infer from it (``str``, or object if not all text),
    inferred once over the few distinct values and then taken (no per-element check of millions of rows)."""
    return pd.Series(values, copy=False).array.take(np.asarray(codes, dtype=np.intp))


def _in_order_of_appearance(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes in order of first appearance (``pd.unique``; a few passes when the codes are few)."""
    if size > 16:
        return pd.unique(codes)
    firsts = []
    for c in range(size):
        i = int(np.argmax(codes == c))
        if codes[i] == c:
            firsts.append((i, c))
    return np.array([c for _, c in sorted(firsts)], dtype=np.int64)


def with_ranges(summary: pd.DataFrame, others: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The cost summary with ``annual_cost_<set>_ref`` beside ``annual_cost_ref`` for each other assumption
    set in ``others`` (their summaries, same rows)."""
    keys = ["profile", "jurisdiction", "scenario"]
    out = summary
    for name, other in others.items():
        col = f"annual_cost_{name}_ref"
        out = out.merge(other[keys + ["annual_cost_ref"]].rename(columns={"annual_cost_ref": col}), on=keys,
                        how="left", sort=False)
    return out


LICENCE_SUMS = ("licence_one_off_low_ref", "licence_one_off_high_ref", "licence_yearly_low_ref",
                "licence_yearly_high_ref")


def with_licence(summary: pd.DataFrame, licence: pd.DataFrame) -> pd.DataFrame:
    """The cost summary with each market's licensing and compliance costs as their own columns (never added
    into ``annual_cost``): one-off and yearly sums of the known items, low and high, in the reference
    currency (NaN where the market has no known item of the kind), and ``licence_unknown`` naming the items
    with no figure (the sums leave them out: with unknown items a sum is a lower bound)."""
    known = licence[licence["status"] != "unknown"]
    sums = {}
    for kind in ("one_off", "yearly"):
        part = known[known["kind"] == kind].groupby("jurisdiction")[["low_ref", "high_ref"]].sum()
        sums[f"licence_{kind}_low_ref"] = part["low_ref"]
        sums[f"licence_{kind}_high_ref"] = part["high_ref"]
    unknown = licence[licence["status"] == "unknown"].groupby("jurisdiction")["item"].agg("; ".join)
    out = summary.copy()
    codes = out["jurisdiction"].astype(str)
    for col in LICENCE_SUMS:  # NaN: no known item of that kind (see licence_unknown)
        out[col] = codes.map(sums[col]).astype("float64")
    out["licence_unknown"] = codes.map(unknown).astype(object).fillna("")  # object: an all-NaN map is float
    return out
