"""Reading speed: articles per second for plain texts and HTML pages.

Reads, in one process, every PolNeAR text, every BBC text and the HTML pages
of aeb-html (gzipped), readability-testpages, newspaper4k-fixtures,
goose3-fixtures and trafilatura-pages, and prints articles/second and peak
memory for each set, then any file skipped and why (so this run is also the
no-crash check for the HTML corpora too slow for the test suite). Extraction
targets 500 articles/second; reading plain text stays well above that. HTML
is bound by trafilatura (one pass per page, two when precision mode finds
little text).

    python3 benchmarks/bench_read.py [--corpora ../shared/corpora] [--html-limit N]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article, Skip

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


def measure(inputs: list[Path], options: ReadOptions) -> tuple[int, list[Skip], float]:
    start = time.perf_counter()
    articles, skips = 0, []
    for item in iter_articles(inputs, options):
        if isinstance(item, Article):
            articles += 1
        else:
            skips.append(item)
    return articles, skips, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    print(f"{'set':<16}{'articles':>10}{'skipped':>9}{'seconds':>10}{'articles/s':>12}{'peak RSS MB':>13}")
    all_skips: list[Skip] = []
    for name, (inputs, options) in sets(args.corpora).items():
        articles, skips, seconds = measure([p for p in inputs if p.exists()], options)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = articles / seconds if seconds else 0.0
        print(f"{name:<16}{articles:>10}{len(skips):>9}{seconds:>10.2f}{rate:>12.1f}{rss:>13.0f}")
        all_skips += skips
    for skip in all_skips:
        print(f"  skipped {skip.path}: {skip.reason}")


if __name__ == "__main__":
    main()
