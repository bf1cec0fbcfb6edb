"""Stress tests: the incident data set (``incidents``) and loss replays against the mandated resources
(``replay``)."""
from .replay import StressError, StressResult, apply_cover, loss_scenarios, stress

__all__ = ["StressError", "StressResult", "apply_cover", "loss_scenarios", "stress"]
