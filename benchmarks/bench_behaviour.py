"""Behavioural pass rates: how many generated cases of each capability the extractor gets right.

Runs every case of ``tests/behaviour/*.toml`` (docs/BEHAVIOUR.md) through the
real extractor and prints one row per capability: its family, the number of
cases, how many pass, the pass rate and the floor pinned in
``tests/test_behaviour.py`` ("raise" when the rate is well above it, "BELOW"
when under it). ``--failures CAP`` prints the failing cases of one capability,
each with its text, what was expected, what was found and why it fails.

Usage: python benchmarks/bench_behaviour.py [--failures CAPABILITY] [--family FAMILY]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from behaviour.harness import explain, load_suite, rates, run  # noqa: E402
from test_behaviour import FLOORS, RAISE_MARGIN  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", metavar="CAPABILITY", help="print the failing cases of this capability")
    parser.add_argument("--family", help="only the capabilities of this family (a case file's name)")
    args = parser.parse_args(argv)

    suite = load_suite()
    names = [n for n, cap in suite.capabilities.items() if args.family in (None, cap.family)]
    if not names:
        print(f"no family {args.family!r}; the families are: {', '.join(suite.families())}", file=sys.stderr)
        return 2
    if args.failures and args.failures not in suite.capabilities:
        print(f"no capability {args.failures!r}; the capabilities are: {', '.join(suite.capabilities)}", file=sys.stderr)
        return 2

    results = run(suite)
    if args.failures:
        failing = [r for r in results if r.case.capability == args.failures and not r.passed]
        total = len(suite.of(args.failures))
        print(f"{args.failures}: {len(failing)} of {total} cases fail ({suite.capabilities[args.failures].about})\n")
        for result in failing:
            print(explain(result), end="\n\n")
        return 0

    table = rates(suite, results)
    print(f"{'capability':<24} {'family':<10} {'cases':>5} {'passed':>6} {'rate':>6} {'floor':>6}")
    for name in names:
        row = table[name]
        floor = FLOORS.get(name)
        flag = ""
        if floor is None:
            flag = "  (no floor)"
        elif row.rate < floor:
            flag = "  BELOW"
        elif row.rate >= floor + RAISE_MARGIN:
            flag = "  raise"
        floor_text = f"{floor:.2f}" if floor is not None else "-"
        print(f"{name:<24} {row.family:<10} {row.cases:>5} {row.passed:>6} {row.rate:>6.3f} {floor_text:>6}{flag}")
    cases = sum(table[n].cases for n in names)
    passed = sum(table[n].passed for n in names)
    print(f"{'all':<24} {'':<10} {cases:>5} {passed:>6} {passed / cases:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
