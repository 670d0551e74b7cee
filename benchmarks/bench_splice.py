"""Spliced exports benchmark: the five graph exports after one changed article, at 10k articles.

Builds the citation graph from a build store (copied first into a temporary
folder: the given store is only read), then prints CPU seconds (best of
``--repeat``; wall seconds beside them) of

* today's ``export.write_exports``,
* ``splice.write_exports_indexed`` (taking turns with the line above) (the same bytes, plus the index),
* ``splice.write_exports_spliced`` after one article changed: its title, and
  one of its citations dropped (so the GEXF ids of every later edge move),
* the pickled size of the index,

and checks that the spliced files equal the full write's, byte for byte.

Usage: python benchmarks/bench_splice.py [--store out-10000/citegraph.sqlite] [--repeat 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import filecmp
import pickle
import shutil
import tempfile
import time
from pathlib import Path

import machine  # benchmarks/machine.py: how fast the machine is right now

from citegraph.export import EXPORT_FILES, write_exports
from citegraph.pipeline import BuildOptions, build_citation_graph
from citegraph.splice import write_exports_indexed, write_exports_spliced
from citegraph.store import Store


def load(store_path: Path, work: Path):
    """The store's articles and citations, read from a copy of it."""
    copy = work / "citegraph.sqlite"
    shutil.copyfile(store_path, copy)
    with Store.open(copy) as store:
        return list(store.article_heads()), list(store.citations())


def changed_one(articles, citations):
    """The middle article retitled, and the last of its citations dropped."""
    target = articles[len(articles) // 2]
    articles = [dataclasses.replace(a, title=a.title + " (corrected)") if a is target else a for a in articles]
    own = [i for i, c in enumerate(citations) if c.article == target.id]
    dropped = set(own[-1:])
    return articles, [c for i, c in enumerate(citations) if i not in dropped]


def dirty_sets(G0, G1):
    nodes = {n for n, d in G1.nodes(data=True) if n not in G0 or G0.nodes[n] != d}
    edges = {(u, v) for u, v, d in G1.edges(data=True) if not G0.has_edge(u, v) or G0.edges[u, v] != d}
    return nodes, edges


def timed(repeat: int, *runs) -> list[tuple[float, float, object]]:
    """Best CPU and wall seconds of ``repeat`` runs of each of ``runs``, and its last result.

    The runs take turns, so that a change in the host's load touches them alike.
    """
    best = [[float("inf"), float("inf"), None] for _ in runs]
    for _ in range(repeat):
        for figures, run in zip(best, runs):
            c, w = time.process_time(), time.perf_counter()
            figures[2] = run()
            figures[0] = min(figures[0], time.process_time() - c)
            figures[1] = min(figures[1], time.perf_counter() - w)
    return [tuple(figures) for figures in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/b10/out-10000/citegraph.sqlite"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-splice-") as tmp:
        work = Path(tmp)
        articles, citations = load(args.store, work)
        options = BuildOptions()
        G0 = build_citation_graph(articles, citations, options)
        G1 = build_citation_graph(*changed_one(articles, citations), options)
        nodes, edges = dirty_sets(G0, G1)
        print(f"graph: {len(articles)} articles, {G0.number_of_nodes()} nodes, {G0.number_of_edges()} edges; "
              f"after one article changed: {len(nodes)} dirty nodes, {len(edges)} dirty edges, "
              f"{G0.number_of_edges() - G1.number_of_edges()} edge(s) fewer")
        print(machine.describe())
        today, indexed = timed(args.repeat, lambda: write_exports(G0, work / "today"),
                               lambda: write_exports_indexed(G0, work / "previous"))
        index = indexed[2]
        size = sum(f.stat().st_size for f in (work / "previous").iterdir() if f.name in EXPORT_FILES)
        print(f"export files: {size / 1e6:.1f} MB")
        print(f"write_exports (today):      {today[0]:.3f} CPU s  ({today[1]:.3f} s wall)")
        print(f"write_exports_indexed:      {indexed[0]:.3f} CPU s  ({indexed[1]:.3f} s wall)  "
              f"{100 * (indexed[0] / today[0] - 1):+.1f}% vs today")
        [spliced] = timed(args.repeat, lambda: write_exports_spliced(
            G1, work / "spliced", EXPORT_FILES, index, work / "previous", nodes, edges))
        print(f"write_exports_spliced:      {spliced[0]:.3f} CPU s  ({spliced[1]:.3f} s wall)  one article changed")
        print(f"index pickled:              {len(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6:.2f} MB")
        full = write_exports_indexed(G1, work / "full")
        same = all(filecmp.cmp(work / "spliced" / n, work / "full" / n, shallow=False) for n in EXPORT_FILES)
        print(f"spliced files equal a full write: {same}; index equal: {spliced[2] == full}")
        print(machine.describe())


if __name__ == "__main__":
    main()
