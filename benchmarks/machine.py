"""How fast this machine is right now, for reading the other benchmarks' figures.

A shared virtual machine's speed changes with its neighbours' load, which
neither CPU time nor wall time can see: the same code measured an hour apart
differed by 2x here, and CPU seconds with it. Each benchmark prints this figure beside its own, so
figures taken at different times can be compared: the seconds one CPU takes
for a fixed pure-Python loop (0.23 s on this 2-core machine at its fastest,
2.7 s when its host was busy).

    python3 benchmarks/machine.py
"""

from __future__ import annotations

import time


def loop_seconds(steps: int = 10_000_000, repeat: int = 3) -> float:
    """Best of ``repeat`` CPU-second timings of a ``steps``-long summing loop."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        total = 0
        for i in range(steps):
            total += i
        best = min(best, time.process_time() - start)
    return best


def describe() -> str:
    return f"machine check: a 10-million-step Python loop takes {loop_seconds():.2f} CPU s (0.23 at best here, 2.7 when the host was busy)"


if __name__ == "__main__":
    print(describe())
