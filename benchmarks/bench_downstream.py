"""Downstream benchmark: time every stage after extraction on an existing build, and check its bytes.

Reads the store of a finished ``citegraph build`` (``OUT/citegraph.sqlite``)
and runs, in this process, what a rebuild runs once the store is up to date:
load the records the graph needs, stream the JSONL records, build the graph,
compute the metrics, write metrics.json and the report, the explorer and
the five exports (which a build writes only with ``--exports``). It prints wall and CPU seconds per stage (CPU seconds hardly
depend on what else runs on a shared machine; wall seconds do), and, with
``--golden DIR``, whether every output file has the same bytes as in DIR
(for example the outputs of the build itself, or a copy saved before a
change).

Usage: python benchmarks/bench_downstream.py OUT [--golden DIR] [--work DIR] [--max-nodes N]

To make an OUT at scale, build a corpus as benchmarks/bench_scale.py does and
run ``citegraph build CORPUS --out OUT`` once.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from citegraph import pipeline
from citegraph.graph.metrics import compute_metrics
from citegraph.outputs.explorer import ExplorerOptions, write_explorer
from citegraph.outputs.exports import write_exports
from citegraph.outputs.recordfiles import write_records
from citegraph.outputs.report import write_metrics, write_report
from citegraph.store import STORE_NAME, Store


class Clock:
    """Wall and CPU seconds per named stage."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def run(self, name: str, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        self.rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
        return result

    def table(self) -> str:
        lines = ["| stage | wall s | CPU s |", "|---|---:|---:|"]
        lines += [f"| {name} | {wall:.2f} | {cpu:.2f} |" for name, wall, cpu in self.rows]
        lines.append(f"| total | {sum(r[1] for r in self.rows):.2f} | {sum(r[2] for r in self.rows):.2f} |")
        return "\n".join(lines)


def _load(store: Store):
    return list(store.article_heads()), list(store.citations())


def run(out: Path, work: Path, max_nodes: int) -> Clock:
    clock = Clock()
    options = pipeline.BuildOptions(inputs=(), out=work, max_nodes=max_nodes)
    with Store.open(out / STORE_NAME) as store:
        skips = store.skips()
        articles, citations = clock.run("load", _load, store)
        clock.run("records", write_records, store, work)
    graph = clock.run("graph", pipeline.build_citation_graph, articles, citations, options)
    metrics = clock.run("metrics", compute_metrics, graph)
    clock.run("report", lambda: [write_metrics(metrics, work), *write_report(graph, metrics, work, skips)])
    clock.run("exports", write_exports, graph, work)
    clock.run("explorer", write_explorer, graph, work / "graph.html", ExplorerOptions(max_nodes=max_nodes))
    print(f"{len(articles):,} articles, {len(citations):,} citations, graph of {graph.number_of_nodes():,} nodes "
          f"and {graph.number_of_edges():,} edges")
    return clock


def compare(work: Path, golden: Path) -> list[str]:
    """Names of the files in ``golden`` (besides the store) whose bytes differ in ``work``."""
    names = sorted(p.name for p in golden.iterdir() if p.is_file() and not p.name.startswith(STORE_NAME))
    return [n for n in names if not (work / n).is_file() or (work / n).read_bytes() != (golden / n).read_bytes()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the --out folder of an earlier citegraph build")
    parser.add_argument("--golden", type=Path, default=None, help="compare every output with this folder's files")
    parser.add_argument("--work", type=Path, default=None, help="where to write (default: a new temp folder)")
    parser.add_argument("--max-nodes", type=int, default=pipeline.BuildOptions().max_nodes)
    args = parser.parse_args()
    if not (args.out / STORE_NAME).is_file():
        raise SystemExit(f"{args.out / STORE_NAME} is absent: run `citegraph build CORPUS --out {args.out}` first")
    work = args.work or Path(tempfile.mkdtemp(prefix="citegraph-downstream-"))
    try:
        clock = run(args.out, work, args.max_nodes)
        print(clock.table())
        if args.golden is not None:
            differ = compare(work, args.golden)
            print("outputs byte-identical to", args.golden if not differ else f"{args.golden} except {differ}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
