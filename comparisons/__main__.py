"""``python -m comparisons``: the ``xjur`` command line (same as the ``xjur`` console script)."""
from comparisons.cli import main

if __name__ == "__main__":
    main()
