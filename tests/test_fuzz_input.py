"""Issue 13: fuzzing the profile readers with hostile files. Whatever the file holds (random YAML and CSV
structures, extreme numbers, unicode, aliases, deep nesting, bytes that are not text), the only outcomes
allowed are a validated frame or a clean ``XjurError``; through the CLI, exit 0 or 2 with no traceback.
The number of examples is bounded so the suite stays quick."""
from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from typing import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons import load_profiles
from jurisdictions.framework import FIELDS, XjurError
from tests.conftest import make_profile

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLI_FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.sampled_from([1.0e308, -1.0e308, 1e18, 1e18 + 2 ** 10, 5e-324, 0.0, -0.0, 10 ** 400]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=40),
    st.sampled_from(["=HYPERLINK(\"http://x\",\"open\")", "+SUM(1,1)", "@cmd", "3%", "3,000,000,000", "10.06.2025",
                     "custody, trading_platform", "custody;;;", "\u202eevil", "x" * 300, "nan", "inf", "-1e400",
                     "[/bold]", "\x00", "   "]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                     st.dictionaries(st.one_of(texts, st.sampled_from(FIELDS)), kids,
                                                                     max_size=4)), max_leaves=20)
field_values = st.one_of(scalars, st.lists(scalars, max_size=3), trees)


@st.composite
def hostile_profiles(draw) -> list[dict]:
    """Profiles close to valid, with some fields replaced by hostile values (so the deep paths are reached)."""
    out = []
    for i in range(draw(st.integers(min_value=1, max_value=3))):
        p = make_profile(name=f"p{i}")
        for f in draw(st.lists(st.sampled_from(FIELDS + ("unknown_field",)), max_size=4, unique=True)):
            p[f] = draw(field_values)
        out.append(p)
    return out


#: YAML texts no generator of Python values produces: aliases, tags, deep nesting, merge keys
RAW_YAML = st.sampled_from([
    "a: &a [1, 2]\nb: [*a, *a]\n",
    "name: &n x\ncurrency: *n\n",
    "base: &b {currency: EUR}\n<<: *b\nname: x\n",
    "name: " + "[" * 200 + "]" * 200 + "\n",
    "name: " + "{a: " * 60 + "1" + "}" * 60 + "\n",
    "name: !!python/object/apply:os.getcwd []\n",
    "name: !custom x\n",
    "profiles: [\n",
    "--- a\n--- b\n",
    "profiles:\n  - 1\n  - null\n  - [1, 2]\n",
    "group: {name: g}\nmarkets: []\n",
    "? [a, b]\n: c\n",
    "name: x\nname: y\n",
])


@st.composite
def hostile_files(draw) -> tuple[str, bytes]:
    """(suffix, bytes) of one hostile profile file."""
    kind = draw(st.sampled_from(["yaml", "yaml_raw", "yaml_tree", "csv", "csv_raw", "bytes"]))
    if kind == "yaml":
        profs = draw(hostile_profiles())
        doc = {"profiles": profs} if draw(st.booleans()) else (profs[0] if len(profs) == 1 else profs)
        return ".yaml", yaml.safe_dump(doc, allow_unicode=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if kind == "yaml_raw":
        return ".yaml", draw(RAW_YAML).encode()
    if kind == "yaml_tree":
        return ".yaml", yaml.safe_dump(draw(trees)).encode("utf-8", "surrogatepass")
    if kind == "csv":
        frame = pd.DataFrame(draw(hostile_profiles()))
        return ".csv", frame.to_csv(index=False, sep=draw(st.sampled_from([",", ",", ";", "\t"]))).encode(
            "utf-8", "surrogatepass")
    if kind == "csv_raw":
        rows = draw(st.lists(st.lists(texts, min_size=1, max_size=12), min_size=1, max_size=4))
        header = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=12))
        lines = [",".join(header)] + [",".join(r) for r in rows]
        return ".csv", "\n".join(lines).encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([".yaml", ".csv", ".xlsx"])), draw(st.binary(max_size=200))


@contextlib.contextmanager
def written(suffix: str, data: bytes) -> Iterator[Path]:
    """The bytes as a file of that suffix in a folder removed afterwards (hypothesis runs many examples per test,
    so pytest's per-test ``tmp_path`` would be shared between them)."""
    with tempfile.TemporaryDirectory(prefix="xjur-fuzz-") as d:
        p = Path(d) / f"input{suffix}"
        p.write_bytes(data)
        yield p


@FUZZ
@given(hostile_files())
def test_load_profiles_gives_a_frame_or_a_clean_error(file):
    with written(*file) as path:
        try:
            frame = load_profiles(path)
        except XjurError as e:
            assert str(e)  # a message, naming the file
            assert str(path) in str(e) or "<profiles>" in str(e)
        else:
            assert len(frame) >= 1 and frame["name"].map(len).max() <= 200
            money = frame[["client_crypto_assets", "client_fiat", "own_funds"]].abs().to_numpy()
            assert (money <= 1e18).all()


def run_cli(*args: str) -> int:
    """``xjur ARGS`` in this process: its exit status (any exception but SystemExit fails the test)."""
    from comparisons.cli import main

    argv = sys.argv
    sys.argv = ["xjur", *args]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main()
    except SystemExit as e:
        return 0 if e.code is None else int(e.code)
    finally:
        sys.argv = argv
    return 0


@CLI_FUZZ
@given(hostile_files())
def test_cli_exits_0_or_2(file):
    with written(*file) as path:
        assert run_cli("compare", str(path), "-j", "EU", "--as-of", "2026-11-25", "--format", "csv") in (0, 2)


def test_run_cli_reports_exit_2_on_bad_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: &a 1\nb: *a\n")
    assert run_cli("compare", str(bad), "-j", "EU") == 2
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(make_profile()))
    assert run_cli("compare", str(good), "-j", "EU", "--as-of", "2026-11-25", "--format", "csv") == 0


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_empty_and_binary_files_are_clean_errors(tmp_path, suffix):
    for data in (b"", b"\xff\xfe\x00junk", b"PK\x03\x04broken"):
        p = tmp_path / f"f{suffix}"
        p.write_bytes(data)
        with pytest.raises(XjurError):
            load_profiles(p)
