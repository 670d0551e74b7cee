"""Benchmark the explorer's build side: CPU seconds to render graph.html, per stage, warm and first call.

A rebuild renders the explorer once per process, so two figures matter: the
first call in a fresh process (with the imports it pulls in: numpy for the
spring layout, pyvis for the vis options) and a warm call. Both are CPU
seconds (``time.process_time``), best of ``--repeats``, beside the machine
check (benchmarks/machine.py), since this shared machine's speed varies.

The graph is a pickled ``nx.DiGraph`` (``--graph``), or the shared corpora
scaled to ``--nodes`` nodes as in bench_explorer.py. With ``--against REV``
the same figures are printed for ``citegraph/explorer.py`` as it was at that
git revision, and the two pages are compared byte for byte.

    python benchmarks/bench_explorer_build.py --graph /tmp/G10k.pickle --against HEAD~1
    python benchmarks/bench_explorer_build.py --nodes 10000 [--cache bench-out/explorer.pickle]
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import describe  # noqa: E402

from citegraph import explorer  # noqa: E402

FIRST_CALL = """
import importlib.util, pickle, sys, time
import networkx, citegraph
G = pickle.load(open(sys.argv[1], "rb"))
started = time.process_time()
if sys.argv[2]:
    spec = importlib.util.spec_from_file_location("citegraph._explorer_then", sys.argv[2])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
else:
    from citegraph import explorer as module
module.render_explorer(G, module.ExplorerOptions(max_nodes=int(sys.argv[3])))
print(time.process_time() - started)
"""


def best_cpu(call, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        call()
        best = min(best, time.process_time() - started)
    return best


def first_call(graph_file: Path, module_file: str, max_nodes: int, repeats: int) -> float:
    """Best CPU seconds of importing the explorer and rendering once, each time in a fresh process."""
    runs = [
        float(subprocess.run([sys.executable, "-c", FIRST_CALL, str(graph_file), module_file, str(max_nodes)],
                             capture_output=True, text=True, check=True, cwd=REPO).stdout)
        for _ in range(repeats)
    ]
    return min(runs)


def stages(G, options, repeats: int) -> dict[str, float]:
    """Warm CPU seconds of each stage of ``render_explorer``."""
    m = explorer
    scores = m.importance(G)
    part = m.Shown.of(G, m.select_nodes(G, scores, options.max_nodes))
    positions = m.compute_layout(part, scores, options) if len(part.nodes) > options.layout_threshold else {}
    payload = m.build_payload(G, part, scores, positions, options)
    return {
        "importance": best_cpu(lambda: m.importance(G), repeats),
        "select": best_cpu(lambda: m.Shown.of(G, m.select_nodes(G, scores, options.max_nodes)), repeats),
        "layout": best_cpu(lambda: m.compute_layout(part, scores, options), repeats) if positions else 0.0,
        "payload": best_cpu(lambda: m.build_payload(G, part, scores, positions, options), repeats),
        "json": best_cpu(lambda: m.embed_json(payload), repeats),
        "page": best_cpu(lambda: m.render_page(payload, options), repeats),
    }


def load_then(rev: str, folder: Path) -> tuple[object, Path]:
    """``citegraph/explorer.py`` at git revision ``rev``, as a module (and the file it was loaded from)."""
    source = subprocess.run(["git", "show", f"{rev}:citegraph/explorer.py"], capture_output=True, text=True,
                            check=True, cwd=REPO).stdout
    path = folder / "explorer_then.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("citegraph._explorer_then", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module, path


def corpus_graph(nodes: int, cache: Path | None):
    from bench_explorer import CORPORA, DEFAULT_INPUTS, real_records, scaled_graph, take

    from citegraph.gazetteer import Gazetteer

    inputs = [CORPORA / name for name in DEFAULT_INPUTS if (CORPORA / name).exists()]
    articles, citations = real_records(inputs, cache)
    return take(scaled_graph(articles, citations, nodes, Gazetteer.load()), nodes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="a pickled nx.DiGraph (e.g. a 10,000-article citation graph)")
    parser.add_argument("--nodes", type=int, default=10_000, help="without --graph: corpus graph of this many nodes")
    parser.add_argument("--cache", type=Path, help="without --graph: bench_explorer.py's pickle of extracted records")
    parser.add_argument("--max-nodes", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="also measure explorer.py at this git revision")
    args = parser.parse_args(argv)
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        graph_file = args.graph
        if graph_file is None:
            graph_file = Path(tmp) / "graph.pickle"
            graph_file.write_bytes(pickle.dumps(corpus_graph(args.nodes, args.cache)))
        G = pickle.loads(graph_file.read_bytes())
        print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges; max_nodes={args.max_nodes}")
        versions = [("now", explorer, "")]
        if args.against:
            module, path = load_then(args.against, Path(tmp))
            versions.insert(0, (args.against, module, str(path)))
        pages = {}
        print(f"{'explorer.py':>12} {'warm CPU s':>10} {'first call CPU s':>16}  (best of {args.repeats})")
        for label, module, path in versions:
            options = module.ExplorerOptions(max_nodes=args.max_nodes)
            pages[label] = module.render_explorer(G, options)
            warm = best_cpu(lambda: module.render_explorer(G, options), args.repeats)
            first = first_call(graph_file, path, args.max_nodes, args.repeats)
            print(f"{label:>12} {warm:>10.3f} {first:>16.3f}")
        if args.against:
            same = pages[args.against] == pages["now"]
            print(f"page: {len(pages['now'].encode('utf-8'))} bytes, {'byte-identical' if same else 'DIFFERENT'} to {args.against}'s")
        split = stages(G, explorer.ExplorerOptions(max_nodes=args.max_nodes), args.repeats)
        print("warm stages now (CPU s): " + ", ".join(f"{name} {cpu:.3f}" for name, cpu in split.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
