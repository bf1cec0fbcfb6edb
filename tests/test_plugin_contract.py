"""Contract 3: every registered jurisdiction — and the example third-party plug-in — passes the contract tests.

The checks live in :mod:`jurisdictions.framework.contract_tests` so that a third party can run the same ones
on their own plug-in. Here they run over ``discover().jurisdictions`` (every built-in that loads, whatever
lands next) plus ``xjur-atlantis`` imported from its source directory. The second half shows that the checks
can fail: each deliberately broken variant is caught with a specific message.
"""
from __future__ import annotations

import datetime as dt
from importlib.metadata import entry_points
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons import load_profiles
from comparisons.compare import convert_profiles, fx_snapshot
from jurisdictions.framework import (
    FIELDS, SERVICES, ObligationSpec, ParameterSet, Regime, discover, validate_frame,
)
from jurisdictions.framework.contract_tests import (
    SEED_OBLIGATIONS, check_assess, check_before_start, check_declaration, check_jurisdiction,
    check_parameters, check_rows, check_source_tree, synthetic_profiles,
)
from jurisdictions.framework.registry import GROUP
from tests.conftest import AS_OF, EXAMPLES, ROOT
from tests.test_third_party_plugin import ATLANTIS_DIR, load_atlantis

REGISTRY = discover()
PLUGINS = {**REGISTRY.jurisdictions, "ATL": load_atlantis()}
CODES = list(PLUGINS)


@pytest.fixture(scope="module")
def example_profiles() -> pd.DataFrame:
    return load_profiles(EXAMPLES / "profiles.yaml")


@pytest.fixture(scope="module")
def fx():
    return fx_snapshot(AS_OF)


# --- every jurisdiction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_contract_on_synthetic_profiles(code):
    """Declaration, parameter file, sources, assess (all scenarios and central only), before-start rows."""
    problems = check_jurisdiction(PLUGINS[code], as_of=AS_OF)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("code", CODES)
def test_contract_on_example_profiles(code, example_profiles, fx):
    j = PLUGINS[code]
    local = convert_profiles(example_profiles, fx, j.currency)  # as compare() hands them over
    problems = check_assess(j, local, AS_OF, ["low", "central", "high"], label="example profiles")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("code", CODES)
def test_reads_and_inputs_are_contract_1_fields(code):
    j = PLUGINS[code]
    assert set(j.reads) <= set(FIELDS)
    for spec in j.obligations:
        assert set(spec.inputs) <= set(j.reads), spec.id


@pytest.mark.parametrize("code", CODES)
def test_every_spec_parameter_is_in_the_parameter_file_with_status_and_citation(code):
    j = PLUGINS[code]
    params = j.parameters()
    for spec in j.obligations:
        for pid in (*spec.parameters, *(p for _, p in spec.form_caps), *(p for _, p in spec.cover_parts)):
            assert pid in params, f"{spec.id}: {pid}"
    for pid in params.ids():
        for v in params.history(pid).values:
            assert v.status in ("in_force", "guidance", "enacted", "proposed", "reported", "assumed")
            assert v.citation.strip(), pid


def test_seed_obligation_ids_of_design_md():
    """jp.psa, jp.liability_reserve, eu.mica and hk.sfc_vatp carry the ids DESIGN.md fixes (when loaded)."""
    by_regime = {s.regime: set() for j in PLUGINS.values() for s in j.obligations}
    for j in PLUGINS.values():
        for s in j.obligations:
            by_regime[s.regime].add(s.id)
    assert "eu.mica" in by_regime  # the EU seed is always there
    for regime, ids in SEED_OBLIGATIONS.items():
        if regime in by_regime:
            assert set(ids) <= by_regime[regime], regime


DECLARED = sorted(ep.name for ep in entry_points(group=GROUP) if ep.value.startswith("jurisdictions."))


@pytest.mark.parametrize("name", DECLARED)
def test_every_built_in_entry_point_loads(name):
    """Each entry point xjur's pyproject.toml declares loads and passes check_plugin."""
    assert name not in REGISTRY.errors, REGISTRY.errors.get(name)
    assert name in REGISTRY.jurisdictions


SOURCE_TREES = sorted(
    [(f"jurisdictions.{d.name}", d) for d in (ROOT / "jurisdictions").iterdir()
     if d.is_dir() and (d / "__init__.py").is_file()]
    + [("xjur_atlantis", ATLANTIS_DIR / "xjur_atlantis")]
)


@pytest.mark.parametrize("package, root", SOURCE_TREES, ids=[p for p, _ in SOURCE_TREES])
def test_no_jurisdiction_imports_comparisons_or_another_jurisdiction(package, root):
    """Static check of the source on disk (also for a package that fails to load)."""
    assert check_source_tree(root, package) == []


# --- vectorised and consistent on random batches (hypothesis) ---------------------------------------------

def _profile_strategy(currency: str):
    money = st.floats(min_value=0, max_value=1e13, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries({
        "currency": st.just(currency),
        "services": st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4, unique=True).map(";".join),
        "client_crypto_assets": money, "hot_wallet_share": st.floats(0, 1), "client_fiat": money,
        "annual_trading_volume": money, "fixed_overheads": money, "annual_operating_expenses": money,
        "own_funds": st.floats(min_value=-1e10, max_value=1e12), "adjusted_liabilities": money,
        "active_users": st.integers(0, 100_000_000), "recent_incident_losses": money,
    })


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batch_equals_profiles_one_by_one_on_random_batches(code, data):
    j = PLUGINS[code]
    rows = data.draw(st.lists(_profile_strategy(j.currency), min_size=1, max_size=3))
    frame = validate_frame(pd.DataFrame([{**r, "name": f"p{i}"} for i, r in enumerate(rows)]))
    problems = check_assess(j, frame, AS_OF, ["low", "central", "high"], label="random batch")
    assert problems == [], "\n".join(problems)


# --- the checks can fail: deliberately broken variants of the example plug-in ---------------------------

ATL = load_atlantis()
Atlantis = type(ATL)


def _variant(assess_post=None, **attrs):
    """A subclass of the example plug-in with some attributes replaced and ``assess`` output post-processed."""
    ns = dict(attrs)
    if assess_post is not None:
        def assess(self, profiles, as_of, scenarios=("central",), parameters=None):
            return assess_post(Atlantis.assess(self, profiles, as_of, scenarios, parameters), profiles)
        ns["assess"] = assess
    return type("BrokenAtlantis", (Atlantis,), ns)()


@pytest.fixture(scope="module")
def batch():
    return synthetic_profiles("EUR")


def test_the_example_plugin_itself_passes(batch):
    assert check_assess(ATL, batch, AS_OF) == []
    assert check_declaration(ATL) == [] and check_parameters(ATL) == [] and check_before_start(ATL, batch) == []


def test_extra_column_is_caught(batch):
    j = _variant(lambda rows, p: rows.assign(extra=1))
    (problem,) = check_assess(j, batch, AS_OF)
    assert "not exactly the Contract 2 columns" in problem


def test_nan_without_reason_and_negative_amounts_are_caught(batch):
    def post(rows, p):
        rows = rows.copy()
        rows.loc[rows["obligation"] == "hot_wallet_cover", "reason"] = ""
        rows.loc[rows["obligation"] == "minimum_capital", "amount"] *= -1
        return rows
    problems = check_assess(_variant(post), batch, AS_OF)
    assert any("NaN amount without a reason" in p for p in problems)
    assert any("negative amount" in p for p in problems)


def test_bad_vocabulary_is_caught(batch):
    def post(rows, p):
        return rows.assign(category="capitl", status="reported", funding_forms="cash", citation=" ")
    problems = "\n".join(check_assess(_variant(post), batch, AS_OF))
    for text in ("category outside", "status outside", "funding forms outside", "empty citation"):
        assert text in problems


def test_undeclared_obligation_id_is_caught(batch):
    def post(rows, p):
        return rows.assign(obligation=rows["obligation"].replace("minimum_capital", "min_capital"))
    problems = "\n".join(check_assess(_variant(post), batch, AS_OF))
    assert "no ObligationSpec declares" in problems
    assert "obligation atl.vaa/minimum_capital: no rows at all" in problems


def test_per_batch_dependence_is_caught(batch):
    """A rule that leaks one profile into another (here: the batch mean) differs from one-by-one."""
    def post(rows, p):
        rows = rows.copy()
        cap = rows["obligation"] == "minimum_capital"
        rows.loc[cap, "amount"] = p["client_fiat"].mean()
        return rows
    problems = check_assess(_variant(post), batch, AS_OF)
    assert len(problems) == 1 and "differs from the profiles assessed one by one" in problems[0]


def test_missing_scenario_rows_are_caught(batch):
    def post(rows, p):
        return rows[~((rows["obligation"] == "incident_reserve") & (rows["scenario"] == "high"))]
    problems = "\n".join(check_assess(_variant(post), batch, AS_OF, ["low", "central", "high"]))
    assert "scenarios ['central', 'low'] for" in problems and "expected ['central', 'high', 'low']" in problems


def test_proposed_regime_claiming_in_force_is_caught(batch):
    def post(rows, p):
        return rows.assign(status="in_force")
    problems = "\n".join(check_assess(_variant(post), batch, AS_OF))
    assert "of a proposed regime claim status in_force or guidance" in problems


def test_amounts_before_the_regime_starts_are_caught(batch):
    class IgnoresTheDate(Atlantis):
        def assess(self, profiles, as_of, scenarios=("central",), parameters=None):
            return Atlantis.assess(self, profiles, AS_OF, scenarios, parameters)  # always today's rules

    problems = check_before_start(IgnoresTheDate(), batch)
    assert problems == ["assess on 2025-06-30, before atl.vaa applies (2025-07-01), gave amounts for it "
                        "(expected NaN with a reason, as `not_applicable` gives)",
                        "assess on 2025-06-30: rows of atl.vaa lack the reason why it does not apply"]


def test_bad_declarations_are_caught():
    spec = ATL.obligations[0]
    j = _variant(
        reads=(*ATL.reads, "hot_share"),
        obligations=(*ATL.obligations,
                     ObligationSpec(id="x", regime="atl.vaa", category="capital", funding_forms=("own_funds",),
                                    formula="", citation="s. 1", inputs=("fixed_overheads",),
                                    form_caps=(("insurance", "p"),), insurance_kind="hotwallet", absorbs="all"),
                     spec),
    )
    problems = "\n".join(check_declaration(j))
    for text in ("reads ['hot_share'], which are not Contract 1 fields",
                 "inputs ['fixed_overheads'] are missing from the plug-in's `reads`",
                 "empty formula", "insurance_kind 'hotwallet'", "absorbs 'all'",
                 "form_caps names 'insurance'", "obligation atl.vaa/minimum_capital is declared twice"):
        assert text in problems


def test_seed_ids_are_enforced():
    j = _variant(regimes=(Regime("eu.mica", "MiCA", "in_force", dt.date(2024, 12, 30), "MiCA"),),
                 obligations=(ObligationSpec(id="prudential_safeguards", regime="eu.mica", category="capital",
                                             funding_forms=("own_funds",), formula="f", citation="c"),))
    assert check_declaration(j) == [
        "regime eu.mica lacks the obligation ids fixed by DESIGN.md: ['client_funds_safeguarding']"
    ]


def test_missing_parameter_and_silent_early_read_are_caught():
    class Lenient(ParameterSet):
        def at(self, pid, as_of):  # returns the first value instead of raising before it
            h = self.history(pid)
            return h.values[0] if as_of < h.first_date() else h.at(as_of)

    def parameters(self, overrides=None):
        base = Atlantis.parameters(self)
        return Lenient({k: v for k, v in base.histories.items() if k != "atl_hot_wallet_cap"}, base.origin)

    problems = check_parameters(_variant(parameters=parameters))
    assert problems[0] == ("obligation atl.vaa/cold_storage_shortfall names parameter 'atl_hot_wallet_cap', "
                           "which its parameter file lacks")
    assert "parameter 'atl_capital_floor' read on 2025-06-30, before its first value, did not raise " \
           "ParameterError" in problems


def test_forbidden_imports_are_caught(tmp_path):
    pkg = tmp_path / "mymarket"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from jurisdictions.framework import Jurisdiction\nfrom . import rules\n")
    (pkg / "rules.py").write_text("import numpy\nfrom comparisons.compare import compare\n")
    (pkg / "sub").mkdir()
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "x.py").write_text("from jurisdictions import japan\nfrom ...eu_mica import rules\n")
    problems = check_source_tree(pkg, "jurisdictions.mymarket")
    found = sorted((Path(p.split(":")[0]).name, int(p.split(":")[1].split()[0]), p.split("'")[1]) for p in problems)
    assert found == [
        ("rules.py", 2, "comparisons.compare"),
        ("rules.py", 2, "comparisons.compare.compare"),
        ("x.py", 1, "jurisdictions.japan"),
        ("x.py", 2, "jurisdictions.eu_mica"),        # ...eu_mica from jurisdictions/mymarket/sub/x.py
        ("x.py", 2, "jurisdictions.eu_mica.rules"),
    ]
    assert all("must not import" in p for p in problems)


def test_check_rows_rejects_a_non_frame():
    assert check_rows(ATL, synthetic_profiles("EUR"), [1, 2], ["central"]) == [
        "assess returned list, not a DataFrame"
    ]


def test_check_jurisdiction_reports_a_plugin_that_is_not_one():
    class NotAPlugin:
        code = "NOPE"
    assert check_jurisdiction(NotAPlugin()) == [
        "NOPE: plug-in 'NOPE': missing name, currency, regimes, obligations, reads, assess (Contract 3)"
    ]


def test_profiles_in_another_currency_are_refused(example_profiles):
    problems = check_jurisdiction(ATL, profiles=example_profiles, as_of=AS_OF)
    assert problems == ["ATL: profiles passed in are not all in EUR (convert them first)"]


def test_synthetic_profiles_cover_every_service_and_edge():
    frame = synthetic_profiles("JPY")
    assert (frame["currency"] == "JPY").all()
    assert all(frame[f"svc_{s}"].any() for s in SERVICES)
    assert frame["hot_wallet_share"].max() == 1.0 and frame["own_funds"].min() < 0
    assert (frame.drop(columns=["name", "currency", "services"]).select_dtypes("number") == 0).all(axis=1).any()
    assert np.isclose(frame["hot_wallet_share"], 0.5).any()
