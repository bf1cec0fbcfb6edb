"""``python -m benchmarks.timeline``: time ``xjur timeline`` on the bundled examples, 2024-01-01 to 2030-12-31
yearly (seven dates), every installed market, every reserve scenario; prints one line for the README.

Run by hand (targets are never timing asserts in tests). The median of ``--runs`` warm runs is reported, with the
first (cold: imports, parameter files, ECB history) beside it."""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "profiles.yaml"


def measure(runs: int = 3) -> dict:
    """Wall times (s) of the timeline on the examples: the first run and the median of the warm runs."""
    from comparisons.timeline import timeline

    times, result = [], None
    for _ in range(runs + 1):
        t = time.perf_counter()
        result = timeline(str(EXAMPLES), "2024-01-01", "2030-12-31", scenarios=["all"])
        times.append(time.perf_counter() - t)
    return {"first_s": times[0], "median_s": statistics.median(times[1:]), "dates": len(result.dates), "rows": len(result.timeline),
            "cost_rows": len(result.costs), "markets": len(result.jurisdictions)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    m = measure(parser.parse_args(argv).runs)
    print(f"timeline, examples ({m['markets']} markets, all reserve scenarios) 2024-01-01 to 2030-12-31 yearly "
          f"({m['dates']} dates, {m['rows']:,} rows, {m['cost_rows']:,} cost rows): {m['median_s']:.2f} s warm "
          f"(median of warm runs), {m['first_s']:.2f} s first run")


if __name__ == "__main__":
    main()
