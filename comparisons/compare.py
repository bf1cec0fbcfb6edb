"""``compare``: run the same profiles through many jurisdictions (Contract 4).

Pure function: profiles in, a :class:`ComparisonResult` out. Vectorised over profiles: each jurisdiction
assesses every profile at once, after the profiles' money fields are converted into its currency.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from jurisdictions.framework.optional_fields import OPTIONAL_MONEY_FIELDS
from jurisdictions.framework.declared import NOTE_COLUMNS
from jurisdictions.framework import (
    CATEGORIES, COLUMNS, MONEY_FIELDS, ParameterError, ParameterSet, PluginError, Registry, XjurError,
    check_scenarios, compact_rows, compact_table, concat_obligations, did_you_mean, discover, is_declarative,
    scenarios_of,
    profile_dtype,
)

from .fx import FxSnapshot, FxTable, ecb_table, rates_file_table
from .load import load_profiles
from .tables import categorical_columns, shortest_json_numbers, table_by_name, table_csv, tidy_floats
from .overrides import finder, load_overrides, source_label, with_example


def parse_date(value: Any) -> dt.date:
    """``as_of`` from a date, a datetime, an ISO string, or None (today)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise XjurError(f"as_of {value!r} is not an ISO date (YYYY-MM-DD)") from None


def as_list(value: Any) -> list | None:
    """A bare string (``"JP"``, ``"all"``, ``"JP, EU"``) or a single plug-in object as a list; a list, tuple or
    other iterable as a list; None stays None. Keeps ``compare(..., jurisdictions="JP")`` from iterating
    over letters."""
    if value is None:
        return None
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if hasattr(value, "assess") or not isinstance(value, Iterable):
        return [value]
    return list(value)


def fx_snapshot(as_of: dt.date, fx: Any = None) -> FxSnapshot:
    """Rates for ``as_of`` from the ECB history, a rates file, an FxTable or an FxSnapshot."""
    if isinstance(fx, FxSnapshot):
        return fx
    table = fx if isinstance(fx, FxTable) else (rates_file_table(fx) if fx is not None else ecb_table())
    return table.on(as_of)


def convert_profiles(profiles: pd.DataFrame, fx: FxSnapshot, to_ccy: str) -> pd.DataFrame:
    """The profiles with every money field converted into ``to_ccy`` (vectorised; the input is unchanged)."""
    codes, uniq = pd.factorize(profiles["currency"])  # one rate per distinct currency, gathered by code
    factor = np.array([fx.rate(c, to_ccy) for c in uniq], dtype="float64")[codes]
    if np.all(factor == 1.0):
        out = profiles.copy(deep=False)
    else:
        out = profiles.copy(deep=False)
        for f in MONEY_FIELDS + tuple(f for f in OPTIONAL_MONEY_FIELDS if f in profiles.columns):
            out[f] = profiles[f].to_numpy() * factor
        _check_converted(out, profiles, to_ccy)
    if "profile_currency" not in out.columns:  # the currency the profile was given in (default fiat market)
        out["profile_currency"] = profiles["currency"].to_numpy()
    out["currency"] = to_ccy
    return out


def _check_converted(converted: pd.DataFrame, profiles: pd.DataFrame, to_ccy: str) -> None:
    """Converted amounts stay within the input policy's magnitude (|x| ≤ 1e18 after conversion too)."""
    from jurisdictions.framework import Problem, ProfileError
    from jurisdictions.framework.errors import NO_VALUE, shorten
    from jurisdictions.framework.input_policy import MAX_ABS_NUMBER, MAX_ABS_TEXT

    if all(np.abs(converted[f].to_numpy()).max(initial=0.0) <= MAX_ABS_NUMBER for f in MONEY_FIELDS):
        return  # column by column: no (profiles × fields) copy on the way
    money = converted[list(MONEY_FIELDS)].to_numpy()
    rows, cols = np.nonzero(np.abs(money) > MAX_ABS_NUMBER)
    problems = [
        Problem("<profiles>", f"profile {shorten(profiles['name'].iloc[r], 60)}", MONEY_FIELDS[c], NO_VALUE,
                f"{profiles['currency'].iloc[r]} {profiles[MONEY_FIELDS[c]].iloc[r]:.6g} is {to_ccy} "
                f"{money[r, c]:.6g} after conversion, beyond {MAX_ABS_TEXT}: not a plausible amount")
        for r, c in zip(rows[:1000].tolist(), cols[:1000].tolist())
    ]
    raise ProfileError(problems)


def _check_rows(df: pd.DataFrame, code: str) -> None:
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise PluginError(f"plug-in {code!r}: assess() returned rows without {missing} (Contract 2)")


@dataclass(frozen=True)
class ComparisonResult:
    """What ``compare`` returns: the obligations table and everything needed to trace it.

    ``rows`` holds the obligation rows as computed: on a small batch the Contract 2 table itself; on a
    large batch (``text_deferred``) the compact table (categorical text, no ``basis``), whose prose —
    the ``basis`` lines and the plug-ins' per-profile notes — is rendered when ``obligations`` or
    ``warnings`` is first read, by running the plug-ins again with text on (same numbers, same code).
    """

    rows: pd.DataFrame
    profiles: pd.DataFrame
    as_of: dt.date
    currency: str
    fx: FxSnapshot
    jurisdictions: tuple[Any, ...]
    parameters: dict[str, ParameterSet]
    scenarios: tuple[str, ...]
    text_deferred: bool = False
    plugin_notes: dict[str, tuple[dict, ...]] | None = None  # per jurisdiction code; None: deferred
    fx_warnings: tuple[dict, ...] = ()
    overrides: ParameterSet | None = None
    in_force_only: bool = False
    extras: dict = field(default_factory=dict)
    assumptions: Any = None  # the cost assumptions (ParameterSet: built-in values with the user's overrides)
    funding: Any = None  # the user's fixed funding mix (comparisons.funding.FundingMix) or None: cheapest
    #: per declared market of a deferred batch: its evaluation and the rows kept, whose basis lines are
    #: rendered when ``obligations`` is read
    evaluations: dict = field(default_factory=dict)

    # -- the obligations, with text or compact -------------------------------------------------------
    @functools.cached_property
    def obligations(self) -> pd.DataFrame:
        """The Contract 2 table, every column (``basis`` rendered: on a million profiles this takes tens of
        seconds and gigabytes, which is why a large batch renders it only when asked, with a progress bar
        on a terminal).

        ``amount`` is in the row's ``currency`` (the jurisdiction's), ``amount_ref`` in the comparison's
        reference currency (``self.currency``). Text columns are plain strings: this is the full-text twin of
        :attr:`amounts`, whose text columns are categoricals (see ``comparisons/tables.py``).
        Rows of Japan's reserve come once per scenario asked for: alternatives, not parts of one total, so
        sum amounts within one scenario (``ob[ob["scenario"].isin(["", "central"])]``), never across them.
        """
        if not self.text_deferred:
            return self.rows
        frames = self._per_market("basis lines", lambda j, local: [self._rendered(j.code)] if j.code in self.evaluations
                                  else assessed_rows(j, local, self.as_of, self.scenarios, self.parameters[j.code],
                                                     self.overrides, self.in_force_only,
                                                     self.fx.rate(j.currency, self.currency)))
        return concat_obligations([f for parts in frames.values() for f in parts], consume=True)

    def _rendered(self, code: str) -> pd.DataFrame:
        """A declared market's rows of the batch with text columns as strings and the basis lines rendered
        from its evaluation (the rules are not run again)."""
        evaluation, keep = self.evaluations[code]
        codes = self.rows["jurisdiction"]
        part = self.rows[(codes == code).to_numpy()]
        part = part.astype({c: object for c in part.columns if isinstance(part[c].dtype, pd.CategoricalDtype)})
        basis = evaluation.basis()
        part = part.assign(basis=basis if keep is None else basis[keep])
        return part[list(COLUMNS)].reset_index(drop=True)

    @functools.cached_property
    def _profile_dtype(self) -> pd.CategoricalDtype:
        """The batch's profile names as a categorical dtype, in input order (the ``profile`` column's)."""
        return profile_dtype(self.profiles["name"])

    def _per_market(self, what: str, run: Callable[[Any, pd.DataFrame], Any]) -> dict[str, Any]:
        """``run(jurisdiction, profiles in its currency)`` for every market, with a progress bar: how a
        deferred batch renders its text (a declared market from its evaluation, a plug-in written against the
        ``assess`` hook by running it again with text on)."""
        out = {}
        with _steps(len(self.profiles), what, self.jurisdictions) as step:
            for j in self.jurisdictions:
                step(j.code)
                out[j.code] = run(j, convert_profiles(self.profiles, self.fx, j.currency))
        return out

    @functools.cached_property
    def amounts(self) -> pd.DataFrame:
        """The obligations without ``basis``, text columns as Categoricals (``profile`` coded by the
        profile's position): what the batch path computes, small in memory, fast to group and filter."""
        if self.text_deferred:
            return categorical_columns(self.rows, self._profile_dtype)
        return compact_table(self.rows, self._profile_dtype)

    def plain_amounts(self, profiles: int | None = None) -> pd.DataFrame:
        """The obligations without ``basis``, text columns as plain strings (for code that joins or searches
        text): the Contract 2 table when it is at hand, else the compact rows converted (no basis line is
        rendered). ``profiles``: only the rows of the first that many profiles."""
        if not self.text_deferred or "obligations" in self.__dict__:
            ob = self.obligations.drop(columns=["basis"])
            if profiles is not None and len(self.profiles) > profiles:
                ob = ob[ob["profile"].isin(self.profiles["name"].iloc[:profiles])]
        else:
            ob = self.amounts
            if profiles is not None and len(self.profiles) > profiles:
                ob = ob[ob["profile"].cat.codes.to_numpy() < profiles]
        return ob.astype({c: object for c in ob.columns if isinstance(ob[c].dtype, pd.CategoricalDtype)})

    @functools.cached_property
    def warnings_table(self) -> pd.DataFrame:
        """:attr:`warnings` as a table (jurisdiction, profile, message, level), in the same order. A large batch
        builds it column-wise from the declared checks (a million notes without a Python object each): what
        ``--format parquet`` and ``jsonl`` write."""
        if not self.text_deferred or "warnings" in self.__dict__:
            return note_frame(list(self.warnings))
        tables = self._per_market("notes", lambda j, local: plugin_note_table(j, local, self.as_of,
                                                                              self.parameters[j.code]))
        parts = [note_frame(list(self.fx_warnings))]
        for j in self.jurisdictions:
            parts += [tables[j.code], note_frame(proposal_notes(j, self.in_force_only, self.as_of))]
        parts.append(note_frame(self._input_notes()))
        return pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)

    @functools.cached_property
    def warnings(self) -> tuple[dict, ...]:
        """Stale FX, the plug-ins' notes on profiles, and a note per proposed regime evaluated."""
        if self.text_deferred and "warnings_table" in self.__dict__:
            t = self.warnings_table
            return tuple({"jurisdiction": a, "profile": b, "message": c, "level": d} for a, b, c, d in
                         zip(*(t[c].tolist() for c in NOTE_COLUMNS)))
        notes = self.plugin_notes
        if notes is None:
            notes = self._per_market("notes", lambda j, local: plugin_notes(j, local, self.as_of,
                                                                             self.parameters[j.code]))
        out = list(self.fx_warnings)
        for j in self.jurisdictions:
            out.extend(notes.get(j.code, ()))
            out.extend(proposal_notes(j, self.in_force_only, self.as_of))
        out.extend(self._input_notes())
        return tuple(out)

    def _input_notes(self) -> list[dict]:
        """Optional fields taken as 0 and incidents after ``as_of`` (see ``comparisons/input_notes.py``)."""
        from .input_notes import default_notes, late_incident_warnings

        masks, exact = self.extras.get("defaulted", ({}, False))
        out = default_notes(masks, exact, self.profiles["name"], self.jurisdictions, self.rows)
        out.extend(late_incident_warnings(self.extras.get("incidents", ()), self.as_of, self.profiles,
                                          self.jurisdictions))
        return out

    # -- costs (comparisons/costs/table.py) ----------------------------------------------------------------
    @functools.cached_property
    def costs(self) -> pd.DataFrame:
        """Annual cost of each obligation per funding form of its cheapest (or the user's) mix.

        ``funded_amount`` and ``annual_cost`` are in the row's ``currency`` (the jurisdiction's);
        ``funded_amount_ref`` and ``annual_cost_ref`` in ``ref_currency``. Rows of Japan's reserve come once
        per scenario: sum costs within one scenario, never across scenarios. Text columns are categoricals."""
        from .costs.assumptions import CostAssumptions, load_assumptions
        from .costs.table import cost_table

        pset = self.assumptions if self.assumptions is not None else load_assumptions()
        bar = _progress_bar(None, len(self.profiles))  # large batches on a terminal: elapsed time shown
        if bar is not None:
            bar.add_task(f"costs: {len(self.rows):,} obligation rows", total=None)
        try:
            return categorical_columns(cost_table(
                self.amounts, self.jurisdictions, self.profiles, fx=self.fx, as_of=self.as_of, currency=self.currency,
                assumptions=CostAssumptions.read(pset, self.as_of), parameters=self.parameters, funding=self.funding),
                self._profile_dtype)
        finally:
            if bar is not None:
                bar.stop()

    def cost_summary(self, expand_scenarios: bool = False, ranges: bool | None = None,
                     licence: bool | None = None) -> pd.DataFrame:
        """Per profile and jurisdiction (and reserve scenario): resources tied up, annual cost, bp of volume.

        ``ranges`` adds the annual cost under the ``low`` and ``high`` assumption sets
        (``annual_cost_low_ref``, ``annual_cost_high_ref``); ``licence`` adds the market's licensing and
        compliance costs as their own columns (``licence_*``, never added into ``annual_cost``). Both default
        to on for batches below ``DEFER_TEXT_MIN_PROFILES`` profiles (a large batch costs at ``central`` only).

        ``resources_tied_up``, ``insured`` and ``annual_cost`` are in ``currency`` (the market's); the
        ``*_ref`` columns in ``ref_currency``. One row per reserve scenario where the market has one: each row
        is a whole alternative, so do not add up rows of different scenarios (pick one, e.g. ``central``).
        Text columns are categoricals.
        """
        from .costs.summary import cost_summary, with_licence, with_ranges

        small = len(self.profiles) < DEFER_TEXT_MIN_PROFILES
        out = cost_summary(self.costs, self.profiles, self.fx, self.currency, self.scenarios,
                           expand_scenarios=expand_scenarios)
        if small if ranges is None else ranges:
            out = with_ranges(out, {s: cost_summary(self.costs_under(s), self.profiles, self.fx, self.currency,
                                                    self.scenarios, expand_scenarios=expand_scenarios)
                                    for s in ("low", "high")})
        if small if licence is None else licence:
            out = with_licence(out, self.licence_costs())
        return categorical_columns(out, self._profile_dtype)

    def costs_under(self, assumption_set: str = "central", vary: dict | None = None) -> pd.DataFrame:
        """The cost table under another assumption set (``low``/``central``/``high``), or with the assumptions
        ``vary`` names read in another set (``{"equity_premium": "high"}``); ``central`` alone is ``costs``."""
        if assumption_set == "central" and not vary:
            return self.costs
        key = ("costs_under", assumption_set, tuple(sorted((vary or {}).items())))
        if key not in self.extras:  # the result is immutable: a table once computed stays right
            from .costs.ranges import costs_under

            self.extras[key] = costs_under(self, assumption_set, vary)
        return self.extras[key]

    def cost_ranges(self) -> pd.DataFrame:
        """Contract 4's ``cost_ranges``: per profile, market and scenario, the annual cost (reference currency)
        under the ``low``, ``central`` and ``high`` assumption sets (carrying costs only)."""
        from .costs.ranges import cost_ranges

        return cost_ranges(self, self.costs_under)

    def robustness(self) -> Any:
        """Which market is cheapest and which dearest under every assumption set, and which assumptions,
        varied alone over their range, flip that (``comparisons.costs.ranges.Robustness``)."""
        if "robustness" not in self.extras:
            from .costs.ranges import robustness

            self.extras["robustness"] = robustness(self, lambda s, sets=None: self.costs_under(s, sets))
        return self.extras["robustness"]

    def licence_costs(self) -> pd.DataFrame:
        """Licensing and compliance costs of each market of the comparison (rulebook costs.md §4): one-off and
        yearly items, low and high, ``unknown`` shown as such (``comparisons.costs.licence``)."""
        from .costs.licence import licence_costs

        return licence_costs([j.code for j in self.jurisdictions], self.fx, self.currency)

    def cost_warnings(self) -> list[dict]:
        """Warnings on the costs: a cost that rests on a figure the rulebook marks unknown; assumptions read
        in a former form (``cost_of_capital``)."""
        from .costs.assumptions import assumption_notes
        from .costs.warnings import unknown_cost_warnings

        out = assumption_notes(self.assumptions) if self.assumptions is not None else []
        return out + unknown_cost_warnings(self.costs)

    # -- views ---------------------------------------------------------------------------------------
    def side_by_side(self, value: str = "amount_ref") -> pd.DataFrame:
        """Wide table: rows (profile, category, obligation), one column per jurisdiction.

        ``value="amount_ref"`` (default) shows every amount in the comparison's currency, so capital sits
        against capital and loss cover against loss cover; ``value="amount"`` shows local amounts.
        """
        ob = self.plain_amounts()  # names and amounts: no basis line needs rendering
        if ob.empty:
            return pd.DataFrame()
        item = ob["obligation"].where(ob["scenario"] == "", ob["obligation"] + " (" + ob["scenario"] + ")")
        wide = (
            ob.assign(item=item, category=pd.Categorical(ob["category"], categories=list(CATEGORIES), ordered=True))
            .pivot_table(index=["profile", "category", "item"], columns="jurisdiction", values=value,
                         aggfunc="first", observed=True, dropna=False, sort=False)
        )
        codes = [j.code for j in self.jurisdictions if j.code in wide.columns]
        wide = wide.reindex(columns=codes)
        order = {p: i for i, p in enumerate(self.profiles["name"])}
        # within a category, obligations stay in jurisdiction order (JP's, then EU's, then HK's ...), not A-Z
        wide = wide.sort_index(level=[0, 1], key=lambda idx: idx.map(order) if idx.name == "profile" else idx,
                               sort_remaining=False)
        wide.columns.name = f"{'amount in ' + self.currency if value == 'amount_ref' else 'local amount'}"
        return wide.dropna(how="all")

    def meta(self) -> dict:
        """As-of date, FX and jurisdiction metadata (for JSON, briefings and notebooks)."""
        return comparison_meta(self, self.profiles)

    def _ranges_or_central(self, ranges: bool | None) -> tuple[pd.DataFrame, list[dict]]:
        """``cost_ranges`` rows: all three sets (small batches, or ``ranges=True``), else ``central`` only with
        ``low``/``high`` null and a note saying how to ask for them."""
        if len(self.profiles) < DEFER_TEXT_MIN_PROFILES if ranges is None else ranges:
            return self.cost_ranges(), []
        from .costs.ranges import RANGE_COLUMNS
        from .costs.summary import cost_summary

        s = cost_summary(self.costs, self.profiles, self.fx, self.currency, self.scenarios)
        out = pd.DataFrame({"profile": s["profile"], "jurisdiction": s["jurisdiction"], "scenario": s["scenario"],
                            "currency": s["ref_currency"], "low": np.nan, "central": s["annual_cost_ref"],
                            "high": np.nan})[list(RANGE_COLUMNS)]
        return out, [{"jurisdiction": "", "profile": "", "level": "note",
                      "message": f"cost_ranges: {len(self.profiles):,} profiles costed at the central assumption set "
                                 "only (low and high on request: to_json(ranges=True))"}]

    def to_dict(self, ranges: bool | None = None) -> dict:
        """The JSON document of ``xjur compare --format json``."""
        doc = self.meta()
        doc["obligations"] = records(self.obligations, list_columns=("funding_forms",))
        doc["costs"] = records(self.costs)
        cr, notes = self._ranges_or_central(ranges)
        doc["cost_ranges"] = records(cr)
        doc["warnings"] = list(self.warnings) + self.cost_warnings() + notes
        return doc

    def to_json(self, indent: int | None = 2, ranges: bool | None = None) -> str:
        """The document of :meth:`to_dict` as JSON text; the tables are written by pandas' C encoder
        (a Python encoder with indentation takes seconds per hundred thousand rows)."""
        doc = self.meta()
        cr, notes = self._ranges_or_central(ranges)
        tables = {"obligations": json_records(self.obligations, ("funding_forms",), indent),
                  "costs": json_records(self.costs, (), indent), "cost_ranges": json_records(cr, (), indent)}
        doc.update({k: f"@@xjur-table:{k}@@" for k in tables})
        doc["warnings"] = list(self.warnings) + self.cost_warnings() + notes
        text = json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False, default=str)
        for k, table in tables.items():
            text = text.replace(f'"@@xjur-table:{k}@@"', table, 1)
        return text

    def to_csv(self, path: str | Path | None = None, table: str = "obligations") -> str | None:
        """One table as CSV (floats without binary noise, text cells made inert for spreadsheets by
        ``report/safe_text.py``): ``obligations`` (Contract 2), ``costs`` or ``summary`` (:meth:`cost_summary`,
        reserve scenarios one by one)."""
        return table_csv(self.table(table), path)

    def table(self, name: str) -> pd.DataFrame:
        """A public table by name: ``obligations``, ``costs`` or ``summary`` (the cost summary)."""
        return table_by_name(name, {"obligations": lambda: self.obligations, "costs": lambda: self.costs,
                                    "summary": self.cost_summary})

    def chart(self, kind: str = "obligations", **kwargs: Any) -> Any:
        """An altair chart of this comparison: ``obligations`` (default), ``costs``, ``reserve_range``,
        ``stress`` or ``sensitivity`` (see :func:`comparisons.report.charts.chart`)."""
        from .report.charts import chart

        return chart(self, kind, **kwargs)

    def _repr_html_(self) -> str:  # Jupyter
        return self.side_by_side()._repr_html_()

    def __repr__(self) -> str:
        return (f"ComparisonResult({len(self.profiles)} profiles × {[j.code for j in self.jurisdictions]}, "
                f"as_of={self.as_of}, currency={self.currency}, {len(self.rows)} obligation rows)")


def json_records(frame: pd.DataFrame, list_columns: Sequence[str] = (), indent: int | None = None,
                 lines: bool = False) -> str:
    """A table as a JSON array of row objects, as :func:`records` gives them: NaN (and ±inf) → null,
    ``;``-joined list columns → lists; floats rounded to 15 significant digits and written in their shortest
    form (``comparisons/tables.py``). ``lines``: one object per line (JSON Lines) instead of an array."""
    out = tidy_floats(frame)
    for c in list_columns:
        codes, uniq = pd.factorize(out[c].astype(object).fillna(""))
        lists = np.empty(len(uniq), dtype=object)
        lists[:] = [[x for x in str(u).split(";") if x] for u in uniq]
        out[c] = lists[codes] if len(codes) else []
    return shortest_json_numbers(out.to_json(orient="records", force_ascii=False, double_precision=15,
                                             indent=None if lines else indent, lines=lines))


def records(frame: pd.DataFrame, list_columns: Sequence[str] = ()) -> list[dict]:
    """Rows as JSON-ready dicts: NaN → None, ``;``-joined list columns → lists."""
    out = []
    frame = tidy_floats(frame)
    cols = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        rec = {}
        for c, v in zip(cols, row):
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif isinstance(v, (np.floating,)):
                v = None if np.isnan(v) else float(v)
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            if c in list_columns:
                v = [x for x in str(v or "").split(";") if x]
            rec[c] = v
        out.append(rec)
    return out


def jurisdiction_info(j: Any) -> dict:
    """Code, name, currency and regimes of a plug-in: each regime's status, start, scope (services in, services
    in by assumption and why) and the date of the newest fact it uses (``facts_as_of``)."""
    def scope(r: Any) -> dict | None:
        sc = getattr(r, "scope", None)
        if sc is None:
            return None
        return {"services": list(sc.services), "assumed_services": list(sc.assumed_services),
                "fiat_markets": list(sc.fiat_markets), "describe": sc.describe, "assumption": sc.assumption}

    def day(d: Any) -> str | None:
        return d.isoformat() if d else None

    return {
        "code": j.code,
        "name": j.name,
        "currency": j.currency,
        "regimes": [
            {"id": r.id, "name": r.name, "status": r.status, "in_force_from": day(r.in_force_from),
             "start_note": getattr(r, "start_note", ""), "citation": r.citation, "scope": scope(r),
             "facts_as_of": day(getattr(r, "facts_as_of", None))}
            for r in j.regimes
        ],
    }


def compare(
    profiles: Any,
    jurisdictions: Iterable[Any] | None = None,
    as_of: Any = None,
    currency: str = "USD",
    scenarios: Sequence[str] = ("central",),
    *,
    progress: bool | None = None,
    defer_text: bool | None = None,
    **options: Any,
) -> ComparisonResult:
    """Run ``profiles`` through ``jurisdictions`` (codes or plug-in objects; default: every installed one).
    ``options``: ``parameters``, ``in_force_only``, ``fx``, ``registry``, ``assumptions``, ``funding``, read and
    checked by :func:`prepare_comparison` before any rule runs.

    ``jurisdictions`` and ``scenarios`` take a list or one bare string (``"JP"``, ``"all"``).
    ``as_of`` selects the parameter values and the FX date; ``currency`` is the reference currency of
    ``amount_ref``; ``scenarios`` the Japanese reserve scenarios (``low``, ``central``, ``high`` or ``all``);
    ``parameters`` a user's parameter file(s) replacing built-in values, or ``{id: value}`` (each value
    replaces the parameter's whole history, status ``assumed``; see ``comparisons/overrides.py``);
    ``in_force_only`` leaves proposed
    regimes out; ``fx`` a rates file (default: the ECB history shipped offline); ``assumptions`` cost
    assumptions replacing built-in ones (file(s), ParameterSet or ``{id: number}``); ``funding`` a fixed
    funding mix (YAML file or mapping; default: the cheapest allowed mix). See ``comparisons/costs/table.py``.
    ``progress`` shows a progress bar on stderr (default: for batches of ``PROGRESS_MIN_PROFILES`` profiles
    or more when stderr is a terminal; never on stdout, so JSON output stays clean). ``defer_text``
    renders the ``basis`` lines and per-profile notes only when read (default: for batches of
    ``DEFER_TEXT_MIN_PROFILES`` profiles or more); the numbers are the same either way.
    """
    return prepare_comparison(profiles, jurisdictions, as_of, currency, scenarios, **options).run(
        progress=progress, defer_text=defer_text)


def prepare_comparison(
    profiles: Any,
    jurisdictions: Iterable[Any] | None = None,
    as_of: Any = None,
    currency: str = "USD",
    scenarios: Sequence[str] = ("central",),
    *,
    parameters: Any = None,
    in_force_only: bool = False,
    fx: Any = None,
    registry: Registry | None = None,
    assumptions: Any = None,
    funding: Any = None,
) -> "PreparedComparison":
    """Every input of :func:`compare` read and checked (profiles validated, markets chosen, FX, parameter
    overrides, cost assumptions, funding mix): each input error is raised here, before any rule runs. The
    arguments are :func:`compare`'s."""
    from .input_notes import defaulted, late_incidents, raw_records

    frame = load_profiles(profiles)
    records = raw_records(profiles)  # the profiles as given, read once for both notes
    inputs = {"defaulted": defaulted(profiles, frame, records), "incidents": late_incidents(profiles, records)}
    day = parse_date(as_of)
    ref = str(currency).strip().upper()
    scen = tuple(check_scenarios(as_list(scenarios) or []))
    reg = registry if registry is not None else discover()
    chosen = reg.select(as_list(jurisdictions))
    if not chosen:
        raise XjurError("no jurisdictions to compare (none installed or none selected)")
    rates = fx_snapshot(day, fx)
    _check_currencies(frame, rates, ref, chosen)
    convert_profiles(frame, rates, ref)  # refuses amounts beyond the input policy's bound in the reference currency

    from .costs.assumptions import load_assumptions
    from .costs.funding import load_funding

    with with_example("assumptions", "cost_of_capital", 0.10):
        cost_assumptions = load_assumptions(assumptions)
    funding_mix = load_funding(funding, chosen, known_codes=list(reg.jurisdictions))
    installed = {**reg.jurisdictions, **{c.code: c for c in chosen}}
    overrides = None
    if parameters is not None:
        builtin = {code: j.parameters() for code, j in installed.items()}
        overrides = load_overrides(parameters, finder(builtin))
    if overrides is not None:
        known = set()
        for pset in builtin.values():
            known |= set(pset.ids())
        unknown = [pid for pid in overrides.ids() if pid not in known]
        if unknown:
            raise ParameterError(
                f"{overrides.origin}: parameter {unknown[0]!r} is not a parameter of any installed jurisdiction"
                f"{did_you_mean(unknown[0], known)}"
            )

    fx_warnings: list[dict] = []
    if rates.stale_days() > 7:
        fx_warnings.append({"jurisdiction": "", "profile": "",
                            "message": f"exchange rates of {rates.date.isoformat()} used for {day.isoformat()} "
                                       f"({rates.stale_days()} days earlier: the latest in {rates.source})"})
    return PreparedComparison(frame=frame, inputs=inputs, as_of=day, currency=ref, scenarios=scen,
                              jurisdictions=tuple(chosen), fx=rates, assumptions=cost_assumptions,
                              funding=funding_mix, overrides=overrides, in_force_only=in_force_only,
                              fx_warnings=tuple(fx_warnings))


def comparison_meta(comparison: Any, profiles: pd.DataFrame) -> dict:
    """As-of date, reference currency, FX (the rates of the profiles' and markets' currencies), scenarios and
    jurisdictions of a comparison (prepared or run) over ``profiles``."""
    currencies = set(profiles["currency"]) | {j.currency for j in comparison.jurisdictions} | {comparison.currency}
    return {
        "as_of": comparison.as_of.isoformat(),
        "currency": comparison.currency,
        "fx": comparison.fx.describe(currencies),
        "scenarios": list(comparison.scenarios),
        "in_force_only": comparison.in_force_only,
        "jurisdictions": [jurisdiction_info(j) for j in comparison.jurisdictions],
    }


@dataclass(frozen=True)
class PreparedComparison:
    """A comparison read and checked, ready to run (:func:`prepare_comparison`): the validated profiles and
    the notes on how they were given, the date, reference currency, scenarios, markets, FX, cost assumptions,
    funding mix and parameter overrides.

    :meth:`run` compares the profiles; :meth:`subset` is the same comparison over a slice of them. The rules,
    costs and per-profile notes are row-independent, so the parts of a batch give the rows of the whole
    (``comparisons/parallel.py`` runs the parts of a large batch in several processes)."""

    frame: pd.DataFrame
    inputs: dict
    as_of: dt.date
    currency: str
    scenarios: tuple[str, ...]
    jurisdictions: tuple[Any, ...]
    fx: FxSnapshot
    assumptions: Any
    funding: Any
    overrides: ParameterSet | None
    in_force_only: bool
    fx_warnings: tuple[dict, ...]

    def meta(self) -> dict:
        """The metadata of the comparison's results (:meth:`ComparisonResult.meta`), for the whole batch."""
        return comparison_meta(self, self.frame)

    def subset(self, start: int, stop: int) -> "PreparedComparison":
        """The same comparison over profiles ``start`` to ``stop`` (positions, ``stop`` excluded)."""
        frame = self.frame.iloc[start:stop].reset_index(drop=True)
        frame.attrs.update(self.frame.attrs)  # validated already
        masks, exact = self.inputs["defaulted"]
        names = set(frame["name"].tolist()) if self.inputs["incidents"] else set()
        inputs = {"defaulted": ({f: m[start:stop] for f, m in masks.items()}, exact),
                  "incidents": [i for i in self.inputs["incidents"] if i[0] in names]}
        return replace(self, frame=frame, inputs=inputs)

    def run(self, progress: bool | None = None, defer_text: bool | None = None) -> "ComparisonResult":
        """The comparison (``progress`` and ``defer_text`` as in :func:`compare`)."""
        frame, day, scen, rates, ref = self.frame, self.as_of, self.scenarios, self.fx, self.currency
        defer = len(frame) >= DEFER_TEXT_MIN_PROFILES if defer_text is None else bool(defer_text)
        names = profile_dtype(frame["name"]) if defer else None
        frames, params_used, notes, evaluations = [], {}, {}, {}
        bar = _progress_bar(progress, len(frame))
        task = bar.add_task(f"{len(frame):,} profiles", total=len(self.jurisdictions) + 1) if bar is not None else None
        try:
            for j in self.jurisdictions:
                if bar is not None:
                    bar.update(task, description=f"{j.code}: {len(frame):,} profiles")
                params = j.parameters(self.overrides)
                params_used[j.code] = params
                local = convert_profiles(frame, rates, j.currency)
                args = (j, local, day, scen, params, self.overrides, self.in_force_only, rates.rate(j.currency, ref))
                if defer:
                    with compact_rows(names):
                        parts = assessed_rows(*args, keep_text=evaluations)
                    frames.extend(_compact(rows, names, j.code) for rows in parts)
                else:
                    frames.extend(assessed_rows(*args))
                    notes[j.code] = plugin_notes(j, local, day, params)
                if bar is not None:
                    bar.advance(task)
            if bar is not None:
                bar.update(task, description="obligations table")
            parts = local = None  # the frames list then holds the only references to the rows
            table = concat_obligations(frames, consume=True)
            if bar is not None:
                bar.advance(task)
        finally:
            if bar is not None:
                bar.stop()
        return ComparisonResult(
            rows=table, profiles=frame, as_of=day, currency=ref, fx=rates, jurisdictions=self.jurisdictions,
            parameters=params_used, scenarios=scen, text_deferred=defer, plugin_notes=None if defer else notes,
            fx_warnings=self.fx_warnings, overrides=self.overrides, in_force_only=self.in_force_only,
            assumptions=self.assumptions, funding=self.funding, evaluations=evaluations, extras=dict(self.inputs),
        )


#: batches at least this large are compared compact: the rules run over every profile as always, but the
#: per-row prose (``basis`` lines, per-profile notes) is rendered only when ``obligations`` / ``warnings``
#: is read (see ``jurisdictions.framework.compact_rows``)
DEFER_TEXT_MIN_PROFILES = 5_000
#: rendering deferred text shows a progress bar from this many profiles (about a second of rendering)
TEXT_PROGRESS_MIN_PROFILES = 25_000


def assessed_rows(j: Any, local: pd.DataFrame, day: dt.date, scenarios: Sequence[str], params: ParameterSet,
                  overrides: ParameterSet | None, in_force_only: bool, rate_to_ref: float,
                  keep_text: dict | None = None) -> list[pd.DataFrame]:
    """One jurisdiction's Contract 2 rows for profiles already in its currency: the plug-in's rows (a declared
    plug-in evaluated by the framework, one frame per obligation and scenario; any other through its ``assess``
    hook, one frame), checked, with user-overridden parameters cited, what does not apply on the date left out
    if asked, and ``amount_ref``. The comparison concatenates the frames of every market once.

    ``keep_text``: for a declared plug-in on the batch path, receives ``{code: (evaluation, kept rows)}`` so that
    the basis lines are rendered later from the same evaluation (no plug-in runs twice)."""
    if is_declarative(j):
        evaluation = j.evaluate(local, day, scenarios, params)
        parts = evaluation.parts(consume=True)
    else:
        evaluation = None
        # a plug-in written against the hook is asked only for the scenarios it declares
        known = {s for spec in j.obligations for s in scenarios_of(spec)}
        parts = [j.assess(local, day, [s for s in scenarios if s in known] or ["central"], parameters=params)]
    left_out = {r.id for r in j.regimes if r.status == "proposed" or _upcoming(r, day)} if in_force_only else set()
    out, kept = [], []
    for rows in parts:
        _check_rows(rows, j.code)
        if overrides is not None:
            rows = _cite_overrides(rows, j, overrides)
        if in_force_only:
            kept.append(~rows["regime"].isin(left_out).to_numpy())
            rows = rows[kept[-1]]
        out.append(rows.assign(amount_ref=rows["amount"].to_numpy() * rate_to_ref)[list(COLUMNS)])
    if keep_text is not None and evaluation is not None:
        keep_text[j.code] = (evaluation, np.concatenate(kept) if kept else None)
    return out


def _upcoming(regime: Any, day: dt.date) -> bool:
    """An enacted regime not yet applying on ``day`` (a third party's regime may lack the method)."""
    upcoming = getattr(regime, "upcoming", None)
    return bool(upcoming(day)) if upcoming is not None else False


def plugin_note_table(j: Any, local: pd.DataFrame, day: dt.date, params: ParameterSet) -> pd.DataFrame:
    """A plug-in's notes on the profiles as a table: a declared plug-in's checks column-wise, any other's
    :meth:`notes` one by one."""
    from jurisdictions.framework import Jurisdiction
    from jurisdictions.framework.declared import check_table

    if isinstance(j, Jurisdiction) and type(j).notes is Jurisdiction.notes:
        return check_table(j, local, day, j.parameter_set(params))
    return note_frame(list(plugin_notes(j, local, day, params)))


def note_frame(records: list[dict]) -> pd.DataFrame:
    """Warning records as a table with the columns of :data:`NOTE_COLUMNS` (text as objects; level
    ``warning`` where a record has none)."""
    return pd.DataFrame({c: pd.Series([r.get(c, "warning" if c == "level" else "") for r in records],
                                      dtype=object) for c in NOTE_COLUMNS})


def plugin_notes(j: Any, local: pd.DataFrame, day: dt.date, params: ParameterSet) -> tuple[dict, ...]:
    """A plug-in's notes on the profiles, as warning records."""
    return tuple({"jurisdiction": n.jurisdiction, "profile": n.profile, "message": n.message, "level": n.level}
                 for n in j.notes(local, day, parameters=params))


def proposal_notes(j: Any, in_force_only: bool, day: dt.date | None = None) -> list[dict]:
    """A note per regime shown that does not apply on the date: a proposal (a what-if whatever the date, and its
    assumed start) and an enacted regime not yet applying (upcoming, with its start date)."""
    if in_force_only:
        return []
    out = []
    for r in j.regimes:
        if r.status == "proposed":
            start = r.start_note or (r.in_force_from.isoformat() if r.in_force_from else "unknown")
            out.append({"jurisdiction": j.code, "profile": "", "level": "note",
                        "message": f"{r.id} is a proposal, evaluated as a what-if whatever the date; "
                                   f"assumed start: {start}"})
        elif day is not None and _upcoming(r, day):
            out.append({"jurisdiction": j.code, "profile": "", "level": "note",
                        "message": f"{r.id} is enacted and applies from {r.in_force_from.isoformat()}: its rows "
                                   f"are shown as upcoming (status enacted)"})
    return out


def _compact(rows: pd.DataFrame, names: pd.CategoricalDtype, code: str) -> pd.DataFrame:
    try:
        return compact_table(rows, names)
    except ValueError as e:
        raise PluginError(f"plug-in {code!r}: {e}") from None


#: batches at least this large show a progress bar by default (about a second of work on a laptop)
PROGRESS_MIN_PROFILES = 200_000


@contextlib.contextmanager
def _steps(n_profiles: int, what: str, jurisdictions: Sequence[Any]) -> Iterator[Callable[[str], None]]:
    """A progress bar (stderr, terminals only, batches that defer their text) over one step per market."""
    bar = _progress_bar(None, n_profiles, TEXT_PROGRESS_MIN_PROFILES)
    task = bar.add_task(what, total=len(jurisdictions)) if bar is not None else None
    started = []

    def step(code: str) -> None:
        if bar is not None:
            if started:
                bar.advance(task)
            started.append(code)
            bar.update(task, description=f"{what}: {code}, {n_profiles:,} profiles")

    try:
        yield step
        if bar is not None:
            bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()


def _progress_bar(enabled: bool | None, n_profiles: int, threshold: int | None = None) -> Any:
    """A started rich progress bar on stderr, or None (``enabled`` None: large batches on a terminal)."""
    import sys

    if enabled is None:
        enabled = n_profiles >= (PROGRESS_MIN_PROFILES if threshold is None else threshold) and sys.stderr.isatty()
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("xjur compare · {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    bar.start()
    return bar


def _cite_overrides(rows: pd.DataFrame, j: Any, overrides: ParameterSet) -> pd.DataFrame:
    """Rows whose formula reads a parameter the user replaced name the user's file in their citation."""
    rows = rows.copy()
    for spec in j.obligations:
        used = [pid for pid in spec.parameters if pid in overrides.histories]
        if not used:
            continue
        mask = ((rows["obligation"] == spec.id) & (rows["regime"] == spec.regime)).to_numpy()
        rows["citation"] = _append_where(rows["citation"], mask,
                                         f"; {', '.join(used)} from {source_label(overrides.origin)}")
    return rows


def _append_where(col: pd.Series, mask: np.ndarray, suffix: str) -> pd.Series:
    """``col + suffix`` where ``mask`` (a Categorical column stays one: its categories get the suffix)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        old = col.cat.categories
        new = pd.Index([str(c) + suffix for c in old])
        cats = old.append(new).unique()
        codes = col.cat.codes.to_numpy()
        recoded = np.where(mask, cats.get_indexer(new)[codes], cats.get_indexer(old)[codes])
        return pd.Series(pd.Categorical.from_codes(recoded, dtype=pd.CategoricalDtype(cats)), index=col.index)
    return col.where(~mask, col + suffix)


def _check_currencies(frame: pd.DataFrame, rates: FxSnapshot, ref: str, chosen: Sequence[Any]) -> None:
    problems = []
    if not rates.can_convert(ref):
        problems.append(f"reference currency {ref}: no exchange rate in {rates.source}")
    for j in chosen:
        if not rates.can_convert(j.currency):
            problems.append(f"jurisdiction {j.code} currency {j.currency}: no exchange rate in {rates.source}")
    bad = ~frame["currency"].isin(list(rates.per_eur))
    for i in np.flatnonzero(bad.to_numpy()):
        problems.append(
            f"profile {frame['name'].iloc[i]!r}, field 'currency': cannot convert {frame['currency'].iloc[i]} "
            f"(no rate on or before {rates.as_of.isoformat()} in {rates.source}; pass --fx-rates FILE)"
        )
    if problems:
        from jurisdictions.framework import FxError

        raise FxError("\n".join(problems))
