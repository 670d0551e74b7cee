"""The interactive explorer: one self-contained, offline, script-safe HTML page.

pyvis assembles the vis-network data model (nodes, edges, options); the page
itself comes from our own template in ``static/``. Nothing from an article
ever becomes markup: the graph travels as JSON inside
``<script type="application/json">`` with ``<``, ``>``, ``&`` and U+2028/9
escaped, and the page script renders every name, title and evidence sentence
with ``textContent``. vis-network and our own script and style are inlined,
and a Content-Security-Policy allows only those two scripts (by hash) and no
request to any host.

Large graphs stay readable: only the ``max_nodes`` most-cited nodes are
shown (the page says how many are hidden and how to see more), and above
``layout_threshold`` shown nodes the layout is computed here (a seeded
``nx.spring_layout`` of the hubs, every other node placed around its
neighbours), with physics off in the browser. Smaller graphs stabilise in
the browser and then stop.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import logging
import math
import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from itertools import count
from typing import Any, Iterator
from urllib.parse import urlsplit

from .. import lazy
from ..errors import BuildError
from ..fsutil import atomic_write_text

nx = lazy.load("networkx")

pyvis = lazy.load("pyvis")

log = logging.getLogger(__name__)

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SLOT = re.compile(r"@@CITEGRAPH_([A-Z_]+)@@")


@dataclass(frozen=True)
class ExplorerOptions:
    """How the explorer page is built.

    ``max_nodes`` caps the nodes shown (the most-cited are kept);
    above ``layout_threshold`` shown nodes the layout is computed at build
    time and physics is off in the browser; ``hub_count`` nodes get a spring
    layout and the rest are placed around their neighbours.
    """

    max_nodes: int = 1500
    title: str = "citegraph explorer"
    layout_threshold: int = 300
    hub_count: int = 250
    seed: int = 7
    label_chars: int = 40
    stabilization_iterations: int = 400


def write_explorer(G: nx.DiGraph, path: Path, options: ExplorerOptions | None = None) -> Path:
    """Write the explorer page for ``G`` to ``path`` atomically and return the path."""
    path = Path(path)
    atomic_write_text(path, render_explorer(G, options or ExplorerOptions()))
    log.info("wrote explorer %s", path)
    return path


def render_explorer(G: nx.DiGraph, options: ExplorerOptions) -> str:
    """The explorer page as a string: same graph and options, same bytes."""
    if not isinstance(G, nx.DiGraph):
        raise BuildError(f"the explorer needs a networkx DiGraph from graph.build_graph, not {type(G).__name__}")
    if options.max_nodes < 1:
        raise BuildError(f"max_nodes must be at least 1, not {options.max_nodes}: pass --max-nodes 1 or more")
    return _render(G, options)


def _render(G: nx.DiGraph, options: ExplorerOptions) -> str:
    scores = importance(G)
    part = shown_part(G, select_nodes(G, scores, options.max_nodes))
    precomputed = part.number_of_nodes() > options.layout_threshold
    positions = compute_layout(part, scores, options) if precomputed else {}
    payload = build_payload(G, part, scores, positions, options)
    return render_page(payload, options)


# ---------------------------------------------------------------- selection


def shown_part(G: nx.DiGraph, shown: list[str]) -> nx.DiGraph:
    """The subgraph of the nodes ``shown``, nodes and each adjacency in id order.

    (A ``G.subgraph`` view would list them in the order of a set, which
    differs from run to run: the page would not be the same bytes.)
    """
    part = nx.DiGraph()
    part.add_nodes_from((n, G.nodes[n]) for n in sorted(shown))
    part.add_edges_from((u, v, G.succ[u][v]) for u in part for v in sorted(G.succ[u]) if v in part)
    return part


def importance(G: nx.DiGraph) -> dict[str, int]:
    """Citations touching each node: the summed ``count`` of its edges.

    A cited outlet scores how often it is cited (and how many articles it
    published), an article how many citations it makes.

    >>> G = nx.DiGraph([("article:a", "outlet:X", {"count": 2})])
    >>> importance(G)
    {'article:a': 2, 'outlet:X': 2}
    """
    scores = dict.fromkeys(G, 0)
    for u, targets in G.adjacency():
        made = 0
        for v, data in targets.items():
            count = int(data.get("count", 1) or 1)
            made += count
            scores[v] += count
        scores[u] += made
    return scores


def _ranked(nodes, scores: dict[str, int]) -> list[str]:
    """Nodes by falling score, ties by id (two stable sorts: cheaper than a tuple key)."""
    return sorted(sorted(nodes), key=scores.__getitem__, reverse=True)


def select_nodes(G: nx.DiGraph, scores: dict[str, int], max_nodes: int) -> list[str]:
    """The ``max_nodes`` most important nodes (ties broken by id), sorted by id.

    A node in that top none of whose neighbours is in it would float alone:
    it gives way to the next most important node linked to the selection,
    as long as there is one.
    """
    ranked = _ranked(G, scores)
    if len(ranked) <= max_nodes:
        return sorted(ranked)
    chosen = set(ranked[:max_nodes])
    succ, pred = G.succ, G.pred
    linked = lambda n: any(m in chosen for m in succ[n]) or any(m in chosen for m in pred[n])  # noqa: E731
    lone = [n for n in ranked[:max_nodes] if not linked(n)]
    chosen.difference_update(lone)
    for node in ranked[max_nodes:]:
        if len(chosen) == max_nodes:
            break
        if node not in chosen and linked(node):
            chosen.add(node)
    refill = max_nodes - len(chosen)
    return sorted(chosen | set(lone[:refill] if refill > 0 else []))


# ------------------------------------------------------------------- layout


def compute_layout(part: nx.DiGraph, scores: dict[str, int], options: ExplorerOptions) -> dict[str, tuple[int, int]]:
    """Fixed positions for a large graph: a seeded spring layout of the hubs,
    every other node on a spiral around the nodes it is linked to.

    The hubs are the most cited nodes of the largest connected part, pulled
    together when the same articles cite them. Smaller parts start from
    cells to the right. Past the
    hubs this is linear in the size of the graph (10,000 nodes in about a
    second) and deterministic for the same graph and seed.
    """
    ranked = _ranked(part, scores)
    adjacency = {n: sorted({*part.succ[n], *part.pred[n]}) for n in part}
    main_part = _largest_part(adjacency, ranked)
    hubs = [n for n in ranked if n in main_part][: options.hub_count]
    positions = _hub_positions(adjacency, hubs, part.number_of_nodes(), options.seed)
    slots: dict[tuple[str, ...], int] = {}
    _place_around(adjacency, hubs, positions, slots)
    cells = _cells(positions)
    for node in ranked:
        if node not in positions:
            positions[node] = next(cells)
            _place_around(adjacency, [node], positions, slots)
    return {n: (round(x), round(y)) for n, (x, y) in positions.items()}


def _largest_part(adjacency: dict[str, list[str]], ranked: list[str]) -> set[str]:
    """The largest connected part; of equal ones, the part holding the higher-ranked node."""
    best: set[str] = set()
    seen: set[str] = set()
    for node in ranked:  # each part is first met at its highest-ranked node
        if node in seen:
            continue
        part, queue = {node}, deque([node])
        while queue:
            for m in adjacency[queue.popleft()]:
                if m not in part:
                    part.add(m)
                    queue.append(m)
        seen |= part
        if len(part) > len(best):
            best = part
    return best


def _hub_positions(adjacency: dict[str, list[str]], hubs: list[str], size: int, seed: int) -> dict:
    """Spring layout of the hubs, linked directly or through articles citing both."""
    scale = 60.0 * math.sqrt(size)
    core = nx.Graph()
    core.add_nodes_from(hubs)
    core.add_edges_from((hubs[i], hubs[j]) for i, j in _hub_links(adjacency, hubs))
    layout = nx.spring_layout(core, seed=seed, scale=scale, iterations=60, weight=None)
    return {n: _spread(float(layout[n][0]), float(layout[n][1]), scale) for n in hubs}


def _hub_links(adjacency: dict[str, list[str]], hubs: list[str]) -> list[tuple[int, int]]:
    """Pairs of hubs (as indexes into ``hubs``) linked directly or through a node linked to both."""
    index = {hub: i for i, hub in enumerate(hubs)}
    pairs: set[tuple[int, int]] = set()
    for node, neighbours in adjacency.items():
        linked = [m for m in neighbours if m in index]
        links = [(node, m) for m in linked] if node in index else zip(linked, linked[1:] + linked[:1])
        pairs.update((index[u], index[v]) for u, v in links if u != v)
    return sorted(pairs)


def _spread(x: float, y: float, scale: float) -> tuple[float, float]:
    """Pull outliers in and open up the dense core: radius r becomes sqrt(r * scale)."""
    r = math.hypot(x, y)
    if r == 0:
        return x, y
    factor = math.sqrt(r * scale) / r
    return x * factor, y * factor


def _place_around(adjacency: dict[str, list[str]], start: list[str], positions: dict, slots: dict) -> None:
    """Breadth-first from ``start``: each node goes beside its neighbours placed so far."""
    queue = deque(start)
    while queue:
        for node in adjacency[queue.popleft()]:
            if node not in positions:
                anchors = [m for m in adjacency[node] if m in positions]
                positions[node] = _spiral_slot(anchors, positions, slots)
                queue.append(node)


def _spiral_slot(anchors: list[str], positions: dict, slots: dict) -> tuple[float, float]:
    key = tuple(anchors[:3])
    index = slots.get(key, 0)
    slots[key] = index + 1
    cx = sum(positions[a][0] for a in anchors) / len(anchors)
    cy = sum(positions[a][1] for a in anchors) / len(anchors)
    radius = 40.0 + 22.0 * math.sqrt(index)
    angle = index * GOLDEN_ANGLE
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _cells(positions: dict) -> Iterator[tuple[float, float]]:
    """Grid cells to the right of everything placed, for parts not linked to a hub."""
    xs = [x for x, _ in positions.values()] or [0.0]
    ys = [y for _, y in positions.values()] or [0.0]
    left, top, width = max(xs) + 300.0, min(ys), max(1, int((max(ys) - min(ys)) // 180) + 1)
    for i in count():
        yield left + 180.0 * (i // width), top + 180.0 * (i % width)


# ------------------------------------------------------------------ payload


@lru_cache(maxsize=1)
def kind_styles() -> dict[str, dict[str, Any]]:
    """Colour, shape and legend label per node kind, from ``static/kinds.json``."""
    return json.loads(_static("kinds.json"))


def _style(kind: str) -> dict[str, Any]:
    styles = kind_styles()
    return styles.get(kind, styles["other"])


def build_payload(
    G: nx.DiGraph, part: nx.DiGraph, scores: dict[str, int], positions: dict, options: ExplorerOptions
) -> dict[str, Any]:
    """The JSON the page script reads: the vis-network nodes, edges and options of a pyvis ``Network``,
    plus what the page shows beside them."""
    net = pyvis.network.Network(directed=True)
    cited = _cited_counts(part)
    for n, attrs in part.nodes(data=True):
        net.add_node(n, **_vis_node(n, attrs, cited.get(n, 0), positions.get(n), options))
    for i, (u, v, data) in enumerate(part.edges(data=True)):
        net.add_edge(u, v, **_vis_edge(i, data))
    precomputed = bool(positions)
    net.force_atlas_2based(**FORCE_ATLAS_2BASED)
    net.toggle_physics(not precomputed)
    net.set_edge_smooth("continuous")
    return {
        "meta": _meta(G, len(net.nodes), len(net.edges), precomputed, options),
        "kinds": _legend(part),
        "nodes": net.nodes,
        "edges": net.edges,
        "options": _vis_options(json.loads(net.options.to_json()), precomputed, options),
    }


def _cited_counts(part: nx.DiGraph) -> dict[str, int]:
    """How many articles cite each node."""
    counts: dict[str, int] = {}
    for _, v, data in part.edges(data=True):
        if data.get("relation") == "cites":
            counts[v] = counts.get(v, 0) + 1
    return counts


def _kind(node: str, attrs: dict) -> str:
    return str(attrs.get("kind") or node.split(":", 1)[0])


def _vis_node(node: str, attrs: dict, cited: int, position, options: ExplorerOptions) -> dict[str, Any]:
    """The options of the node's ``Network.add_node`` (pyvis adds its ``id``)."""
    kind = _kind(node, attrs)
    style = _style(kind)
    full = _text(attrs.get("label")) or node.split(":", 1)[-1]
    size = 9 if kind == "article" else min(60.0, 12 + 5 * math.sqrt(cited))
    data = {
        "label": _shorten(full, options.label_chars),
        "shape": style["shape"],
        "color": style["color"],
        "size": round(size, 2),
        "kind": kind,
        "name": full,
        "cited": cited,
        "attrs": _attrs(attrs),
    }
    if position is not None:
        data["x"], data["y"] = position
    return data


def _attrs(attrs: dict) -> dict[str, Any]:
    """Node attributes as JSON-safe values; an http(s) URL also gets ``href``."""
    out: dict[str, Any] = {}
    for key in sorted(attrs):
        value = attrs[key]
        if key in ("kind", "label") or value is None or value == "" or value == []:
            continue
        out[key] = value if type(value) is str else _jsonable(value)
    url = out.get("url")
    if isinstance(url, str) and safe_href(url):
        out["href"] = url
    return out


def safe_href(url: str) -> bool:
    """True for an absolute http or https URL with a host: the only links the page makes.

    >>> safe_href("https://example.com/a"), safe_href("javascript:alert(1)")
    (True, False)
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=_sort_key) if isinstance(value, (set, frozenset)) else items
    return str(value)


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _text(value: Any) -> str:
    """``value`` as one line, runs of white space made one space.

    >>> _text(" a\\tb\\u00a0 c\\n"), _text(None)
    ('a b c', '')
    """
    return "" if value is None else " ".join(str(value).split())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "\u2026"


def _vis_edge(index: int, attrs: dict) -> dict[str, Any]:
    """The options of the edge's ``Network.add_edge`` (pyvis adds ``from``, ``to`` and ``arrows``)."""
    relation = str(attrs.get("relation", ""))
    count = int(attrs.get("count", 1) or 1)
    return {
        "id": f"e{index}",
        "relation": relation,
        "count": count,
        "width": round(min(8.0, 1 + 1.5 * math.log2(count)), 2),
        "dashes": relation != "cites",
        "color": {"color": "#8a94a6" if relation == "cites" else "#c3cad6", "highlight": "#e15759"},
        "evidence": [_text(e.get("text")) if isinstance(e, dict) else _text(e) for e in _list(attrs.get("evidence"))],
        "cues": [_text(c) for c in _list(attrs.get("cues"))],
    }


def _list(value: Any) -> list:
    """A list attribute, also when an exporter already turned it into a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, (list, tuple)) else []


def _meta(
    G: nx.DiGraph, shown_nodes: int, shown_edges: int, precomputed: bool, options: ExplorerOptions
) -> dict[str, Any]:
    return {
        "title": options.title,
        "total_nodes": G.number_of_nodes(),
        "total_edges": G.number_of_edges(),
        "shown_nodes": shown_nodes,
        "shown_edges": shown_edges,
        "hidden_nodes": G.number_of_nodes() - shown_nodes,
        "max_nodes": options.max_nodes,
        "precomputed_layout": precomputed,
    }


def _legend(part: nx.DiGraph) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for node, attrs in part.nodes(data=True):
        kind = _kind(node, attrs)
        counts[kind] = counts.get(kind, 0) + 1
    rows = [{"kind": k, "count": c, **_style(k)} for k, c in counts.items()]
    return sorted(rows, key=lambda r: (r["order"], r["kind"]))


FORCE_ATLAS_2BASED = {
    "gravity": -60, "central_gravity": 0.01, "spring_length": 110, "spring_strength": 0.08, "damping": 0.5,
}


def _vis_options(opts: dict[str, Any], precomputed: bool, options: ExplorerOptions) -> dict[str, Any]:
    """vis-network options: the pyvis ``Network``'s (``opts``), then our interaction and style."""
    opts["physics"]["stabilization"].update(iterations=options.stabilization_iterations, updateInterval=25)
    opts["physics"]["minVelocity"] = 1.5
    opts["edges"].update(
        color={"inherit": False},
        arrows={"to": {"enabled": True, "scaleFactor": 0.5}},
        smooth=False if precomputed else {"enabled": True, "type": "continuous"},
    )
    opts["interaction"].update(
        hover=True, tooltipDelay=150, hideEdgesOnDrag=precomputed, hideEdgesOnZoom=precomputed, keyboard=False
    )
    opts["nodes"] = {
        "borderWidth": 1,
        "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"label": {"drawThreshold": 7}},
    }
    opts["layout"] = {"randomSeed": options.seed, "improvedLayout": not precomputed}
    return opts


def _pyvis_folder() -> Path:
    """Where pyvis is installed (its copy of vis-network is inlined into the page)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("pyvis is not installed: install it with `pip install 'pyvis>=0.3.2'`")
    return Path(next(iter(spec.submodule_search_locations)))


# --------------------------------------------------------------------- page


def _static(name: str) -> str:
    return resources.files("citegraph").joinpath("outputs", "static", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style as shipped inside the pyvis package."""
    lib = _pyvis_folder() / "lib" / "vis-9.1.2"
    try:
        return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise BuildError(f"cannot read vis-network from the pyvis package ({err}): reinstall with `pip install 'pyvis>=0.3.2'`") from err


def embed_json(data: Any) -> str:
    """JSON safe to place inside a ``<script type="application/json">`` element.

    >>> embed_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def _check_inline(name: str, text: str, closing: str) -> str:
    if closing in text.lower() or "<!--" in text:
        raise BuildError(f"{name} contains {closing!r} or '<!--' and cannot be inlined; reinstall pyvis/citegraph")
    return text


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(payload: dict[str, Any], options: ExplorerOptions) -> str:
    """Fill the page template; each slot is filled once, inserted text is never rescanned."""
    template, fixed = _page_parts()
    slots = {**fixed, "TITLE": html.escape(options.title), "DATA": embed_json(payload)}
    return _SLOT.sub(lambda m: slots[m.group(1)], template)


@lru_cache(maxsize=1)
def _page_parts() -> tuple[str, dict[str, str]]:
    """The template and the slots every page shares (the inlined files and their CSP hashes), once per process."""
    vis_js, vis_css = _vis_assets()
    app_js = _static("explorer.js")
    scripts = [_check_inline("vis-network.min.js", vis_js, "</script"), _check_inline("explorer.js", app_js, "</script")]
    csp = (
        "default-src 'none'; script-src " + " ".join(_script_hash(s) for s in scripts) + "; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    fixed = {
        "CSP": html.escape(csp),
        "VIS_CSS": _check_inline("vis-network.css", vis_css, "</style"),
        "APP_CSS": _check_inline("explorer.css", _static("explorer.css"), "</style"),
        "VIS_JS": scripts[0],
        "APP_JS": scripts[1],
    }
    return _static("explorer.html"), fixed


def find_explorer(out: Path) -> Path:
    """The explorer page a previous build wrote under ``out``."""
    path = Path(out) / "graph.html"
    if not path.is_file():
        raise BuildError(f"no explorer at {path}: run `citegraph build --out {out}` first, or pass the --out you built to")
    return path
