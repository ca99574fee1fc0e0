"""Run every benchmark in bench/ and print one table of figures, budgets and ratios."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Figure, print_table  # noqa: E402


def main(names: list[str]) -> int:
    figures: list[Figure] = []
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if names and path.stem.removeprefix("bench_") not in names:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"running {path.stem} ...", file=sys.stderr, flush=True)
        figures.extend(module.run())
    print_table(figures)
    return 0 if all(f.meets_budget is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
