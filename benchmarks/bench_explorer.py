"""Benchmark the explorer: build time, page size, and load-until-still in Chromium.

Graphs come from real articles: the shared corpora (../shared/corpora, about
3,500 articles) are read and extracted once; when a size needs more nodes than
the corpus gives, the article and citation records are repeated with distinct
article ids (``<id>~copy2``), so cited outlets and documents are shared as in
a larger real collection. Each size is then an induced subgraph taken article
by article (with what each cites), cut to exactly N nodes.

For every size the page is built twice: with the default options (at most
1,500 nodes shown, the rest counted in the size note) and with
``max_nodes=N`` (everything shown). Printed per page: build seconds, size,
nodes drawn, milliseconds from navigation start until the graph is drawn and
still (``window.citegraphState.readyMs``), wall seconds from ``goto`` to that
point (the median of three loads, with the range), split into "data ms"
(HTML, scripts and the JSON parsed) and "vis ms" (vis-network built the
network), and how long one filter change and one search take once loaded.

    python benchmarks/bench_explorer.py [--sizes 500 2000 10000] [--inputs DIR ...]
        [--cache bench-out/explorer.pickle] [--keep bench-out/explorer]
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from citegraph.outputs.explorer import ExplorerOptions, write_explorer
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.pipeline import BuildOptions, extract_all, read_all

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_INPUTS = ("polnear", "bbc-fulltext", "gum-wikinews", "aeb-html", "trafilatura-pages")
CHROMIUM = "/usr/bin/chromium"


def real_records(inputs: list[Path], cache: Path | None):
    """Read and extract the corpus, or load the records a previous run cached."""
    if cache and cache.exists():
        articles, citations = pickle.loads(cache.read_bytes())
        print(f"loaded {len(articles)} articles, {len(citations)} citations from {cache}")
        return articles, citations
    options = BuildOptions(inputs=tuple(inputs))
    started = time.perf_counter()
    articles, _ = read_all(options)
    citations = extract_all(articles, options)
    print(f"read+extract {len(articles)} articles, {len(citations)} citations in {time.perf_counter() - started:.1f} s")
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps((articles, citations)))
    return articles, citations


def scaled_graph(articles, citations, nodes: int, gazetteer) -> nx.DiGraph:
    """Repeat the records with distinct ids until the graph has at least ``nodes`` nodes."""
    copies = 1
    while True:
        arts, cits = list(articles), list(citations)
        for k in range(2, copies + 1):
            arts += [dataclasses.replace(a, id=f"{a.id}~copy{k}") for a in articles]
            cits += [dataclasses.replace(c, article=f"{c.article}~copy{k}") for c in citations]
        G = build_graph(arts, cits, gazetteer)
        if G.number_of_nodes() >= nodes:
            return G
        copies += 1


def take(G: nx.DiGraph, nodes: int) -> nx.DiGraph:
    """An induced subgraph of exactly ``nodes`` nodes, article by article with what each cites."""
    order: dict[str, None] = {}
    for article in sorted(n for n, k in G.nodes(data="kind") if k == "article"):
        order[article] = None
        for cited in sorted(G.successors(article)):
            order[cited] = None
            order.update(dict.fromkeys(sorted(G.successors(cited))))
        for publisher in sorted(G.predecessors(article)):
            order[publisher] = None
        if len(order) >= nodes:
            break
    return G.subgraph(list(order)[:nodes]).copy()


def measure_page(context, path: Path, repeats: int) -> dict:
    """The median of ``repeats`` loads (the machine is shared: single loads vary two-fold)."""
    runs = sorted((load_page(context, path) for _ in range(repeats)), key=lambda r: r["ready_ms"])
    median = dict(runs[len(runs) // 2])
    median["spread"] = (runs[0]["ready_ms"], runs[-1]["ready_ms"])
    return median


def load_page(context, path: Path) -> dict:
    page = context.new_page()
    blocked: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else (blocked.append(r.request.url), r.abort()))
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.citegraphState && window.citegraphState.ready", timeout=600_000, polling=50)
    wall = time.perf_counter() - started
    state = page.evaluate("window.citegraphState")
    note = page.inner_text("#size-note") if page.is_visible("#size-note") else ""
    filter_ms = page.evaluate(
        """() => { const box = document.querySelector('#legend input[data-kind="article"]');
                   const t = performance.now(); box.click(); const n = window.citegraph.drawnIds().length;
                   box.click(); return [performance.now() - t, n]; }"""
    )
    search_ms = page.evaluate(
        """() => { const t = performance.now(); const f = document.getElementById('search-form');
                   document.getElementById('search').value = 'Reuters'; f.requestSubmit();
                   return performance.now() - t; }"""
    )
    page.close()
    return {"ready_ms": state["readyMs"], "parsed_ms": state["parsedMs"], "network_ms": state["networkMs"], "wall": wall, "drawn": state["drawn"], "note": note,
            "filter_ms": filter_ms[0], "search_ms": search_ms, "blocked": len(blocked)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--inputs", type=Path, nargs="+", default=[CORPORA / name for name in DEFAULT_INPUTS])
    parser.add_argument("--cache", type=Path, help="pickle of the extracted records, reused when present (e.g. bench-out/explorer.pickle)")
    parser.add_argument("--repeats", type=int, default=3, help="page loads per explorer; the median is printed")
    parser.add_argument("--keep", type=Path, help="write the pages here instead of a temporary folder")
    args = parser.parse_args(argv)
    inputs = [p for p in args.inputs if p.exists()]
    if not inputs:
        print(f"none of the inputs exist ({', '.join(map(str, args.inputs))}); pass --inputs", file=sys.stderr)
        return 1
    articles, citations = real_records(inputs, args.cache)
    gazetteer = Gazetteer.load()
    full = scaled_graph(articles, citations, max(args.sizes), gazetteer)
    print(f"real graph (scaled as needed): {full.number_of_nodes()} nodes, {full.number_of_edges()} edges")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        print(f"{'nodes':>6} {'shown':>6} {'build s':>7} {'MB':>5} {'drawn':>6} {'ready ms':>8} {'(min-max)':>11} "
              f"{'data ms':>7} {'vis ms':>7} {'wall s':>6} {'filter ms':>9} {'search ms':>9} {'blocked':>7}  note")
        for size in args.sizes:
            G = take(full, size)
            for label, options in (("default", ExplorerOptions()), ("all", ExplorerOptions(max_nodes=size))):
                if label == "all" and size <= ExplorerOptions().max_nodes:
                    continue
                path = folder / f"graph-{size}-{label}.html"
                started = time.perf_counter()
                write_explorer(G, path, options)
                built = time.perf_counter() - started
                r = measure_page(context, path.resolve(), args.repeats)
                shown = min(size, options.max_nodes)
                spread = f"{r['spread'][0]:.0f}-{r['spread'][1]:.0f}"
                print(f"{G.number_of_nodes():>6} {shown:>6} {built:>7.2f} {path.stat().st_size / 1e6:>5.2f} "
                      f"{r['drawn']:>6} {r['ready_ms']:>8.0f} {spread:>11} {r['parsed_ms']:>7.0f} "
                      f"{r['network_ms'] - r['parsed_ms']:>7.0f} {r['wall']:>6.2f} {r['filter_ms']:>9.0f} "
                      f"{r['search_ms']:>9.0f} {r['blocked']:>7}  {r['note']}", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
