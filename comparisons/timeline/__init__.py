"""Timelines: what each market demands, and costs, at each date as rules phase in, reserves build up and the
business grows (issue 19; DESIGN.md Contract 4).

- :mod:`.grid`: the dates (yearly or quarterly);
- :mod:`.growth`: the growth file moving each profile with time (default no growth);
- :mod:`.accrual`: reserves that build up at each fiscal year's end (Japan's ``fiea_analogue``);
- :mod:`.build`: ``timeline`` itself (``compare`` at each date, ``date`` and ``counted`` added);
- :mod:`.changes`: the "what changes when" table.
"""
from .build import TimelineResult, counting_start, timeline

__all__ = ["TimelineResult", "counting_start", "timeline"]
