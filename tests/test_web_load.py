"""Load test of ``xjur serve`` on 127.0.0.1 (issue 23): 200 requests from 10 concurrent clients, each comparing the
examples file across every installed market (the JSON download). No error allowed; the median and worst latency
are printed (and recorded in the README), not asserted: the machine's load decides them."""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from comparisons.web import form as F  # noqa: E402
from jurisdictions.framework import discover  # noqa: E402
from tests.conftest import AS_OF, EXAMPLES  # noqa: E402
from tests.web_server import running_server  # noqa: E402

REQUESTS = 200
CLIENTS = 10


def test_200_requests_from_10_clients_without_error(capsys):
    query = urlencode({"data": F.encode_data((EXAMPLES / "profiles.yaml").read_text(encoding="utf-8")),
                       "as_of": AS_OF.isoformat(), "scenario": "central"})
    with running_server() as base:
        assert base.startswith("http://127.0.0.1:")
        url = f"{base}/download/result.json?{query}"

        def one(_: int) -> tuple[float, int, dict]:
            with httpx.Client(timeout=600) as c:
                t = time.perf_counter()
                r = c.get(url)
                return time.perf_counter() - t, r.status_code, r.json() if r.status_code == 200 else {}

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            done = list(pool.map(one, range(REQUESTS)))
        wall = time.perf_counter() - started
    assert [s for _, s, _ in done] == [200] * REQUESTS
    codes = discover().codes()
    for _, _, doc in done:  # every answer is the whole comparison: 6 profiles × every installed market
        pairs = {(o["profile"], o["jurisdiction"]) for o in doc["obligations"]}
        assert len({p for p, _ in pairs}) == 6 and {j for _, j in pairs} == set(codes)
    lat = sorted(t for t, _, _ in done)
    with capsys.disabled():
        print(f"\nxjur serve load: {REQUESTS} requests, {CLIENTS} clients, {wall:.1f} s; latency median "
              f"{statistics.median(lat):.2f} s, worst {lat[-1]:.2f} s")
