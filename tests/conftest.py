"""Shared fixtures: profiles built in code, so every test shows its inputs."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 25)


def run_xjur(*args: str, columns: int = 200, timeout: int = 300) -> subprocess.CompletedProcess:
    """``xjur ARGS`` in a fresh Python process from the checkout (a terminal ``columns`` wide, UTF-8): its exit
    status, stdout and stderr, for tests of what a user of the command line sees."""
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "comparisons.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=timeout, env=env)


def make_profile(**overrides) -> dict:
    """A plain profile (EUR, custody + exchange, everything small); override any field."""
    base = dict(
        name="test", currency="EUR", services="custody;exchange_fiat", client_crypto_assets=0.0,
        hot_wallet_share=0.0, client_fiat=0.0, annual_trading_volume=0.0, fixed_overheads=0.0,
        annual_operating_expenses=0.0, own_funds=0.0,
    )
    base.update(overrides)
    return base


def zip_bomb_workbook(folder: Path, unpacked_mib: int = 520) -> Path:
    """``bomb.xlsx`` in ``folder``: a valid one-profile workbook plus a part of ``unpacked_mib`` MiB of zeros
    (about 0.5 MB packed for 520 MiB): the input policy must refuse it before inflating."""
    import zipfile

    import pandas as pd

    good = folder / "good.xlsx"
    pd.DataFrame([make_profile()]).to_excel(good, index=False, sheet_name="profiles")
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        with dst.open("xl/worksheets/sheet2.xml", "w") as part:
            chunk = b"0" * 2 ** 20
            for _ in range(unpacked_mib):
                part.write(chunk)
    return bomb


@pytest.fixture
def profile():
    return make_profile


@pytest.fixture
def examples() -> Path:
    return EXAMPLES / "profiles.yaml"
