"""The status vocabulary of the rulebook and how statuses combine.

Parameters carry the rulebook's statuses (README of the rulebook): ``in_force``, ``guidance``, ``enacted``
(law or final rules made, applying from a later date), ``proposed``, ``reported``, ``assumed``. ``unknown`` values are never given a number, so they never reach a formula.

An obligation row carries the *worst* status among the inputs of its formula. Contract 2 allows only
``in_force``, ``guidance``, ``enacted``, ``proposed`` and ``assumed`` in the table, so a ``reported`` input (a figure from
the press, not an official text) makes the row ``assumed``: the model adopts the figure as an assumption.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

PARAMETER_STATUSES: tuple[str, ...] = ("in_force", "guidance", "enacted", "proposed", "reported", "assumed")
OUTPUT_STATUSES: tuple[str, ...] = ("in_force", "guidance", "enacted", "proposed", "assumed")
#: the flag of a value not verified against the primary text (rulebook README: "in_force †")
UNVERIFIED_FLAG = "†"
_RANK = {s: i for i, s in enumerate(PARAMETER_STATUSES)}


def output_status(status: str) -> str:
    """Map a parameter status to the Contract 2 vocabulary (``reported`` → ``assumed``)."""
    return "assumed" if status == "reported" else status


def worst(statuses: Iterable[str]) -> str:
    """The worst of several statuses, in the Contract 2 vocabulary."""
    ss = list(statuses)
    if not ss:
        raise ValueError("worst() of no statuses")
    return output_status(max(ss, key=_RANK.__getitem__))


def worst_where(condition: np.ndarray | pd.Series, if_true: str, if_false: str) -> np.ndarray:
    """Vectorised choice of status: ``if_true`` where ``condition`` holds (e.g. where an assumed term binds)."""
    return np.where(np.asarray(condition, dtype=bool), output_status(if_true), output_status(if_false))
