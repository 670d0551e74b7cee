"""Projections of the citation graph onto one kind of node.

Each function takes the graph from ``graph.build_graph``, never mutates it,
and returns a new graph (or a plain dict) whose edges carry ``weight`` and,
where it helps the report, the sorted ``articles`` behind the weight.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Iterable, Mapping

from .. import lazy
from ..errors import BuildError
from .model import cited_sources, nodes_of_kind, publisher_of

nx = lazy.load("networkx")


def require_citation_graph(G: nx.Graph) -> None:
    """Raise unless ``G`` is a directed citation graph from ``build_graph``."""
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise BuildError(
            f"expected the nx.DiGraph from citegraph.graph.build_graph, got {type(G).__name__}; "
            "build it with build_graph(articles, citations)"
        )
    if any("kind" not in data for _, data in G.nodes(data=True)):
        raise BuildError("graph nodes lack the 'kind' attribute: build the graph with citegraph.graph.build_graph")


def article_outlets(G: nx.DiGraph, article: str) -> set[str]:
    """Outlets an article relies on: cited directly, or as the ``via`` of a cited document."""
    found: set[str] = set()
    for node in cited_sources(G, article):
        kind = G.nodes[node]["kind"]
        if kind == "outlet":
            found.add(node)
        elif kind == "document":
            found.update(v for _, v, r in G.out_edges(node, data="relation") if r == "via")
    return found


def outlet_projection(G: nx.DiGraph) -> nx.DiGraph:
    """Outlet A -> outlet B, ``weight`` = how many of A's articles cite B.

    An article cites B when it names B or a document B obtained. Self-citations
    (A -> A) are left out; ``metrics.self_citation`` counts them. Every outlet
    is a node, also those without edges.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> arts = [Article("a", "T", "", publisher="X"), Article("b", "T", "", publisher="X")]
    >>> cits = [Citation(x, CitationKind.OUTLET, "CNN", "said", ()) for x in "ab"]
    >>> from citegraph.graph import build_graph
    >>> outlet_projection(build_graph(arts, cits)).edges(data="weight")
    OutEdgeDataView([('outlet:X', 'outlet:CNN', 2)])
    """
    require_citation_graph(G)
    articles = nodes_of_kind(G, "article")
    return outlet_projection_of(G, ((a, publisher_of(G, a), article_outlets(G, a)) for a in articles))


def outlet_projection_of(
    G: nx.DiGraph, relied_on: Iterable[tuple[str, str | None, set[str]]], outlets: list[str] | None = None
) -> nx.DiGraph:
    """The outlet projection of ``G`` from ``(article node, publisher node, outlets it relies on)`` triples.

    ``outlets``: ``G``'s outlet nodes, sorted, when the caller has them already.
    """
    P = nx.DiGraph()
    nodes = G.nodes
    outlets = nodes_of_kind(G, "outlet") if outlets is None else outlets
    P.add_nodes_from((n, {"label": nodes[n]["label"]}) for n in outlets)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article, publisher, outlets in relied_on:
        if publisher is None:
            continue
        for outlet in sorted(outlets - {publisher}):
            pairs[(publisher, outlet)].append(article.split(":", 1)[1])
    for (u, v), arts in sorted(pairs.items()):
        P.add_edge(u, v, weight=len(arts), articles=arts)
    return P


def co_citation(G: nx.DiGraph) -> nx.Graph:
    """Sources cited together in one article; ``weight`` = how many articles.

    Anonymous sources are left out: each belongs to one article only.
    """
    require_citation_graph(G)
    kinds = dict(G.nodes(data="kind"))
    return co_citation_of((cited_sources(G, a) for a in nodes_of_kind(G, "article")), kinds)


def co_citation_of(cited: Iterable[list[str]], kinds: Mapping[str, str]) -> nx.Graph:
    """The co-citation graph of articles' sorted source lists (``kinds``: node -> kind)."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for sources in cited:
        for pair in combinations([s for s in sources if kinds[s] != "anonymous"], 2):
            pairs[pair] += 1
    C = nx.Graph()
    C.add_nodes_from(sorted({n for pair in pairs for n in pair}))
    C.add_edges_from((u, v, {"weight": w}) for (u, v), w in sorted(pairs.items()))
    return C


def bibliographic_coupling(G: nx.DiGraph, min_shared: int = 1) -> nx.Graph:
    """Articles that share sources; ``weight`` = number of shared sources."""
    require_citation_graph(G)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for source in sorted(n for n, k in G.nodes(data="kind") if k in ("outlet", "document", "person", "organization")):
        citing = sorted(u for u, _, r in G.in_edges(source, data="relation") if r == "cites")
        for pair in combinations(citing, 2):
            shared[pair] += 1
    B = nx.Graph()
    B.add_edges_from((u, v, {"weight": w}) for (u, v), w in sorted(shared.items()) if w >= min_shared)
    return B


def document_articles(G: nx.DiGraph) -> dict[str, list[str]]:
    """Each document node -> the sorted article ids that cite it (one leak, many stories)."""
    require_citation_graph(G)
    return {
        doc: sorted(u.split(":", 1)[1] for u, _, r in G.in_edges(doc, data="relation") if r == "cites")
        for doc in nodes_of_kind(G, "document")
    }
