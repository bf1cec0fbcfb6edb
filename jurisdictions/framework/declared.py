"""Declared obligations (plug-in contract v2): a market declares each obligation once and the framework
builds its Contract 2 rows.

A declaration (:class:`~jurisdictions.framework.plugin.ObligationSpec` with a ``rule``) says everything about an
obligation: id, regime, category, funding forms, citation, overlap group, caps, what it absorbs, its scope and
the template of its ``basis`` line. Its rule is a pure vectorised function ``rule(p, q)``:

* ``p`` (:class:`Columns`) gives the profile fields as float arrays (``p.client_crypto_assets``) and the
  service and fiat-market masks (``p.offers("custody")``, ``p.fiat_market("KRW")``);
* ``q`` (:class:`Reader`) reads parameters for the date (and scenario) and records what decided the amount:
  ``q("eu_fo_multiplier")`` decides every row, ``q.max((pid, term), ...)`` records, row by row, the term that
  binds, ``q.peek(pid)`` reads without deciding anything.

It returns the amount, or ``(amount, terms)`` with the numbers the basis line shows (a ``reason`` term gives
the reason of rows whose amount is NaN). The framework then, in one place for every market:

* leaves a regime out before its start (``in_force``/``guidance``), labels an ``enacted`` regime upcoming before
  its start, evaluates a ``proposed`` one as a what-if on any date (DESIGN.md Contract 3);
* gives profiles outside the regime's (or obligation's) scope blank rows with ``not in scope: ...``, and rows
  ``assumed`` where the scope rests on a mapping the rulebook does not state;
* computes each row's status as the worst of its regime's and of the parameters that decided its amount, and
  cites the instrument with `` †`` where such a parameter is flagged unverified;
* renders ``basis`` from the template only when text is read (:meth:`Evaluation.basis`): one evaluation serves
  one profile and a million, and no rule runs twice.
"""
from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np
import pandas as pd

from .errors import ParameterError, PluginError
from .obligations import (
    choose, concat_obligations, join_text, money, number, obligation_rows, percent, percents, scenarios_of,
    text_skipped,
)
from .parameters import ParameterSet, ParameterValue
from .status import OUTPUT_STATUSES, output_status

if TYPE_CHECKING:
    from .plugin import ObligationSpec, Regime, Scope

_RANK = {s: i for i, s in enumerate(OUTPUT_STATUSES)}
NOT_APPLICABLE_BASIS = "not applicable on this date"
NOT_IN_SCOPE_BASIS = "not in scope"


class Columns:
    """The profile fields a rule reads, as arrays (each column converted once per evaluation)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._cache: dict[str, np.ndarray] = {}
        self.n = len(frame)

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        cache = self.__dict__["_cache"]
        if name not in cache:
            frame = self.__dict__["_frame"]
            if name not in frame.columns:
                raise AttributeError(f"profile field {name!r} is not among the profiles' columns")
            col = frame[name]
            cache[name] = col.to_numpy(dtype="float64") if col.dtype.kind in "fiub" else col.to_numpy()
        return cache[name]

    def optional(self, name: str, default: np.ndarray | float) -> np.ndarray:
        """An optional field (Contract 1), ``default`` where the profile leaves it out (column absent or NaN)."""
        if name not in self._frame.columns:
            return np.broadcast_to(np.asarray(default, dtype="float64"), (self.n,))
        values = getattr(self, name)
        missing = np.isnan(values)
        return np.where(missing, default, values) if missing.any() else values

    def has(self, name: str) -> np.ndarray:
        """Rows where an optional field is given."""
        if name not in self._frame.columns:
            return np.zeros(self.n, dtype=bool)
        col = self._frame[name]
        return col.notna().to_numpy() if col.dtype.kind not in "fiub" else ~np.isnan(getattr(self, name))

    def offers(self, *services: str) -> np.ndarray:
        """Rows that offer any of ``services`` (MiCA's ten service codes)."""
        cols = [f"svc_{s}" for s in services]
        missing = [c for c in cols if c not in self._frame.columns]
        if missing:
            raise AttributeError(f"service columns {missing} are not among the profiles' columns")
        return self._frame[cols].to_numpy().any(axis=1) if cols else np.ones(self.n, dtype=bool)

    def fiat_market(self, *currencies: str) -> np.ndarray:
        """Rows that take customer money or run fiat pairs in one of ``currencies`` (Contract 1 ``fiat_markets``;
        where the profile gives none, its own currency)."""
        wanted = set(currencies)
        ccy = self._frame["profile_currency"] if "profile_currency" in self._frame.columns \
            else self._frame["currency"]
        own = ccy.isin(list(wanted)).to_numpy()
        if "fiat_markets" not in self._frame.columns:
            return own
        markets = self._frame["fiat_markets"]
        try:  # the distinct cells first: each one's canonical text computed once
            codes, uniq = pd.factorize(markets, use_na_sentinel=False)
        except TypeError:  # lists in the cells
            codes, uniq = pd.factorize(markets.map(_market_key), use_na_sentinel=False)
        keys = [_market_key(u) for u in uniq]  # None (not given) may come back as NaN: None again
        given = np.array([isinstance(k, str) for k in keys], dtype=bool)
        hit = np.array([isinstance(k, str) and bool(wanted & set(k.split(";"))) for k in keys], dtype=bool)
        return np.where(given[codes], hit[codes], own) if len(uniq) else own


def _market_key(v: Any) -> str | None:
    """Canonical text of a ``fiat_markets`` cell; None where the profile gives none (its currency applies)."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        return ";".join(x.strip().upper() for x in v.split(";") if x.strip())
    return ";".join(str(x).strip().upper() for x in v)


class Reader:
    """Reads parameters for one date and scenario and records what decided the amount (OpenFisca's traced
    parameter access): the row's status and dagger come from what was recorded, nothing else."""

    def __init__(self, params: ParameterSet, as_of: dt.date, what_if: bool, scenario: str | None, n: int) -> None:
        self._params, self._as_of, self._what_if, self.scenario, self.n = params, as_of, what_if, scenario, n
        self.reads: dict[str, ParameterValue] = {}
        self.decides: list[tuple[str, np.ndarray | None]] = []

    def value(self, pid: str) -> ParameterValue:
        """The parameter as read on the date (a what-if regime: its first value when the date comes before it)."""
        if pid not in self.reads:
            self.reads[pid] = (self._params.what_if(pid, self._as_of) if self._what_if
                               else self._params.at(pid, self._as_of))
        return self.reads[pid]

    def peek(self, pid: str) -> float:
        """The number, read without deciding any row's status (for a term whose binding is recorded apart)."""
        pv = self.value(pid)
        return pv.number(self.scenario if pv.scenarios is not None else None)

    def __call__(self, pid: str) -> float:
        """The number; it decides every row's amount."""
        x = self.peek(pid)
        self.decides.append((pid, None))
        return x

    def text(self, pid: str) -> str:
        """A parameter whose value is a rule in words; it decides every row."""
        self.decides.append((pid, None))
        pv = self.value(pid)
        return str(pv.for_scenario(self.scenario if pv.scenarios is not None else None))

    def decide(self, pids: str | Sequence[str], rows: np.ndarray | None = None) -> None:
        """Record that ``pids`` decide the amount on ``rows`` (all rows when None)."""
        for pid in ([pids] if isinstance(pids, str) else pids):
            self.value(pid)
            self.decides.append((pid, None if rows is None else np.asarray(rows, dtype=bool)))

    def _pick(self, terms: Sequence[tuple[str | Sequence[str], Any]], pick: Callable) -> np.ndarray:
        values = np.stack(np.broadcast_arrays(*[np.asarray(v, dtype="float64") for _, v in terms], np.zeros(self.n)
                                             )[:-1])
        idx = pick(values, axis=0)
        for k, (pids, _) in enumerate(terms):
            self.decide(pids, idx == k)
        return np.take_along_axis(values, idx[None, :], axis=0)[0]

    def max(self, *terms: tuple[str | Sequence[str], Any]) -> np.ndarray:
        """``max`` of terms, each ``(parameter ids, values)``: the ids of the binding term decide each row."""
        return self._pick(terms, np.argmax)

    def min(self, *terms: tuple[str | Sequence[str], Any]) -> np.ndarray:
        """``min`` of terms: the ids of the binding term decide each row."""
        return self._pick(terms, np.argmin)


# --- text: basis templates ------------------------------------------------------------------------------

_FORMATTER = string.Formatter()


def _field_text(value: Any, spec: str, currency: str) -> Any:
    if spec == "money":
        return money(currency, value)
    if spec == "pct":
        return percent(float(value)) if np.ndim(value) == 0 else percents(value)
    if spec == "num":
        return number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Series, np.ndarray)) and np.asarray(value).dtype.kind in "OUS":
        return np.asarray(value, dtype=object)
    return number(value)


def render(template: str, terms: dict[str, Any], currency: str) -> Any:
    """The basis line of every row: ``template`` with each ``{name:format}`` filled from ``terms``."""
    parts: list[Any] = []
    for literal, name, spec, _ in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if name is not None:
            if name not in terms:
                raise PluginError(f"basis template {template!r} names {name!r}, which the rule does not return")
            parts.append(_field_text(terms[name], spec or "", currency))
    return join_text(*parts)


def template_fields(template: str) -> list[str]:
    """The names a template reads (for the load-time check of declarations)."""
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name is not None]


# --- evaluation -------------------------------------------------------------------------------------------

@dataclass
class Piece:
    """The rows of one obligation and scenario: numbers now, basis text when read."""

    spec: "ObligationSpec"
    scenario: str
    n: int
    amount: np.ndarray
    valid: np.ndarray | None  # rows the rule computed (None: none, a regime not applying)
    constant_basis: Any  # text of the other rows (a string or a per-row array)
    terms: dict[str, Any] = field(default_factory=dict)

    def basis(self, currency: str) -> np.ndarray:
        out = np.empty(self.n, dtype=object)
        out[:] = self.constant_basis if isinstance(self.constant_basis, str) else np.asarray(
            self.constant_basis, dtype=object)
        if self.valid is None or not self.valid.any() or not self.spec.basis:
            return out
        template = self.spec.basis(self.terms) if callable(self.spec.basis) else self.spec.basis
        text = render(template, {**self.terms, "amount": self.amount}, currency)
        if np.ndim(text) == 0:
            out[self.valid] = str(text)
        else:
            out[self.valid] = np.asarray(text, dtype=object)[self.valid]
        return out


@dataclass
class Evaluation:
    """One market's declared obligations evaluated for a batch: the rows, and their basis lines on demand."""

    jurisdiction: Any
    pieces: list[Piece]
    frames: list[pd.DataFrame]

    def rows(self, text: bool | None = None, consume: bool = False) -> pd.DataFrame:
        """The Contract 2 rows (``basis`` rendered unless the batch path skips text). ``consume``: the rows are
        handed over once (the evaluation keeps only what renders the basis lines later)."""
        return concat_obligations(self.parts(text, consume))

    def parts(self, text: bool | None = None, consume: bool = False) -> list[pd.DataFrame]:
        """The rows as one frame per obligation and scenario, in row order (see :meth:`rows`): a comparison
        concatenates every market's parts once."""
        if text is None:
            text = not text_skipped()
        frames = self.frames
        if consume:
            self.frames = []
        if text:
            frames = [f.assign(basis=p.basis(self.jurisdiction.currency)) for p, f in zip(self.pieces, frames)]
        return list(frames)

    def basis(self) -> np.ndarray:
        """The basis line of every row, in row order."""
        if not self.pieces:
            return np.empty(0, dtype=object)
        return np.concatenate([p.basis(self.jurisdiction.currency) for p in self.pieces])


def is_declarative(j: Any) -> bool:
    """Whether the framework builds this plug-in's rows (every obligation declared with a rule, ``assess`` not
    overridden)."""
    from .plugin import Jurisdiction

    specs = getattr(j, "obligations", ())
    return (isinstance(j, Jurisdiction) and type(j).assess is Jurisdiction.assess and bool(specs)
            and all(getattr(s, "rule", None) is not None or getattr(s, "no_amount", "") for s in specs))


def parameter_status(pv: ParameterValue, as_of: dt.date) -> str:
    """A parameter's part of a row's status on ``as_of``: an ``enacted`` value counts as in force once it applies."""
    if pv.status == "enacted" and as_of >= pv.effective_from:
        return "in_force"
    return output_status(pv.status)


def not_applying_reason(regime: "Regime", as_of: dt.date) -> str:
    start = regime.in_force_from.isoformat() if regime.in_force_from else "n/k"
    return f"{regime.id} does not apply on {as_of.isoformat()} (applies from {start})"


def _scope_masks(scope: "Scope | None", p: Columns) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(in scope, in scope only through an assumed mapping); None: everyone / no one."""
    if scope is None:
        return None, None
    certain = p.offers(*scope.services) if scope.services else None
    assumed = p.offers(*scope.assumed_services) if scope.assumed_services else None
    if certain is None and assumed is None:
        inside = np.ones(p.n, dtype=bool)
    else:
        inside = (certain if certain is not None else False) | (assumed if assumed is not None else False)
        inside = np.asarray(inside, dtype=bool)
    only_assumed = None
    if assumed is not None:
        only_assumed = assumed & ~(certain if certain is not None else np.zeros(p.n, dtype=bool))
    if scope.fiat_markets:
        inside = inside & p.fiat_market(*scope.fiat_markets)
    return inside, only_assumed


def _scope_reason(regime: "Regime", scope: "Scope", obligation: str, own: bool) -> str:
    who = scope.describe or "firms offering " + scope.needs()
    what = f"{obligation} ({regime.id})" if own else regime.id
    return f"not in scope: {what} applies to {who}; would apply with {scope.needs()}"


def _rule_result(spec: "ObligationSpec", p: Columns, q: Reader) -> tuple[np.ndarray, dict[str, Any]]:
    if spec.rule is None:
        return np.full(p.n, np.nan), {"reason": spec.no_amount}
    out = spec.rule(p, q)
    amount, terms = (out if isinstance(out, tuple) else (out, {}))
    amount = np.broadcast_to(np.asarray(amount, dtype="float64"), (p.n,))
    return amount, dict(terms)


def evaluate(j: Any, profiles: pd.DataFrame, as_of: dt.date, scenarios: Sequence[str],
             params: ParameterSet) -> Evaluation:
    """Every declared obligation of ``j`` for every profile (already in ``j.currency``)."""
    p = Columns(profiles)
    n = p.n
    regimes = {r.id: r for r in j.regimes}
    scopes = {rid: _scope_masks(r.scope, p) for rid, r in regimes.items()}
    pieces: list[Piece] = []
    frames: list[pd.DataFrame] = []
    for spec in j.obligations:
        regime = regimes[spec.regime]
        what_if = regime.what_if(as_of)
        applies = regime.evaluated_on(as_of) and (spec.in_force_from is None or as_of >= spec.in_force_from
                                                   or what_if)
        base = _RANK[output_status(regime.status_on(as_of))]
        inside, only_assumed = scopes[spec.regime]
        scope_reason = _scope_reason(regime, regime.scope, spec.id, False) if regime.scope is not None else ""
        if spec.scope is not None:
            own_in, own_assumed = _scope_masks(spec.scope, p)
            own_reason = _scope_reason(regime, spec.scope, spec.id, True)
        own = scenarios_of(spec)
        for sc in ([s for s in scenarios if s in own] if own else ("",)):
            common = dict(jurisdiction=j.code, regime=regime.id, obligation=spec.id, category=spec.category,
                          currency=j.currency, funding_forms=spec.funding_forms,
                          overlap_group=spec.overlap_group, scenario=sc)
            if not applies:
                reason = (not_applying_reason(regime, as_of) if not regime.evaluated_on(as_of) else
                          f"{spec.id} ({regime.id}) does not apply on {as_of.isoformat()} (applies from "
                          f"{spec.in_force_from.isoformat()})")
                frames.append(obligation_rows(profiles, **common, amount=np.full(n, np.nan),
                                              status=output_status(regime.status), citation=spec.citation,
                                              basis="", reason=reason))
                pieces.append(Piece(spec, sc, n, np.full(n, np.nan), None, NOT_APPLICABLE_BASIS))
                continue
            q = Reader(params, regime.read_date(as_of), what_if, sc or None, n)
            amount, terms = _rule_result(spec, p, q)
            rank = np.full(n, base, dtype=np.int8)
            dagger = np.zeros(n, dtype=bool)
            for pid, rows in q.decides:
                pv = q.reads[pid]
                r = _RANK[parameter_status(pv, as_of)]
                if rows is None:
                    rank = np.maximum(rank, r)
                    dagger |= pv.unverified
                else:
                    rank = np.where(rows, np.maximum(rank, r), rank)
                    dagger |= rows & pv.unverified
            rule_reason = terms.pop("reason", "")
            conditions, reasons = [], []
            valid = np.ones(n, dtype=bool)
            for mask, why, assumed in ((inside, scope_reason, only_assumed),
                                       *(((own_in, own_reason, own_assumed),) if spec.scope is not None else ())):
                if mask is None:
                    continue
                out = ~mask
                conditions.append(out & valid)
                reasons.append(why)
                valid &= mask
                if assumed is not None:
                    rank = np.where(assumed, np.maximum(rank, _RANK["assumed"]), rank)
            blank = np.isnan(amount) & valid
            if blank.any():
                if isinstance(rule_reason, str):
                    if not rule_reason:
                        raise PluginError(f"{j.code} {spec.id}: the rule gave NaN amounts without a reason")
                    conditions.append(blank)
                    reasons.append(rule_reason)
                else:
                    rr = np.asarray(rule_reason, dtype=object)
                    for text in pd.unique(rr[blank]):
                        conditions.append(blank & (rr == text))
                        reasons.append(str(text))
            amount = np.where(valid, amount, np.nan)
            rank = np.where(valid, rank, base)  # a row out of scope has the regime's status: nothing decided it
            dagger &= valid
            status = choose([rank == k for k in range(len(OUTPUT_STATUSES))], list(OUTPUT_STATUSES),
                            OUTPUT_STATUSES[0])
            citation = spec.citation if not dagger.any() else (
                spec.citation + " †" if dagger.all() else choose([dagger], [spec.citation + " †"], spec.citation))
            reason = choose(conditions, reasons, "") if conditions else None
            frames.append(obligation_rows(profiles, **common, amount=amount, status=status, citation=citation,
                                          basis="", reason=reason))
            constant = (NOT_IN_SCOPE_BASIS if not blank.any() else
                        np.where(blank, "no amount", NOT_IN_SCOPE_BASIS).astype(object))
            pieces.append(Piece(spec, sc, n, amount, valid & ~np.isnan(amount), constant, terms))
    return Evaluation(j, pieces, frames)


# --- checks: warnings about profiles, declared like obligations ---------------------------------------------

def check_notes(j: Any, profiles: pd.DataFrame, as_of: dt.date, params: ParameterSet) -> list:
    """The notes of every declared :class:`~jurisdictions.framework.plugin.Check` of ``j`` (see
    :func:`check_table`), one :class:`~jurisdictions.framework.plugin.Note` each."""
    from .plugin import Note

    t = check_table(j, profiles, as_of, params)
    return [Note(j.code, str(who), str(text), level) for who, text, level in
            zip(t["profile"].tolist(), t["message"].tolist(), t["level"].tolist())]


NOTE_COLUMNS = ("jurisdiction", "profile", "message", "level")


def check_table(j: Any, profiles: pd.DataFrame, as_of: dt.date, params: ParameterSet) -> pd.DataFrame:
    """The notes of every declared check as a table (columns :data:`NOTE_COLUMNS`, one row per note): for each
    check whose regime applies on ``as_of`` (or is evaluated as upcoming or a what-if), its rule flags rows of
    profiles in the regime's scope and its message template is rendered for those rows only, column-wise (a
    million notes without a Python object each)."""
    p = Columns(profiles)
    regimes = {r.id: r for r in j.regimes}
    names = profiles["name"].to_numpy(dtype=object)
    who: list[np.ndarray] = []
    said: list[np.ndarray] = []
    levels: list[np.ndarray] = []

    def add(profile: np.ndarray, text: Any, level: str) -> None:
        who.append(profile)
        said.append(np.broadcast_to(np.asarray(text, dtype=object), (len(profile),)))
        levels.append(np.full(len(profile), level, dtype=object))

    for check in j.checks:
        regime = regimes[check.regime]
        q = Reader(params, regime.read_date(as_of), regime.what_if(as_of), None, p.n)
        try:
            flagged, terms = check.rule(p, q)
        except ParameterError:  # a check whose parameter has no value yet on the date: nothing to note
            continue
        template = check.message + (f" ({check.citation})" if check.citation else "")
        if np.ndim(flagged) == 0:  # a note about the market as a whole: whenever its parameters have values
            if flagged:
                text = render(template, terms, j.currency)
                add(np.array([""], dtype=object), str(text), check.level)
            continue
        if not regime.evaluated_on(as_of):
            continue
        flagged = np.asarray(flagged, dtype=bool)
        inside, _ = _scope_masks(regime.scope, p)
        if inside is not None:
            flagged = flagged & inside
        idx = np.flatnonzero(flagged)
        if not len(idx):
            continue
        subset = {k: (v[idx] if isinstance(v, np.ndarray) and v.shape == (p.n,) else v) for k, v in terms.items()}
        text = render(template, subset, j.currency)
        add(names[idx], text, check.level)
    if not who:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in NOTE_COLUMNS})
    profile = np.concatenate(who)
    columns = {"jurisdiction": np.full(len(profile), j.code, dtype=object), "profile": profile,
               "message": np.concatenate(said), "level": np.concatenate(levels)}
    return pd.DataFrame({c: pd.Series(v, dtype=object, copy=False) for c, v in columns.items()})


# --- compile on load: what a rule reads -------------------------------------------------------------------

class _RecordingColumns:
    """Profile columns of two synthetic profiles (every field 1.0, every service offered) that record what a
    rule reads."""

    n = 2

    def __init__(self) -> None:
        self.read: list[str] = []

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        self.read.append(name)
        return np.full(self.n, 0.5)

    def optional(self, name: str, default: Any) -> np.ndarray:
        self.read.append(name)
        return np.full(self.n, 0.5)

    def has(self, name: str) -> np.ndarray:
        self.read.append(name)
        return np.ones(self.n, dtype=bool)

    def offers(self, *services: str) -> np.ndarray:
        return np.ones(self.n, dtype=bool)

    def fiat_market(self, *currencies: str) -> np.ndarray:
        return np.ones(self.n, dtype=bool)


class _RecordingReader(Reader):
    """A reader that answers 1.0 for every parameter and records the ids asked for."""

    def __init__(self, scenario: str | None = None) -> None:
        super().__init__(ParameterSet({}), dt.date.today(), False, scenario, 2)
        self.asked: list[str] = []

    def value(self, pid: str) -> ParameterValue:
        self.asked.append(pid)
        return ParameterValue(pid, 1.0, "", dt.date.min, "in_force", "")


def dry_run(rule: Callable[..., Any], name: str, basis: str | Callable[[dict], str] = "",
            scenarios: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parameter ids and profile fields ``rule`` reads, found by running it on two synthetic profiles when
    its declaration is made; the basis template is checked against the terms the rule returns. A rule that
    cannot run, or a template naming a number the rule does not return, fails here, naming the obligation, not
    in the middle of a comparison. A scenario obligation is run once per scenario it declares."""
    asked: list[str] = []
    read: list[str] = []
    for scenario in (scenarios or (None,)):
        p, q = _RecordingColumns(), _RecordingReader(scenario)
        try:
            out = rule(p, q)
            terms = dict(out[1]) if isinstance(out, tuple) else {}
            template = basis(terms) if callable(basis) else basis
        except Exception as e:  # noqa: BLE001 - any failure of a plug-in's rule is reported with its name
            raise PluginError(f"obligation {name!r}: its rule fails on a synthetic profile: {type(e).__name__}: "
                              f"{e}") from None
        unknown = [f for f in template_fields(template) if f not in terms and f != "amount"]
        if unknown:
            raise PluginError(f"obligation {name!r}: its basis template names {unknown}, which the rule does not "
                              f"return (it returns {sorted(terms)})")
        asked += q.asked
        read += p.read
    return tuple(dict.fromkeys(asked)), tuple(dict.fromkeys(read))
