"""What hostile inputs and the build's guards cost: quadratic inputs, the time limit, the store's seal.

Prints, in CPU seconds of this one process:

* reading and extracting each quadratic input of the robustness issue (16,000
  "Officials said N, according to Reuters." paragraphs; a run of 60,000 dots)
  and the variants of tests/test_hostile.py (many distinct people, one
  surname, roles, institutions, captions), and memo paragraphs (thousands
  of documents to link in ``extract/documents.py``); an input over
  ``--limit`` is stopped as ``--file-timeout`` would stop it;
* hashing a store of the size a build of ``--articles`` corpus texts makes
  (what sealing and verifying the store cost), and quick_check on it.

Usage: python benchmarks/bench_hostile.py [--articles N] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from citegraph import BuildOptions, build
from citegraph.extract import Extractor
from citegraph.extract.gazetteer import Gazetteer
from citegraph.records import Article
from citegraph.store.db import _store_digest
from citegraph.store.update import OverTime, time_limit

import machine  # benchmarks/machine.py: how fast the machine is right now

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def names(count: int) -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    return [(syllables[i % 70] + syllables[i // 70 % 70] + syllables[i // 4900 % 70]).capitalize() for i in range(count)]


def inputs() -> dict[str, str]:
    n = names(16_000)
    return {
        "16,000 attributed paragraphs (0.7 MB)": "\n\n".join(f"Officials said {i}, according to Reuters." for i in range(16_000)),
        "a run of 60,000 dots (70 KB)": "Some text" + "." * 60_000 + " more text.\n\n" + "The ministry said so. " * 400,
        "16,000 distinct people": "\n\n".join(f"{a} {b} said {i}." for i, (a, b) in enumerate(zip(n, n[1:]))),
        "16,000 people, one surname": "\n\n".join(f"{a} Smith said {i}. Smith said more." for i, a in enumerate(n)),
        "16,000 secretaries": "\n\n".join(f"Secretary {a} {b} said {i}. The secretary said." for i, (a, b) in enumerate(zip(n, n[3:]))),
        "16,000 ministries": "\n\n".join(f"The {a} Ministry said {i}. The ministry said." for i, a in enumerate(n)),
        "16,000 caption lines": "\n".join(f"{a} said {i} (AP Photo)" for i, a in enumerate(n)),
        "8,000 memo paragraphs": "\n\n".join(
            f"A memo from {a} {b} said {i}, Reuters reported." for i, (a, b) in enumerate(zip(n, n[5:8005]))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="corpus texts in the store that is hashed")
    parser.add_argument("--limit", type=float, default=10.0, help="time limit for one input (the issue's bar)")
    args = parser.parse_args(argv)
    print(machine.describe(), flush=True)
    extractor = Extractor(Gazetteer.load())
    print(f"\n{'input':<52}{'CPU s':>8}")
    for label, body in inputs().items():
        start = time.process_time()
        try:
            with time_limit(args.limit):
                extractor.extract(Article("hostile.txt", "A hostile article", body))
            took = f"{time.process_time() - start:8.2f}"
        except OverTime:
            took = f"  > {args.limit:g} (stopped by the time limit)"
        print(f"{label:<52}{took}", flush=True)
    texts = sorted((CORPORA / "polnear").rglob("*.txt")) + sorted((CORPORA / "bbc-fulltext").rglob("*.txt"))
    if not texts:
        print(f"{CORPORA} is absent: no store to hash", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        for i, path in enumerate(texts[: args.articles]):
            (root / str(i % 50)).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, root / str(i % 50) / path.name)
        out = Path(tmp) / "out"
        build(BuildOptions(inputs=(root,), out=out, jobs=1))
        store = out / "citegraph.sqlite"
        start = time.perf_counter()
        _store_digest(store)
        hashed = time.perf_counter() - start
        with sqlite3.connect(store) as db:
            start = time.perf_counter()
            db.execute("PRAGMA quick_check").fetchall()
            checked = time.perf_counter() - start
        size = store.stat().st_size / 2**20
        print(f"\nstore of {args.articles} articles: {size:.1f} MiB; SHA-256 (seal) {hashed:.3f} s, "
              f"quick_check {checked:.3f} s (wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
