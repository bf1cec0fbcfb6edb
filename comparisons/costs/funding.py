"""Funding: the cheapest allowed mix of funding forms for each obligation, or a mix the user fixes.

An obligation may be met by several forms (own funds, insurance, funds on trust, a bank guarantee, ...). Each
form is offered as one or more *tranches*, each with an annual cost per unit funded and a largest amount
(e.g. Hong Kong's cover: insurance of the cold-storage part at the cold rate, of the hot part at the hot
rate). A form may also have a largest total: the regime's cap on its share (``ObligationSpec.form_caps``)
and, for insurance, the market's capacity for one insured.

Because the constraints are nested (tranche ⊂ form ⊂ obligation) and the cost is linear, filling the
cheapest tranche first is optimal. :func:`allocate` does this for every row at once (numpy over rows; the
only loop runs over tranches).

A user's fixed mix is a YAML file (``--funding FILE``) or a mapping::

    HK:                         # jurisdiction code
      compensation_cover:       # obligation id
        insurance: 0.6          # share of the amount met by this form
        trust_funds: 0.4
    EU:
      prudential_safeguards: {own_funds: 1.0}

Shares of one obligation add up to at most 1; any rest is met by the cheapest allowed mix. A fixed share that
a regime's cap or the market's capacity does not allow is cut back to what is allowed, the rest going to the
cheapest allowed mix, and the cost row says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from jurisdictions.framework import FUNDING_FORMS, XjurError, did_you_mean
from jurisdictions.framework import input_policy as policy

from .text_codes import distinct_keys


class FundingError(XjurError):
    """A funding file (fixed mix) is malformed or names an unknown jurisdiction, obligation or form."""


@dataclass(frozen=True)
class Tranche:
    """One way to fund part of an obligation: a form, its annual cost per unit and its largest amount."""

    form: str
    rate: np.ndarray  # (n,) annual cost per unit of amount funded
    limit: np.ndarray  # (n,) largest amount of this tranche (inf: none)
    label: str = ""  # e.g. "cold part"


@dataclass(frozen=True)
class FundingMix:
    """Fixed shares per (jurisdiction code, obligation id) → {form: share}."""

    shares: Mapping[tuple[str, str], Mapping[str, float]] = field(default_factory=dict)
    origin: str = ""

    def for_obligation(self, code: str, obligation: str) -> Mapping[str, float]:
        return self.shares.get((code, obligation), {})

    def __bool__(self) -> bool:
        return bool(self.shares)


def allocate(
    amount: np.ndarray,
    tranches: Sequence[Tranche],
    form_limits: Mapping[str, np.ndarray] | None = None,
    fixed: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The amount met by each tranche, row by row: fixed shares first, then the cheapest tranches.

    Returns ``(alloc, unfunded)``: ``alloc`` is (n, T) in the order of ``tranches``; ``unfunded`` (n,) is what
    no allowed form can meet within its limits (0 whenever some form has no limit).
    """
    amount = np.nan_to_num(np.asarray(amount, dtype="float64"), nan=0.0)
    n, T = len(amount), len(tranches)
    forms = list(dict.fromkeys(t.form for t in tranches))
    form_idx = np.array([forms.index(t.form) for t in tranches], dtype=int)
    # every tranche at one rate on every row (the usual case): one order of tranches for all rows
    uniform = bool(n and T) and all(np.min(t.rate) == np.max(t.rate) for t in tranches)
    # (rows, tranches) arrays in column-major order: the fill works a tranche (a column) at a time
    rates = np.empty((1 if uniform else n, T), order="F")
    t_left = np.empty((n, T), order="F")
    for i, t in enumerate(tranches):
        rates[:, i] = np.broadcast_to(t.rate, (n,))[:1] if uniform else t.rate
        t_left[:, i] = t.limit
    f_left = np.full((n, len(forms)), np.inf, order="F")
    for f, lim in (form_limits or {}).items():
        if f in forms:
            f_left[:, forms.index(f)] = np.maximum(np.broadcast_to(lim, (n,)), 0.0)
    alloc = np.zeros((n, T), order="F")
    # tranches and forms with no limit on any row: their room never binds (inf − x = inf), so it is not tracked
    t_open = (t_left == np.inf).all(axis=0) if n else np.ones(T, dtype=bool)
    f_open = (f_left == np.inf).all(axis=0) if n else np.ones(len(forms), dtype=bool)
    # a room that may be NaN (a NaN limit) makes NaN allocations wherever it ranks: it must be visited
    t_nan = (np.isnan(t_left).any(axis=0) | np.isnan(f_left).any(axis=0)[form_idx]) if n else np.zeros(T, dtype=bool)
    open_ = (t_open, f_open, t_nan)
    need = amount.copy()
    for f, share in (fixed or {}).items():
        if f not in forms or share <= 0:
            continue
        mask = form_idx == forms.index(f)
        got = _fill(np.minimum(share * amount, need), rates, t_left, f_left, form_idx, mask, uniform, open_)
        alloc += got
        need -= got.sum(axis=1)
    rest = _fill(need, rates, t_left, f_left, form_idx, np.ones(T, dtype=bool), uniform, open_)
    if fixed:
        alloc += rest
    else:
        alloc = rest
    # a share of a billionth of the amount is floating-point residue, not funding (a limit summed from parts,
    # e.g. Hong Kong's cold and hot cover, may fall 1e-8 short of the amount computed in one expression): no
    # cost row for it, and no unfunded remainder either
    tolerance = 1e-9 * np.maximum(amount, 1.0)
    alloc[alloc <= tolerance[:, None]] = 0.0
    unfunded = np.maximum(amount - alloc.sum(axis=1), 0.0)
    unfunded = np.where(unfunded <= tolerance, 0.0, unfunded)
    return alloc, unfunded


def _fill(need: np.ndarray, rates: np.ndarray, t_left: np.ndarray, f_left: np.ndarray, form_idx: np.ndarray,
          allowed: np.ndarray, uniform: bool = False, open_: tuple[np.ndarray, np.ndarray] | None = None
          ) -> np.ndarray:
    """Greedy fill, cheapest tranche first, vectorised over rows (updates ``t_left`` and ``f_left``).

    Rows whose tranches rank in the same order (all rows, when every rate is the same on every row) are
    filled together column by column; rows are grouped by their order only when rates differ by row (e.g.
    insurance priced at each profile's storage mix), and a batch with many different orders is filled with
    one gather per step.
    """
    n, T = len(need), rates.shape[1]
    alloc = np.zeros((n, T), order="F")
    if T == 0 or n == 0:
        return alloc
    if uniform:  # the order of the first row is every row's
        order = np.argsort(np.where(allowed, rates[0], np.inf), kind="stable")
        _fill_in_order(need.copy(), order, alloc, t_left, f_left, form_idx, allowed, open_)
        return alloc
    # A tranche with nothing left (no room in it or in its form) takes nothing wherever it ranks: it is ranked
    # last, so that rows differing only in the rate of such a tranche share one order.
    ranked = np.where(allowed[None, :] & (t_left > 0) & (f_left[:, form_idx] > 0), rates, np.inf)
    if (ranked == ranked[:1]).all():  # one order for every row
        _fill_in_order(need.copy(), np.argsort(ranked[0], kind="stable"), alloc, t_left, f_left, form_idx, allowed,
                       open_)
        return alloc
    if T <= 15:
        rank, pattern, first = _patterns(ranked)
        if len(first) <= 16:
            t_open, f_open = open_[:2] if open_ is not None else (np.zeros(T, bool), np.zeros(f_left.shape[1], bool))
            for p, r0 in enumerate(first.tolist()):
                rows = np.flatnonzero(pattern == p)
                # the pattern's rows, a column at a time; untracked (unlimited) columns are neither read nor written
                a = np.zeros((len(rows), T), order="F")
                tl, fl = _gather(t_left, rows, ~t_open), _gather(f_left, rows, ~f_open)
                _fill_in_order(need[rows], np.argsort(rank[r0]), a, tl, fl, form_idx, allowed, open_)
                _scatter(alloc, rows, a, np.ones(T, bool))
                _scatter(t_left, rows, tl, ~t_open)
                _scatter(f_left, rows, fl, ~f_open)
            return alloc
    order = np.argsort(ranked, axis=1, kind="stable")
    rows = np.arange(n)
    need = need.copy()
    for k in range(T):
        t = order[:, k]
        f = form_idx[t]
        take = np.minimum(need, np.minimum(t_left[rows, t], f_left[rows, f]))
        take = np.where(allowed[t], np.maximum(take, 0.0), 0.0)
        alloc[rows, t] += take
        t_left[rows, t] -= take
        f_left[rows, f] -= take
        need = need - take
    return alloc


def _gather(x: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``x[rows]`` (column-major) for the columns ``cols``; the other columns are left unset."""
    out = np.empty((len(rows), x.shape[1]), order="F")
    for j in np.flatnonzero(cols).tolist():
        np.take(x[:, j], rows, out=out[:, j])
    return out


def _scatter(x: np.ndarray, rows: np.ndarray, part: np.ndarray, cols: np.ndarray) -> None:
    """``x[rows] = part`` for the columns ``cols``."""
    for j in np.flatnonzero(cols).tolist():
        x[rows, j] = part[:, j]


def _patterns(ranked: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's rank of each tranche (its place in the row's stable ascending order of ``ranked``, NaN
    last, as ``np.argsort``), and (pattern code per row, a row of each pattern) of the rows' orders. The ranks
    are counted column by column (no sort per row); rows with equal ranks share an order."""
    n, T = ranked.shape
    cols = [np.ascontiguousarray(ranked[:, t]) for t in range(T)]
    nan = [np.isnan(c) for c in cols] if np.isnan(ranked).any() else None
    rank = np.zeros((T, n), dtype=np.int64)
    for t in range(T):
        for u in range(T):
            if u == t:
                continue
            # u ranks before t: a smaller value, or an equal one at an earlier place (NaN after any number)
            before = (cols[u] <= cols[t]) if u < t else (cols[u] < cols[t])
            if nan is not None:
                before |= nan[t] & ~nan[u] if u > t else nan[t]
                before &= ~nan[u] | nan[t]
            rank[t] += before
    key = np.zeros(n, dtype=np.int64)
    for t in range(T):
        key *= T
        key += rank[t]
    pattern, first = distinct_keys(key)
    return rank.T, pattern, first


def _fill_in_order(need: np.ndarray, order: np.ndarray, alloc: np.ndarray, t_left: np.ndarray, f_left: np.ndarray,
                   form_idx: np.ndarray, allowed: np.ndarray,
                   open_: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Greedy fill of rows that share one order of tranches, a column at a time (same arithmetic as the
    general path; a tranche not allowed takes nothing; an unlimited tranche or form is not tracked)."""
    T = alloc.shape[1]
    t_open, f_open, t_nan = open_ if open_ is not None else (np.zeros(T, bool), np.zeros(f_left.shape[1], bool),
                                                             np.ones(T, bool))
    order = [t for t in order.tolist() if allowed[t]]
    for k, t in enumerate(order):
        f = form_idx[t]
        room = None if t_open[t] else t_left[:, t]
        if not f_open[f]:
            room = f_left[:, f] if room is None else np.minimum(room, f_left[:, f])
        take = np.maximum(need if room is None else np.minimum(need, room), 0.0)
        alloc[:, t] += take
        if not t_open[t]:
            t_left[:, t] -= take
        if not f_open[f]:
            f_left[:, f] -= take
        need = need - take
        if room is None and not any(t_nan[u] for u in order[k + 1:]):
            break  # an unlimited tranche took all that was needed: the rest take 0


# -- the user's fixed mix -------------------------------------------------------------------------------

def load_funding(source: Any, jurisdictions: Sequence[Any], known_codes: Sequence[str] = ()) -> FundingMix | None:
    """Read and check a fixed mix: a YAML path, a mapping, or a FundingMix (None: cheapest everywhere).

    ``jurisdictions`` are the plug-ins of the comparison (their obligation specs are checked); a code of an
    installed plug-in not in the comparison (``known_codes``) is accepted and ignored; any other code is an
    error. Every error names the file and the key.
    """
    if source is None:
        return None
    if isinstance(source, FundingMix):
        return source
    if isinstance(source, (str, Path)):
        origin = str(source)
        data = policy.load_checked_yaml(source, "funding", FundingError)  # size, UTF-8, aliases, nesting, values
    elif isinstance(source, Mapping):
        origin, data = "funding argument", source
    else:
        raise FundingError(f"funding must be a YAML file or a mapping, not {type(source).__name__}")
    if isinstance(data, Mapping) and set(data) == {"funding"}:
        data = data["funding"]
    return parse_funding(data, origin, jurisdictions, known_codes)


def parse_funding(data: Any, origin: str, jurisdictions: Sequence[Any], known_codes: Sequence[str] = ()) -> FundingMix:
    """Check the parsed YAML of a fixed mix (see the module docstring) and build a :class:`FundingMix`."""
    if not isinstance(data, Mapping) or not data:
        raise FundingError(f"{origin}: a funding file maps jurisdiction codes to obligations to forms to shares")
    by_code = {j.code: j for j in jurisdictions}
    shares: dict[tuple[str, str], dict[str, float]] = {}
    for code, obligations in data.items():
        code = str(code)
        if code not in by_code:
            if code in known_codes:
                continue
            raise FundingError(f"{origin}: {code}: not a jurisdiction of this comparison "
                               f"({', '.join(by_code)}){did_you_mean(code, list(by_code) + list(known_codes))}")
        j = by_code[code]
        if not isinstance(obligations, Mapping):
            raise FundingError(f"{origin}: {code}: expected a mapping of obligation ids to forms")
        spec_ids = [s.id for s in j.obligations]
        for ob, forms in obligations.items():
            key = f"{code}.{ob}"
            if ob not in spec_ids:
                raise FundingError(f"{origin}: {key}: {code} has no obligation {ob!r}{did_you_mean(str(ob), spec_ids)}")
            allowed = [f for s in j.obligations if s.id == ob for f in s.funding_forms]
            if not isinstance(forms, Mapping) or not forms:
                raise FundingError(f"{origin}: {key}: expected a mapping of funding forms to shares")
            mix: dict[str, float] = {}
            for form, share in forms.items():
                fkey = f"{key}.{form}"
                if form not in FUNDING_FORMS:
                    raise FundingError(f"{origin}: {fkey}: unknown funding form{did_you_mean(str(form), FUNDING_FORMS)}")
                if form not in allowed:
                    raise FundingError(f"{origin}: {fkey}: {code} {ob} may be met only by {', '.join(allowed)}")
                if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share) \
                        or not 0 <= share <= 1:
                    raise FundingError(f"{origin}: {fkey}: share {share!r} is not a number between 0 and 1")
                mix[str(form)] = float(share)
            total = sum(mix.values())
            if total > 1 + 1e-9:
                raise FundingError(f"{origin}: {key}: shares add up to {total:g}, more than 1")
            shares[(code, str(ob))] = mix
    return FundingMix(shares, origin)
