"""Start ``xjur serve`` on a free 127.0.0.1 port for a test, and stop it (the browser and load tests)."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from typing import Iterator

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(timeout: float = 120.0) -> Iterator[str]:
    """``xjur serve --port N`` in a subprocess (the real CLI and uvicorn); yields its base URL."""
    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from comparisons.cli import main; main()", "serve", "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"xjur serve ended: {proc.stderr.read()[-2000:]}")
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("xjur serve did not answer in time")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
