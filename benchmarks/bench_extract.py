"""Extraction speed on PolNeAR texts: articles per second on one core.

Reads every PolNeAR text first (reading is not timed), builds one Extractor
(gazetteer and cue patterns compiled once, timed separately), then times
(in CPU time of this one process, so other load on the machine does not count)
``Extractor.extract`` over all articles: the sentence split alone, the outlet
stage alone (with its sentence split) and the whole extractor (outlets,
documents, sources). A loaded machine still slows CPU time (shared caches):
compare figures taken at the same time.

Usage: python benchmarks/bench_extract.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from citegraph.extract import Extractor
from citegraph.extract.gazetteer import Gazetteer
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article
from citegraph.extract.sentences import sentences

import machine  # benchmarks/machine.py: how fast the machine is right now

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "polnear"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timed passes")
    args = parser.parse_args(argv)
    print(machine.describe(), flush=True)
    if not args.corpus.is_dir():
        print(f"{args.corpus} is absent: put the shared corpora beside this clone", file=sys.stderr)
        return 2
    dirs = sorted(args.corpus.glob("*/text"))
    articles = [a for a in iter_articles(dirs, ReadOptions()) if isinstance(a, Article)]
    chars = sum(len(a.body) for a in articles)
    start = time.perf_counter()
    extractor = Extractor(Gazetteer.load())
    setup = time.perf_counter() - start
    print(f"{len(articles)} PolNeAR articles, {chars / len(articles):.0f} characters each on average")
    print(f"start-up (gazetteer of {len(extractor.gazetteer)} outlets + patterns): {setup * 1000:.0f} ms, once")
    stages = {
        "sentences only": lambda a: sentences(a.body),  # text.py, shared by every stage
        "outlets only": lambda a: extractor.outlets.find(a, sentences(a.body)),
        "full extractor": extractor.extract,
    }
    for label, run in stages.items():
        best = min(_timed(run, articles) for _ in range(args.repeat))
        print(f"{label:<16} {len(articles) / best:8.0f} articles/s  ({best:.2f} CPU s per pass, best of {args.repeat})")
    return 0


def _timed(run, articles) -> float:
    """CPU seconds of this process (one core), robust to other load on the machine."""
    start = time.process_time()
    for article in articles:
        run(article)
    return time.process_time() - start


if __name__ == "__main__":
    sys.exit(main())
