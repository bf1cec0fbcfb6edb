"""Multi-market licensing plans: which entity of a group holds what, and what it costs (``plan``)."""
from .plan import Market, PlanError, PlanResult, plan

__all__ = ["Market", "PlanError", "PlanResult", "plan"]
