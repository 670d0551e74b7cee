"""Reading speed: articles per second for plain texts and HTML pages, beside extraction's.

Reads, in one process, every PolNeAR text, every BBC text and the HTML pages
of aeb-html (gzipped), readability-testpages, newspaper4k-fixtures,
goose3-fixtures and trafilatura-pages, and prints articles/second and peak
memory for each set, reading's CPU milliseconds per article next to
extraction's (``citegraph.extract.Extractor``) on the same articles, so the
"reading stays well under extraction" comparison is printed, not asserted;
then any file skipped and why (so this run is also the
no-crash check for the HTML corpora too slow for the test suite). Extraction
targets 500 articles/second; reading plain text stays well above that. HTML
is read by citegraph's own extractor (``htmlbody``), with trafilatura on the
pages where that is unsure; its figure includes one-time set-up that a long
build pays once per process (imports, and htmldate's first call into
dateparser, about two seconds when a page needs it).

It also prints what a no-op rebuild pays before reading anything: the time
to import ``citegraph.read`` (in a fresh interpreter; the HTML reader's
libraries are not loaded until a page is read) and the time ``discover``
takes to list N files (default 10,000: the corpora's article file names, as empty
files, in numbered folders in a temporary folder, as ``bench_scale.py`` lays
them out).

    python3 benchmarks/bench_read.py [--corpora ../shared/corpora] [--discover-files N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from citegraph.extract import Extractor
from citegraph.extract.gazetteer import Gazetteer
from citegraph.read import ReadOptions, discover, iter_articles
from citegraph.records import Article, Skip

import machine  # benchmarks/machine.py: how fast the machine is right now

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


def measure(inputs: list[Path], options: ReadOptions) -> tuple[list[Article], list[Skip], float]:
    """(articles, skips, CPU seconds) for reading ``inputs``."""
    start = time.process_time()
    articles, skips = [], []
    for item in iter_articles(inputs, options):
        if isinstance(item, Article):
            articles.append(item)
        else:
            skips.append(item)
    return articles, skips, time.process_time() - start


def extract_seconds(extractor: Extractor, articles: list[Article]) -> float:
    """CPU seconds to extract the citations of ``articles`` (the stage after reading)."""
    start = time.process_time()
    for article in articles:
        extractor.extract(article)
    return time.process_time() - start


def import_seconds() -> float:
    """Best of three: seconds to import ``citegraph.read`` in a fresh interpreter (after ``citegraph``)."""
    code = ("import time, citegraph; t = time.perf_counter(); import citegraph.read; "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
            for _ in range(3)]
    return min(runs)


def discover_seconds(corpora: Path, files: int) -> tuple[int, float]:
    """(files found, best of three seconds) for ``discover`` over ``files`` empty article files
    named as the corpora's."""
    names = [source.rel for source in discover([corpora], ReadOptions())]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(files):
            dest = root / f"c{i // len(names):03d}" / names[i % len(names)]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.touch()
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            found = len(discover([root], ReadOptions()))
            best = min(best, time.perf_counter() - start)
    return found, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--discover-files", type=int, default=10_000, help="files to list (0: skip)")
    args = parser.parse_args()
    print(machine.describe(), flush=True)
    print(f"import citegraph.read: {import_seconds():.3f} s (fresh interpreter, best of 3)")
    if args.discover_files and args.corpora.exists():
        found, seconds = discover_seconds(args.corpora, args.discover_files)
        print(f"discover: {found} files in {seconds:.3f} s (best of 3)")
    extractor = Extractor(Gazetteer.load())
    print("CPU time; 'read ms' and 'extract ms' are per article, the same articles")
    print(f"{'set':<16}{'articles':>10}{'skipped':>9}{'seconds':>10}{'articles/s':>12}"
          f"{'read ms':>10}{'extract ms':>12}{'peak RSS MB':>13}")
    all_skips: list[Skip] = []
    for name, (inputs, options) in sets(args.corpora).items():
        articles, skips, seconds = measure([p for p in inputs if p.exists()], options)
        extract = extract_seconds(extractor, articles)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        n = len(articles) or 1
        rate = len(articles) / seconds if seconds else 0.0
        print(f"{name:<16}{len(articles):>10}{len(skips):>9}{seconds:>10.2f}{rate:>12.1f}"
              f"{seconds / n * 1000:>10.2f}{extract / n * 1000:>12.2f}{rss:>13.0f}")
        all_skips += skips
    for skip in all_skips:
        print(f"  skipped {skip.path}: {skip.reason}")


if __name__ == "__main__":
    main()
