"""Graph, metrics and report timings on the whole of ../shared/corpora (about 3,500 articles).

Reads every corpus (PolNeAR and BBC texts, Wikinews texts, the HTML test
pages), extracts citations, then times each later stage separately and prints
the figures: reading + extraction, graph building, metrics (target: under
10 s), report (metrics.json, report.md, report.html) and exports. Article ids
are prefixed with their corpus folder so that they stay unique.

    python3 benchmarks/bench_graph.py [--corpora ../shared/corpora] [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import tempfile
import time
from pathlib import Path

from citegraph.outputs.exports import write_exports
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.graph.metrics import compute_metrics
from citegraph.pipeline import BuildOptions, extract_all, read_all
from citegraph.outputs.report import write_metrics, write_report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
HTML = dict(include=("*.html", "*.htm", "*.html.gz"), exclude=("expected.html",))
SETS = {
    "polnear": dict(include=("*/text/*.txt",)),
    "bbc-fulltext": dict(include=("*/*.txt",)),
    "gum-wikinews": dict(include=("*.txt",)),
    "aeb-html": HTML,
    "readability-testpages": HTML,
    "newspaper4k-fixtures": HTML,
    "goose3-fixtures": HTML,
    "trafilatura-pages": HTML,
}


def read_corpora(corpora: Path):
    articles, skips = [], []
    for name, globs in SETS.items():
        if not (corpora / name).exists():
            continue
        found, skipped = read_all(BuildOptions(inputs=(corpora / name,), **globs))
        articles += [dataclasses.replace(a, id=f"{name}/{a.id}") for a in found]
        skips += skipped
    return sorted(articles, key=lambda a: a.id), sorted(skips)


def timed(label: str, func, *args):
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<28}{seconds:>9.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--out", type=Path, default=None, help="where to write the report (default: a temp folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="citegraph-bench-"))

    def read_and_extract():
        articles, skips = read_corpora(args.corpora)
        return articles, skips, extract_all(articles, BuildOptions())

    articles, skips, citations = timed("reading + extraction", read_and_extract)
    gazetteer = Gazetteer.load()
    G = timed("graph building", build_graph, articles, citations, gazetteer)
    metrics = timed("metrics", compute_metrics, G)
    timed("report", lambda: [write_metrics(metrics, out), *write_report(G, metrics, out, skips)])
    timed("exports", write_exports, G, out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    print(f"articles {len(articles)}, skipped {len(skips)}, citations {len(citations)}, "
          f"nodes {G.number_of_nodes()}, edges {G.number_of_edges()}, peak RSS {rss:.0f} MB")
    print(f"outlets in projection {len(metrics['pagerank'])}, betweenness sampled: {metrics['betweenness_sampled']}")
    print(f"wrote {out}: " + ", ".join(f"{n} {s / 1e6:.1f} MB" for n, s in sizes.items()))


if __name__ == "__main__":
    main()
