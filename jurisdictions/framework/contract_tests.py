"""The contract tests every jurisdiction plug-in must pass (DESIGN.md, Contracts 1-3), importable by anyone.

xjur's own test suite runs them over every registered jurisdiction (``tests/test_plugin_contract.py``). A third
party runs them against their own plug-in with two lines, in their own test suite::

    from jurisdictions.framework.contract_tests import check_jurisdiction
    from xjur_atlantis import jurisdiction

    def test_contract():
        problems = check_jurisdiction(jurisdiction, as_of=datetime.date(2026, 11, 25))
        assert not problems, "\\n".join(problems)

:func:`check_jurisdiction` returns a list of problems (empty when the plug-in conforms), each a sentence naming
the plug-in and what is wrong, so that one run shows every breach at once. The single checks are public too
(:func:`check_declaration`, :func:`check_parameters`, :func:`check_assess`, :func:`check_rows`,
:func:`check_before_start`, :func:`check_sources`), as is :func:`synthetic_profiles`.

This module imports only the framework: it never imports ``comparisons``. Profiles passed in must be validated
(:func:`validate_frame`) and in the plug-in's currency, as ``compare`` hands them to ``assess``.
"""
from __future__ import annotations

import ast
import datetime as dt
import inspect
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .errors import ParameterError, XjurError
from .obligations import CATEGORIES, COLUMNS, FUNDING_FORMS, INSURANCE_KINDS, SCENARIOS, scenarios_of
from .profile import FIELDS
from .registry import check_plugin
from .status import OUTPUT_STATUSES, PARAMETER_STATUSES
from .validation import validate_frame

#: Obligation ids fixed by DESIGN.md for the seed regimes (a plug-in may add more, never drop these).
SEED_OBLIGATIONS: dict[str, tuple[str, ...]] = {
    "jp.psa": ("minimum_capital", "performance_guarantee_crypto", "client_fiat_trust", "cold_storage_shortfall"),
    "jp.liability_reserve": ("liability_reserve",),
    "eu.mica": ("prudential_safeguards", "client_funds_safeguarding"),
    "hk.sfc_vatp": ("compensation_cover", "paid_up_capital", "liquid_capital", "liquid_assets_opex",
                    "client_fiat_segregation", "cold_storage_shortfall"),
}
ABSORBS: tuple[str, ...] = ("", "hot", "any")
STORAGE_KINDS: tuple[str, ...] = ("hot", "cold")
KEY: list[str] = ["profile", "regime", "obligation", "scenario"]


# --- profiles ---------------------------------------------------------------------------------------------

def synthetic_profiles(currency: str) -> pd.DataFrame:
    """A validated batch of awkward profiles in ``currency``: all zeros, each service alone, every service at
    once with extreme values (all assets hot, negative own funds, recent losses), all cold, tiny amounts."""
    from .profile import SERVICES

    def p(name: str, services: str, **kw: Any) -> dict:
        base = dict(name=name, currency=currency, services=services, client_crypto_assets=0.0,
                    hot_wallet_share=0.0, client_fiat=0.0, annual_trading_volume=0.0, fixed_overheads=0.0,
                    annual_operating_expenses=0.0, own_funds=0.0, adjusted_liabilities=0.0, active_users=0,
                    recent_incident_losses=0.0)
        base.update(kw)
        return base

    mid = dict(client_crypto_assets=5e8, hot_wallet_share=0.07, client_fiat=1e8, annual_trading_volume=2e10,
               fixed_overheads=4e6, annual_operating_expenses=6e6, own_funds=2e7, adjusted_liabilities=3e6,
               active_users=40_000, recent_incident_losses=0.0)
    rows = [p("synthetic: all zero", "custody")]
    rows += [p(f"synthetic: {s} only", s, **mid) for s in SERVICES]
    rows.append(p("synthetic: everything, extreme", ";".join(SERVICES), client_crypto_assets=2e13,
                  hot_wallet_share=1.0, client_fiat=5e12, annual_trading_volume=1e15, fixed_overheads=3e10,
                  annual_operating_expenses=5e10, own_funds=-1e9, adjusted_liabilities=4e10,
                  active_users=60_000_000, recent_incident_losses=7e9))
    rows.append(p("synthetic: all cold", "custody;exchange_crypto;trading_platform", **{**mid, "hot_wallet_share": 0.0}))
    rows.append(p("synthetic: tiny", "custody;exchange_fiat", client_crypto_assets=1.0, hot_wallet_share=0.5,
                  client_fiat=1.0, annual_trading_volume=1.0, fixed_overheads=1.0, annual_operating_expenses=1.0,
                  own_funds=1.0, active_users=1, recent_incident_losses=1.0))
    return validate_frame(pd.DataFrame(rows), source="<synthetic profiles>")


# --- the checks -------------------------------------------------------------------------------------------

def check_declaration(j: Any) -> list[str]:
    """What the plug-in declares: Contract 3 attributes, regimes, obligation specs, fields read, seed ids."""
    problems: list[str] = []
    try:
        check_plugin(j, getattr(j, "code", repr(j)))
    except XjurError as e:
        return [str(e)]
    unknown = [f for f in j.reads if f not in FIELDS]
    if unknown:
        problems.append(f"reads {unknown}, which are not Contract 1 fields")
    regime_ids = [r.id for r in j.regimes]
    if not regime_ids:
        problems.append("declares no regime")
    if len(set(regime_ids)) != len(regime_ids):
        problems.append(f"declares a regime twice: {regime_ids}")
    if not j.obligations:
        problems.append("declares no obligation")
    seen: set[tuple[str, str]] = set()
    for s in j.obligations:
        where = f"obligation {s.regime}/{s.id}"
        if (s.regime, s.id) in seen:
            problems.append(f"{where} is declared twice")
        seen.add((s.regime, s.id))
        bad_inputs = [f for f in s.inputs if f not in FIELDS]
        if bad_inputs:
            problems.append(f"{where}: inputs {bad_inputs} are not Contract 1 fields")
        not_read = [f for f in s.inputs if f in FIELDS and f not in j.reads]
        if not_read:
            problems.append(f"{where}: inputs {not_read} are missing from the plug-in's `reads`")
        if not str(s.citation).strip():
            problems.append(f"{where}: empty citation")
        if not str(s.formula).strip():
            problems.append(f"{where}: empty formula")
        if s.insurance_kind not in INSURANCE_KINDS:
            problems.append(f"{where}: insurance_kind {s.insurance_kind!r} is not one of {INSURANCE_KINDS}")
        if s.absorbs not in ABSORBS:
            problems.append(f"{where}: absorbs {s.absorbs!r} is not one of {ABSORBS}")
        for form, _pid in s.form_caps:
            if form not in s.funding_forms:
                problems.append(f"{where}: form_caps names {form!r}, which is not among its funding forms")
        for storage, _pid in s.cover_parts:
            if storage not in STORAGE_KINDS:
                problems.append(f"{where}: cover_parts names storage {storage!r} (use hot or cold)")
        if s.insurance_kind == "split" and not s.cover_parts:
            problems.append(f"{where}: insurance_kind 'split' needs cover_parts")
        if not (isinstance(s.scenarios, bool) or (isinstance(s.scenarios, tuple)
                                                  and set(s.scenarios) <= set(SCENARIOS))):
            problems.append(f"{where}: scenarios must be True, False or a tuple of {SCENARIOS}")
    for regime, ids in SEED_OBLIGATIONS.items():
        if regime in regime_ids:
            have = {s.id for s in j.obligations if s.regime == regime}
            missing = [i for i in ids if i not in have]
            if missing:
                problems.append(f"regime {regime} lacks the obligation ids fixed by DESIGN.md: {missing}")
    return problems


def check_parameters(j: Any) -> list[str]:
    """The parameter file: every spec's parameters present; every value dated, with status and citation;
    reading before the first date raises :class:`ParameterError`."""
    problems: list[str] = []
    try:
        params = j.parameters()
    except XjurError as e:
        return [f"parameters() fails: {e}"]
    needed: dict[str, str] = {}
    for s in j.obligations:
        for pid in (*s.parameters, *(p for _, p in s.form_caps), *(p for _, p in s.cover_parts)):
            needed.setdefault(pid, f"{s.regime}/{s.id}")
    for pid, where in needed.items():
        if pid not in params:
            problems.append(f"obligation {where} names parameter {pid!r}, which its parameter file lacks")
    for pid in params.ids():
        hist = params.history(pid)
        dates = [v.effective_from for v in hist.values]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            problems.append(f"parameter {pid!r}: effective dates are not strictly increasing: {dates}")
        for v in hist.values:
            if v.status not in PARAMETER_STATUSES:
                problems.append(f"parameter {pid!r} from {v.effective_from}: status {v.status!r}")
            if not str(v.citation).strip():
                problems.append(f"parameter {pid!r} from {v.effective_from}: no citation")
            if v.scenarios is not None and not set(v.scenarios) <= set(SCENARIOS):
                problems.append(f"parameter {pid!r} from {v.effective_from}: scenarios {sorted(v.scenarios)} "
                                f"are not among {SCENARIOS}")
        before = hist.first_date() - dt.timedelta(days=1)
        try:
            params.at(pid, before)
        except ParameterError:
            pass
        except Exception as e:  # noqa: BLE001 - any other failure is a breach too
            problems.append(f"parameter {pid!r} read on {before}: {type(e).__name__} instead of ParameterError")
        else:
            problems.append(f"parameter {pid!r} read on {before}, before its first value, did not raise "
                            "ParameterError")
    return problems


def check_rows(j: Any, profiles: pd.DataFrame, rows: Any, scenarios: Sequence[str], label: str = "") -> list[str]:
    """One ``assess`` result against Contract 2 and the plug-in's own declarations."""
    at = f" ({label})" if label else ""
    if not isinstance(rows, pd.DataFrame):
        return [f"assess{at} returned {type(rows).__name__}, not a DataFrame"]
    if list(rows.columns) != list(COLUMNS):
        return [f"assess{at} returned columns {list(rows.columns)}, not exactly the Contract 2 columns {list(COLUMNS)}"]
    problems: list[str] = []

    def bad(mask: Any, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            first = rows.loc[mask, KEY].iloc[0].to_dict()
            problems.append(f"{int(mask.sum())} row(s){at} {message}; first: {first}")

    specs = {(s.regime, s.id): s for s in j.obligations}
    bad(rows["jurisdiction"] != j.code, f"have jurisdiction other than {j.code!r}")
    bad(rows["currency"] != j.currency, f"have currency other than {j.currency!r}")
    bad(~rows["profile"].isin(list(profiles["name"])), "name a profile that was not passed in")
    bad(~rows["category"].isin(list(CATEGORIES)), f"have a category outside {CATEGORIES}")
    bad(~rows["status"].isin(list(OUTPUT_STATUSES)), f"have a status outside {OUTPUT_STATUSES}")
    bad(~rows["scenario"].isin(["", *SCENARIOS]), f"have a scenario other than '', {', '.join(SCENARIOS)}")
    forms = rows["funding_forms"].astype(str).str.split(";")
    bad(forms.map(lambda fs: any(f and f not in FUNDING_FORMS for f in fs)), f"have funding forms outside {FUNDING_FORMS}")
    for col in ("citation", "basis"):
        text = rows[col]
        bad(~text.map(lambda v: isinstance(v, str) and v.strip() != ""), f"have an empty {col}")
    for col in ("regime", "obligation", "overlap_group", "reason", "profile"):
        bad(~rows[col].map(lambda v: isinstance(v, str)), f"have a non-string {col}")
    amount = pd.to_numeric(rows["amount"], errors="coerce").to_numpy(dtype="float64")
    bad(pd.isna(rows["amount"]).to_numpy() != np.isnan(amount), "have a non-numeric amount")
    reason = rows["reason"].map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy()
    bad(np.isnan(amount) & ~reason, "have a NaN amount without a reason")
    bad(amount < 0, "have a negative amount")
    bad(np.isinf(amount), "have an infinite amount")
    bad(rows.duplicated(KEY).to_numpy(), "are duplicates of the same (profile, regime, obligation, scenario)")

    known = pd.MultiIndex.from_frame(rows[["regime", "obligation"]]).isin(list(specs))
    bad(~known, "have a (regime, obligation) that no ObligationSpec declares")
    proposed = {r.id for r in j.regimes if r.status == "proposed"}
    bad(rows["regime"].isin(list(proposed)) & rows["status"].isin(["in_force", "guidance"]),
        "of a proposed regime claim status in_force or guidance")

    # each declared obligation, for each profile: one row (one per scenario asked for, for scenario obligations)
    names = list(profiles["name"])
    for (regime, oid), s in specs.items():
        sub = rows[(rows["regime"] == regime) & (rows["obligation"] == oid)]
        where = f"obligation {regime}/{oid}{at}"
        if len(sub) == 0:
            problems.append(f"{where}: no rows at all (emit NaN rows with a reason where it does not apply)")
            continue
        bad_cat = sub["category"] != s.category
        if bad_cat.any():
            problems.append(f"{where}: category {sub.loc[bad_cat, 'category'].iloc[0]!r} differs from its spec "
                            f"({s.category!r})")
        extra = sub["funding_forms"].astype(str).str.split(";").map(
            lambda fs: [f for f in fs if f and f not in s.funding_forms])
        if extra.map(len).any():
            problems.append(f"{where}: funding forms {extra[extra.map(len) > 0].iloc[0]} are not in its spec")
        if (sub["overlap_group"] != s.overlap_group).any():
            problems.append(f"{where}: overlap_group differs from its spec ({s.overlap_group!r})")
        expected = [sc for sc in scenarios if sc in scenarios_of(s)] if s.scenarios else [""]
        got = sub.groupby("profile")["scenario"].apply(sorted)
        want = sorted(expected)
        missing = [n for n in names if n not in got.index]
        wrong = [n for n in got.index if got[n] != want]
        if missing:
            problems.append(f"{where}: no row for {len(missing)} profile(s), e.g. {missing[0]!r}")
        if wrong:
            problems.append(f"{where}: scenarios {got[wrong[0]]} for {wrong[0]!r}, expected {want}")
    return problems


def _assess(j: Any, profiles: pd.DataFrame, as_of: dt.date, scenarios: Sequence[str], params: Any = None) -> Any:
    """``j.assess``, passing the parameter set read once when the plug-in accepts ``parameters=``."""
    if params is not None and "parameters" in inspect.signature(j.assess).parameters:
        return j.assess(profiles, as_of, list(scenarios), parameters=params)
    return j.assess(profiles, as_of, list(scenarios))


def _safe_assess(j: Any, profiles: pd.DataFrame, as_of: dt.date, scenarios: Sequence[str],
                 params: Any = None) -> tuple[Any, str]:
    try:
        return _assess(j, profiles.copy(), as_of, scenarios, params), ""
    except Exception as e:  # noqa: BLE001 - reported as a contract breach, with the exception
        return None, f"{type(e).__name__}: {e}"


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(KEY, kind="stable").reset_index(drop=True)


def check_assess(j: Any, profiles: pd.DataFrame, as_of: dt.date,
                 scenarios: Sequence[str] = SCENARIOS, label: str = "") -> list[str]:
    """``assess`` over a batch: Contract 2 rows; the input frame left unchanged; and the batch result equal
    to the concatenation of the results for each profile alone (vectorised and consistent)."""
    at = f" ({label})" if label else ""
    before = profiles.copy(deep=True)
    try:
        params = j.parameters() if callable(getattr(j, "parameters", None)) else None
        rows = _assess(j, profiles, as_of, scenarios, params)
    except Exception as e:  # noqa: BLE001
        return [f"assess{at} on {as_of} raised {type(e).__name__}: {e}"]
    problems = check_rows(j, profiles, rows, scenarios, label)
    try:
        pd.testing.assert_frame_equal(profiles, before)
    except AssertionError:
        problems.append(f"assess{at} modified the profiles frame it was given")
    if problems:
        return problems
    singles = []
    for i in range(len(profiles)):
        one, err = _safe_assess(j, profiles.iloc[[i]].reset_index(drop=True), as_of, scenarios, params)
        if err:
            return [f"assess{at} of profile {profiles['name'].iloc[i]!r} alone raised {err}"]
        singles.append(one)
    joined = pd.concat(singles, ignore_index=True) if singles else rows.iloc[0:0]
    try:
        pd.testing.assert_frame_equal(_sorted(rows), _sorted(joined[list(COLUMNS)]), check_dtype=False,
                                      rtol=1e-12, atol=0)
    except AssertionError as e:
        msg = " ".join(str(e).split())[:400]
        problems.append(f"assess{at}: the batch result differs from the profiles assessed one by one: {msg}")
    return problems


def check_before_start(j: Any, profiles: pd.DataFrame) -> list[str]:
    """The day before an in-force regime starts, its rows are blank with a reason (or the read of a parameter
    raises ParameterError): never a silent number. An enacted regime is evaluated before its start instead, and
    its rows are labelled ``enacted`` (upcoming)."""
    problems: list[str] = []
    for r in j.regimes:
        if r.status == "proposed" or r.in_force_from is None:
            continue
        day = r.in_force_from - dt.timedelta(days=1)
        try:
            rows = j.assess(profiles.copy(), day, ["central"])
        except ParameterError:
            continue
        except Exception as e:  # noqa: BLE001
            problems.append(f"assess on {day} (before {r.id} starts) raised {type(e).__name__}: {e}")
            continue
        if not isinstance(rows, pd.DataFrame) or "regime" not in rows.columns:
            problems.append(f"assess on {day} returned no Contract 2 table")
            continue
        sub = rows[rows["regime"] == r.id]
        if len(sub) == 0:
            problems.append(f"assess on {day}, before {r.id} applies, gave no rows for it "
                            "(expected NaN rows with a reason, as `not_applicable` gives)")
            continue
        if r.status == "enacted":
            if sub["status"].isin(["in_force", "guidance"]).any():
                problems.append(f"assess on {day}, before the enacted {r.id} applies ({r.in_force_from}), gave "
                                f"rows labelled as applying (expected enacted, upcoming, or worse)")
            continue
        amounts = pd.to_numeric(sub["amount"], errors="coerce")
        if amounts.notna().any():
            problems.append(f"assess on {day}, before {r.id} applies ({r.in_force_from}), gave amounts for it "
                            f"(expected NaN with a reason, as `not_applicable` gives)")
        if (sub["reason"].astype(str).str.strip() == "").any():
            problems.append(f"assess on {day}: rows of {r.id} lack the reason why it does not apply")
    return problems


def _package_of(j: Any) -> tuple[str, Path] | None:
    """The plug-in's package name and directory (None for an object defined in a notebook or script)."""
    modname = type(j).__module__
    if modname in ("__main__", "builtins") or modname not in sys.modules:
        return None
    parts = modname.split(".")
    pkg = ".".join(parts[:2]) if parts[0] == "jurisdictions" and len(parts) > 1 else parts[0]
    mod = sys.modules.get(pkg)
    file = getattr(mod, "__file__", None)
    if not file:
        return None
    path = Path(file)
    return pkg, (path.parent if path.name == "__init__.py" else path)


def _imports(path: Path, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Absolute names of the modules a source file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module.split(".") if is_package else module.split(".")[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                prefix = ".".join(base)
            else:
                prefix = ""
            mod = ".".join(x for x in (prefix, node.module or "") if x)
            out.append((node.lineno, mod))
            out += [(node.lineno, f"{mod}.{a.name}") for a in node.names if a.name != "*"]
    return out


def check_sources(j: Any) -> list[str]:
    """Static check of the plug-in's source: it imports neither ``comparisons`` nor another jurisdiction
    (of xjur only ``jurisdictions.framework``, plus its own package). Skipped for an object defined in a
    notebook or script."""
    found = _package_of(j)
    return [] if found is None else check_source_tree(found[1], found[0])


def check_source_tree(root: Path, package: str) -> list[str]:
    """The static import check over every ``.py`` file of a package directory ``root`` named ``package``
    (e.g. ``jurisdictions/japan`` and ``"jurisdictions.japan"``, or a third party's ``xjur_atlantis``)."""
    root = Path(root)
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    own = package.split(".")
    problems: list[str] = []
    for f in files:
        if root.is_dir():
            parts = list(f.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            module = ".".join([*own, *(parts[:-1] if is_package else parts)])
        else:
            is_package, module = False, package
        try:
            imported = _imports(f, module, is_package)
        except SyntaxError as e:
            problems.append(f"{f}: cannot parse ({e.msg})")
            continue
        for line, name in imported:
            top = name.split(".")
            if top[0] == "comparisons":
                problems.append(f"{f}:{line} imports {name!r}: a jurisdiction must not import comparisons")
            elif (top[0] == "jurisdictions" and len(top) > 1 and top[1] != "framework"
                  and top[: len(own)] != own):
                problems.append(f"{f}:{line} imports {name!r}: a jurisdiction must not import another")
    return sorted(set(problems))


def check_jurisdiction(
    j: Any,
    profiles: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
    scenarios: Sequence[str] = SCENARIOS,
) -> list[str]:
    """Every contract check on one plug-in; an empty list means it conforms.

    ``profiles``: a validated frame in the plug-in's currency (default: :func:`synthetic_profiles`);
    ``as_of``: the date to assess on (default: today); ``scenarios``: the scenarios asked for.
    Each problem starts with the plug-in's code.
    """
    code = getattr(j, "code", repr(j))
    try:
        j = check_plugin(j, code)
    except XjurError as e:
        return [f"{code}: {e}"]
    problems = check_declaration(j)
    problems += check_parameters(j)
    problems += check_sources(j)
    day = as_of or dt.date.today()
    batch = profiles if profiles is not None else synthetic_profiles(j.currency)
    if profiles is not None and not (batch["currency"] == j.currency).all():
        problems.append(f"profiles passed in are not all in {j.currency} (convert them first)")
    else:
        problems += check_assess(j, batch, day, scenarios)
        if list(scenarios) != ["central"]:
            problems += check_assess(j, batch, day, ["central"], label="scenario central only")
        problems += check_before_start(j, batch)
        try:
            notes = j.notes(batch.copy(), day)
            if not isinstance(notes, list) or not all(isinstance(getattr(n, "message", None), str) for n in notes):
                problems.append("notes() must return a list of Note objects")
        except Exception as e:  # noqa: BLE001
            problems.append(f"notes() raised {type(e).__name__}: {e}")
    return [f"{code}: {p}" for p in problems]


__all__ = [
    "SEED_OBLIGATIONS", "check_assess", "check_before_start", "check_declaration", "check_jurisdiction",
    "check_parameters", "check_rows", "check_source_tree", "check_sources", "synthetic_profiles",
]

