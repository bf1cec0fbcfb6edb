"""``python -m benchmarks``: time validation, compare and costs on 10^3 … 10^6 profiles (see harness.py)."""
from .harness import main

main()
