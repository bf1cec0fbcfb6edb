"""Contract 3: what a jurisdiction plug-in is.

A jurisdiction is one object, found through the entry-point group ``xjur.jurisdictions``. It declares its
code, name, currency, regimes (with status), the obligations it emits, the profile fields it reads and its
parameter file, and implements ``assess(profiles, as_of, scenarios)`` returning Contract 2 rows for every
profile at once.

Profiles reach ``assess`` already validated (:func:`validate_frame`) and already converted into the
jurisdiction's currency: every money field is in ``self.currency``. The comparison fills ``amount_ref``.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Sequence

import pandas as pd

from . import input_policy as policy
from .obligations import SCENARIOS, scenarios_of
from .parameters import ParameterSet, load_parameters

if TYPE_CHECKING:
    from .declared import Evaluation


@dataclass(frozen=True)
class Scope:
    """Which firms a regime (or one obligation) reaches: PolicyEngine's ``defined_for``, with a reason.

    A profile is in scope when it offers any of ``services`` (empty: every profile), and, when
    ``fiat_markets`` is given, takes customer money or runs fiat pairs in one of those currencies
    (Contract 1 ``fiat_markets``). ``assumed_services`` bring a firm in only under a mapping the rulebook does
    not state (e.g. MiCA's reception and transmission of orders read as Japanese "intermediation"): a profile
    in scope through them alone gets ``assumed`` rows, and ``assumption`` says why.
    """

    services: tuple[str, ...] = ()
    assumed_services: tuple[str, ...] = ()
    fiat_markets: tuple[str, ...] = ()
    describe: str = ""  # who is in scope, in words: "firms operating a virtual asset trading platform"
    assumption: str = ""  # the reasoning behind ``assumed_services``

    def needs(self) -> str:
        """What would bring an out-of-scope firm in, for the ``not in scope`` reason."""
        parts = []
        svcs = self.services + self.assumed_services
        if svcs:
            parts.append("services " + ", ".join(svcs))
        if self.fiat_markets:
            parts.append("a fiat market in " + " or ".join(self.fiat_markets))
        return " and ".join(parts)


@dataclass(frozen=True)
class Regime:
    """One rule set of a jurisdiction (e.g. ``jp.psa``).

    Dates are the framework's job (DESIGN.md Contract 3): an ``in_force`` or ``guidance`` regime applies from
    ``in_force_from`` (blank rows with the reason before it); an ``enacted`` one (made, applying later) is
    evaluated before its start and labelled ``enacted`` (upcoming), and counts as in force from its start; a
    ``proposed`` one is a what-if evaluated on any date (``in_force_from`` is its assumed start, shown only).
    """

    id: str
    name: str
    status: str  # in_force, guidance, enacted or proposed
    in_force_from: dt.date | None  # start; for a proposed regime its assumed start (shown, never used to skip it)
    citation: str
    start_note: str = ""  # e.g. "spring 2027 at the earliest (reported)"
    scope: Scope | None = None  # None: every profile
    facts_as_of: dt.date | None = None  # date of the newest fact the plug-in uses for this regime

    @property
    def is_proposal(self) -> bool:
        return self.status == "proposed"

    def evaluated_on(self, as_of: dt.date) -> bool:
        """Whether rows of this regime have amounts on ``as_of``: an in-force or guidance regime from its start,
        an enacted one always (upcoming before its start), a proposal always (a what-if)."""
        return (self.status in ("proposed", "enacted") or self.in_force_from is None
                or as_of >= self.in_force_from)

    def upcoming(self, as_of: dt.date) -> bool:
        """An enacted regime whose start is after ``as_of``: evaluated and labelled ``enacted``."""
        return self.status == "enacted" and self.in_force_from is not None and as_of < self.in_force_from

    def read_date(self, as_of: dt.date) -> dt.date:
        """The date its parameters are read on: an upcoming enacted regime is shown as it will apply, so it reads
        the values of its start date (the final rules, not the proposals they replace); otherwise ``as_of``."""
        return self.in_force_from if self.upcoming(as_of) else as_of

    def what_if(self, as_of: dt.date) -> bool:
        """Whether it is evaluated as a what-if on ``as_of`` (a proposal, or an upcoming enacted regime): a
        parameter whose first value comes after the date is read at that first value."""
        return self.is_proposal or self.upcoming(as_of)

    def status_on(self, as_of: dt.date) -> str:
        """The regime's part of a row's status on ``as_of`` (an enacted regime counts as in force once it
        applies)."""
        if self.status == "enacted" and not self.upcoming(as_of):
            return "in_force"
        return self.status


@dataclass(frozen=True)
class ObligationSpec:
    """What one obligation is: for `xjur explain`, the plug-in guide and the contract tests."""

    id: str
    regime: str
    category: str
    funding_forms: tuple[str, ...]
    formula: str = ""  # the rule as a formula, in words a lawyer can check ("" with a rule: its docstring)
    citation: str = ""
    inputs: tuple[str, ...] = ()  # profile fields read
    parameters: tuple[str, ...] = ()  # parameter ids read
    overlap_group: str = ""
    scenarios: bool | tuple[str, ...] = False  # one row per scenario: True = low/central/high, or the names
    # --- what costs, funding and stress tests need to know (all optional) ---------------------------
    #: (form, parameter id): the largest share of the amount that form may meet (e.g. the Japanese
    #: reserve's insurance share per scenario; MiCA's assumed 1.0). Forms not named have no cap.
    form_caps: tuple[tuple[str, str], ...] = ()
    #: how insurance for this obligation is priced: "prudential" (a policy such as MiCA Art. 67's),
    #: "hot" / "cold" (cover of one kind of storage), "storage_mix" (hot share × hot rate + cold share ×
    #: cold rate, for cover not tied to one kind of storage), "split" (see cover_parts) or "surety" (a surety
    #: bond, e.g. the US money-transmission bonds).
    insurance_kind: str = "storage_mix"
    #: for insurance_kind "split": (storage, parameter id) — the part of the amount that covers each kind
    #: of storage is parameter × client assets held there (Hong Kong: 0.5 × cold + 1.0 × hot).
    cover_parts: tuple[tuple[str, str], ...] = ()
    #: which customer losses the mandated resources can absorb in a stress test: "hot" (hot-wallet
    #: losses only), "any", or "" (none: e.g. segregation rules, storage caps, pure capital floors).
    absorbs: str = ""
    #: whether the resources are reserved for customers (False: e.g. MiCA's prudential safeguards, which
    #: are not ring-fenced for clients and are said to be so in stress output)
    ring_fenced: bool = True
    # --- the declarative way (plug-in contract v2): the framework builds the rows -------------------------
    #: the rule: ``rule(p, q) -> amount`` or ``(amount, terms)``, ``p`` the profile columns
    #: (:class:`~jurisdictions.framework.declared.Columns`), ``q`` the recording parameter reader
    #: (:class:`~jurisdictions.framework.declared.Reader`); ``terms`` are the numbers the basis line shows.
    #: Its docstring is the provision in words (``formula`` defaults to it). None with ``no_amount``: the rule
    #: sets no amount.
    rule: Callable[..., Any] | None = field(default=None, compare=False)
    #: the basis line's template, e.g. ``"{ratio} × {hot:pct} hot × {crypto:money} = {amount:money}"``
    #: (formats: ``money``, ``pct``, ``num``; a field without one is text or a plain number), or a function of
    #: the terms returning the template
    basis: str | Callable[[dict], str] = field(default="", compare=False)
    #: why there is no amount when the rule sets none (e.g. "set by the Superintendent per licensee")
    no_amount: str = ""
    #: narrows the regime's scope for this obligation (e.g. Korea's KRW-market floor)
    scope: Scope | None = None
    #: a measure added to a regime later than the regime's own start (an amendment): before this date its rows
    #: are blank with the reason, like a regime not yet in force
    in_force_from: dt.date | None = None

    def __post_init__(self) -> None:
        if self.rule is None:
            return
        if not self.formula and self.rule.__doc__:
            object.__setattr__(self, "formula", " ".join(self.rule.__doc__.split()))
        from .declared import dry_run  # compiled on load: what the rule reads, and its template checked

        from .obligations import scenarios_of

        params, inputs = dry_run(self.rule, self.id, self.basis, scenarios_of(self))
        if not self.parameters or not self.inputs:
            caps = tuple(pid for _, pid in self.form_caps if pid not in params)
            object.__setattr__(self, "parameters", self.parameters or params + caps)
            object.__setattr__(self, "inputs", self.inputs or inputs)


@dataclass(frozen=True)
class Check:
    """A warning about profiles, declared like an obligation: ``rule(p, q) -> (rows flagged, terms)`` and a
    message template rendered for the flagged rows (``{own:money} are below {floor:money}``); the citation is
    appended. Only profiles in the regime's scope, on dates the regime is evaluated, are checked. A rule that
    returns one flag (a scalar) gives one note about the market as a whole (profile ""), e.g. that no
    compensation fund covers crypto-assets, on every date its parameters have a value (a parameter with no
    value yet on the date means no note)."""

    regime: str
    rule: Callable[..., Any]
    message: str
    citation: str = ""
    level: str = "warning"


@dataclass(frozen=True)
class Note:
    """A warning or note about one profile (``profile`` empty: about the jurisdiction as a whole)."""

    jurisdiction: str
    profile: str
    message: str
    level: str = "warning"  # warning or note


class Jurisdiction:
    """Base class of the built-in jurisdictions (third parties may use it or any object with the same API)."""

    code: ClassVar[str]
    name: ClassVar[str]
    currency: ClassVar[str]
    regimes: ClassVar[tuple[Regime, ...]]
    obligations: ClassVar[tuple[ObligationSpec, ...]]
    reads: ClassVar[tuple[str, ...]]  # profile fields read
    parameters_file: ClassVar[Path]
    checks: ClassVar[tuple[Check, ...]] = ()  # declared warnings (see :class:`Check`)

    @property
    def modelled(self) -> tuple[str, ...]:
        """What the plug-in models (README and briefing tables): ``modelled`` in its ``coverage.yaml``, beside
        the parameter file. A plug-in may set the tuple as a class attribute instead."""
        return coverage(self.parameters_file)[0]

    @property
    def not_modelled(self) -> tuple[str, ...]:
        """What it leaves out: ``not_modelled`` in its ``coverage.yaml`` (or a class attribute)."""
        return coverage(self.parameters_file)[1]

    def parameters(self, overrides: ParameterSet | None = None) -> ParameterSet:
        """The plug-in's parameter set, with a user's overrides applied."""
        base = load_parameters(self.parameters_file)
        return base.with_overrides(overrides) if overrides is not None else base

    def parameter_set(self, parameters: ParameterSet | None) -> ParameterSet:
        """The comparison's parameter set (built-ins with the user's overrides), or the plug-in's own."""
        return parameters if parameters is not None else self.parameters()

    def regime(self, regime_id: str) -> Regime:
        for r in self.regimes:
            if r.id == regime_id:
                return r
        raise KeyError(regime_id)

    def spec(self, obligation_id: str, regime_id: str | None = None) -> ObligationSpec:
        for s in self.obligations:
            if s.id == obligation_id and (regime_id is None or s.regime == regime_id):
                return s
        raise KeyError(obligation_id)

    def assess(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> pd.DataFrame:
        """Contract 2 rows for every profile: the low-level hook. A plug-in that declares its obligations
        with rules gets it from the framework (:meth:`evaluate`); one written against the hook overrides it."""
        return self.evaluate(profiles, as_of, scenarios, parameters).rows()

    def evaluate(
        self,
        profiles: pd.DataFrame,
        as_of: dt.date,
        scenarios: Sequence[str] = ("central",),
        parameters: ParameterSet | None = None,
    ) -> "Evaluation":
        """Every declared obligation evaluated for every profile (scope, dates, status, citations by the
        framework), with the basis lines rendered from their templates when read."""
        from .declared import evaluate

        return evaluate(self, profiles, as_of, scenarios, self.parameter_set(parameters))

    def not_applicable(self, profiles: pd.DataFrame, regime: Regime, as_of: dt.date,
                       scenarios: Sequence[str] = ("central",)) -> pd.DataFrame:
        """Blank rows (NaN amount, with the reason) for every obligation of a regime not in force on ``as_of``."""
        from .declared import NOT_APPLICABLE_BASIS, not_applying_reason
        from .obligations import concat_obligations, obligation_rows

        reason = not_applying_reason(regime, as_of)
        frames = []
        for spec in self.obligations:
            if spec.regime != regime.id:
                continue
            own = scenarios_of(spec)
            for sc in ([s for s in scenarios if s in own] if own else ("",)):
                frames.append(obligation_rows(
                    profiles, jurisdiction=self.code, regime=regime.id, obligation=spec.id,
                    category=spec.category, amount=float("nan"), currency=self.currency,
                    status="in_force" if regime.status == "in_force" else regime.status,
                    citation=spec.citation, basis=NOT_APPLICABLE_BASIS, funding_forms=spec.funding_forms,
                    overlap_group=spec.overlap_group, scenario=sc, reason=reason,
                ))
        return concat_obligations(frames)

    def notes(
        self, profiles: pd.DataFrame, as_of: dt.date, parameters: ParameterSet | None = None
    ) -> list[Note]:
        """Warnings and notes for the profiles: those of the declared :attr:`checks` (a plug-in may override)."""
        if not self.checks:
            return []
        from .declared import check_notes

        return check_notes(self, profiles, as_of, self.parameter_set(parameters))


def check_scenarios(scenarios: Sequence[str]) -> list[str]:
    """Expand ``all`` and check scenario names."""
    out: list[str] = []
    for s in scenarios:
        if s == "all":
            out.extend(SCENARIOS)
        elif s in SCENARIOS:
            out.append(s)
        else:
            from .errors import XjurError, did_you_mean

            raise XjurError(f"unknown scenario {s!r}: use {', '.join(SCENARIOS)} or all{did_you_mean(s, SCENARIOS)}")
    return list(dict.fromkeys(out))


def regime_applies(regime: Regime, as_of: dt.date) -> bool:
    """An in-force regime applies from its start date; an enacted one is evaluated before it (upcoming) and a
    proposed one is a what-if: both always have amounts (:meth:`Regime.evaluated_on`)."""
    return regime.evaluated_on(as_of)


@functools.lru_cache(maxsize=32)
def coverage(parameters_file: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``modelled`` and ``not_modelled`` lists of the ``coverage.yaml`` beside a plug-in's parameter file
    (text only, read with the safe loader under the input policy); both empty when there is no such file."""
    path = Path(parameters_file).with_name("coverage.yaml")
    if not path.is_file():
        return (), ()
    data = policy.load_yaml(path, "parameters") or {}
    return tuple(map(str, data.get("modelled", ()))), tuple(map(str, data.get("not_modelled", ())))
