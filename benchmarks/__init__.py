"""Performance harness of xjur (not part of the test suite's pass/fail): ``python -m benchmarks``.

``generate`` makes synthetic profiles, ``numpy_floor`` the plain-numpy floor to beat, ``harness`` times
everything and writes ``RESULTS.md`` and the README table.
"""
