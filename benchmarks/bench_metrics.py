"""Metrics and report benchmark: CPU seconds of what every rebuild recomputes over the whole graph.

A rebuild, even after one changed article, runs ``compute_metrics`` on the
whole graph and writes metrics.json, report.md and report.html from it. This
times the three (best of ``--repeat`` runs, CPU seconds by
``time.process_time``, so that other work on a shared machine counts little),
prints the machine check beside them (benchmarks/machine.py), and, with
``--golden DIR``, whether the three files have the same bytes as DIR's (for
example the files written by the code before a change, for the same graph).
``--stages`` also times the metrics' parts one by one.

Usage: python benchmarks/bench_metrics.py OUT [--golden DIR] [--repeat N] [--stages]

OUT is the ``--out`` folder of an earlier ``citegraph build`` (the graph is
built from its store, as a rebuild does). To time the code of another commit on the
same graph, run this script with ``PYTHONPATH`` pointing at that commit's
``citegraph`` (``git archive COMMIT citegraph | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import networkx as nx

import citegraph.graph.metrics as M
from citegraph import pipeline
from citegraph.outputs.report import write_metrics, write_report
from citegraph.store import STORE_NAME, Store
from machine import describe

FILES = ("metrics.json", "report.md", "report.html")


def best_cpu(fn: Callable[[], Any], repeat: int) -> float:
    """The fewest CPU seconds ``fn`` took in ``repeat`` runs (the collector emptied before each)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def load_graph(path: Path) -> tuple[nx.DiGraph, list]:
    """The graph and the skipped inputs of a build's store."""
    if not (path / STORE_NAME).is_file():
        raise SystemExit(f"{path} is not a build: run `citegraph build CORPUS --out {path}`")
    with Store.open(path / STORE_NAME) as store:
        skips, articles, citations = store.skips(), list(store.article_heads()), list(store.citations())
    return pipeline.build_citation_graph(articles, citations, pipeline.BuildOptions(inputs=(), out=path)), skips


def stage_rows(G: nx.DiGraph, repeat: int) -> list[tuple[str, float]]:
    """CPU seconds of the metrics' parts, each on the index and projection made once."""
    options = M.MetricsOptions()
    index = M._Index.of(G)
    P = M._outlet_projection(G, index)
    parts: list[tuple[str, Callable[[], Any]]] = [
        ("index", lambda: M._Index.of(G)),
        ("outlet projection", lambda: M._outlet_projection(G, index)),
        ("summary", lambda: M._summary(G, index)),
        ("most cited", lambda: [M._most_cited(G, index, kind) for kind in M.RANKED_KINDS]),
        ("pagerank", lambda: M._pagerank(P, options)),
        ("betweenness", lambda: M._betweenness(P, options)),
        ("communities", lambda: M._communities(index, P, options)),
        ("chains", lambda: M._citation_chains(index)),
        ("external sources", lambda: M._external_by_article(index)),
        ("anonymous share", lambda: M._anonymous_share(index, options)),
        ("over time", lambda: M._over_time(G, index)),
    ]
    return [(name, best_cpu(fn, repeat)) for name, fn in parts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="a build's --out folder")
    parser.add_argument("--golden", type=Path, default=None, help="compare the three files with this folder's")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best is printed")
    parser.add_argument("--stages", action="store_true", help="also time the metrics' parts")
    args = parser.parse_args()
    G, skips = load_graph(args.graph)
    print(describe())
    print(f"graph of {G.number_of_nodes():,} nodes and {G.number_of_edges():,} edges; best of {args.repeat} runs")
    work = Path(tempfile.mkdtemp(prefix="citegraph-bench-metrics-"))
    try:
        metrics = M.compute_metrics(G)
        rows = [
            ("compute_metrics", best_cpu(lambda: M.compute_metrics(G), args.repeat)),
            ("write_metrics", best_cpu(lambda: write_metrics(metrics, work), args.repeat)),
            ("write_report", best_cpu(lambda: write_report(G, metrics, work, skips), args.repeat)),
        ]
        print("| step | CPU s |\n|---|---:|")
        print("\n".join(f"| {name} | {cpu:.3f} |" for name, cpu in rows))
        print(f"| total | {sum(cpu for _, cpu in rows):.3f} |")
        if args.stages:
            print("| metrics part | CPU s |\n|---|---:|")
            print("\n".join(f"| {name} | {cpu:.3f} |" for name, cpu in stage_rows(G, args.repeat)))
        if args.golden is not None:
            differ = [n for n in FILES if (work / n).read_bytes() != (args.golden / n).read_bytes()]
            print("byte-identical to", args.golden if not differ else f"{args.golden} except {differ}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
