"""Costs: the assumptions they rest on, the funding of each obligation, overlaps and the summaries.

``table.cost_table`` prices every obligation row; ``summary.cost_summary`` totals them per market;
``funding`` holds the cheapest-mix allocator and user funding files; ``assumptions`` the dated, cited cost
assumptions. ``text_codes`` and ``overlaps`` keep large batches on integer codes.
"""
from .table import COST_COLUMNS, NUMBER_COLUMNS, cost_table

__all__ = ["COST_COLUMNS", "NUMBER_COLUMNS", "cost_table"]
