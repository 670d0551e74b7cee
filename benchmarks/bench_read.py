"""Reading speed: articles per second for plain texts and HTML pages.

Reads, in one process, every PolNeAR text, every BBC text and the HTML pages
of aeb-html (gzipped), readability-testpages, newspaper4k-fixtures,
goose3-fixtures and trafilatura-pages, and prints articles/second and peak
memory for each set. Extraction targets 500 articles/second; reading plain
text must stay well above that. HTML costs two trafilatura passes per page.

    python3 benchmarks/bench_read.py [--corpora ../shared/corpora] [--html-limit N]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"


def sets(corpora: Path) -> dict[str, tuple[list[Path], ReadOptions]]:
    html = ReadOptions(include=("*.html", "*.htm", "*.html.gz"), exclude=("expected.html",))
    return {
        "PolNeAR texts": ([corpora / "polnear"], ReadOptions(include=("*/text/*.txt",))),
        "BBC texts": ([corpora / "bbc-fulltext" / "bbc"], ReadOptions(include=("*/*.txt",))),
        "HTML pages": (
            [corpora / name for name in ("aeb-html", "readability-testpages", "newspaper4k-fixtures",
                                         "goose3-fixtures", "trafilatura-pages")],
            html,
        ),
    }


def measure(inputs: list[Path], options: ReadOptions) -> tuple[int, int, float]:
    start = time.perf_counter()
    articles = skips = 0
    for item in iter_articles(inputs, options):
        if isinstance(item, Article):
            articles += 1
        else:
            skips += 1
    return articles, skips, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    print(f"{'set':<16}{'articles':>10}{'skipped':>9}{'seconds':>10}{'articles/s':>12}{'peak RSS MB':>13}")
    for name, (inputs, options) in sets(args.corpora).items():
        articles, skips, seconds = measure([p for p in inputs if p.exists()], options)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = articles / seconds if seconds else 0.0
        print(f"{name:<16}{articles:>10}{skips:>9}{seconds:>10.2f}{rate:>12.1f}{rss:>13.0f}")


if __name__ == "__main__":
    main()
