"""Cold-storage caps, shared by the markets whose rules cap the share of client crypto held hot: the value that
must move to cold storage for a profile to meet a cap, and a hot cap derived from a minimum cold share. Each
market keeps its own rule (and its docstring citing its provision) and calls these."""
from __future__ import annotations

import numpy as np


def value_to_move(p, cap) -> tuple[np.ndarray, dict]:
    """max(0, hot share − cap) × client crypto (0 when the profile meets the cap), with the numbers of the basis
    line: ``hot``, ``cap``, ``crypto``."""
    return np.maximum(0.0, p.hot_wallet_share - cap) * p.client_crypto_assets, dict(
        hot=p.hot_wallet_share, cap=cap, crypto=p.client_crypto_assets)


def hot_cap(q, cold_min_pid: str) -> float:
    """The largest hot share a minimum cold share (parameter ``cold_min_pid``) leaves: 1 − cold minimum, rounded
    to 12 decimals to drop the floating-point tail of the subtraction (1 − 0.9 is 0.09999999999999998 in binary;
    rounded, 0.1 exactly), so that a hot share exactly at the cap is not above it."""
    return round(1.0 - q(cold_min_pid), 12)
