"""The input policy: what xjur accepts from a file, in one place (issue 13).

Every reader of a user's file goes through this module: profiles (YAML, CSV, XLSX, and Parquet later),
parameter files, cost-assumption files, funding files, plan files, FX-rate files (and growth files later).
A file a consultant receives from a client or a third party may be hostile; what is refused, and why:

- **Size.** A file larger than its kind's limit (:data:`LIMITS`) is refused before it is read. A table
  (CSV, XLSX, Parquet) has a row limit too, and an XLSX workbook (a zip archive) a limit on the size of
  its unpacked parts, read from the archive's directory before anything is inflated: a "zip bomb" that
  inflates to gigabytes is refused. (Python's ``zipfile`` never inflates a part beyond its declared size,
  so the declared sizes bound what openpyxl can inflate.) A Parquet reader calls :func:`check_rows` and
  :func:`check_unpacked` with the counts of the file's footer.
- **YAML aliases** (``&a`` / ``*a``) are refused, before any node is built: a 1 kB file of nested aliases
  (the "billion laughs" pattern) expands to gigabytes in whatever walks it. xjur's files never need them.
  Nesting deeper than :data:`MAX_YAML_DEPTH` is refused too (no recursion runs out of stack).
- **Numbers** must be finite and within :data:`MAX_ABS_NUMBER` in absolute value (1e18: a million times
  the largest balance sheet in any currency), in the file's currency and after conversion; exchange rates
  must be positive.
- **Text**: names at most :data:`MAX_NAME_CHARS` characters, any text at most :data:`MAX_TEXT_CHARS`, and
  no control characters (escape codes, NUL, bidirectional overrides; free text may hold tabs and line
  breaks, names may not).

A refusal raises :class:`InputError` (an :class:`~jurisdictions.framework.errors.XjurError`: the CLI prints
it and exits 2), naming the file, where in it, and why. Readers that report through an error class of
their own (``ParameterError``, ``FxError``, ...) re-raise it with :func:`reraise_as`.
"""
from __future__ import annotations

import math
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

from .errors import XjurError, shorten

MiB = 2 ** 20

#: Largest absolute value of any number xjur reads (in any currency, and after conversion).
MAX_ABS_NUMBER = 1e18
#: Longest name (a profile's, a plan's, an entity's), in characters.
MAX_NAME_CHARS = 200
#: Longest free text (a citation, a note, an incident's description), in characters.
MAX_TEXT_CHARS = 4000
#: Deepest nesting of YAML mappings and lists (xjur's own files nest five levels at most).
MAX_YAML_DEPTH = 32

#: Control characters: C0 and C1 controls and DEL, and the bidirectional embeddings, overrides and isolates
#: (they reorder what a reader sees). Free text may hold tabs and line breaks; names may not.
_CONTROL_IN_NAME = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL_IN_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
CONTROL_IN_NAME = re.compile(_CONTROL_IN_NAME)
CONTROL_IN_TEXT = re.compile(_CONTROL_IN_TEXT)

MAX_ABS_TEXT = f"{MAX_ABS_NUMBER:.0e}".replace("e+", "e")  # "1e18"
MSG_TOO_LARGE = (f"is beyond {MAX_ABS_TEXT} in absolute value: not a plausible amount "
                 f"(xjur reads numbers up to {MAX_ABS_TEXT} in any currency)")
MSG_NAME_TOO_LONG = f"is longer than {MAX_NAME_CHARS} characters (a name is at most {MAX_NAME_CHARS})"
MSG_CONTROL = "contains a control character (escape code, NUL, line break or bidirectional override)"


@dataclass(frozen=True)
class FileLimits:
    """The bounds of one kind of file.

    ``max_bytes``: the file's size on disk. ``max_rows``: data rows of a table (CSV, XLSX, Parquet).
    ``max_unpacked_bytes``: the unpacked size of a compressed container (XLSX parts, Parquet pages).
    """

    max_bytes: int
    max_rows: int | None = None
    max_unpacked_bytes: int | None = None


#: The limits of each kind of file xjur reads. Tables of profiles may be large batches (a million
#: profiles is about 150 MB of CSV); a YAML file is parsed into Python objects, so it is held smaller.
LIMITS: Mapping[str, FileLimits] = MappingProxyType({
    "profiles": FileLimits(max_bytes=1024 * MiB, max_rows=10_000_000, max_unpacked_bytes=512 * MiB),
    "profiles_yaml": FileLimits(max_bytes=32 * MiB),
    "parameters": FileLimits(max_bytes=8 * MiB),
    "assumptions": FileLimits(max_bytes=8 * MiB),
    "funding": FileLimits(max_bytes=8 * MiB),
    "plan": FileLimits(max_bytes=8 * MiB),
    "growth": FileLimits(max_bytes=8 * MiB),
    "fx_rates": FileLimits(max_bytes=64 * MiB, max_rows=1_000_000),
})

#: What each kind of file is called in messages.
_KIND_NAMES = {
    "profiles": "profile tables", "profiles_yaml": "YAML profile files", "parameters": "parameter files",
    "assumptions": "assumption files", "funding": "funding files", "plan": "plan files",
    "growth": "growth files", "fx_rates": "FX-rate files",
}


class InputError(XjurError):
    """A file refused by the input policy: the file, where in it, and why."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source, self.where, self.message = str(source), where, message
        super().__init__(", ".join(p for p in (self.source, where) if p) + f": {message}")


@contextmanager
def reraise_as(error: Callable[[str], Exception]) -> Iterator[None]:
    """Re-raise an :class:`InputError` as a reader's own error class (same message)."""
    try:
        yield
    except InputError as e:
        raise error(str(e)) from None


def limits(kind: str) -> FileLimits:
    """The limits of a kind of file (a key of :data:`LIMITS`)."""
    return LIMITS[kind]


def _size_text(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def check_size(path: str | Path, kind: str) -> int:
    """The file's size in bytes, after checking that it exists and is within its kind's limit."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(str(p), "", "file not found") from None
    except OSError as e:
        raise InputError(str(p), "", f"cannot read the file ({e.strerror})") from None
    if not p.is_file():
        raise InputError(str(p), "", "not a file")
    top = limits(kind).max_bytes
    if size > top:
        raise InputError(str(p), "", f"the file is {_size_text(size)}; xjur reads {_KIND_NAMES[kind]} of at most "
                                     f"{_size_text(top)}")
    return size


def read_text(path: str | Path, kind: str) -> str:
    """A text file of ``kind``, within its size limit, decoded as UTF-8 (a BOM is dropped)."""
    check_size(path, kind)
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(str(p), "", f"cannot read the file ({e.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(p), "", "not a UTF-8 text file") from None


def check_rows(n_rows: int, source: str, kind: str) -> None:
    """A table's data rows within its kind's row limit (a Parquet reader passes the footer's row count)."""
    top = limits(kind).max_rows
    if top is not None and n_rows > top:
        raise InputError(source, "", f"more than {top:,} rows; xjur reads {_KIND_NAMES[kind]} of at most {top:,} "
                                     "rows (split the batch into several files)")


def check_unpacked(n_bytes: int, source: str, kind: str) -> None:
    """A container's unpacked size within its kind's limit (XLSX parts, a Parquet file's pages)."""
    top = limits(kind).max_unpacked_bytes
    if top is not None and n_bytes > top:
        raise InputError(source, "", f"the file unpacks to {_size_text(n_bytes)}, more than the {_size_text(top)} "
                                     "xjur unpacks (refused before unpacking: a compressed file that inflates "
                                     "this much is a 'zip bomb' or far larger than a profile list)")


def check_xlsx(path: str | Path, kind: str = "profiles") -> None:
    """An XLSX file within its size limit, and its unpacked parts within theirs (read from the zip
    directory; nothing is inflated)."""
    check_size(path, kind)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(str(path), "", f"not an XLSX workbook (not a readable zip archive: {e})") from None
    check_unpacked(sum(max(i.file_size, 0) for i in infos), str(path), kind)


# -- numbers and text ---------------------------------------------------------------------------------------

def number_problem(value: Any) -> str | None:
    """Why a number read from a file is refused (None when it is accepted): not finite, or too large."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        x = float(value)
    except OverflowError:  # an int beyond float's range
        return MSG_TOO_LARGE
    if not math.isfinite(x):
        return "must be a finite number (NaN and inf are not amounts)"
    return MSG_TOO_LARGE if abs(x) > MAX_ABS_NUMBER else None


def text_problem(text: str, *, name: bool = False) -> str | None:
    """Why a text read from a file is refused (None when it is accepted): too long, or a control character."""
    top = MAX_NAME_CHARS if name else MAX_TEXT_CHARS
    if len(text) > top:
        return MSG_NAME_TOO_LONG if name else f"is longer than {top:,} characters (text is at most {top:,})"
    if (CONTROL_IN_NAME if name else CONTROL_IN_TEXT).search(text):
        return MSG_CONTROL
    return None


def check_tree(data: Any, source: str, path: str = "", *, names: frozenset[str] = frozenset({"name"}),
               numbers: bool = True) -> list[tuple[str, Any, str]]:
    """Every number and text of parsed YAML checked: ``(path, value, why)`` for each refused one.

    Numbers must be finite-or-left-to-the-reader (inf and NaN are reported by the readers that know the
    field) and within :data:`MAX_ABS_NUMBER`; texts bounded and free of control characters; the values of
    keys in ``names`` are names. With ``numbers=False`` only texts are checked (a reader whose fields check
    their own numbers, naming the row and field). The depth is bounded already (:func:`load_yaml`), so
    recursion is safe.
    """
    found: list[tuple[str, Any, str]] = []

    def walk(x: Any, where: str, is_name: bool) -> None:
        if isinstance(x, Mapping):
            for k, v in x.items():
                key = str(k)
                why = text_problem(key, name=True) if isinstance(k, str) else None
                if why:
                    found.append((where or "top level", k, f"key {why}"))
                    continue
                walk(v, f"{where}.{key}" if where else key, key in names)
        elif isinstance(x, (list, tuple)):
            for i, v in enumerate(x):
                walk(v, f"{where}[{i}]", False)
        elif isinstance(x, str):
            why = text_problem(x, name=is_name)
            if why:
                found.append((where, x, why))
        elif numbers and isinstance(x, (int, float)) and not isinstance(x, bool):
            if isinstance(x, float) and not math.isfinite(x):
                return
            why = number_problem(x)
            if why:
                found.append((where, x, why))

    walk(data, path, False)
    return found


# -- YAML ----------------------------------------------------------------------------------------------------

def safe_base() -> type:
    """libyaml's safe loader when PyYAML was built with it (ten times faster at start-up), else the pure one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_yaml_events(text: str, source: str) -> None:
    """Refuse aliases and deep nesting by streaming the parser's events: no node is built, nothing expands."""
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=safe_base()):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            raise InputError(source, f"line {line}", f"YAML alias *{event.anchor} refused: xjur does not read "
                             "YAML aliases (&name / *name), since a few nested ones expand a small file into "
                             "gigabytes; write the values out in full")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise InputError(source, f"line {line}", f"YAML nested more than {MAX_YAML_DEPTH} levels deep "
                                 "(xjur's files nest a few levels): refused")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load_yaml(path: str | Path, kind: str, loader: type | None = None) -> Any:
    """A YAML file of ``kind`` read under the policy: size limit, UTF-8, no aliases, bounded nesting, then
    the safe loader (or ``loader``, a SafeLoader subclass). Malformed YAML raises ``yaml.YAMLError`` for
    the reader to word; every policy refusal raises :class:`InputError`."""
    import yaml

    text = read_text(path, kind)
    return load_yaml_text(text, str(path), loader or yaml.SafeLoader)


def load_checked_yaml(path: str | Path, kind: str, error: Callable[[str], Exception],
                      loader: type | None = None) -> Any:
    """A user's YAML file of ``kind``: :func:`load_yaml` (with ``loader``, a SafeLoader subclass, if given),
    every number and text checked (:func:`refuse_tree`), each refusal and malformed YAML raised as the
    reader's ``error`` class naming the file."""
    import yaml

    try:
        with reraise_as(error):  # size, UTF-8, no aliases, bounded nesting and values
            data = load_yaml(path, kind, loader)
            refuse_tree(data, str(path))
    except yaml.YAMLError as e:
        raise error(f"{path}: malformed YAML: {e}") from None
    return data


def load_yaml_text(text: str, source: str, loader: type) -> Any:
    """YAML text under the policy (no aliases, bounded nesting), parsed with ``loader``."""
    import yaml

    check_yaml_events(text, source)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader (subclass), aliases already refused


def refuse_tree(data: Any, source: str, path: str = "") -> None:
    """Raise :class:`InputError` on the first refused number or text of parsed YAML (see :func:`check_tree`)."""
    found = check_tree(data, source, path)
    if found:
        where, value, why = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise InputError(source, where, f"{shorten(value)} {why}{more}")
