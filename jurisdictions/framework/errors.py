"""Errors that name the file, the row and the field, and the "did you mean" hint."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Sequence


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix, or an empty string when nothing is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def shorten(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters for messages (a 20,000-character name is not echoed)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    extra = f" … ({len(value):,} characters)" if isinstance(value, str) else " …"
    return text[: limit - 1] + extra


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is and what is wrong."""

    source: str  # file name, or "<frame>" / "<list>"
    row: str  # "row 3" (1-based data row), or a YAML path like "profiles[2]"
    field: str  # the field, or "" for the whole row / file
    value: object
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.source, self.row, f"field {self.field!r}" if self.field else "") if p)
        shown = "" if self.value is _NO_VALUE else f" (value {shorten(self.value)})"
        return f"{where}: {self.message}{shown}"


_NO_VALUE = object()
NO_VALUE = _NO_VALUE


class XjurError(Exception):
    """Base class of the errors xjur reports to users (the CLI prints them and exits 2)."""


@dataclass
class ProfileError(XjurError):
    """Bad profile input: every problem found, not just the first."""

    problems: Sequence[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the profile input:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class ParameterError(XjurError):
    """A parameter file is malformed, or a parameter was read for a date before its first value."""


class FxError(XjurError):
    """A currency cannot be converted, or a rates file is malformed."""


class PluginError(XjurError):
    """A jurisdiction plug-in failed to load or violates the plug-in contract."""
