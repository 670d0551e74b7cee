"""What the citation graph says, as plain, JSON-ready dicts.

Every function follows networkx conventions: the graph from
``graph.build_graph`` comes first, it is never mutated, the result is a plain
dict keyed by node id, and a graph of the wrong kind is rejected with a
``BuildError`` saying how to build the right one. Randomised algorithms
(Louvain communities, sampled betweenness) use a fixed seed, so the same graph
always gives the same numbers. ``compute_metrics`` gathers them all.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .graph import cited_sources, nodes_of_kind, publisher_of
from .projections import article_outlets, co_citation, outlet_projection, require_citation_graph

log = logging.getLogger(__name__)

RANKED_KINDS = ("outlet", "document", "person", "organization")


@dataclass(frozen=True)
class MetricsOptions:
    """Knobs of ``compute_metrics``; the defaults keep runs reproducible."""

    seed: int = 42
    sample_above: int = 2000  # nodes in the outlet projection before betweenness is sampled
    sample_k: int = 500
    digits: int = 6  # floats are rounded so that metrics.json is byte-stable


def _aid(node: str) -> str:
    return node.split(":", 1)[1]


def _citing_articles(G: nx.DiGraph, node: str) -> list[str]:
    return sorted(u for u, _, r in G.in_edges(node, data="relation") if r == "cites")


def most_cited(G: nx.DiGraph, kind: str = "outlet") -> dict[str, dict[str, int]]:
    """Sources of one kind -> ``in_degree`` (citing articles), ``publishers``, ``mentions``.

    ``publishers`` counts the distinct outlets that published the citing
    articles; ``mentions`` sums the evidence sentences. An outlet's citations
    by its own articles are left out (``self_citation`` lists them): a corpus
    of one site's pages would otherwise rank the site itself first.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> arts = [Article("a", "T", "", publisher="X"), Article("b", "T", "", publisher="Y")]
    >>> G = build_graph(arts, [Citation(x, CitationKind.OUTLET, "CNN", "said", ()) for x in "ab"])
    >>> most_cited(G)["outlet:CNN"]
    {'in_degree': 2, 'publishers': 2, 'mentions': 2}
    """
    require_citation_graph(G)
    result: dict[str, dict[str, int]] = {}
    for node in nodes_of_kind(G, kind):
        by_publisher = {a: publisher_of(G, a) for a in _citing_articles(G, node)}
        citing = [a for a, publisher in by_publisher.items() if publisher != node]
        if not citing:
            continue
        publishers = {by_publisher[a] for a in citing} - {None}
        mentions = sum(G.edges[a, node].get("count", 1) for a in citing)
        result[node] = {"in_degree": len(citing), "publishers": len(publishers), "mentions": mentions}
    return result


def outlet_pagerank(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, float]:
    """PageRank of each outlet on the outlet projection (edges weighted by articles).

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "CNN", "", ())])
    >>> pr = outlet_pagerank(G); pr["outlet:CNN"] > pr["outlet:X"]
    True
    """
    return _pagerank(outlet_projection(G), options)


def _pagerank(P: nx.DiGraph, options: MetricsOptions) -> dict[str, float]:
    if P.number_of_nodes() == 0:
        return {}
    ranks = nx.pagerank(P, weight="weight")
    return {n: round(ranks[n], options.digits) for n in sorted(ranks)}


def outlet_betweenness(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, float]:
    """Betweenness centrality of each outlet on the outlet projection.

    Exact up to ``options.sample_above`` outlets; above, estimated from
    ``options.sample_k`` sources drawn with ``options.seed``.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> arts = [Article("a", "T", "", publisher="X"), Article("b", "T", "", publisher="CNN")]
    >>> cits = [Citation("a", CitationKind.OUTLET, "CNN", "", ()), Citation("b", CitationKind.OUTLET, "AP", "", ())]
    >>> outlet_betweenness(build_graph(arts, cits))["outlet:CNN"]
    0.5
    """
    return _betweenness(outlet_projection(G), options)


def _betweenness(P: nx.DiGraph, options: MetricsOptions) -> dict[str, float]:
    n = P.number_of_nodes()
    if n == 0:
        return {}
    k = options.sample_k if n > options.sample_above else None
    values = nx.betweenness_centrality(P, k=k, seed=options.seed if k else None)
    return {node: round(values[node], options.digits) for node in sorted(values)}


def _sorted_communities(parts: list[set[str]]) -> list[list[str]]:
    groups = [sorted(p) for p in parts if len(p) > 1]
    return sorted(groups, key=lambda g: (-len(g), g))


def communities(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, list[list[str]]]:
    """Louvain communities (seeded) of outlets and of co-cited sources.

    ``outlets``: on the undirected outlet projection; ``sources``: on the
    co-citation graph of the sources cited by at least two articles (a source
    cited once would only form a group with the rest of its one article).
    Singletons are left out; groups are sorted, largest first.
    """
    return _communities(G, outlet_projection(G), options)


def _communities(G: nx.DiGraph, P: nx.DiGraph, options: MetricsOptions) -> dict[str, list[list[str]]]:
    C = co_citation(G)
    shared = {n for n in C if sum(1 for _, _, r in G.in_edges(n, data="relation") if r == "cites") > 1}
    result = {}
    for name, graph in (("outlets", P.to_undirected()), ("sources", _ordered_subgraph(C, shared))):
        if graph.number_of_edges() == 0:
            result[name] = []
            continue
        parts = nx.community.louvain_communities(graph, weight="weight", seed=options.seed)
        result[name] = _sorted_communities(parts)
    return result


def _ordered_subgraph(C: nx.Graph, keep: set[str]) -> nx.Graph:
    """The subgraph of ``C`` on ``keep``, in ``C``'s node and edge order.

    ``C.subgraph(keep)`` would iterate ``keep`` (a set, whose order changes
    with the process's hash seed) when it is small, and Louvain's result
    depends on iteration order: this copy keeps runs byte-identical.
    """
    S = nx.Graph()
    S.add_nodes_from(n for n in C if n in keep)
    S.add_edges_from((u, v, d) for u, v, d in C.edges(data=True) if u in keep and v in keep)
    return S


def _via_outlets(G: nx.DiGraph, document: str) -> list[str]:
    return sorted(v for _, v, r in G.out_edges(document, data="relation") if r == "via")


def citation_chains(G: nx.DiGraph) -> dict[str, list[dict[str, Any]]]:
    """Two-step chains behind articles, grouped by their middle and end nodes.

    * ``article_outlet_document``: the article cites outlet O, and either
      articles that O published cite document D, or the article itself cites
      D as obtained, reviewed or first reported by O (a ``via`` edge D -> O).
    * ``article_outlet_outlet``: the article cites outlet O1, and articles that
      O1 published cite outlet O2 (O1's story comes from O2).
    * ``article_document_outlet``: the article cites document D that came via O.

    Each entry: ``{"through", "to", "articles", "count"}``; an article's own
    publisher is never the middle of a chain (that is self-citation).
    """
    require_citation_graph(G)
    relies_on, own_documents = _outlet_sources(G)
    found: dict[str, dict[tuple[str, str], set[str]]] = {
        "article_outlet_document": defaultdict(set),
        "article_outlet_outlet": defaultdict(set),
        "article_document_outlet": defaultdict(set),
    }
    for article in nodes_of_kind(G, "article"):
        own = publisher_of(G, article)
        cited = cited_sources(G, article)
        here = {(o, d) for d in cited if G.nodes[d]["kind"] == "document" for o in _via_outlets(G, d)}
        for node in cited:
            kind = G.nodes[node]["kind"]
            if kind == "outlet" and node != own:
                docs = own_documents.get(node, set()) | {d for o, d in here if o == node}
                for doc in docs:
                    found["article_outlet_document"][(node, doc)].add(_aid(article))
                for further in relies_on.get(node, ()):
                    found["article_outlet_outlet"][(node, further)].add(_aid(article))
            elif kind == "document":
                for outlet in _via_outlets(G, node):
                    found["article_document_outlet"][(node, outlet)].add(_aid(article))
    return {name: _chain_list(pairs) for name, pairs in found.items()}


def _outlet_sources(G: nx.DiGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Outlet -> the other outlets, and the documents, that its own articles cite."""
    outlets: dict[str, set[str]] = defaultdict(set)
    documents: dict[str, set[str]] = defaultdict(set)
    for article in nodes_of_kind(G, "article"):
        own = publisher_of(G, article)
        if own is not None:
            outlets[own] |= article_outlets(G, article) - {own}
            documents[own] |= {s for s in cited_sources(G, article) if G.nodes[s]["kind"] == "document"}
    return outlets, documents


def _chain_list(pairs: dict[tuple[str, str], set[str]]) -> list[dict[str, Any]]:
    rows = [
        {"through": a, "to": b, "articles": sorted(arts), "count": len(arts)} for (a, b), arts in pairs.items()
    ]
    return sorted(rows, key=lambda r: (-r["count"], r["through"], r["to"]))


def external_sources(G: nx.DiGraph, article: str) -> list[str]:
    """The distinct sources of an article node other than its own publisher.

    A document that came via an outlet the article also cites is the same
    source as that outlet and is not counted twice.
    """
    own = publisher_of(G, article)
    cited = [s for s in cited_sources(G, article) if s != own]
    cited_set = set(cited)
    return [s for s in cited if not (G.nodes[s]["kind"] == "document" and set(_via_outlets(G, s)) & cited_set)]


def single_source_articles(G: nx.DiGraph) -> dict[str, str]:
    """Articles resting on exactly one external source -> that source.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "CNN", "", ())])
    >>> single_source_articles(G)
    {'a': 'outlet:CNN'}
    """
    return _single_source(_external_by_article(G))


def unsourced_articles(G: nx.DiGraph) -> list[str]:
    """Article ids that cite no external source at all."""
    return _unsourced(_external_by_article(G))


def _external_by_article(G: nx.DiGraph) -> dict[str, list[str]]:
    """Article id -> its external sources, for every article (sorted by id)."""
    require_citation_graph(G)
    return {_aid(a): external_sources(G, a) for a in nodes_of_kind(G, "article")}


def _single_source(external: dict[str, list[str]]) -> dict[str, str]:
    return {article: sources[0] for article, sources in external.items() if len(sources) == 1}


def _unsourced(external: dict[str, list[str]]) -> list[str]:
    return [article for article, sources in external.items() if not sources]


def anonymous_share(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, dict[str, Any]]:
    """Publisher -> ``anonymous`` citations, all ``sources`` cited, and ``share`` = anonymous / sources.

    A citation is one (article, source) pair; publishers citing nothing are left out.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> cits = [Citation("a", CitationKind.ANONYMOUS, "officials", "said", ()),
    ...         Citation("a", CitationKind.OUTLET, "CNN", "told", ())]
    >>> anonymous_share(build_graph([Article("a", "T", "", publisher="X")], cits))["outlet:X"]["share"]
    0.5
    """
    require_citation_graph(G)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for article in nodes_of_kind(G, "article"):
        own = publisher_of(G, article)
        sources = cited_sources(G, article)
        if own is None or not sources:
            continue
        row = counts[own]
        row[0] += 1
        row[1] += len(sources)
        row[2] += sum(G.nodes[s]["kind"] == "anonymous" for s in sources)
    return {
        p: {"articles": a, "sources": s, "anonymous": n, "share": round(n / s, options.digits)}
        for p, (a, s, n) in sorted(counts.items())
    }


def self_citation(G: nx.DiGraph) -> dict[str, list[str]]:
    """Publisher -> the sorted ids of its articles that cite the publisher itself.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "X", "", ())])
    >>> self_citation(G)
    {'outlet:X': ['a']}
    """
    require_citation_graph(G)
    result: dict[str, list[str]] = defaultdict(list)
    for article in nodes_of_kind(G, "article"):
        own = publisher_of(G, article)
        if own is not None and G.has_edge(article, own) and G.edges[article, own]["relation"] == "cites":
            result[own].append(_aid(article))
    return dict(sorted(result.items()))


def citations_over_time(G: nx.DiGraph) -> dict[str, dict[str, int]]:
    """Month (``YYYY-MM``) -> ``articles`` published and ``citations`` they make.

    Articles without a date are counted under ``"undated"``.
    """
    require_citation_graph(G)
    result: dict[str, dict[str, int]] = {}
    for article in nodes_of_kind(G, "article"):
        published = G.nodes[article].get("published") or ""
        month = published[:7] if len(published) >= 7 and published[4] == "-" else "undated"
        row = result.setdefault(month, {"articles": 0, "citations": 0})
        row["articles"] += 1
        row["citations"] += len(cited_sources(G, article))
    return dict(sorted(result.items()))


def summary(G: nx.DiGraph) -> dict[str, Any]:
    """Node counts by kind and edge counts by relation."""
    require_citation_graph(G)
    kinds: dict[str, int] = defaultdict(int)
    relations: dict[str, int] = defaultdict(int)
    for _, kind in G.nodes(data="kind"):
        kinds[kind] += 1
    for _, _, relation in G.edges(data="relation"):
        relations[relation] += 1
    return {"nodes": dict(sorted(kinds.items())), "edges": dict(sorted(relations.items()))}


def compute_metrics(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, Any]:
    """Every metric above in one JSON-ready dict (written to ``out/metrics.json``)."""
    require_citation_graph(G)
    P = outlet_projection(G)
    external = _external_by_article(G)  # single-source and unsourced articles share it
    return {
        "summary": summary(G),
        "most_cited": {kind: most_cited(G, kind) for kind in RANKED_KINDS},
        "pagerank": _pagerank(P, options),
        "betweenness": _betweenness(P, options),
        "betweenness_sampled": P.number_of_nodes() > options.sample_above,
        "communities": _communities(G, P, options),
        "chains": citation_chains(G),
        "single_source": _single_source(external),
        "unsourced": _unsourced(external),
        "anonymous_share": anonymous_share(G, options),
        "self_citation": self_citation(G),
        "over_time": citations_over_time(G),
    }
