"""Benchmark the explorer on collections of 500, 2,000 and 10,000 articles: build, load, hover, filter.

Collections come from real articles: the shared corpora (../shared/corpora,
3,604 articles) are read and extracted once (or taken from a build's store
with ``--store``). A collection of N articles is the first N article ids
with their citations; past the corpus the records are repeated with
distinct ids (``<id>~copy2``), so cited outlets and documents are shared as
in a larger real collection. Each collection's graph, metrics and explorer
page are made as a build makes them (``compute_metrics``, then
``write_explorer`` with those metrics and the built-in gazetteer).

Printed per collection: the graph's nodes, seconds to build the page, its
size, then in headless Chromium (the median of ``--repeats`` loads, with the
range): milliseconds from navigation start until the opening view (the
overview above 400 nodes) is drawn and still (``citegraphState.readyMs``),
of which the page's JSON was parsed by ``parsedMs``; then, on the loaded
page, the milliseconds one hover takes until the dimmed redraw is done, one
date-range filter change takes (counts recomputed, the view updated), and
one search. The machine check (benchmarks/machine.py) is printed beside.

    python benchmarks/bench_explorer.py [--sizes 500 2000 10000] [--store out/citegraph.sqlite]
        [--cache bench-out/explorer.pickle] [--keep bench-out/explorer]
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import machine  # benchmarks/machine.py: how fast the machine is right now
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.metrics import compute_metrics
from citegraph.graph.model import build_graph
from citegraph.outputs.explorer import ExplorerOptions, write_explorer
from citegraph.pipeline import BuildOptions, extract_all, read_all
from citegraph.store import Store

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
CHROMIUM = "/usr/bin/chromium"


def real_records(store: Path | None, cache: Path | None):
    """The corpus's articles and citations: from a build's store, a cache of a previous run, or read anew."""
    if store:
        with Store.open(store) as db:
            articles, citations = list(db.article_heads()), list(db.citations())
        print(f"loaded {len(articles)} articles, {len(citations)} citations from {store}")
        return articles, citations
    if cache and cache.exists():
        articles, citations = pickle.loads(cache.read_bytes())
        print(f"loaded {len(articles)} articles, {len(citations)} citations from {cache}")
        return articles, citations
    options = BuildOptions(inputs=(CORPORA,))
    started = time.perf_counter()
    articles, _ = read_all(options)
    citations = extract_all(articles, options)
    print(f"read+extract {len(articles)} articles, {len(citations)} citations in {time.perf_counter() - started:.1f} s")
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps((articles, citations)))
    return articles, citations


def collection(articles, citations, size: int):
    """``size`` articles (the first ids, repeated with new ids past the corpus) and their citations."""
    ordered = sorted(articles, key=lambda a: a.id)
    by_article: dict[str, list] = {}
    for c in citations:
        by_article.setdefault(c.article, []).append(c)
    arts, cits = [], []
    copy = 1
    while len(arts) < size:
        for a in ordered:
            if len(arts) == size:
                break
            new_id = a.id if copy == 1 else f"{a.id}~copy{copy}"
            arts.append(a if copy == 1 else dataclasses.replace(a, id=new_id))
            cits += [c if copy == 1 else dataclasses.replace(c, article=new_id) for c in by_article.get(a.id, ())]
        copy += 1
    return arts, cits


HOVER = """async () => {
    const net = window.citegraph.network, ids = window.citegraph.labels();
    const id = ids[0], box = document.getElementById('graph').getBoundingClientRect();
    net.focus(id, {animation: false});
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const p = net.canvasToDOM(net.getPositions([id])[id]);
    return [box.left + p.x, box.top + p.y];
}"""

FILTER = """async () => {
    const from = document.getElementById('date-from'), t = performance.now();
    from.value = '2016-01-01'; from.dispatchEvent(new Event('input'));
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const total = performance.now() - t, render = window.citegraphState.lastUpdateMs;
    from.value = ''; from.dispatchEvent(new Event('input'));
    return [total, render];
}"""

SEARCH = """() => { const t = performance.now(); const hits = window.citegraph.search('reuters');
                   return [performance.now() - t, hits.length]; }"""


def load_page(context, path: Path) -> dict:
    page = context.new_page()
    blocked: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else (blocked.append(r.request.url), r.abort()))
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("() => window.citegraphState && window.citegraphState.ready", timeout=600_000, polling=50)
    wall = time.perf_counter() - started
    state = page.evaluate("window.citegraphState")
    x, y = page.evaluate(HOVER)
    page.mouse.move(x + 60, y + 60)
    page.evaluate("window.citegraphState.lastUpdateMs = null")
    page.mouse.move(x, y)
    page.wait_for_function("() => window.citegraph.dimmed() && window.citegraphState.lastUpdateMs !== null", timeout=10_000)
    hover_ms = page.evaluate("window.citegraphState.lastUpdateMs")
    filter_ms, render_ms = page.evaluate(FILTER)
    search_ms, _ = page.evaluate(SEARCH)
    page.close()
    return {"ready_ms": state["readyMs"], "parsed_ms": state["parsedMs"], "view": state["view"], "drawn": state["drawn"],
            "wall": wall, "hover_ms": hover_ms, "filter_ms": filter_ms, "render_ms": render_ms, "search_ms": search_ms,
            "blocked": len(blocked)}


def measure_page(context, path: Path, repeats: int) -> dict:
    """The median of ``repeats`` loads (the machine is shared: single loads vary two-fold)."""
    runs = [load_page(context, path) for _ in range(repeats)]
    median = {key: statistics.median(r[key] for r in runs) for key in ("ready_ms", "parsed_ms", "wall", "hover_ms",
                                                                       "filter_ms", "render_ms", "search_ms")}
    ready = sorted(r["ready_ms"] for r in runs)
    return {**runs[0], **median, "spread": (ready[0], ready[-1]), "blocked": sum(r["blocked"] for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000], help="articles per collection")
    parser.add_argument("--store", type=Path, help="a build's citegraph.sqlite to take the corpus's records from")
    parser.add_argument("--cache", type=Path, help="pickle of the extracted records, reused when present")
    parser.add_argument("--repeats", type=int, default=3, help="page loads per collection; the median is printed")
    parser.add_argument("--keep", type=Path, help="write the pages here instead of a temporary folder")
    args = parser.parse_args(argv)
    if not args.store and not CORPORA.exists():
        print(f"{CORPORA} is absent; pass --store", file=sys.stderr)
        return 1
    print(machine.describe())
    articles, citations = real_records(args.store, args.cache)
    gazetteer = Gazetteer.load()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        print(f"{'articles':>8} {'nodes':>6} {'build s':>7} {'MB':>5} {'view':>9} {'drawn':>5} {'ready ms':>8} "
              f"{'(min-max)':>11} {'parsed':>6} {'hover ms':>8} {'filter ms':>9} {'(render)':>8} {'search ms':>9} {'blocked':>7}")
        for size in args.sizes:
            G = build_graph(*collection(articles, citations, size), gazetteer)
            path = folder / f"graph-{size}.html"
            started = time.perf_counter()
            write_explorer(G, path, ExplorerOptions(), compute_metrics(G), gazetteer)
            built = time.perf_counter() - started
            r = measure_page(context, path.resolve(), args.repeats)
            spread = f"{r['spread'][0]:.0f}-{r['spread'][1]:.0f}"
            print(f"{size:>8} {G.number_of_nodes():>6} {built:>7.2f} {path.stat().st_size / 1e6:>5.1f} {r['view']:>9} "
                  f"{r['drawn']:>5} {r['ready_ms']:>8.0f} {spread:>11} {r['parsed_ms']:>6.0f} {r['hover_ms']:>8.1f} "
                  f"{r['filter_ms']:>9.1f} {r['render_ms']:>8.1f} {r['search_ms']:>9.1f} {r['blocked']:>7}", flush=True)
        browser.close()
    print(machine.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
