"""The interactive explorer: one self-contained, offline, script-safe HTML page.

The page answers questions on a whole collection, drawn or not. It carries:

* an **index of every node and edge** (names, aliases from the outlet
  gazetteer, counts taken from ``metrics.json``'s rules, communities,
  article dates), which search, filters, counts and the details panel read;
* the **evidence** of every citation, in a second JSON block parsed only when
  first shown;
* the **views** that are drawn, each a vis-network data model assembled by
  pyvis's ``Network`` (``add_node``, ``add_edge``, its options methods):
  the ``overview`` of outlets (who cites whom, aggregated; sized by citing
  articles, coloured by community), the ``documents`` with the outlets and
  articles behind them, and the ``full`` graph (its ``max_nodes`` most
  important nodes). The ``story`` view (one node's neighbourhood, grown a
  step at a time) is drawn by the page from the index with the same styles.

Nothing from an article ever becomes markup: the data travels as JSON inside
``<script type="application/json">`` with ``<``, ``>``, ``&`` and U+2028/9
escaped, and the page script renders every name, title and evidence sentence
with ``textContent``. vis-network and our own script and style are inlined,
and a Content-Security-Policy allows only those two scripts (by hash) and no
request to any host. Same graph and options, same bytes: layouts are seeded,
everything is sorted. Measured figures are in docs/SCALE.md ("Explorer").
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
import shlex
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import combinations, count
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from .. import lazy
from ..errors import BuildError
from ..extract.gazetteer import Gazetteer
from ..fsutil import atomic_write_pieces, atomic_write_text, compact_json_pieces
from ..graph.memo import positions_data, positions_of, remember
from ..graph.metrics import compute_metrics

nx = lazy.load("networkx")

pyvis = lazy.load("pyvis")
np = lazy.load("numpy")

log = logging.getLogger(__name__)

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SLOT = re.compile(r"@@CITEGRAPH_([A-Z_]+)@@")
SOURCE_KINDS = ("outlet", "document", "person", "organization", "anonymous")
VIEWS = ("overview", "documents", "story", "full")


@dataclass(frozen=True)
class ExplorerOptions:
    """How the explorer page is built.

    ``max_nodes`` caps the nodes the full-graph view draws (the most-cited
    are kept; search, counts and the other views still cover every node);
    above ``layout_threshold`` drawn nodes a view's layout is computed at
    build time and physics is off in the browser; ``hub_count`` nodes get a
    spring layout and the rest are placed around their neighbours.
    ``documents_nodes`` caps the documents view, ``story_step`` the nodes
    one step of the story view adds. The page opens on the overview when the
    graph has more than ``overview_above`` nodes, else on the full graph.
    ``command`` is the build command the size note offers, without
    ``--out`` (``rebuild_command``); the page appends ``--out`` (the folder
    it was opened from) and ``--max-nodes``. ``evidence_budget`` caps the
    evidence sentences the page carries: above it, the citations of the
    most-cited sources keep theirs and the rest say where to read it
    (``citations.jsonl``): a page of 100,000 articles would otherwise carry
    half a million sentences, more than a browser or the build's memory
    should hold (docs/SCALE.md).
    """

    max_nodes: int = 1500
    evidence_budget: int = 100_000
    title: str = "citegraph explorer"
    layout_threshold: int = 300
    hub_count: int = 250
    seed: int = 7
    label_chars: int = 40
    stabilization_iterations: int = 400
    documents_nodes: int = 600
    story_step: int = 150
    overview_above: int = 400
    command: str = ""


def rebuild_command(inputs: Sequence[Path], outlets_file: Path | None = None,
                    include: Sequence[str] = (), exclude: Sequence[str] = ()) -> str:
    """The ``citegraph build`` command of a collection's inputs, quoted for a POSIX shell.

    ``--out`` is left out: the page adds the folder it was opened from, so
    that the same graph gives the same bytes whatever folder it is built in.

    >>> rebuild_command([Path("data"), Path("my notes")], include=["*.txt"])
    "citegraph build data 'my notes' --include '*.txt'"
    """
    words = ["citegraph", "build", *map(str, inputs)]
    if outlets_file is not None:
        words += ["--outlets", str(outlets_file)]
    for flag, patterns in (("--include", include), ("--exclude", exclude)):
        for pattern in patterns:
            words += [flag, pattern]
    return " ".join(shlex.quote(w) for w in words)


def write_explorer(G: nx.DiGraph, path: Path, options: ExplorerOptions | None = None,
                   metrics: Mapping[str, Any] | None = None, gazetteer: Gazetteer | None = None,
                   extras: Mapping[str, Any] | None = None) -> Path:
    """Write the explorer page for ``G`` to ``path`` atomically and return the path.

    ``metrics``: ``compute_metrics(G)`` as the build wrote it to
    ``metrics.json`` (computed here when not given): every count the page
    shows follows it. ``gazetteer``: the outlets' aliases and abbreviations
    for search (the built-in one when not given). ``extras``: optional
    ``coverage`` and ``stamp`` (shown under "About this collection") and
    ``stories`` (article id -> story card fields), shown when present.
    """
    path = Path(path)
    atomic_write_pieces(path, explorer_pieces(G, options or ExplorerOptions(), metrics, gazetteer, extras))
    log.info("wrote explorer %s", path)
    return path


def prepare_explorer() -> None:
    """Import pyvis (about 0.3 s, most of it IPython, which ``pyvis.network`` imports) before the
    explorer is asked for: a build does it in the process that will write the explorer while the
    metrics it shows are computed (``pipeline.alongside``)."""
    pyvis.network.Network  # noqa: B018  (reading the attribute is what loads the module)


def render_explorer(G: nx.DiGraph, options: ExplorerOptions, metrics: Mapping[str, Any] | None = None,
                    gazetteer: Gazetteer | None = None, extras: Mapping[str, Any] | None = None) -> str:
    """The explorer page as a string: same graph and options, same bytes."""
    return "".join(explorer_pieces(G, options, metrics, gazetteer, extras))


def explorer_pieces(G: nx.DiGraph, options: ExplorerOptions, metrics: Mapping[str, Any] | None = None,
                    gazetteer: Gazetteer | None = None, extras: Mapping[str, Any] | None = None) -> Iterator[str]:
    """The explorer page in pieces, as ``write_explorer`` writes them: the page of a large collection is
    never one string in memory (its JSON is encoded and escaped a piece at a time)."""
    if not isinstance(G, nx.DiGraph):
        raise BuildError(f"the explorer needs a networkx DiGraph from graph.build_graph, not {type(G).__name__}")
    if options.max_nodes < 1:
        raise BuildError(f"max_nodes must be at least 1, not {options.max_nodes}: pass --max-nodes 1 or more")
    metrics = compute_metrics(G) if metrics is None else metrics
    gazetteer = Gazetteer.load() if gazetteer is None else gazetteer
    payload, evidence = build_payload(G, metrics, gazetteer, options, extras or {})
    return page_pieces(payload, evidence, options)


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
    """Spring layout of the hubs, linked directly or through articles citing both (remembered from the
    last build when the hubs and their links are the same: ``graph.memo``)."""
    links = _hub_links(adjacency, hubs)
    return remember("explorer.hubs", [hubs, links, size, seed, _layout_code()],
                    lambda: _hub_layout(hubs, links, size, seed), positions_data, positions_of)


def _layout_code() -> str:
    """What a remembered layout also depends on: the libraries that compute it."""
    return f"networkx {nx.__version__}, numpy {np.__version__}"


def _hub_layout(hubs: list[str], links: list[tuple[int, int]], size: int, seed: int) -> dict:
    scale = 60.0 * math.sqrt(size)
    core = nx.Graph()
    core.add_nodes_from(hubs)
    core.add_edges_from((hubs[i], hubs[j]) for i, j in links)
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
    return json.loads(_static("kinds.json"))["kinds"]


@lru_cache(maxsize=1)
def relation_styles() -> dict[str, dict[str, Any]]:
    """Colour, dash pattern and legend label per edge relation, from ``static/kinds.json``."""
    return json.loads(_static("kinds.json"))["relations"]


@lru_cache(maxsize=1)
def community_palette() -> list[str]:
    """Colours of the largest communities (the rest share ``other``), from ``static/kinds.json``."""
    return list(json.loads(_static("kinds.json"))["communities"])


def _style(kind: str) -> dict[str, Any]:
    styles = kind_styles()
    return styles.get(kind, styles["other"])


def _kind(node: str, attrs: dict) -> str:
    return str(attrs.get("kind") or node.split(":", 1)[0])


def build_payload(G: nx.DiGraph, metrics: Mapping[str, Any], gazetteer: Gazetteer | None,
                  options: ExplorerOptions, extras: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """The JSON the page reads (``meta``, the index of every node and edge, the drawn views) and the
    evidence of each edge (a list aligned with the index's edges, parsed by the page only when shown)."""
    counts = node_counts(G, metrics)
    communities = outlet_communities(metrics)
    flags = _article_flags(metrics)
    nodes = [_index_node(n, G.nodes[n], counts, communities, gazetteer, flags) for n in sorted(G)]
    position = {record["id"]: i for i, record in enumerate(nodes)}
    relations = sorted(relation_styles(), key=lambda r: relation_styles()[r]["order"])
    edges, evidence = _index_edges(G, position, relations)
    evidence_kept = _within_budget(edges, evidence, nodes, options.evidence_budget)
    scores = importance(G)
    views = {
        "overview": overview_view(G, counts, communities, options),
        "documents": documents_view(G, metrics, scores, counts, options),
        "full": full_view(G, scores, counts, options),
    }
    payload = {
        "meta": {**_meta(G, metrics, views, options, extras), "evidence": evidence_kept},
        "kinds": _legend(metrics),
        "relations": [{"relation": r, **relation_styles()[r]} for r in relations],
        "communities": _community_legend(G, metrics),
        "nodes": nodes,
        "edges": edges,
        "views": views,
    }
    stories = extras.get("stories")
    if stories:
        payload["stories"] = {str(k): _jsonable(v) for k, v in sorted(stories.items())}
    return payload, evidence


def node_counts(G: nx.DiGraph, metrics: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Node -> the counts the page shows, by ``metrics.most_cited``'s rules.

    ``cited``: the articles citing the node, its own outlet's articles left
    out (``in_degree`` of ``metrics.json`` for outlets, documents, people and
    organisations; the same rule for anonymous sources); ``own``: the
    citations left out; ``publishers`` and ``mentions`` as in
    ``metrics.json``; ``sources``: what an article cites; ``published``: an
    outlet's articles.
    """
    ranked = metrics.get("most_cited", {})
    cites: dict[str, int] = dict.fromkeys(G, 0)  # the node's "cites" edges out, in, and "published" out
    cited, published = dict(cites), dict(cites)
    for u, nbrs in G.adjacency():  # one pass over the edges (the graph's own dicts, not a view per node)
        for v, data in nbrs.items():
            relation = data.get("relation")
            if relation == "cites":
                cites[u] += 1
                cited[v] += 1
            elif relation == "published":
                published[u] += 1
    counts: dict[str, dict[str, int]] = {}
    for node, kind in sorted(G.nodes(data="kind")):
        row: dict[str, int] = {}
        if kind == "article":
            row["sources"] = cites[node]
        else:
            citing = cited[node]
            figures = ranked.get(kind, {}).get(node) if kind in ranked else None
            if figures is not None:
                row.update(cited=figures["in_degree"], publishers=figures["publishers"], mentions=figures["mentions"])
            elif kind in ranked:
                row["cited"] = 0
            else:
                row["cited"] = citing
            if citing > row["cited"]:
                row["own"] = citing - row["cited"]
            if published[node]:
                row["published"] = published[node]
        counts[node] = row
    return counts


def outlet_communities(metrics: Mapping[str, Any]) -> dict[str, int]:
    """Outlet -> its group (0 = the largest) among ``metrics.json``'s outlet communities."""
    groups = metrics.get("communities", {}).get("outlets", [])
    return {node: i for i, group in enumerate(groups) for node in group}


def _article_flags(metrics: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Article id -> ``single`` (its one external source) or ``unsourced``, from ``metrics.json``."""
    flags: dict[str, dict[str, Any]] = {aid: {"unsourced": True} for aid in metrics.get("unsourced", ())}
    flags.update((aid, {"single": source}) for aid, source in metrics.get("single_source", {}).items())
    return flags


def _index_node(node: str, attrs: dict, counts: dict, communities: dict[str, int],
                gazetteer: Gazetteer | None, flags: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One node of the page's index: ``id``, ``k`` kind, ``n`` name, ``c`` counts, ``a`` attributes,
    ``g`` community, ``s`` other names search knows it by, ``f`` article flags."""
    kind = _kind(node, attrs)
    record: dict[str, Any] = {"id": node, "k": kind, "n": _text(attrs.get("label")) or node.split(":", 1)[-1],
                              "c": counts[node]}
    details = _attrs(attrs)
    if details:
        record["a"] = details
    if node in communities:
        record["g"] = communities[node]
    if kind == "outlet":
        names = _aliases(record["n"], gazetteer, attrs.get("domains"))
        if names:
            record["s"] = names
    elif kind == "article" and node.split(":", 1)[1] in flags:
        record["f"] = flags[node.split(":", 1)[1]]
    return record


def _aliases(name: str, gazetteer: Gazetteer | None, domains: Any) -> list[str]:
    """Other names of an outlet: the gazetteer's aliases, abbreviations and domains."""
    found: list[str] = []
    outlet = gazetteer.lookup(name) if gazetteer is not None else None
    if outlet is not None:
        found += [*outlet.aliases, *outlet.abbreviations, *outlet.domains]
        if outlet.name != name:
            found.append(outlet.name)
    found += [d for d in _list(domains) if isinstance(d, str)]
    return sorted({_text(x) for x in found if _text(x) and _text(x) != name})


def _attrs(attrs: dict) -> dict[str, Any]:
    """Node attributes as JSON-safe values; an http(s) URL also gets ``href``."""
    out: dict[str, Any] = {}
    for key in sorted(attrs):
        value = attrs[key]
        if key in ("kind", "label") or value is None or value == "" or value == [] or value is False:
            continue
        out[key] = value if type(value) is str else _jsonable(value)
    url = out.get("url")
    if isinstance(url, str) and safe_href(url):
        out["href"] = url.strip()
    return out


def _index_edges(G: nx.DiGraph, position: dict[str, int], relations: list[str]) -> tuple[list[list[int]], list[Any]]:
    """Every edge as ``[from, to, relation, count]`` (node and relation positions), in id order, and
    beside it the edge's data when it has evidence or cues, else None (``_within_budget`` makes that
    the page's evidence)."""
    rel_of = {r: i for i, r in enumerate(relations)}
    edges: list[list[int]] = []
    evidence: list[Any] = []
    for u, succ in sorted(G.adjacency()):
        for v in sorted(succ):
            data = succ[v]
            relation = str(data.get("relation", ""))
            if relation not in rel_of:
                rel_of[relation] = len(relations)
                relations.append(relation)
            edges.append([position[u], position[v], rel_of[relation], int(data.get("count", 1) or 1)])
            evidence.append(data if data.get("evidence") or data.get("cues") else None)
    return edges, evidence


def _evidence_of(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """An edge's evidence as the page reads it: ``{"q": cues, "e": [{"t", "f", "u", "h", "a"}]}``."""
    if data is None:
        return None
    found, said = data.get("evidence"), data.get("cues")
    items = [_evidence_item(e) for e in _list(found)] if found else []
    cues = [_text(c) for c in _list(said)] if said else []
    return {"q": cues, "e": items} if items or cues else None


_CUT = {"cut": 1}  # an edge whose evidence the page does not carry (one object for all)


def _within_budget(edges: list[list[int]], evidence: list[Any], nodes: list[dict[str, Any]],
                   budget: int) -> dict[str, int]:
    """Turn ``evidence`` (each edge's data, in place) into what the page carries, at most ``budget``
    sentences: the edges to the most-cited sources keep theirs, the others become ``{"cut": 1}``.
    Returns the sentences kept and the sentences there are."""
    sizes = [len(_list(d.get("evidence"))) if d else 0 for d in evidence]
    total = sum(sizes)
    if total <= budget:
        evidence[:] = map(_evidence_of, evidence)
        return {"kept": total, "total": total}
    cited = [n.get("c", {}).get("cited", 0) for n in nodes]
    order = sorted(range(len(edges)), key=lambda i: (-cited[edges[i][1]], i))
    kept, full = 0, False
    for i in order:
        if not sizes[i]:
            continue
        full = full or kept + sizes[i] > budget
        if full:
            evidence[i] = _CUT
        else:
            kept += sizes[i]
    evidence[:] = [e if e is _CUT else _evidence_of(e) for e in evidence]
    return {"kept": kept, "total": total}


def _evidence_item(item: Any) -> dict[str, str]:
    """One evidence sentence: ``t`` text, ``f`` field, and for a link citation ``u`` its URL
    (``h`` the same when it is a safe http(s) link) and ``a`` its anchor text."""
    if not isinstance(item, dict):
        return {"t": _text(item)}
    text = item.get("text")
    out = {"t": text if type(text) is str else _text(text)}  # the page's white-space rules fold its runs
    field = item.get("field")
    if field and field != "body":  # the body is the rule; a title or source line is named
        out["f"] = _text(field)
    url = _text(item["url"]) if item.get("url") else ""
    if url:
        out["u"] = url
        if safe_href(url):
            out["h"] = url
    if item.get("anchor"):
        out["a"] = _text(item["anchor"])
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


def _list(value: Any) -> list:
    """A list attribute, also when an exporter already turned it into a JSON string."""
    if type(value) is list:  # the common case, read as it is (callers never change it)
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, (list, tuple)) else []


# -------------------------------------------------------------------- views


def _network(directed: bool = True) -> Any:
    return pyvis.network.Network(directed=directed)


def _view(net: Any, precomputed: bool, options: ExplorerOptions, **extra: Any) -> dict[str, Any]:
    """A view: the pyvis ``Network``'s nodes, edges and vis-network options, and what the page says of it."""
    net.force_atlas_2based(**FORCE_ATLAS_2BASED)
    net.toggle_physics(not precomputed)
    net.set_edge_smooth("continuous")
    return {"nodes": net.nodes, "edges": net.edges,
            "options": _vis_options(json.loads(net.options.to_json()), precomputed, options), **extra}


def _vis_node(node: str, attrs: dict, size: float, position, options: ExplorerOptions, **extra: Any) -> dict[str, Any]:
    """The options of the node's ``Network.add_node`` (pyvis adds its ``id``)."""
    style = _style(_kind(node, attrs))
    full = _text(attrs.get("label")) or node.split(":", 1)[-1]
    data = {"label": _shorten(full, options.label_chars), "shape": style["shape"], "color": style["color"],
            "size": round(size, 2), **extra}
    if position is not None:
        data["x"], data["y"] = position
    return data


def _node_size(kind: str, cited: int) -> float:
    return 9.0 if kind == "article" else min(60.0, 12 + 5 * math.sqrt(cited))


def _vis_edge(index: str, relation: str, count_: int, **extra: Any) -> dict[str, Any]:
    """The options of the edge's ``Network.add_edge`` (pyvis adds ``from``, ``to`` and ``arrows``)."""
    style = relation_styles().get(relation, relation_styles()["cites"])
    data = {"id": index, "relation": relation, "count": count_,
            "width": round(min(8.0, 1 + 1.5 * math.log2(max(1, count_))), 2),
            "dashes": style["dashes"], "color": {"color": style["color"], "highlight": "#1f2430"}}
    data.update(extra)
    return data


def _part_view(part: nx.DiGraph, scores: dict[str, int], counts: dict[str, dict[str, int]],
               options: ExplorerOptions, **extra: Any) -> dict[str, Any]:
    """A view of the subgraph ``part``: every node and edge through pyvis, laid out here when large.
    Sizes follow the whole graph's counts (``counts``), not what is drawn."""
    precomputed = part.number_of_nodes() > options.layout_threshold
    positions = compute_layout(part, scores, options) if precomputed else {}
    net = _network()
    for n, attrs in part.nodes(data=True):
        size = _node_size(_kind(n, attrs), counts[n].get("cited", 0))
        net.add_node(n, **_vis_node(n, attrs, size, positions.get(n), options))
    for i, (u, v, data) in enumerate(part.edges(data=True)):
        net.add_edge(u, v, **_vis_edge(f"e{i}", str(data.get("relation", "")), int(data.get("count", 1) or 1)))
    return _view(net, precomputed, options, **extra)


def full_view(G: nx.DiGraph, scores: dict[str, int], counts: dict[str, dict[str, int]],
              options: ExplorerOptions) -> dict[str, Any]:
    """The graph itself, its ``max_nodes`` most important nodes when larger."""
    part = shown_part(G, select_nodes(G, scores, options.max_nodes))
    return _part_view(part, scores, counts, options, total=G.number_of_nodes())


def documents_view(G: nx.DiGraph, metrics: Mapping[str, Any], scores: dict[str, int],
                   counts: dict[str, dict[str, int]], options: ExplorerOptions) -> dict[str, Any]:
    """The most-cited documents with the outlets they came via, their issuers and the articles citing them,
    up to ``documents_nodes`` nodes."""
    ranked = metrics.get("most_cited", {}).get("document", {})
    documents = sorted(ranked, key=lambda d: (-ranked[d]["in_degree"], d))
    chosen: set[str] = set()
    taken = 0
    for doc in documents:
        if doc not in G:
            continue
        behind = {doc, *G.succ[doc], *(u for u, d in G.pred[doc].items() if d.get("relation") == "cites")}
        if chosen and len(chosen | behind) > options.documents_nodes:
            break
        chosen |= behind
        taken += 1
    part = shown_part(G, sorted(chosen))
    return _part_view(part, scores, counts, options, documents=taken, total=len(documents))


def overview_view(G: nx.DiGraph, counts: dict[str, dict[str, int]], communities: dict[str, int],
                  options: ExplorerOptions) -> dict[str, Any]:
    """Outlets, who cites whom across the collection: an arrow A -> B counts the articles A published
    that cite B; a dotted line joins outlets cited together by the same articles (each outlet's three
    strongest). Sized by citing articles, coloured by community, laid out here (seeded). Outlets
    linked to no other outlet are not drawn (``total`` counts every outlet; search finds them)."""
    outlets = sorted(n for n, k in G.nodes(data="kind") if k == "outlet")
    cites, cocited = _outlet_links(G, outlets)
    inputs = [sorted(cites.items()), sorted(cocited.items()), options.seed, _layout_code()]
    layout = remember("explorer.overview", inputs, lambda: _overview_layout(cites, cocited, options.seed),
                      positions_data, positions_of)
    palette = community_palette()
    net = _network()
    for n in sorted(layout):
        cited = counts[n].get("cited", 0)
        group = communities.get(n)
        color = palette[group] if group is not None and group < len(palette) - 1 else (
            palette[-1] if group is not None else kind_styles()["outlet"]["muted"])
        size = min(70.0, 8 + 4.5 * math.sqrt(cited + counts[n].get("published", 0)))
        net.add_node(n, **_vis_node(n, G.nodes[n], size, layout[n], options, color=color,
                                    font={"size": round(14 + min(14.0, 1.6 * math.sqrt(cited)), 1)}))
    for i, ((u, v), weight) in enumerate(sorted(cites.items())):
        net.add_edge(u, v, **_vis_edge(f"o{i}", "cites_outlet", weight))
    for i, ((u, v), weight) in enumerate(sorted(cocited.items())):
        net.add_edge(u, v, **_vis_edge(f"c{i}", "cocited", weight, arrows={"to": {"enabled": False}}))
    return _view(net, True, options, total=len(outlets))


def _outlet_links(G: nx.DiGraph, outlets: list[str]) -> tuple[dict, dict]:
    """(publisher, cited outlet) -> articles, as ``projections.outlet_projection`` counts them, and
    (outlet, outlet) -> articles citing both, each outlet's three strongest pairs."""
    kinds = dict(G.nodes(data="kind"))
    cites: dict[tuple[str, str], int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for article in sorted(n for n, k in kinds.items() if k == "article"):
        own = next((u for u, d in G.pred[article].items() if d.get("relation") == "published"), None)
        cited = sorted(v for v, d in G.succ[article].items() if d.get("relation") == "cites")
        relied = {v for v in cited if kinds[v] == "outlet"}
        for doc in (v for v in cited if kinds[v] == "document"):
            relied.update(w for w, d in G.succ[doc].items() if d.get("relation") == "via")
        if own is not None:
            for outlet in relied - {own}:
                cites[(own, outlet)] = cites.get((own, outlet), 0) + 1
        for pair in combinations([v for v in cited if kinds[v] == "outlet"], 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    strongest: dict[str, list[tuple[int, str, tuple[str, str]]]] = {}
    for (u, v), w in pairs.items():
        strongest.setdefault(u, []).append((-w, v, (u, v)))
        strongest.setdefault(v, []).append((-w, u, (u, v)))
    linked = {frozenset(p) for p in cites}
    kept = {pair for ranked in strongest.values() for _, _, pair in sorted(ranked)[:3]}
    cocited = {p: pairs[p] for p in sorted(kept) if frozenset(p) not in linked}
    return cites, cocited


def _overview_layout(cites: dict, cocited: dict, seed: int) -> dict[str, tuple[int, int]]:
    """A seeded spring layout of the linked outlets: the largest connected part in the middle, the
    smaller parts (each laid out alike) in rows beneath it."""
    H = nx.Graph()
    for (u, v), w in [*sorted(cites.items()), *sorted(cocited.items())]:
        weight = 1 + math.log2(w)
        if H.has_edge(u, v):
            H[u][v]["w"] += weight
        else:
            H.add_edge(u, v, w=weight)
    parts = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c))
    positions: dict[str, tuple[float, float]] = {}
    left = top = bottom = right = 0.0
    row_x, row_y, row_h = 0.0, 0.0, 0.0
    for k, part in enumerate(parts):
        core = nx.Graph()
        core.add_nodes_from(part)
        core.add_edges_from((u, v, H[u][v]) for u, v in sorted(H.edges(part)))
        scale = 70.0 * math.sqrt(len(part))
        if len(part) <= 3:  # a pair or a triangle: set on a circle (a spring layout costs as much as a large one)
            layout = {n: (scale * math.cos(2 * math.pi * i / len(part) + math.pi / 2),
                          scale * math.sin(2 * math.pi * i / len(part) + math.pi / 2)) for i, n in enumerate(part)}
        else:
            layout = nx.spring_layout(core, k=2.5 / math.sqrt(len(part)), seed=seed, scale=scale, iterations=150,
                                      weight="w")
        if k == 0:
            positions.update((n, (float(x), float(y))) for n, (x, y) in layout.items())
            xs = [x for x, _ in positions.values()]
            ys = [y for _, y in positions.values()]
            left, top, bottom = min(xs), min(ys), max(ys)
            row_x, row_y, right = left, bottom + 160.0, max(xs)
            continue
        width = 2 * scale + 120.0
        if row_x + width > right and row_x > left:
            row_x, row_y, row_h = left, row_y + row_h + 60.0, 0.0
        positions.update((n, (row_x + scale + 60.0 + float(x), row_y + scale + float(y))) for n, (x, y) in layout.items())
        row_x += width
        row_h = max(row_h, 2 * scale)
    return {n: (round(x), round(y)) for n, (x, y) in positions.items()}


# --------------------------------------------------------------------- meta


def _meta(G: nx.DiGraph, metrics: Mapping[str, Any], views: dict[str, Any], options: ExplorerOptions,
          extras: Mapping[str, Any]) -> dict[str, Any]:
    summary = metrics.get("summary", {})
    over_time = metrics.get("over_time", {})
    months = [[m, row["articles"]] for m, row in over_time.items() if m != "undated"]
    articles = summary.get("nodes", {}).get("article", 0)
    full = views["full"]
    meta: dict[str, Any] = {
        "title": options.title,
        "total_nodes": G.number_of_nodes(),
        "total_edges": G.number_of_edges(),
        "articles": articles,
        "undated": over_time.get("undated", {}).get("articles", 0),
        "months": months,
        "full_shown": len(full["nodes"]),
        "max_nodes": options.max_nodes,
        "command": _text(options.command),
        "default_view": "overview" if G.number_of_nodes() > options.overview_above else "full",
        "story_step": options.story_step,
        "coverage": _jsonable(extras.get("coverage") or _coverage(G)),
    }
    if extras.get("stamp"):
        meta["stamp"] = _jsonable(extras["stamp"])
    return meta


def _coverage(G: nx.DiGraph) -> dict[str, int]:
    """How many articles have a known publisher and a date (issue 14's ``coverage`` replaces it when given)."""
    attrs = [d for _, d in G.nodes(data=True) if d.get("kind") == "article"]
    return {"articles": len(attrs), "with_publisher": sum(1 for d in attrs if d.get("publisher")),
            "with_date": sum(1 for d in attrs if d.get("published"))}


def _legend(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Node kinds with their counts in the whole graph (``metrics.json``'s summary)."""
    counts = metrics.get("summary", {}).get("nodes", {})
    rows = [{"kind": k, "count": c, **_style(k)} for k, c in counts.items()]
    return sorted(rows, key=lambda r: (r["order"], r["kind"]))


def _community_legend(G: nx.DiGraph, metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each outlet community: its size, its colour and its best-known member (most cited first)."""
    groups = metrics.get("communities", {}).get("outlets", [])
    ranked = metrics.get("most_cited", {}).get("outlet", {})
    palette = community_palette()
    rows = []
    for i, group in enumerate(groups):
        lead = min(group, key=lambda n: (-ranked.get(n, {}).get("in_degree", 0), n))
        rows.append({"group": i, "size": len(group), "color": palette[min(i, len(palette) - 1)],
                     "lead": _text(G.nodes[lead].get("label")) if lead in G else lead})
    return rows


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
    return "".join(embed_json_pieces(data))


_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def embed_json_pieces(data: Any) -> Iterator[str]:
    """``embed_json(data)`` in pieces (``fsutil.compact_json_pieces``, each escaped)."""
    for piece in compact_json_pieces(data, sort_keys=True):
        yield _JSON_UNSAFE.sub(_escape_unsafe, piece)


def _escape_unsafe(match: re.Match[str]) -> str:
    return _JSON_ESCAPES[match.group()]


def _check_inline(name: str, text: str, closing: str) -> str:
    if closing in text.lower() or "<!--" in text:
        raise BuildError(f"{name} contains {closing!r} or '<!--' and cannot be inlined; reinstall pyvis/citegraph")
    return text


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(payload: dict[str, Any], evidence: list[Any], options: ExplorerOptions) -> str:
    """Fill the page template; each slot is filled once, inserted text is never rescanned."""
    return "".join(page_pieces(payload, evidence, options))


def page_pieces(payload: dict[str, Any], evidence: list[Any], options: ExplorerOptions) -> Iterator[str]:
    """The page template filled, in pieces: the text between slots, then each slot's text."""
    template, fixed = _page_parts()
    slots = {**fixed, "TITLE": [html.escape(options.title)]}
    slots = {name: [text] if isinstance(text, str) else text for name, text in slots.items()}
    at = 0
    for match in _SLOT.finditer(template):
        yield template[at : match.start()]
        name = match.group(1)
        if name == "DATA":
            yield from embed_json_pieces(payload)
        elif name == "EVIDENCE":
            yield from embed_json_pieces(evidence)
        else:
            yield from slots[name]
        at = match.end()
    yield template[at:]


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
