"""The benchmark harness: ``python -m benchmarks`` (or ``make bench``).

For each batch size N (default 1,000 / 10,000 / 100,000 / 1,000,000) a fresh child process generates N
profiles (``benchmarks.generate``, not timed) and times, one after the other:

* validation: ``load_profiles(frame)`` on the Contract 1 CSV-layout frame (services as ``;`` strings);
* compare: ``compare(...)`` over JP, EU and HK (whichever are installed) with all reserve scenarios;
* costs: ``result.costs`` (when ``comparisons.costs`` is installed);
* the floor: ``benchmarks.numpy_floor``, the same formulas in plain numpy over float arrays (best of 3),
  checked to give the same amounts as ``compare`` before it is timed.

A separate child times the naive ceiling (each profile through the pydantic ``Profile`` model, then
``compare`` on that one profile) on a sample and extrapolates it to every N (marked as such), and the
latency of one profile through ``compare`` in a warm process. The parent times ``xjur compare one.yaml``
from a cold start in a subprocess.

Memory is each child's peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole
process — interpreter, libraries, the generated input and the pipeline). Times are wall-clock
(``time.perf_counter``); CPU time is reported beside the total because the machine may be shared.

Results go to ``benchmarks/RESULTS.md`` and to the README between ``<!-- bench:start -->`` and
``<!-- bench:end -->``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
AS_OF = dt.date(2026, 11, 25)
REFERENCE = "USD"
SIZES = (1_000, 10_000, 100_000, 1_000_000)
SEED = 20261125

# Targets of issue 8 (reported, never asserted in tests)
TARGET_SECONDS_1M = 10.0
TARGET_GB_1M = 4.0
TARGET_FLOOR_RATIO = 5.0
TARGET_LINEARITY = 12.0
TARGET_WARM_MS = 50.0
TARGET_COLD_S = 1.5
#: the largest batch whose deferred text (basis lines, notes) is also rendered and timed
TEXT_MAX_PROFILES = 100_000


# --- the child processes ----------------------------------------------------------------------------------

def _emit(**record: Any) -> None:
    print(json.dumps(record), flush=True)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes


def _codes() -> list[str]:
    from jurisdictions.framework import discover

    reg = discover()
    return [c for c in ("JP", "EU", "HK") if c in reg.jurisdictions]


def _mem_available_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def child_batch(n: int, costs: bool = True, limit_mb: float | None = None) -> None:
    """Time the batch path for ``n`` profiles (one JSON line per stage on stdout).

    ``limit_mb`` caps the child's address space, so that a batch too large for the machine fails here
    with a MemoryError instead of pushing other processes out of memory.
    """
    if limit_mb:
        limit = int(limit_mb * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    import numpy as np

    from benchmarks.generate import generate_profiles
    from benchmarks.numpy_floor import floor_inputs, floor_parameters, numpy_floor
    from comparisons import compare, load_profiles
    from comparisons.compare import fx_snapshot

    codes = _codes()
    t0 = time.perf_counter()
    frame = generate_profiles(n, seed=SEED)
    _emit(stage="generate", seconds=time.perf_counter() - t0, codes=codes)

    # the floor first, on a quiet heap: inputs as arrays (not timed), then best of three
    rates = dict(fx_snapshot(AS_OF).per_eur)
    params = {k: v for k, v in floor_parameters(AS_OF).items() if k in codes}
    inputs = floor_inputs(frame)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        floor = numpy_floor(inputs, rates, params, REFERENCE)
        best = min(best, time.perf_counter() - t)
    _emit(stage="floor", seconds=best)
    rss_before = _max_rss_mb()

    c0 = time.process_time()
    t = time.perf_counter()
    validated = load_profiles(frame)
    _emit(stage="validate", seconds=time.perf_counter() - t, max_rss_mb=_max_rss_mb())

    t = time.perf_counter()
    result = compare(validated, codes, as_of=AS_OF, currency=REFERENCE, scenarios=["all"], progress=False)
    _emit(stage="compare", seconds=time.perf_counter() - t, rows=len(result.rows), max_rss_mb=_max_rss_mb(),
          text_deferred=bool(getattr(result, "text_deferred", False)))

    if not costs:
        _emit(stage="costs", seconds=None, error="not run: not enough memory for it on this machine")
    elif hasattr(type(result), "costs"):
        t = time.perf_counter()
        try:
            cost_rows = len(result.costs)
            _emit(stage="costs", seconds=time.perf_counter() - t, rows=cost_rows, max_rss_mb=_max_rss_mb())
        except Exception as e:  # noqa: BLE001 - a broken cost module is reported in the table, not fatal
            _emit(stage="costs", seconds=None, error=f"{type(e).__name__}: {e}"[:200])
    else:
        _emit(stage="costs", seconds=None, error="comparisons.costs not installed")
    cpu = time.process_time() - c0

    # the floor computes what compare computed (a benchmark of different work would be meaningless)
    ob = result.amounts
    mismatches = []
    for key, arr in floor.items():
        if key.endswith((".ref", ".cost")):
            continue
        code, name = key.split(".", 1)
        scenario = ""
        if name.endswith(")"):
            name, scenario = name[:-1].split(" (")
        sel = ob.loc[(ob["jurisdiction"] == code) & (ob["obligation"] == name) & (ob["scenario"] == scenario),
                     "amount"].to_numpy()
        if len(sel) != len(arr) or not np.allclose(sel, arr, rtol=1e-9, atol=0.0, equal_nan=True):
            mismatches.append(key)
    _emit(stage="done", cpu=cpu, max_rss_mb=_max_rss_mb(), rss_before_mb=rss_before, floor_mismatches=mismatches)
    del ob
    if costs and "costs" in result.__dict__:  # what merely writing the outputs costs: arrays of the tables' sizes and dtypes, fresh memory
        _emit(stage="write_floor", seconds=output_floor([result.amounts, result.costs]))
    else:
        _emit(stage="write_floor", seconds=None)
    # not part of the batch path: the prose a large batch renders only when asked (every basis line and
    # the plug-ins' per-profile notes), timed up to TEXT_MAX_PROFILES profiles
    if getattr(result, "text_deferred", False) and n <= TEXT_MAX_PROFILES:
        t = time.perf_counter()
        rendered = len(result.obligations) + len(result.warnings)
        _emit(stage="text", seconds=time.perf_counter() - t, rows=rendered, max_rss_mb=_max_rss_mb())
    else:
        _emit(stage="text", seconds=None)


def output_floor(tables: list) -> float:
    """Seconds numpy takes to allocate and fill one array per column of ``tables`` (same length, same dtype;
    a categorical column's codes), held until the end as the pipeline holds its tables: the memory traffic
    any implementation producing these tables pays, before computing anything."""
    import numpy as np
    import pandas as pd

    held = []
    t = time.perf_counter()
    for table in tables:
        for c in table.columns:
            col = table[c]
            dtype = col.cat.codes.dtype if isinstance(col.dtype, pd.CategoricalDtype) else col.dtype
            a = np.empty(len(table), dtype=dtype if dtype != object else np.int64)
            a.fill(1)
            held.append(a)
    seconds = time.perf_counter() - t
    del held
    return seconds


def child_naive(sample: int) -> None:
    """The per-profile loop (pydantic model + compare one at a time) on ``sample`` profiles, and the warm
    latency of one profile through compare."""
    from benchmarks.generate import generate_profiles
    from comparisons import compare
    from jurisdictions.framework import Profile

    codes = _codes()
    records = generate_profiles(sample, seed=SEED).to_dict("records")
    compare([records[0]], codes, as_of=AS_OF, currency=REFERENCE, scenarios=["all"])  # warm up
    t = time.perf_counter()
    for rec in records:
        profile = Profile.model_validate(rec)
        compare([profile], codes, as_of=AS_OF, currency=REFERENCE, scenarios=["all"])
    per_profile = (time.perf_counter() - t) / len(records)
    _emit(stage="naive", seconds_per_profile=per_profile, sample=len(records))

    one = [records[1 % len(records)]]
    lat, lat_costs = [], []
    for _ in range(25):
        t = time.perf_counter()
        r = compare(one, codes, as_of=AS_OF, currency=REFERENCE, scenarios=["all"])
        lat.append(time.perf_counter() - t)
        if hasattr(type(r), "costs"):
            try:
                r.costs
                lat_costs.append(time.perf_counter() - t)
            except Exception:  # noqa: BLE001
                pass
    _emit(stage="warm", median_ms=1e3 * statistics.median(lat),
          median_with_costs_ms=1e3 * statistics.median(lat_costs) if lat_costs else None)


def child_profile(n: int, top: int = 18) -> None:
    """cProfile of validation + compare + costs on ``n`` profiles: the functions where the time goes."""
    import cProfile
    import io
    import pstats

    from benchmarks.generate import generate_profiles
    from comparisons import compare, load_profiles

    codes = _codes()
    frame = generate_profiles(n, seed=SEED)
    pr = cProfile.Profile()
    pr.enable()
    result = compare(load_profiles(frame), codes, as_of=AS_OF, currency=REFERENCE, scenarios=["all"],
                     progress=False)
    try:
        result.costs
    except Exception:  # noqa: BLE001
        pass
    pr.disable()
    buf = io.StringIO()
    stats = pstats.Stats(pr, stream=buf)
    def row(file: str, line: int, func: str, nc: int, tt: float, ct: float) -> dict:
        short = file.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        return {"where": f"{short}:{line}({func})", "calls": nc, "tottime": tt, "cumtime": ct}

    items = list(stats.stats.items())
    own = [row(f, ln, fn, nc, tt, ct) for (f, ln, fn), (cc, nc, tt, ct, _) in
           sorted(items, key=lambda kv: -kv[1][2])[:top]]
    ours = [row(f, ln, fn, nc, tt, ct) for (f, ln, fn), (cc, nc, tt, ct, _) in
            sorted(items, key=lambda kv: -kv[1][3])
            if f.startswith(str(ROOT)) and "/benchmarks/" not in f and "site-packages" not in f][:top]
    _emit(stage="profile", n=n, rows=own, project=ours)


# --- the parent -------------------------------------------------------------------------------------------

def _run_child(args: list[str], on_line, env_extra: dict[str, str] | None = None) -> list[dict]:
    cmd = [sys.executable, "-m", "benchmarks.harness", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           **(env_extra or {})}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    out = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("{"):
            rec = json.loads(line)
            out.append(rec)
            on_line(rec)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0:
        out.append({"stage": "error", "error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"})
    return out


def _memory_plan(n: int, prev: tuple[int, dict] | None, avail_mb: float | None) -> dict:
    """Whether a batch of ``n`` fits in the memory available, estimated linearly from the last batch run."""
    if prev is None or avail_mb is None:
        return {"run": "all", "why": ""}
    m, b = prev
    base = b.get("validate", {}).get("max_rss_mb") or 0.0
    scale = n / m * 1.15  # memory grows linearly with N; 15 % margin
    after_compare = base + ((b.get("compare", {}).get("max_rss_mb") or base) - base) * scale
    peak = base + ((b.get("done", {}).get("max_rss_mb") or 0.0) - base) * scale
    budget = 0.6 * avail_mb  # a shared machine: leave the others room
    why = f"estimated peak {peak / 1024:.1f} GB (from N = {m:,}) vs {avail_mb / 1024:.1f} GB available"
    if peak <= budget:
        return {"run": "all", "why": why, "estimate_mb": peak}
    if after_compare <= budget:
        return {"run": "no-costs", "why": why + "; costs left out", "estimate_mb": after_compare}
    return {"run": "skip", "why": why + "; not run", "estimate_mb": peak}


def cold_start(runs: int = 5) -> dict:
    """Wall time of ``xjur compare one.yaml`` (and ``--format json``) in fresh processes."""
    import yaml

    from benchmarks.generate import generate_profiles

    rec = generate_profiles(1, seed=SEED).to_dict("records")[0]
    rec["services"] = rec["services"].split(";")
    rec = {k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()}
    exe = shutil.which("xjur", path=str(Path(sys.executable).parent)) or shutil.which("xjur")
    base = [exe] if exe else [sys.executable, "-c", "from comparisons.cli import main; main()"]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.yaml"
        one.write_text(yaml.safe_dump(rec, sort_keys=False), encoding="utf-8")
        for label, extra in (("table", []), ("json", ["--format", "json"])):
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                r = subprocess.run([*base, "compare", str(one), *extra], capture_output=True, text=True, cwd=tmp)
                times.append(time.perf_counter() - t)
                if r.returncode != 0:
                    return {"error": (r.stderr or r.stdout).strip()[-300:]}
            out[label] = {"median_s": statistics.median(times), "min_s": min(times)}
    return out


def machine() -> dict:
    import numpy
    import pandas

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "numpy": numpy.__version__, "pandas": pandas.__version__,
        "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def run(sizes: tuple[int, ...], naive_sample: int, profile_size: int, cold_runs: int) -> dict:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    started = dt.datetime.now().astimezone()
    report: dict = {"started": started.isoformat(timespec="seconds"), "machine": machine(), "batches": {},
                    "as_of": AS_OF.isoformat(), "reference": REFERENCE}
    stages = ("generate", "floor", "validate", "compare", "costs", "done", "write_floor", "text")
    steps = (len(sizes) + 1) * len(stages) + 2 + (1 if profile_size else 0)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("benchmark", total=steps)
        prev: tuple[int, dict] | None = None
        for n in sizes:
            bar.update(task, description=f"N = {n:,}: generating")
            args = ["--child", str(n)]
            avail = _mem_available_mb()
            plan = _memory_plan(n, prev, avail)
            report.setdefault("memory_plan", {})[n] = plan
            if plan["run"] == "skip":
                report["batches"][n] = {"skipped": {"stage": "skipped", "error": plan["why"]}}
                bar.update(task, advance=len(stages))
                continue
            if plan["run"] == "no-costs":
                args.append("--no-costs")
            if avail:
                args += ["--limit-mb", str(int(avail * 0.75))]

            def on_line(rec: dict, n: int = n) -> None:
                nxt = {"generate": "numpy floor", "floor": "validation", "validate": "compare",
                       "compare": "costs", "costs": "checking", "done": "output floor",
                       "write_floor": "text on demand", "text": "done"}.get(rec.get("stage"), "")
                bar.update(task, advance=1, description=f"N = {n:,}: {nxt}")

            recs = _run_child(args, on_line)
            report["batches"][n] = {r["stage"]: r for r in recs}
            if "done" in report["batches"][n]:
                prev = (n, report["batches"][n])
            if any(r["stage"] == "error" for r in recs):
                console.print(f"[red]N = {n:,} failed:[/] {recs[-1]['error']}")
        # the largest batch again with numpy's huge-page advice off: on VMs where the host backs memory
        # lazily, faulting in fresh huge pages is slower than small ones (reported beside, not judged)
        big = max((n for n in sizes if "done" in report["batches"].get(n, {})), default=None)
        if big is not None and os.environ.get("NUMPY_MADVISE_HUGEPAGE") != "0":
            bar.update(task, description=f"N = {big:,} with NUMPY_MADVISE_HUGEPAGE=0")
            args = ["--child", str(big)] + (["--no-costs"] if "costs" not in report["batches"][big]
                                            or report["batches"][big]["costs"].get("seconds") is None else [])
            recs = _run_child(args, lambda rec: bar.update(task, advance=1), {"NUMPY_MADVISE_HUGEPAGE": "0"})
            report["small_pages"] = {"n": big, **{r["stage"]: r for r in recs}}
        bar.update(task, description=f"per-profile loop ({naive_sample} profiles) and warm latency")
        naive = _run_child(["--naive", str(naive_sample)], lambda rec: None)
        report["naive"] = {r["stage"]: r for r in naive}
        bar.update(task, advance=1, description="cold start of xjur compare one.yaml")
        report["cold"] = cold_start(cold_runs)
        bar.update(task, advance=1)
        if profile_size:
            bar.update(task, description=f"cProfile at N = {profile_size:,}")
            prof = _run_child(["--profile", str(profile_size)], lambda rec: None)
            report["profile"] = next((r for r in prof if r["stage"] == "profile"), None)
            bar.update(task, advance=1)
    report["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    report["load_avg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return report


# --- the report -------------------------------------------------------------------------------------------

def _s(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "n/a"
    if x < 0.01:
        return f"{x * 1000:.1f} ms"
    return f"{x:,.{digits}f} s"


def _totals(b: dict) -> dict:
    v = b.get("validate", {}).get("seconds")
    c = b.get("compare", {}).get("seconds")
    k = b.get("costs", {}).get("seconds")
    total = None if v is None or c is None else v + c + (k or 0.0)
    return {"validate": v, "compare": c, "costs": k, "total": total, "floor": b.get("floor", {}).get("seconds"),
            "rows": b.get("compare", {}).get("rows"), "rss": b.get("done", {}).get("max_rss_mb"),
            "cpu": b.get("done", {}).get("cpu"), "mismatch": b.get("done", {}).get("floor_mismatches")}


def _text_cell(b: dict) -> str:
    """The deferred prose of a batch: rendered eagerly (small batch), timed, or left unrendered."""
    if not b.get("compare", {}).get("text_deferred"):
        return "in compare (small batch: rendered eagerly)"
    t = b.get("text")
    if not t or t.get("seconds") is None:
        return f"not rendered (> {TEXT_MAX_PROFILES:,} profiles)"
    return f"{_s(t['seconds'])}, peak {t['max_rss_mb'] / 1024:.2f} GB"


def render(report: dict) -> tuple[str, str]:
    """(README section, full RESULTS.md)."""
    m = report["machine"]
    batches = {int(k): v for k, v in report["batches"].items()}
    naive = report.get("naive", {})
    per = naive.get("naive", {}).get("seconds_per_profile")
    sample = naive.get("naive", {}).get("sample")
    codes = next((b.get("generate", {}).get("codes") for b in batches.values() if b.get("generate")), [])
    lines = [
        f"Measured by `make bench` (`python -m benchmarks`) on {report['started'][:16].replace('T', ' ')}: "
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']:.0f} GB RAM, {m['os']}; Python {m['python']}, "
        f"numpy {m['numpy']}, pandas {m['pandas']}. Load average at start "
        f"{', '.join(f'{x:.1f}' for x in m['load_avg'] or [])} (the machine may be shared: CPU time shown beside "
        "wall time).",
        "",
        f"Jurisdictions: {', '.join(codes) or 'none'}, all reserve scenarios, reference currency {report['reference']}, "
        f"as of {report['as_of']}. Profiles from `benchmarks/generate.py` (seeded; log-normal sizes, JPY/EUR/USD/HKD, "
        "services by business type) in the CSV layout of Contract 1.",
        "",
        "| profiles | validation | compare | costs | total (wall) | total (CPU) | profiles/s | numpy floor | × floor "
        "| peak RSS | obligation rows | per-profile loop |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(batches):
        t = _totals(batches[n])
        if t["total"] is None:
            err = next((r.get("error") for r in batches[n].values() if r.get("error")), "failed")
            verb = "not run" if "skipped" in batches[n] else "failed"
            lines.append(f"| {n:,} | {verb}: {err} |" + " |" * 10)
            continue
        rate = n / t["total"]
        ratio = t["total"] / t["floor"] if t["floor"] else None
        naive_txt = "n/a" if per is None else (
            f"{_s(per * n, 1)} (measured on {sample})" if n <= (sample or 0) else f"≈ {_s(per * n, 0)} (extrapolated)")
        mark = ""
        if t["costs"] is not None:
            costs_txt = _s(t["costs"])
        else:
            mark = " ‡"
            lower = max((m for m in batches if m < n and _totals(batches[m])["costs"] is not None), default=None)
            guess = (f" (≈ {_s(_totals(batches[lower])['costs'] * n / lower, 0)} extrapolated from {lower:,})"
                     if lower else "")
            costs_txt = f"not run ‡{guess}"
        lines.append(
            f"| {n:,} | {_s(t['validate'])} | {_s(t['compare'])} | {costs_txt} | **{_s(t['total'])}**{mark} | "
            f"{_s(t['cpu'])} | {rate:,.0f} | {_s(t['floor'], 3)} | {ratio:,.0f}× | {t['rss'] / 1024:.2f} GB | "
            f"{t['rows']:,} | {naive_txt} |"
        )
    small = report.get("small_pages")
    if small and small.get("done"):
        t = _totals(small)
        lines.append(
            f"| {small['n']:,} with `NUMPY_MADVISE_HUGEPAGE=0` ¶ | {_s(t['validate'])} | {_s(t['compare'])} | "
            f"{_s(t['costs'])} | **{_s(t['total'])}** | {_s(t['cpu'])} | {small['n'] / t['total']:,.0f} | "
            f"{_s(t['floor'], 3)} | {t['total'] / t['floor']:,.0f}× | {t['rss'] / 1024:.2f} GB | {t['rows']:,} | |")
    lines += ["", "Peak RSS: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the child process that ran the batch "
                  "(interpreter, libraries, generated input and pipeline). The numpy floor computes the same amounts "
                  "(checked equal in the run) with no strings and no validation; the per-profile loop is the pydantic "
                  "model plus `compare` one profile at a time. ‡ Costs were left out of a batch when the memory "
                  "they would need (estimated linearly from the previous batch) exceeded 60 % of the memory "
                  "available on this shared machine; that batch's total, rate and memory are then without costs."
                  + (" ¶ The same batch with numpy's advice to use huge pages turned off (an environment variable "
                     "numpy reads at import): on a VM whose host backs guest memory lazily, the first write into "
                     "fresh huge pages can cost more than into small ones. Reported for information; the targets "
                     "are judged on the default run." if small and small.get("done") else "")]

    # targets
    big = batches.get(1_000_000)
    tb = _totals(big) if big else None
    mid = _totals(batches[100_000]) if 100_000 in batches else None
    warm = naive.get("warm", {})
    cold = report.get("cold", {})

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "**not met**")

    rows = []
    if tb and tb["total"] is not None:
        partial = "" if tb["costs"] is not None else " (without costs: not run)"
        rows.append(("1,000,000 profiles × JP, EU, HK, validation and costs ≤ 10 s", _s(tb["total"]) + partial,
                     verdict(tb["total"] <= TARGET_SECONDS_1M)))
        rows.append(("… peak memory ≤ 4 GB", f"{tb['rss'] / 1024:.2f} GB{partial}",
                     verdict(tb["rss"] / 1024 <= TARGET_GB_1M)))
        wf = big.get("write_floor", {}).get("seconds")
        wf_txt = (f" (writing the two output tables alone: {_s(wf)} = {wf / tb['floor']:,.1f}× the floor)"
                  if wf else "")
        rows.append(("… within 5× the numpy floor", f"{tb['total'] / tb['floor']:,.0f}×{wf_txt}",
                     verdict(tb["total"] / tb["floor"] <= TARGET_FLOOR_RATIO)))
        if mid and mid["total"]:
            # like for like: without costs when the 10^6 run had none
            mid_total = mid["total"] - (mid["costs"] or 0.0) if tb["costs"] is None else mid["total"]
            rows.append(("linear: the 10^6 run ≤ 12× the 10^5 run", f"{tb['total'] / mid_total:.1f}×{partial}",
                         verdict(tb["total"] / mid_total <= TARGET_LINEARITY)))
    elif big and "skipped" in big:
        rows.append(("1,000,000 profiles × JP, EU, HK, validation and costs ≤ 10 s / ≤ 4 GB",
                     f"not run: {big['skipped']['error']}", "**not met**"))
    if warm.get("median_ms") is not None:
        extra = (f" ({warm['median_with_costs_ms']:.0f} ms with costs)" if warm.get("median_with_costs_ms") else "")
        rows.append(("one profile through `compare`, warm process < 50 ms", f"{warm['median_ms']:.0f} ms{extra}",
                     verdict(warm["median_ms"] < TARGET_WARM_MS)))
    if "table" in cold:
        rows.append(("`xjur compare one.yaml` from a cold start < 1.5 s",
                     f"{cold['table']['median_s']:.2f} s median (min {cold['table']['min_s']:.2f} s; "
                     f"--format json {cold['json']['median_s']:.2f} s)", verdict(cold["table"]["median_s"] < TARGET_COLD_S)))
    elif cold.get("error"):
        rows.append(("`xjur compare one.yaml` from a cold start < 1.5 s", f"failed: {cold['error'][:80]}", "n/a"))
    lines += ["", "| target (issue 8) | measured | |", "|---|---:|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)]
    with_costs = [m for m in sorted(batches) if _totals(batches[m])["costs"] is not None]
    if with_costs:
        m = with_costs[-1]
        t = _totals(batches[m])
        share = {k: 100 * t[k] / t["total"] for k in ("validate", "compare", "costs")}
        timed = [(k, b["text"]) for k, b in sorted(batches.items()) if (b.get("text") or {}).get("seconds")]
        text_n, text = timed[-1] if timed else (None, None)
        lines += ["", f"Where the time goes at {m:,} profiles: validation {share['validate']:.0f} %, compare "
                      f"{share['compare']:.0f} %, costs {share['costs']:.0f} % of the total. Batches of "
                      "5,000 profiles or more run the rules over every profile and keep every text column as a "
                      "categorical; the per-row prose (each row's `basis` line and the plug-ins' per-profile "
                      "notes) is rendered when `result.obligations` or `result.warnings` is first read"
                      + (f" (at {text_n:,} profiles: {_s(text['seconds'])}, not counted above)" if text else "")
                      + ". Profile and per-stage detail: `benchmarks/RESULTS.md`."]
    section = "\n".join(lines)

    full = ["# Benchmark results", "", "Written by `python -m benchmarks` (see `benchmarks/harness.py` for what is "
            "timed and how). Re-run with `make bench`.", "", section, ""]
    full += ["## Stages per batch (wall seconds)", "", "| profiles | generate (not counted) | numpy floor (best of 3) "
             "| validation | compare | costs | CPU | RSS before pipeline | peak RSS | floor check "
             "| writing the outputs alone | text on demand (not in the total) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for n in sorted(batches):
        b = batches[n]
        t = _totals(b)
        mism = t["mismatch"]
        full.append(
            f"| {n:,} | {_s(b.get('generate', {}).get('seconds'))} | {_s(t['floor'], 4)} | {_s(t['validate'], 3)} | "
            f"{_s(t['compare'], 3)} | {_s(t['costs'], 3)} | {_s(t['cpu'], 3)} | "
            f"{(b.get('done', {}).get('rss_before_mb') or 0) / 1024:.2f} GB | {(t['rss'] or 0) / 1024:.2f} GB | "
            f"{'same amounts' if mism == [] else ('differs: ' + ', '.join(mism) if mism else 'n/a')} | "
            f"{_s(b.get('write_floor', {}).get('seconds'), 3)} | {_text_cell(b)} |")
    plan = report.get("memory_plan") or {}
    notes = [f"- N = {int(k):,}: {v['why']} → {v['run']}" for k, v in plan.items() if v.get("why")]
    if notes:
        full += ["", "## Memory plan (estimated before each batch)", "", *notes]
    prof = report.get("profile")
    if prof:
        full += ["", f"## Where the time goes (cProfile, N = {prof['n']:,}, validation + compare + costs)", "",
                 "| function | calls | own time | cumulative |", "|---|---:|---:|---:|"]
        full += [f"| `{r['where']}` | {r['calls']:,} | {r['tottime']:.2f} s | {r['cumtime']:.2f} s |" for r in prof["rows"]]
        if prof.get("project"):
            full += ["", "The project's own functions by cumulative time (what calls the above):", "",
                     "| function | calls | own time | cumulative |", "|---|---:|---:|---:|"]
            full += [f"| `{r['where']}` | {r['calls']:,} | {r['tottime']:.2f} s | {r['cumtime']:.2f} s |"
                     for r in prof["project"]]
    full += ["", f"Run from {report['started']} to {report['finished']}; load average at the end "
             f"{', '.join(f'{x:.1f}' for x in report.get('load_avg_end') or [])}.", ""]
    full += ["", "```json", json.dumps(report, indent=1, default=str), "```", ""]
    return section, "\n".join(full)


def write(section: str, full: str, results: Path = RESULTS, start: str = START, end: str = END) -> None:
    """``full`` to ``results`` and ``section`` into the README between the ``start`` and ``end`` markers."""
    results.write_text(full, encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        README.write_text(f"{head}{start}\n{section}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="batch sizes, comma-separated")
    ap.add_argument("--naive-sample", type=int, default=200, help="profiles timed one by one (then extrapolated)")
    ap.add_argument("--profile-size", type=int, default=100_000, help="N for the cProfile table (0: skip)")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true", help="print the table; do not touch README/RESULTS.md")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--no-costs", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--limit-mb", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--naive", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--profile", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child_batch(args.child, costs=not args.no_costs, limit_mb=args.limit_mb)
    if args.naive:
        return child_naive(args.naive)
    if args.profile:
        return child_profile(args.profile)
    sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    report = run(sizes, args.naive_sample, args.profile_size, args.cold_runs)
    section, full = render(report)
    print(section)
    if not args.no_write:
        write(section, full)
        print(f"\nwrote {RESULTS.relative_to(ROOT)} and the README section", file=sys.stderr)


if __name__ == "__main__":
    main()
